/*
 * Console output: a printf subset, per-CPU line buffers, and two back ends: the PL011
 * data register (bare mode; PrimeCell UART TRM: DR at 0x000, FR at 0x018, FR.TXFF = bit 5)
 * and the console_io hypercall (under the hypervisor, one hypercall per line so lines from
 * different CPUs or domains do not interleave mid-line).
 *
 * No lock: with the MMU off, exclusive loads/stores to Device memory are not architecturally
 * guaranteed, so concurrent printing from two CPUs could interleave whole lines (hypervisor)
 * or characters (PL011). A CPU started with guest_cpu_start therefore writes into its own
 * transcript (console_defer), which the boot CPU prints when it joins that CPU; a CPU run
 * with guest_cpu_run prints directly while the boot CPU waits for it.
 */
#include "internal.h"

#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_FR_TXFF (1u << 5)
#define LINE_CAPACITY 200
#define TRANSCRIPT_CAPACITY 1024

enum console_backend {
    CONSOLE_NONE,
    CONSOLE_PL011,
    CONSOLE_HYPERCALL,
};

static enum console_backend console_backend;
static uintptr_t console_pl011_base;

struct line_buffer {
    char bytes[LINE_CAPACITY];
    size_t length;
};
static struct line_buffer console_lines[GUEST_MAX_CPUS];

/* Output of a CPU that runs alongside others, kept until the boot CPU prints it. */
struct transcript {
    char bytes[TRANSCRIPT_CAPACITY];
    volatile size_t length;
    volatile bool truncated;
};
static struct transcript console_transcripts[GUEST_MAX_CPUS];
static volatile bool console_deferred[GUEST_MAX_CPUS];

void console_set_pl011(uintptr_t base)
{
    console_pl011_base = base;
    console_backend = CONSOLE_PL011;
}

void console_set_hypercall(void)
{
    console_backend = CONSOLE_HYPERCALL;
}

const char *console_describe(char *buffer, size_t size)
{
    if (console_backend == CONSOLE_PL011)
        snprintf(buffer, size, "pl011@0x%lx", (unsigned long)console_pl011_base);
    else if (console_backend == CONSOLE_HYPERCALL)
        snprintf(buffer, size, "console_io hypercall");
    else
        snprintf(buffer, size, "none");
    return buffer;
}

static void pl011_put(char byte)
{
    volatile uint32_t *flags = (volatile uint32_t *)(console_pl011_base + PL011_FR);
    volatile uint32_t *data = (volatile uint32_t *)(console_pl011_base + PL011_DR);
    while ((*flags & PL011_FR_TXFF) != 0) {
    }
    *data = (uint8_t)byte;
}

void console_write_raw(const char *bytes, size_t length)
{
    if (console_backend == CONSOLE_HYPERCALL) {
        /* Xen returns 0 once everything is written; a positive count means "so far". */
        while (length > 0) {
            long written = xen_console_write(bytes, length);
            if (written <= 0)
                return;
            if ((size_t)written > length)
                return;
            bytes += written;
            length -= (size_t)written;
        }
    } else if (console_backend == CONSOLE_PL011) {
        for (size_t i = 0; i < length; i++) {
            if (bytes[i] == '\n')
                pl011_put('\r');
            pl011_put(bytes[i]);
        }
    }
}

static struct line_buffer *console_line(void)
{
    unsigned int cpu = guest_cpu_index();
    return &console_lines[cpu < GUEST_MAX_CPUS ? cpu : GUEST_MAX_CPUS - 1];
}

/* Appends whole lines only; what does not fit is dropped and marked. */
static void console_keep(struct transcript *transcript, const char *bytes, size_t length)
{
    size_t used = transcript->length;
    if (used + length > TRANSCRIPT_CAPACITY) {
        transcript->truncated = true;
        return;
    }
    memcpy(transcript->bytes + used, bytes, length);
    arch_dsb();
    transcript->length = used + length;
}

void console_flush(void)
{
    unsigned int cpu = guest_cpu_index();
    struct line_buffer *line = console_line();
    if (cpu < GUEST_MAX_CPUS && console_deferred[cpu])
        console_keep(&console_transcripts[cpu], line->bytes, line->length);
    else
        console_write_raw(line->bytes, line->length);
    line->length = 0;
}

void console_defer(unsigned int cpu, bool defer)
{
    if (cpu == 0 || cpu >= GUEST_MAX_CPUS)
        return;
    console_transcripts[cpu].length = 0;
    console_transcripts[cpu].truncated = false;
    console_deferred[cpu] = defer;
    arch_dsb();
}

void console_print_transcript(unsigned int cpu)
{
    if (cpu == 0 || cpu >= GUEST_MAX_CPUS)
        return;
    struct transcript *transcript = &console_transcripts[cpu];
    size_t length = transcript->length;
    console_flush();
    for (size_t at = 0; at < length;) {
        const char *end = memchr(transcript->bytes + at, '\n', length - at);
        size_t line = end != NULL ? (size_t)(end - (transcript->bytes + at)) + 1 : length - at;
        console_write_raw(transcript->bytes + at, line);
        at += line;
    }
    if (transcript->truncated)
        printf("[cpu%u] (console output truncated)\n", cpu);
    transcript->length = 0;
    transcript->truncated = false;
}

static void console_put(char byte)
{
    struct line_buffer *line = console_line();
    line->bytes[line->length++] = byte;
    if (byte == '\n' || line->length == LINE_CAPACITY)
        console_flush();
}

/* ------------------------------------------------------------------ formatting */

struct format_sink {
    char *buffer; /* NULL: the console */
    size_t size;
    size_t length; /* bytes produced so far (also those that did not fit) */
};

static void sink_put(struct format_sink *sink, char byte)
{
    if (sink->buffer == NULL)
        console_put(byte);
    else if (sink->length + 1 < sink->size)
        sink->buffer[sink->length] = byte;
    sink->length++;
}

struct format_spec {
    bool left_align;
    bool zero_pad;
    unsigned int width;
    unsigned int length_modifier; /* 0: int, 1: long, 2: long long, 3: size_t */
};

static void sink_pad(struct format_sink *sink, char pad, unsigned int count)
{
    while (count-- > 0)
        sink_put(sink, pad);
}

static void format_string(struct format_sink *sink, const struct format_spec *spec,
                          const char *string)
{
    if (string == NULL)
        string = "(null)";
    size_t length = strlen(string);
    unsigned int pad = spec->width > length ? spec->width - (unsigned int)length : 0;
    if (!spec->left_align)
        sink_pad(sink, ' ', pad);
    for (size_t i = 0; i < length; i++)
        sink_put(sink, string[i]);
    if (spec->left_align)
        sink_pad(sink, ' ', pad);
}

static void format_number(struct format_sink *sink, const struct format_spec *spec,
                          uint64_t magnitude, bool negative, unsigned int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    unsigned int count = 0;
    do {
        text[count++] = digits[magnitude % base];
        magnitude /= base;
    } while (magnitude != 0);
    unsigned int total = count + (negative ? 1 : 0);
    unsigned int pad = spec->width > total ? spec->width - total : 0;
    if (!spec->left_align && !spec->zero_pad)
        sink_pad(sink, ' ', pad);
    if (negative)
        sink_put(sink, '-');
    if (!spec->left_align && spec->zero_pad)
        sink_pad(sink, '0', pad);
    while (count > 0)
        sink_put(sink, text[--count]);
    if (spec->left_align)
        sink_pad(sink, ' ', pad);
}

/* Parses flags, width and length modifier after '%'; returns the conversion character. */
static const char *format_parse_spec(const char *at, struct format_spec *spec, va_list *args)
{
    *spec = (struct format_spec){0};
    for (;; at++) {
        if (*at == '-')
            spec->left_align = true;
        else if (*at == '0')
            spec->zero_pad = true;
        else
            break;
    }
    if (*at == '*') {
        int width = va_arg(*args, int);
        spec->width = width > 0 ? (unsigned int)width : 0;
        at++;
    }
    while (*at >= '0' && *at <= '9')
        spec->width = spec->width * 10 + (unsigned int)(*at++ - '0');
    if (*at == 'z') {
        spec->length_modifier = 3;
        at++;
    }
    while (*at == 'l' && spec->length_modifier < 2) {
        spec->length_modifier++;
        at++;
    }
    return at;
}

static uint64_t format_unsigned_arg(const struct format_spec *spec, va_list *args)
{
    switch (spec->length_modifier) {
    case 1:
        return va_arg(*args, unsigned long);
    case 2:
        return va_arg(*args, unsigned long long);
    case 3:
        return va_arg(*args, size_t);
    default:
        return va_arg(*args, unsigned int);
    }
}

static int64_t format_signed_arg(const struct format_spec *spec, va_list *args)
{
    switch (spec->length_modifier) {
    case 1:
        return va_arg(*args, long);
    case 2:
        return va_arg(*args, long long);
    case 3:
        return (int64_t)va_arg(*args, size_t);
    default:
        return va_arg(*args, int);
    }
}

/* Formats one conversion; returns false for an unknown one. */
static bool format_conversion(struct format_sink *sink, char conversion,
                              const struct format_spec *spec, va_list *args)
{
    char single[2] = {0, 0};
    switch (conversion) {
    case 'd':
    case 'i': {
        int64_t value = format_signed_arg(spec, args);
        uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
        format_number(sink, spec, magnitude, value < 0, 10, false);
        return true;
    }
    case 'u':
        format_number(sink, spec, format_unsigned_arg(spec, args), false, 10, false);
        return true;
    case 'x':
    case 'X':
        format_number(sink, spec, format_unsigned_arg(spec, args), false, 16, conversion == 'X');
        return true;
    case 'p':
        sink_put(sink, '0');
        sink_put(sink, 'x');
        format_number(sink, spec, (uintptr_t)va_arg(*args, void *), false, 16, false);
        return true;
    case 's':
        format_string(sink, spec, va_arg(*args, const char *));
        return true;
    case 'c':
        single[0] = (char)va_arg(*args, int);
        format_string(sink, spec, single);
        return true;
    case '%':
        sink_put(sink, '%');
        return true;
    default:
        return false;
    }
}

static void format_to_sink(struct format_sink *sink, const char *format, va_list args)
{
    va_list local;
    va_copy(local, args);
    for (const char *at = format; *at != '\0'; at++) {
        if (*at != '%') {
            sink_put(sink, *at);
            continue;
        }
        const char *start = at;
        struct format_spec spec;
        at = format_parse_spec(at + 1, &spec, &local);
        if (*at == '\0' || !format_conversion(sink, *at, &spec, &local)) {
            for (; start <= at && *start != '\0'; start++)
                sink_put(sink, *start);
            if (*at == '\0')
                break;
        }
    }
    va_end(local);
}

int vsnprintf(char *buffer, size_t size, const char *format, va_list args)
{
    struct format_sink sink = {buffer, size, 0};
    static char nowhere[1];
    if (buffer == NULL || size == 0) {
        sink.buffer = nowhere;
        sink.size = 0;
    }
    format_to_sink(&sink, format, args);
    if (size > 0 && buffer != NULL)
        buffer[sink.length < size ? sink.length : size - 1] = '\0';
    return (int)sink.length;
}

int snprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vsnprintf(buffer, size, format, args);
    va_end(args);
    return length;
}

int vprintf(const char *format, va_list args)
{
    struct format_sink sink = {NULL, 0, 0};
    format_to_sink(&sink, format, args);
    return (int)sink.length;
}

int printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vprintf(format, args);
    va_end(args);
    return length;
}
