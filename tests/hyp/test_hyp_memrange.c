/*
 * Host tests of physical range sets (xen/common/memrange.c).
 */
#include <flaxen/memrange.h>

#include "unit.h"

static void check_ranges(struct unit *u, const struct memrange_set *s, const paddr_t *expect,
                         unsigned n)
{
    UNIT_CHECK_EQ(u, s->nr, n);
    for (unsigned i = 0; i < n && i < s->nr; i++) {
        UNIT_CHECK_EQ(u, s->r[i].start, expect[2 * i]);
        UNIT_CHECK_EQ(u, s->r[i].end, expect[2 * i + 1]);
    }
}

static void test_add_sorts_and_merges(struct unit *u)
{
    struct memrange_set s;
    static const paddr_t after_adds[] = {0x1000, 0x3000, 0x5000, 0x6000};
    static const paddr_t after_bridge[] = {0x1000, 0x7000};

    memrange_init(&s);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x5000, 0x6000), 0);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x1000, 0x2000), 0);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x2000, 0x3000), 0); /* touching: merged */
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x3000, 0x2000), -EINVAL);
    check_ranges(u, &s, after_adds, 2);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x2800, 0x7000), 0); /* bridges both */
    check_ranges(u, &s, after_bridge, 1);
    UNIT_CHECK_EQ(u, memrange_total(&s), 0x6000);
}

static void test_remove_trims_and_splits(struct unit *u)
{
    struct memrange_set s;
    static const paddr_t expect[] = {0x1000, 0x2000, 0x3000, 0x4000, 0x8000, 0x9000};

    memrange_init(&s);
    memrange_add(&s, 0x1000, 0x5000);
    memrange_add(&s, 0x6000, 0xa000);
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x2000, 0x3000), 0); /* split */
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x4000, 0x8000), 0); /* trims one, drops none */
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x9000, 0xf000), 0); /* tail */
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x0, 0x800), 0);     /* outside: nothing */
    check_ranges(u, &s, expect, 3);
    UNIT_CHECK(u, memrange_contains(&s, 0x3000, 0x4000));
    UNIT_CHECK(u, !memrange_contains(&s, 0x1800, 0x3800));
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x0, 0x10000), 0);
    UNIT_CHECK_EQ(u, s.nr, 0);
}

static void test_capacity(struct unit *u)
{
    struct memrange_set s;

    memrange_init(&s);
    for (unsigned i = 0; i < MEMRANGE_MAX; i++)
        UNIT_CHECK_EQ(u, memrange_add(&s, 0x10000ull * i, 0x10000ull * i + 0x1000), 0);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x10000ull * MEMRANGE_MAX, 0x10000ull * MEMRANGE_MAX + 1),
                  -ENOMEM);
    UNIT_CHECK_EQ(u, memrange_add(&s, 0x1000, 0x2000), 0); /* merging needs no slot */
    memrange_init(&s);
    memrange_add(&s, 0, 0x100000);
    for (unsigned i = 1; i < MEMRANGE_MAX; i++)
        UNIT_CHECK_EQ(u, memrange_remove(&s, 0x1000ull * i, 0x1000ull * i + 0x800), 0);
    UNIT_CHECK_EQ(u, s.nr, MEMRANGE_MAX);
    UNIT_CHECK_EQ(u, memrange_remove(&s, 0x40000, 0x40800), -ENOMEM);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_add_sorts_and_merges),
    UNIT_CASE(test_remove_trims_and_splits),
    UNIT_CASE(test_capacity),
    {0},
};
