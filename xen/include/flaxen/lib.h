/*
 * Invariant checks and fatal stops (xen/common/console.c implements panic).
 *
 * BUG_ON/ASSERT are for internal invariants only: a condition a guest or a
 * boot file can cause must be handled with an error return instead.
 */
#ifndef FLAXEN_LIB_H
#define FLAXEN_LIB_H

#include <flaxen/types.h>

/* Prints "FATAL: <message>" and halts the calling CPU (a hypervisor bug). */
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * Prints "FATAL: <message>" and halts: the boot cannot go on safely because of
 * its configuration or inputs (no policy, a policy that does not load, ...).
 * Not a hypervisor bug; the fail-closed stop of ARCHITECTURE.md section 6.
 */
NORETURN void boot_stop(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (__builtin_expect(!!(cond), 0))                                                         \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);                                  \
    } while (0)

#define ASSERT(cond) BUG_ON(!(cond))

#endif
