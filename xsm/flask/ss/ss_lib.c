/*
 * Freestanding string, memory and formatting helpers for the security server.
 */
#include "ss_platform.h"

void ss_memcpy(void *dst, const void *src, size_t len)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (len--)
        *d++ = *s++;
}

void ss_memset(void *dst, int value, size_t len)
{
    unsigned char *d = dst;

    while (len--)
        *d++ = (unsigned char)value;
}

int ss_memcmp(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (size_t i = 0; i < len; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t ss_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t ss_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int ss_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

char *ss_strndup(const char *s, size_t len)
{
    char *copy = ss_alloc(len + 1);

    if (copy)
        ss_memcpy(copy, s, len);
    return copy;
}

struct format_out {
    char *buf;
    size_t size;
    size_t len;
};

static void out_char(struct format_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_number(struct format_out *o, unsigned long long v, unsigned base, int width,
                       bool zero_pad, bool negative)
{
    char digits[24];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        digits[n++] = '-';
    for (int pad = n; pad < width; pad++)
        out_char(o, zero_pad ? '0' : ' ');
    while (n)
        out_char(o, digits[--n]);
}

/* Reads one conversion after '%' and emits it; returns the advanced format pointer. */
static const char *out_conversion(struct format_out *o, const char *f, va_list *ap)
{
    bool zero_pad = false;
    int width = 0;
    int longs = 0;

    if (*f == '0') {
        zero_pad = true;
        f++;
    }
    while (*f >= '0' && *f <= '9')
        width = width * 10 + (*f++ - '0');
    while (*f == 'l') {
        longs++;
        f++;
    }
    if (*f == 'z') {
        longs = 2;
        f++;
    }
    switch (*f) {
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        while (*s)
            out_char(o, *s++);
        break;
    }
    case 'c':
        out_char(o, (char)va_arg(*ap, int));
        break;
    case 'd': {
        long long v = longs ? va_arg(*ap, long long) : va_arg(*ap, int);
        unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        out_number(o, mag, 10, width, zero_pad, v < 0);
        break;
    }
    case 'u':
    case 'x': {
        unsigned long long v = longs ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned);
        out_number(o, v, *f == 'x' ? 16 : 10, width, zero_pad, false);
        break;
    }
    case '%':
        out_char(o, '%');
        break;
    default:
        out_char(o, '?');
        if (!*f)
            return f;
        break;
    }
    return f + 1;
}

size_t ss_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct format_out o = {buf, size, 0};
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt = out_conversion(&o, fmt + 1, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

size_t ss_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = ss_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void ss_error_set(struct ss_error *err, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    ss_vformat(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

void ss_text_init(struct ss_text *t)
{
    ss_memset(t, 0, sizeof(*t));
}

static bool text_reserve(struct ss_text *t, size_t extra)
{
    size_t need = t->len + extra + 1;
    size_t cap = t->cap ? t->cap : 64;
    char *bigger;

    if (t->failed)
        return false;
    if (need <= t->cap)
        return true;
    while (cap < need)
        cap *= 2;
    bigger = cap <= SS_ALLOC_MAX ? ss_alloc(cap) : NULL;
    if (!bigger) {
        t->failed = true;
        return false;
    }
    if (t->buf) {
        ss_memcpy(bigger, t->buf, t->len + 1);
        ss_free(t->buf);
    }
    t->buf = bigger;
    t->cap = cap;
    return true;
}

void ss_text_put(struct ss_text *t, const char *s, size_t len)
{
    if (!text_reserve(t, len))
        return;
    ss_memcpy(t->buf + t->len, s, len);
    t->len += len;
    t->buf[t->len] = '\0';
}

void ss_text_printf(struct ss_text *t, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    char small[128];

    va_start(ap, fmt);
    n = ss_vformat(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < sizeof(small)) {
        ss_text_put(t, small, n);
        return;
    }
    if (!text_reserve(t, n))
        return;
    va_start(ap, fmt);
    ss_vformat(t->buf + t->len, n + 1, fmt, ap);
    va_end(ap);
    t->len += n;
}

char *ss_text_take(struct ss_text *t)
{
    char *s;

    if (!t->failed && !t->buf)
        text_reserve(t, 0);
    if (t->failed) {
        ss_text_release(t);
        return NULL;
    }
    s = t->buf;
    t->buf[t->len] = '\0';
    ss_text_init(t);
    return s;
}

void ss_text_release(struct ss_text *t)
{
    ss_free(t->buf);
    ss_text_init(t);
}
