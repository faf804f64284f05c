/*
 * The small freestanding C library of the test guests: string functions (the compiler may
 * also emit calls to memcpy/memset/memmove/memcmp) and formatted console output.
 */
#ifndef FLAXEN_GUEST_LIB_H
#define FLAXEN_GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

/* As in ISO C (string.h); byte loops, safe on Device memory. */
void *memset(void *destination, int value, size_t length);
void *memcpy(void *destination, const void *source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
int memcmp(const void *left, const void *right, size_t length);
void *memchr(const void *memory, int value, size_t length);
size_t strlen(const char *string);
size_t strnlen(const char *string, size_t limit);
int strcmp(const char *left, const char *right);
int strncmp(const char *left, const char *right, size_t limit);
char *strchr(const char *string, int value);
size_t strcspn(const char *string, const char *reject);

/*
 * printf subset: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width (or '*'),
 * length modifiers l, ll, z. Unknown conversions print literally. Output goes to the
 * guest console (PL011 or the console_io hypercall), buffered per CPU up to each newline.
 */
int printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *format, va_list args);

/* Formats into `buffer` (always NUL-terminated when size > 0); returns the full length. */
int snprintf(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buffer, size_t size, const char *format, va_list args);

/* Sends every byte buffered by this CPU to the console. */
void console_flush(void);

#endif
