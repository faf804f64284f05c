/*
 * Basic types and constants shared by every part of the hypervisor.
 *
 * Physical addresses have their own type so that a reader can tell them from
 * pointers; the identity map of arm64 makes them numerically equal to
 * hypervisor virtual addresses, but the fake arch used by host tests does
 * not, so code that mixes them up fails there.
 */
#ifndef FLAXEN_TYPES_H
#define FLAXEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a host physical address */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define KIB(n) ((uint64_t)(n) << 10)
#define MIB(n) ((uint64_t)(n) << 20)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (uint64_t)(a)-1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)

#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED __attribute__((unused))

/* Error numbers, Xen's values (returned negated). */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EIO 5
#define ENODEV 19
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define ENODATA 61
#define EPROTO 71
#define EOPNOTSUPP 95
#define ENOBUFS 105
#define ETIMEDOUT 110

#endif
