/*
 * Sets of physical address ranges (xen/common/memrange.c): the RAM banks
 * minus what is already in use (the hypervisor image, the device tree, boot
 * modules, allocator metadata). Pure functions of their inputs, with a fixed
 * capacity so they work before any allocator exists.
 */
#ifndef FLAXEN_MEMRANGE_H
#define FLAXEN_MEMRANGE_H

#include <flaxen/types.h>

#define MEMRANGE_MAX 32

struct memrange {
    paddr_t start;
    paddr_t end; /* exclusive */
};

struct memrange_set {
    struct memrange r[MEMRANGE_MAX]; /* sorted, disjoint, none empty */
    unsigned nr;
};

/* Empties *set. */
void memrange_init(struct memrange_set *set);

/*
 * Adds [start, end) to *set, merging with neighbours. Returns 0, -EINVAL for
 * an empty or wrapping range, or -ENOMEM when the set is full.
 */
int memrange_add(struct memrange_set *set, paddr_t start, paddr_t end);

/*
 * Removes [start, end) from *set (parts outside the set are ignored).
 * Returns 0, or -ENOMEM when splitting a range needs a slot the set lacks.
 */
int memrange_remove(struct memrange_set *set, paddr_t start, paddr_t end);

/* True when [start, end) lies entirely inside one range of *set. */
bool memrange_contains(const struct memrange_set *set, paddr_t start, paddr_t end);

/* Sum of the sizes of the ranges. */
uint64_t memrange_total(const struct memrange_set *set);

#endif
