/*
 * A small bounded formatter of our own (xen/common/format.c).
 *
 * Conversions: %s %c %d %i %u %x %X %p and %%, with the length modifiers
 * l, ll and z, the flags '0' and '-', and a field width (a number or '*').
 * %p prints "0x" and 16 hex digits. A NULL %s prints "(null)".
 */
#ifndef FLAXEN_FORMAT_H
#define FLAXEN_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include <flaxen/types.h>

/*
 * Formats into buf (size bytes, always NUL-terminated when size > 0) and
 * returns the length the whole result would have had, like C's vsnprintf:
 * a return value >= size means the output was truncated.
 */
size_t format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* format_vsnprintf with its arguments inline. */
size_t format_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
