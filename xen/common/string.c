/*
 * Freestanding memory and string functions for the hypervisor image.
 *
 * Simple loops, written so the compiler cannot turn them back into calls to
 * themselves (-fno-builtin keeps it from recognising the idioms) and so they
 * work with the MMU off (only aligned accesses, no DC ZVA: early boot builds
 * page tables before the MMU is on). memcpy and memset move aligned words
 * where they can: kernel images and page scrubs are the hot paths.
 */
#include <stdint.h>

#include <flaxen/string.h>

void *memcpy(void *dst, const void *src, size_t len)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Same alignment: bytes up to a word boundary, then aligned words (kernel images). */
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0 && len >= 64) {
        uint64_t *dw;
        const uint64_t *sw;

        while ((uintptr_t)d & 7) {
            *d++ = *s++;
            len--;
        }
        dw = (uint64_t *)(void *)d;
        sw = (const uint64_t *)(const void *)s;
        for (; len >= 32; len -= 32, dw += 4, sw += 4) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
        }
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (len--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t len)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || len == 0)
        return dst;
    if (d < s) {
        while (len--)
            *d++ = *s++;
    } else {
        while (len--)
            d[len] = s[len];
    }
    return dst;
}

void *memset(void *dst, int value, size_t len)
{
    unsigned char *d = dst;
    uint64_t *words;

    while (len && ((uintptr_t)d & 7)) {
        *d++ = (unsigned char)value;
        len--;
    }
    /* Whole aligned words: scrubbing pages is the hot path. */
    words = (uint64_t *)(void *)d;
    if (len >= 8) {
        uint64_t pattern = 0x0101010101010101ull * (unsigned char)value;

        for (; len >= 64; len -= 64, words += 8) {
            words[0] = pattern;
            words[1] = pattern;
            words[2] = pattern;
            words[3] = pattern;
            words[4] = pattern;
            words[5] = pattern;
            words[6] = pattern;
            words[7] = pattern;
        }
        for (; len >= 8; len -= 8)
            *words++ = pattern;
    }
    d = (unsigned char *)words;
    while (len--)
        *d++ = (unsigned char)value;
    return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;

    for (; len; len--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

void *memchr(const void *s, int c, size_t len)
{
    const unsigned char *p = s;

    for (; len; len--, p++)
        if (*p == (unsigned char)c)
            return (void *)(uintptr_t)p;
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t max)
{
    for (; max; max--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)(uintptr_t)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
