/*
 * Host tests of the buddy page allocator (xen/common/page_alloc.c) on fake RAM.
 */
#include <stdlib.h>
#include <string.h>

#include <flaxen/arch.h>
#include <flaxen/page_alloc.h>

#include "fake_arch.h"
#include "unit.h"

#define RAM_SIZE MIB(4)
#define RAM_PAGES (RAM_SIZE >> PAGE_SHIFT)

struct fixture {
    struct memrange_set ram;
    struct page_meta *meta;
    struct page_alloc pa;
};

/* RAM = one 4 MiB bank at FAKE_RAM_BASE, filled with `fill`; nothing free yet. */
static void setup(struct unit *u, struct fixture *f, unsigned char fill)
{
    fake_ram_init(RAM_SIZE);
    fake_ram_fill(fill);
    memrange_init(&f->ram);
    UNIT_CHECK_EQ(u, memrange_add(&f->ram, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    UNIT_CHECK_EQ(u, page_alloc_meta_entries(&f->ram), RAM_PAGES);
    f->meta = calloc(RAM_PAGES, sizeof(*f->meta));
    UNIT_CHECK_EQ(u, page_alloc_init(&f->pa, &f->ram, f->meta, RAM_PAGES), 0);
}

static void teardown(struct fixture *f)
{
    free(f->meta);
}

static bool all_zero(paddr_t pa, unsigned order)
{
    const unsigned char *p = arch_phys_to_virt(pa);

    for (size_t i = 0; i < (PAGE_SIZE << order); i++)
        if (p[i])
            return false;
    return true;
}

static void test_whole_bank_merges_to_one_block(struct unit *u)
{
    struct fixture f;
    paddr_t pa;

    setup(u, &f, 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, 10, &pa), 0); /* 1024 pages = all of it */
    UNIT_CHECK_EQ(u, pa, FAKE_RAM_BASE);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, 0, &pa), -ENOMEM);
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, FAKE_RAM_BASE, 10), 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES);
    teardown(&f);
}

static void test_blocks_aligned_and_zeroed_from_dirty_ram(struct unit *u)
{
    struct fixture f;
    paddr_t pa[4];
    static const unsigned orders[] = {0, 3, 5, 1};

    setup(u, &f, 0xaa);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    for (unsigned i = 0; i < 4; i++) {
        UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, orders[i], &pa[i]), 0);
        UNIT_CHECK(u, IS_ALIGNED(pa[i], PAGE_SIZE << orders[i]));
        UNIT_CHECK(u, all_zero(pa[i], orders[i]));
    }
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES - 1 - 8 - 32 - 2);
    teardown(&f);
}

static void test_free_scrubs(struct unit *u)
{
    struct fixture f;
    paddr_t pa;

    setup(u, &f, 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, 2, &pa), 0);
    memset(arch_phys_to_virt(pa), 0x5a, PAGE_SIZE << 2);
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa, 2), 0);
    UNIT_CHECK(u, all_zero(pa, 2)); /* no secret left in the free pool */
    teardown(&f);
}

static void test_bad_frees_refused(struct unit *u)
{
    struct fixture f;
    paddr_t pa;

    setup(u, &f, 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, 3, &pa), 0);
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa, 2), -EINVAL);             /* wrong order */
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa + PAGE_SIZE, 0), -EINVAL); /* a tail page */
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa + 1, 3), -EINVAL);         /* unaligned */
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, 0x1000, 0), -EINVAL);         /* not RAM */
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa, 3), 0);
    UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, pa, 3), -EINVAL); /* double free */
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, PAGE_ALLOC_MAX_ORDER + 1, &pa), -EINVAL);
    teardown(&f);
}

static void test_reserved_holes_never_handed_out(struct unit *u)
{
    struct fixture f;
    const paddr_t hole = FAKE_RAM_BASE + MIB(1), hole_end = FAKE_RAM_BASE + MIB(2) + PAGE_SIZE;
    paddr_t pa;
    uint64_t n = 0;

    setup(u, &f, 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, hole), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, hole_end, FAKE_RAM_BASE + RAM_SIZE), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, hole - PAGE_SIZE, hole + PAGE_SIZE), -EINVAL);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, hole + 1, hole_end), -EINVAL);
    while (page_alloc_alloc(&f.pa, 0, &pa) == 0) {
        UNIT_CHECK(u, pa < hole || pa >= hole_end);
        n++;
    }
    UNIT_CHECK_EQ(u, n, RAM_PAGES - ((hole_end - hole) >> PAGE_SHIFT));
    teardown(&f);
}

static void test_zones_do_not_merge(struct unit *u)
{
    struct page_meta meta[512];
    struct memrange_set ram;
    struct page_alloc pa;
    paddr_t block;

    fake_ram_init(MIB(4));
    memrange_init(&ram);
    memrange_add(&ram, FAKE_RAM_BASE, FAKE_RAM_BASE + MIB(1));
    memrange_add(&ram, FAKE_RAM_BASE + MIB(2), FAKE_RAM_BASE + MIB(3));
    UNIT_CHECK_EQ(u, page_alloc_init(&pa, &ram, meta, 100), -ENOMEM); /* metadata too small */
    UNIT_CHECK_EQ(u, page_alloc_init(&pa, &ram, meta, 512), 0);
    UNIT_CHECK_EQ(u, pa.nr_zones, 2);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&pa, FAKE_RAM_BASE, FAKE_RAM_BASE + MIB(1)), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&pa, FAKE_RAM_BASE + MIB(2), FAKE_RAM_BASE + MIB(3)), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&pa, FAKE_RAM_BASE + MIB(1), FAKE_RAM_BASE + MIB(2)),
                  -EINVAL);                                      /* not RAM */
    UNIT_CHECK_EQ(u, page_alloc_alloc(&pa, 9, &block), -ENOMEM); /* 2 MiB spans both: no */
    UNIT_CHECK_EQ(u, page_alloc_alloc(&pa, 8, &block), 0);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&pa, 8, &block), 0);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&pa, 0, &block), -ENOMEM);
}

/* Random allocations and frees against a model: blocks never overlap, all merge back. */
static void test_random_against_model(struct unit *u)
{
    enum { SLOTS = 64 };
    struct fixture f;
    paddr_t addr[SLOTS];
    unsigned order[SLOTS], used = 0;
    unsigned char owner[RAM_PAGES];

    setup(u, &f, 0x11);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    memset(owner, 0, sizeof(owner));
    srand(1234);
    for (unsigned step = 0; step < 4000 && !u->failures; step++) {
        if (used < SLOTS && rand() % 3) {
            unsigned k = (unsigned)rand() % 6;
            uint64_t first;

            if (page_alloc_alloc(&f.pa, k, &addr[used]))
                continue;
            first = (addr[used] - FAKE_RAM_BASE) >> PAGE_SHIFT;
            for (uint64_t p = first; p < first + (1u << k); p++) {
                UNIT_CHECK_MSG(u, !owner[p], "page %llu handed out twice", (unsigned long long)p);
                owner[p] = 1;
            }
            UNIT_CHECK(u, all_zero(addr[used], k));
            memset(arch_phys_to_virt(addr[used]), 0xee, PAGE_SIZE << k);
            order[used++] = k;
        } else if (used) {
            unsigned i = (unsigned)rand() % used;
            uint64_t first = (addr[i] - FAKE_RAM_BASE) >> PAGE_SHIFT;

            UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, addr[i], order[i]), 0);
            memset(&owner[first], 0, 1u << order[i]);
            addr[i] = addr[--used];
            order[i] = order[used];
        }
    }
    while (used--)
        UNIT_CHECK_EQ(u, page_alloc_free(&f.pa, addr[used], order[used]), 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES);
    UNIT_CHECK_EQ(u, page_alloc_alloc(&f.pa, 10, &addr[0]), 0); /* fully merged again */
    teardown(&f);
}

static void test_global_wrappers(struct unit *u)
{
    struct fixture f;
    paddr_t pa;

    setup(u, &f, 0x33);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f.pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    page_alloc_set_global(&f.pa);
    UNIT_CHECK_EQ(u, alloc_pages(4, &pa), 0);
    UNIT_CHECK(u, IS_ALIGNED(pa, PAGE_SIZE << 4) && all_zero(pa, 4));
    memset(arch_phys_to_virt(pa), 0x77, PAGE_SIZE << 4);
    UNIT_CHECK_EQ(u, free_pages(pa, 3), -EINVAL);
    UNIT_CHECK_EQ(u, free_pages(pa, 4), 0);
    UNIT_CHECK(u, all_zero(pa, 4));
    UNIT_CHECK_EQ(u, free_pages(pa, 4), -EINVAL);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), RAM_PAGES);
    page_alloc_set_global(NULL);
    UNIT_CHECK_EQ(u, alloc_pages(0, &pa), -EINVAL);
    teardown(&f);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_whole_bank_merges_to_one_block),
    UNIT_CASE(test_blocks_aligned_and_zeroed_from_dirty_ram),
    UNIT_CASE(test_free_scrubs),
    UNIT_CASE(test_bad_frees_refused),
    UNIT_CASE(test_reserved_holes_never_handed_out),
    UNIT_CASE(test_zones_do_not_merge),
    UNIT_CASE(test_random_against_model),
    UNIT_CASE(test_global_wrappers),
    {0},
};
