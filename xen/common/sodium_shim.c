/*
 * What the libsodium objects in the image (mk/sodium.mk) need besides the
 * string functions and the stack protector: libsodium's own helpers, written
 * here so its utils.o (which brings mmap, mprotect, malloc and more) stays
 * out. The hypervisor uses libsodium only to verify a signature.
 */
#include <flaxen/lib.h>
#include <flaxen/string.h>
#include <flaxen/types.h>

/* Keep the prototypes: these are called from the library only. */
int sodium_memcmp(const void *a, const void *b, size_t len);
void sodium_memzero(void *p, size_t len);
int sodium_is_zero(const unsigned char *p, size_t len);
NORETURN void abort(void);

/* 0 when equal, -1 otherwise, in time that depends only on len. */
int sodium_memcmp(const void *a, const void *b, size_t len)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char diff = 0;

    for (size_t i = 0; i < len; i++)
        diff |= x[i] ^ y[i];
    return diff ? -1 : 0;
}

/* A clearing the compiler may not drop. */
void sodium_memzero(void *p, size_t len)
{
    volatile unsigned char *q = p;

    for (size_t i = 0; i < len; i++)
        q[i] = 0;
}

/* 1 when all len bytes are zero, in time that depends only on len. */
int sodium_is_zero(const unsigned char *p, size_t len)
{
    const volatile unsigned char *q = p;
    unsigned char acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= q[i];
    return acc == 0;
}

void abort(void)
{
    panic("libsodium called abort()");
}
