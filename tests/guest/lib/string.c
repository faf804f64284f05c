/*
 * String and memory functions. Byte loops on purpose: with the MMU off every data access is
 * Device memory, where unaligned accesses fault, and these are not on any hot path.
 */
#include "lib.h"

void *memset(void *destination, int value, size_t length)
{
    volatile uint8_t *out = destination; /* volatile: keep GCC from calling memset here */
    while (length-- > 0)
        *out++ = (uint8_t)value;
    return destination;
}

void *memcpy(void *destination, const void *source, size_t length)
{
    volatile uint8_t *out = destination;
    const uint8_t *in = source;
    while (length-- > 0)
        *out++ = *in++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t length)
{
    volatile uint8_t *out = destination;
    const uint8_t *in = source;
    if (out <= in || out >= in + length)
        return memcpy(destination, source, length);
    while (length-- > 0)
        out[length] = in[length];
    return destination;
}

int memcmp(const void *left, const void *right, size_t length)
{
    const uint8_t *a = left;
    const uint8_t *b = right;
    for (size_t i = 0; i < length; i++) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

void *memchr(const void *memory, int value, size_t length)
{
    const uint8_t *at = memory;
    for (size_t i = 0; i < length; i++) {
        if (at[i] == (uint8_t)value)
            return (void *)(at + i);
    }
    return NULL;
}

size_t strlen(const char *string)
{
    size_t length = 0;
    while (string[length] != '\0')
        length++;
    return length;
}

size_t strnlen(const char *string, size_t limit)
{
    size_t length = 0;
    while (length < limit && string[length] != '\0')
        length++;
    return length;
}

int strcmp(const char *left, const char *right)
{
    while (*left != '\0' && *left == *right) {
        left++;
        right++;
    }
    return (int)(uint8_t)*left - (int)(uint8_t)*right;
}

int strncmp(const char *left, const char *right, size_t limit)
{
    for (size_t i = 0; i < limit; i++) {
        if (left[i] != right[i] || left[i] == '\0')
            return (int)(uint8_t)left[i] - (int)(uint8_t)right[i];
    }
    return 0;
}

char *strchr(const char *string, int value)
{
    for (;; string++) {
        if (*string == (char)value)
            return (char *)string;
        if (*string == '\0')
            return NULL;
    }
}

size_t strcspn(const char *string, const char *reject)
{
    size_t length = 0;
    while (string[length] != '\0' && strchr(reject, string[length]) == NULL)
        length++;
    return length;
}
