/*
 * A ticket spinlock built on the compiler's atomic builtins (no inline
 * assembly, so common code may use it). Fair: CPUs get the lock in the order
 * they asked for it. Only valid once the MMU is on (exclusive accesses need
 * Normal cacheable memory).
 */
#ifndef FLAXEN_SPINLOCK_H
#define FLAXEN_SPINLOCK_H

#include <flaxen/arch.h>
#include <flaxen/types.h>

struct spinlock {
    uint32_t next;    /* the ticket the next arrival takes */
    uint32_t serving; /* the ticket that holds the lock */
};

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, 0                                                                                       \
    }

static inline void spin_lock(struct spinlock *lock)
{
    uint32_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
        arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *lock)
{
    uint32_t serving = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);

    __atomic_store_n(&lock->serving, serving + 1, __ATOMIC_RELEASE);
}

#endif
