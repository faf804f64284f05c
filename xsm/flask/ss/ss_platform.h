/*
 * What the FLASK security server needs from whoever links it.
 *
 * The security server is freestanding C: it includes only the compiler's
 * freestanding headers and asks its host (the hypervisor, or a host program
 * in tests and tools) for memory through the two functions below. Nothing in
 * ss/ touches hypervisor internals, locks or devices; callers serialise.
 */
#ifndef FLAXEN_SS_PLATFORM_H
#define FLAXEN_SS_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zeroed memory, or NULL. The security server never asks for more than
 * SS_ALLOC_MAX bytes in one call; a policy that would need more is refused. */
void *ss_alloc(size_t size);
void ss_free(void *ptr);

#define SS_ALLOC_MAX (64u << 20)

/* Small string and memory helpers (ss_lib.c), so no libc header is needed. */
void ss_memcpy(void *dst, const void *src, size_t len);
void ss_memset(void *dst, int value, size_t len);
int ss_memcmp(const void *a, const void *b, size_t len);
size_t ss_strlen(const char *s);
size_t ss_strnlen(const char *s, size_t max);
int ss_strcmp(const char *a, const char *b);
char *ss_strndup(const char *s, size_t len);

/* A bounded formatter: %s %c %d %u %x %08x %lu %llu %llx %zu and %%.
 * Always NUL-terminates; returns the length it would have written. */
size_t ss_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t ss_format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A growable text buffer used to build strings (contexts, audit lines). */
struct ss_text {
    char *buf;
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed; buf holds what fit */
};

void ss_text_init(struct ss_text *t);
void ss_text_put(struct ss_text *t, const char *s, size_t len);
void ss_text_printf(struct ss_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the string over to the caller (ss_free it); NULL if an allocation failed. */
char *ss_text_take(struct ss_text *t);
void ss_text_release(struct ss_text *t);

/* An error message for the caller, naming what was wrong. */
#define SS_ERROR_LEN 256
struct ss_error {
    char msg[SS_ERROR_LEN];
};

void ss_error_set(struct ss_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Error numbers returned by the security server (negated), Xen's values. */
#define SS_EPERM 1
#define SS_ENOENT 2
#define SS_ENOMEM 12
#define SS_EACCES 13
#define SS_EEXIST 17
#define SS_EINVAL 22
#define SS_ERANGE 34
#define SS_ENOSYS 38

#endif
