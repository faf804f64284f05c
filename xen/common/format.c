/*
 * A bounded printf-style formatter (see format.h for what it accepts).
 *
 * An unknown conversion is copied to the output as written, so a bad format
 * string shows up in the log instead of consuming arguments it does not own.
 */
#include <flaxen/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* what the full output would need, may exceed size */
};

struct spec {
    bool left; /* '-' */
    bool zero; /* '0' */
    bool alt;  /* '#': 0x before hex */
    unsigned width;
    unsigned size; /* 0 = int, 1 = long, 2 = long long, 3 = size_t */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, unsigned n)
{
    while (n--)
        put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
    unsigned n = 0;

    if (!s)
        s = "(null)";
    while (s[n])
        n++;
    if (!sp->left && sp->width > n)
        pad(o, ' ', sp->width - n);
    for (unsigned i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left && sp->width > n)
        pad(o, ' ', sp->width - n);
}

/* Digits of v in base 10 or 16, with sign/prefix and padding as *sp says. */
static void put_num(struct out *o, const struct spec *sp, uint64_t v, bool neg, unsigned base,
                    bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    /* As in C: '#' adds "0x" only to a non-zero value. */
    unsigned n = 0, prefix = neg ? 1 : (sp->alt && base == 16 && v ? 2 : 0);
    unsigned fill;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    fill = sp->width > n + prefix ? sp->width - n - prefix : 0;
    if (!sp->left && !sp->zero)
        pad(o, ' ', fill);
    if (neg)
        put(o, '-');
    else if (prefix == 2) {
        put(o, '0');
        put(o, upper ? 'X' : 'x');
    }
    if (!sp->left && sp->zero)
        pad(o, '0', fill);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', fill);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){0};
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        int w = va_arg(*ap, int);

        sp->left = sp->left || w < 0;
        sp->width = w < 0 ? (unsigned)-w : (unsigned)w;
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
    if (sp->width > 64)
        sp->width = 64;
    if (*f == 'z') {
        sp->size = 3;
        f++;
    } else if (*f == 'l') {
        sp->size = (f[1] == 'l') ? 2 : 1;
        f += sp->size;
    }
    return f;
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    case 3:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    case 3:
        return (int64_t)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

/* Handles one conversion character; false if it is not one we know. */
static bool convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = get_signed(sp, ap);

        put_num(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false);
        return true;
    }
    case 'u':
        put_num(o, sp, get_unsigned(sp, ap), false, 10, false);
        return true;
    case 'x':
    case 'X':
        put_num(o, sp, get_unsigned(sp, ap), false, 16, c == 'X');
        return true;
    case 'p':
        *sp = (struct spec){.zero = true, .alt = true, .width = 18};
        put_num(o, sp, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false);
        return true;
    case 's':
        put_str(o, sp, va_arg(*ap, const char *));
        return true;
    case 'c': {
        char s[2] = {(char)va_arg(*ap, int), 0};

        put_str(o, sp, s);
        return true;
    }
    case '%':
        put(o, '%');
        return true;
    default:
        return false;
    }
}

size_t format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        const char *start = fmt;
        struct spec sp;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &args);
        if (*fmt && convert(&o, &sp, *fmt, &args)) {
            fmt++;
            continue;
        }
        while (start < fmt)
            put(&o, *start++);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

size_t format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
