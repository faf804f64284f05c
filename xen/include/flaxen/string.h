/*
 * The freestanding memory and string functions (xen/common/string.c).
 *
 * The compiler may emit calls to memcpy, memmove and memset on its own (for
 * structure copies and initialisers), and prebuilt libraries linked into the
 * image (libfdt) call the others, so they keep their standard names.
 */
#ifndef FLAXEN_STRING_H
#define FLAXEN_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t len);
void *memmove(void *dst, const void *src, size_t len);
void *memset(void *dst, int value, size_t len);
int memcmp(const void *a, const void *b, size_t len);
void *memchr(const void *s, int c, size_t len);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size - 1 bytes of src and NUL-terminates (size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
