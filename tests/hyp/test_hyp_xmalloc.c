/*
 * Host tests of the hypervisor heap (xen/common/xmalloc.c) on fake RAM.
 *
 * The fake RAM is a host buffer whose host address has nothing to do with
 * its "physical" address, so the heap's handling of the direct map's offset
 * is exercised; alignment is checked relative to the physical address, which
 * is what the heap guarantees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/page_alloc.h>
#include <flaxen/xmalloc.h>

#include "fake_arch.h"
#include "unit.h"

#define RAM_SIZE MIB(8)

struct fixture {
    struct memrange_set ram;
    struct page_meta *meta;
    struct page_alloc pa;
    struct xmalloc_heap heap;
    uint64_t free_at_start;
};

/* `size` bytes of fake RAM filled with 0x5a, all free; an empty heap on top. */
static void setup_sized(struct unit *u, struct fixture *f, uint64_t size)
{
    uint64_t pages = size >> PAGE_SHIFT;

    fake_ram_init(size);
    fake_ram_fill(0x5a);
    memrange_init(&f->ram);
    UNIT_CHECK_EQ(u, memrange_add(&f->ram, FAKE_RAM_BASE, FAKE_RAM_BASE + size), 0);
    f->meta = calloc(pages, sizeof(*f->meta));
    UNIT_CHECK_EQ(u, page_alloc_init(&f->pa, &f->ram, f->meta, pages), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&f->pa, FAKE_RAM_BASE, FAKE_RAM_BASE + size), 0);
    page_alloc_set_global(&f->pa);
    xmalloc_heap_init(&f->heap);
    f->free_at_start = page_alloc_free_count(&f->pa);
}

static void setup(struct unit *u, struct fixture *f)
{
    setup_sized(u, f, RAM_SIZE);
}

static void teardown(struct fixture *f)
{
    page_alloc_set_global(NULL);
    free(f->meta);
}

/* The "physical" offset of a heap pointer inside the fake RAM. */
static uint64_t phys_offset(const void *p)
{
    return (uint64_t)((uintptr_t)p - (uintptr_t)arch_phys_to_virt(FAKE_RAM_BASE));
}

static bool all_bytes(const void *p, size_t len, unsigned char value)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < len; i++)
        if (b[i] != value)
            return false;
    return true;
}

static struct xmalloc_stats stats_of(struct fixture *f)
{
    struct xmalloc_stats s;

    xmalloc_heap_stats(&f->heap, &s);
    return s;
}

/* Everything handed back: no object, no block, no page held, page allocator as at start. */
static void check_nothing_held(struct unit *u, struct fixture *f)
{
    struct xmalloc_stats s = stats_of(f);

    UNIT_CHECK_EQ(u, s.small_objects, 0);
    UNIT_CHECK_EQ(u, s.large_blocks, 0);
    UNIT_CHECK_EQ(u, s.bytes_in_use, 0);
    UNIT_CHECK_EQ(u, s.slabs, 0);
    UNIT_CHECK_EQ(u, s.pages, 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f->pa), f->free_at_start);
}

static void test_every_small_size_aligned_zeroed_classed(struct unit *u)
{
    struct fixture f;
    static void *ptrs[XMALLOC_MAX_CLASS + 1];
    uint64_t expect_bytes = 0;

    setup(u, &f);
    for (size_t size = 1; size <= XMALLOC_MAX_CLASS; size++) {
        size_t cls = XMALLOC_MIN_CLASS;

        while (cls < size)
            cls <<= 1;
        ptrs[size] = xmalloc_heap_alloc(&f.heap, size);
        UNIT_CHECK_MSG(u, ptrs[size], "size %zu: NULL", size);
        if (!ptrs[size])
            break;
        UNIT_CHECK_MSG(u, phys_offset(ptrs[size]) % XMALLOC_ALIGN == 0, "size %zu misaligned",
                       size);
        UNIT_CHECK_MSG(u, phys_offset(ptrs[size]) % PAGE_SIZE != 0, "slab object page-aligned");
        UNIT_CHECK_MSG(u, all_bytes(ptrs[size], cls, 0), "size %zu: not zeroed", size);
        memset(ptrs[size], 0xee, size);
        expect_bytes += cls;
    }
    UNIT_CHECK_EQ(u, stats_of(&f).small_objects, XMALLOC_MAX_CLASS);
    UNIT_CHECK_EQ(u, stats_of(&f).bytes_in_use, expect_bytes);
    UNIT_CHECK_EQ(u, stats_of(&f).class_objects[0], 16);   /* sizes 1..16 */
    UNIT_CHECK_EQ(u, stats_of(&f).class_objects[7], 1024); /* sizes 1025..2048 */
    for (size_t size = 1; size <= XMALLOC_MAX_CLASS; size++) {
        UNIT_CHECK_MSG(u, all_bytes(ptrs[size], size, 0xee), "size %zu: overwritten", size);
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, ptrs[size]), 0);
    }
    check_nothing_held(u, &f);
    UNIT_CHECK_EQ(u, stats_of(&f).allocations, XMALLOC_MAX_CLASS);
    UNIT_CHECK_EQ(u, stats_of(&f).frees, XMALLOC_MAX_CLASS);
    teardown(&f);
}

static void test_freed_memory_is_zero_when_reused(struct unit *u)
{
    struct fixture f;
    void *a, *b;

    setup(u, &f);
    a = xmalloc_heap_alloc(&f.heap, 100);
    memset(a, 0xff, 100);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), 0);
    /* The slab went back to the page allocator; keep one object so the next stays put. */
    b = xmalloc_heap_alloc(&f.heap, 128);
    a = xmalloc_heap_alloc(&f.heap, 128);
    memset(a, 0xff, 128);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), 0);
    UNIT_CHECK(u, all_bytes(a, 128, 0)); /* zeroed on free: the slab is still ours */
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, 120) == a);
    UNIT_CHECK(u, all_bytes(a, 128, 0));
    UNIT_CHECK_EQ(u, stats_of(&f).dirty_reuse, 0);
    xmalloc_heap_free(&f.heap, a);
    xmalloc_heap_free(&f.heap, b);
    /* Whole blocks: scrubbed by the page allocator, zero when handed out again. */
    a = xmalloc_heap_alloc(&f.heap, 50000);
    memset(a, 0xff, 50000);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), 0);
    b = xmalloc_heap_alloc(&f.heap, 50000);
    UNIT_CHECK(u, b && all_bytes(b, 65536, 0));
    xmalloc_heap_free(&f.heap, b);
    check_nothing_held(u, &f);
    teardown(&f);
}

static void test_large_blocks_exact_pages(struct unit *u)
{
    static const size_t sizes[] = {XMALLOC_MAX_CLASS + 1, 4096, 4097, 65536, MIB(1), MIB(3) + 1};
    static const uint64_t pages[] = {1, 1, 2, 16, 256, 1024};
    void *p[ARRAY_SIZE(sizes)];
    struct fixture f;
    uint64_t total = 0;

    setup(u, &f);
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        uint64_t before = page_alloc_free_count(&f.pa);

        p[i] = xmalloc_heap_alloc(&f.heap, sizes[i]);
        UNIT_CHECK_MSG(u, p[i], "size %zu: NULL", sizes[i]);
        if (!p[i])
            continue;
        UNIT_CHECK_MSG(u, phys_offset(p[i]) % PAGE_SIZE == 0, "size %zu: not page-aligned",
                       sizes[i]);
        UNIT_CHECK(u, all_bytes(p[i], sizes[i], 0));
        /* No header inside the block: a power of two costs exactly that many pages
           (plus, at most, one slab for the descriptors). */
        UNIT_CHECK_MSG(u, before - page_alloc_free_count(&f.pa) - pages[i] <= 4,
                       "size %zu took %llu pages", sizes[i],
                       (unsigned long long)(before - page_alloc_free_count(&f.pa)));
        memset(p[i], 0x11 * (int)(i + 1), sizes[i]);
        total += pages[i];
    }
    UNIT_CHECK_EQ(u, stats_of(&f).large_blocks, ARRAY_SIZE(sizes));
    UNIT_CHECK_EQ(u, stats_of(&f).bytes_in_use - stats_of(&f).small_objects * 32,
                  total * PAGE_SIZE);
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        UNIT_CHECK(u, all_bytes(p[i], sizes[i], (unsigned char)(0x11 * (i + 1))));
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, p[i]), 0);
    }
    check_nothing_held(u, &f);
    teardown(&f);
}

static void test_slab_slots_fill_then_release(struct unit *u)
{
    enum { N = 4000 };
    static void *p[N];
    struct fixture f;
    unsigned first_second_slab = 0;

    setup(u, &f);
    for (unsigned i = 0; i < N; i++) {
        p[i] = xmalloc_heap_alloc(&f.heap, 16);
        UNIT_CHECK(u, p[i] && phys_offset(p[i]) % PAGE_SIZE != 0);
        if (!first_second_slab && stats_of(&f).slabs == 2)
            first_second_slab = i;
    }
    /* One 16 KiB slab holds about a thousand 16-byte objects: the header is small. */
    UNIT_CHECK_MSG(u, first_second_slab >= 1000 && first_second_slab < 1024,
                   "second slab at object %u", first_second_slab);
    UNIT_CHECK_EQ(u, stats_of(&f).pages, stats_of(&f).slabs << XMALLOC_SLAB_ORDER);
    for (unsigned i = 0; i < N; i++)
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, p[i]), 0);
    check_nothing_held(u, &f);
    teardown(&f);
}

/* A deterministic generator: the same sequence on every run. */
static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static size_t random_size(uint32_t *state)
{
    switch (next_random(state) % 8) {
    case 0:
        return 1 + next_random(state) % 16;
    case 1:
    case 2:
    case 3:
        return 1 + next_random(state) % 256;
    case 4:
    case 5:
        return 1 + next_random(state) % XMALLOC_MAX_CLASS;
    case 6:
        return XMALLOC_MAX_CLASS + 1 + next_random(state) % 20000;
    default:
        return 1 + next_random(state) % 128;
    }
}

/* Mixed sizes allocated and freed in random order; every object keeps its own bytes. */
static void test_random_mix_keeps_contents(struct unit *u)
{
    enum { SLOTS = 300, STEPS = 20000 };
    static struct {
        unsigned char *ptr;
        size_t size;
    } live[SLOTS];
    uint32_t seed = 12345;
    struct fixture f;

    setup(u, &f);
    memset(live, 0, sizeof(live));
    for (unsigned step = 0; step < STEPS && !u->failures; step++) {
        unsigned i = next_random(&seed) % SLOTS;
        unsigned char tag = (unsigned char)(i + 1);

        if (live[i].ptr) {
            UNIT_CHECK_MSG(u, all_bytes(live[i].ptr, live[i].size, tag), "slot %u corrupted", i);
            UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, live[i].ptr), 0);
            live[i].ptr = NULL;
            continue;
        }
        live[i].size = random_size(&seed);
        live[i].ptr = xmalloc_heap_alloc(&f.heap, live[i].size);
        UNIT_CHECK_MSG(u, live[i].ptr, "step %u: NULL for %zu bytes", step, live[i].size);
        if (!live[i].ptr)
            break;
        UNIT_CHECK(u, phys_offset(live[i].ptr) % XMALLOC_ALIGN == 0);
        UNIT_CHECK_MSG(u, all_bytes(live[i].ptr, live[i].size, 0), "step %u: not zeroed", step);
        memset(live[i].ptr, tag, live[i].size);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        if (!live[i].ptr)
            continue;
        UNIT_CHECK(u, all_bytes(live[i].ptr, live[i].size, (unsigned char)(i + 1)));
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, live[i].ptr), 0);
    }
    check_nothing_held(u, &f);
    UNIT_CHECK_EQ(u, stats_of(&f).refused_frees, 0);
    UNIT_CHECK_EQ(u, stats_of(&f).dirty_reuse, 0);
    UNIT_CHECK_EQ(u, stats_of(&f).allocations, stats_of(&f).frees);
    teardown(&f);
}

static void test_sizes_refused(struct unit *u)
{
    struct fixture f;

    setup(u, &f);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, 0) == NULL);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, XMALLOC_MAX_SIZE + 1) == NULL);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, SIZE_MAX) == NULL);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, RAM_SIZE * 2) == NULL); /* more than there is */
    UNIT_CHECK_EQ(u, stats_of(&f).failures, 3);                       /* 0 is not a failure */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, NULL), 0);
    check_nothing_held(u, &f);
    teardown(&f);
}

/* Allocates `size` bytes until the heap says no; returns how many it got. */
static unsigned fill_up(struct unit *u, struct fixture *f, void **p, unsigned max, size_t size)
{
    unsigned n = 0;

    while (n < max && (p[n] = xmalloc_heap_alloc(&f->heap, size)))
        n++;
    UNIT_CHECK_MSG(u, n > 0 && n < max, "%u allocations of %zu bytes", n, size);
    UNIT_CHECK(u, page_alloc_free_count(&f->pa) < (1u << XMALLOC_SLAB_ORDER));
    return n;
}

static void test_exhaustion_then_recovery(struct unit *u)
{
    enum { MAX = 256 };
    void *p[MAX];
    unsigned n;
    struct fixture f;

    setup_sized(u, &f, KIB(128)); /* 32 pages */
    n = fill_up(u, &f, p, MAX, 1000);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, 3 * PAGE_SIZE) == NULL);
    for (unsigned i = 0; i < n; i++)
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, p[i]), 0);
    check_nothing_held(u, &f);
    n = fill_up(u, &f, p, MAX, 3 * PAGE_SIZE);
    UNIT_CHECK(u, xmalloc_heap_alloc(&f.heap, 16) == NULL || page_alloc_free_count(&f.pa) == 0);
    for (unsigned i = 0; i < n; i++)
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, p[i]), 0);
    check_nothing_held(u, &f);
    UNIT_CHECK(u, stats_of(&f).failures >= 3);
    /* Everything works again: the whole RAM in one block. */
    p[0] = xmalloc_heap_alloc(&f.heap, KIB(64));
    UNIT_CHECK(u, p[0] != NULL);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, p[0]), 0);
    check_nothing_held(u, &f);
    teardown(&f);
}

static char console_seen[4096];
static size_t console_seen_len;

static void capture(const char *text, size_t len)
{
    if (console_seen_len + len < sizeof(console_seen)) {
        memcpy(console_seen + console_seen_len, text, len);
        console_seen_len += len;
        console_seen[console_seen_len] = '\0';
    }
}

static const struct console_driver capture_driver = {"capture", capture};

static void test_double_and_foreign_frees_refused(struct unit *u)
{
    struct xmalloc_stats before;
    struct fixture f;
    unsigned char *a, *b, *big, *raw;
    paddr_t raw_pa;

    setup(u, &f);
    console_register(&capture_driver);
    console_seen_len = 0;
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, &f), -EINVAL); /* nothing allocated yet */
    a = xmalloc_heap_alloc(&f.heap, 32);
    b = xmalloc_heap_alloc(&f.heap, 32);
    big = xmalloc_heap_alloc(&f.heap, 3 * PAGE_SIZE);
    UNIT_CHECK(u, a && b && big);
    UNIT_CHECK_EQ(u, alloc_pages(2, &raw_pa), 0); /* not the heap's */
    raw = arch_phys_to_virt(raw_pa);
    memset(b, 0x77, 32);
    before = stats_of(&f);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), 0);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), -EINVAL);        /* double free */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, b + 16), -EINVAL);   /* inside an object */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, b + 1), -EINVAL);    /* misaligned */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, big + 64), -EINVAL); /* inside a block */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, big + PAGE_SIZE), -EINVAL);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, raw), -EINVAL); /* page not from the heap */
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, raw + 48), -EINVAL);
    UNIT_CHECK_EQ(u, stats_of(&f).refused_frees, before.refused_frees + 7);
    UNIT_CHECK_EQ(u, stats_of(&f).small_objects, before.small_objects - 1);
    UNIT_CHECK(u, all_bytes(b, 32, 0x77)); /* nothing else touched */
    UNIT_CHECK(u, strstr(console_seen, "free refused") != NULL);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, big), 0);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, big), -EINVAL);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, b), 0);
    UNIT_CHECK_EQ(u, free_pages(raw_pa, 2), 0);
    check_nothing_held(u, &f);
    teardown(&f);
}

static void test_reports_are_capped(struct unit *u)
{
    struct fixture f;
    void *keep, *a;
    size_t lines = 0;

    setup(u, &f);
    console_register(&capture_driver);
    keep = xmalloc_heap_alloc(&f.heap, 64);
    a = xmalloc_heap_alloc(&f.heap, 64);
    xmalloc_heap_free(&f.heap, a);
    console_seen_len = 0;
    for (unsigned i = 0; i < 100; i++)
        UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), -EINVAL);
    for (const char *at = console_seen; (at = strchr(at, '\n')); at++)
        lines++;
    UNIT_CHECK_EQ(u, stats_of(&f).refused_frees, 100);
    UNIT_CHECK(u, lines >= 1 && lines <= 10);
    UNIT_CHECK(u, strstr(console_seen, "suppressed") != NULL);
    xmalloc_heap_free(&f.heap, keep);
    check_nothing_held(u, &f);
    teardown(&f);
}

static void test_write_after_free_detected(struct unit *u)
{
    struct fixture f;
    unsigned char *keep, *a, *again;

    setup(u, &f);
    keep = xmalloc_heap_alloc(&f.heap, 64); /* keeps the slab */
    a = xmalloc_heap_alloc(&f.heap, 64);
    UNIT_CHECK_EQ(u, xmalloc_heap_free(&f.heap, a), 0);
    a[5] = 0x42; /* the bug being simulated */
    again = xmalloc_heap_alloc(&f.heap, 64);
    UNIT_CHECK(u, again == a);
    UNIT_CHECK(u, all_bytes(again, 64, 0));
    UNIT_CHECK_EQ(u, stats_of(&f).dirty_reuse, 1);
    xmalloc_heap_free(&f.heap, again);
    xmalloc_heap_free(&f.heap, keep);
    check_nothing_held(u, &f);
    teardown(&f);
}

static void test_global_heap_and_array(struct unit *u)
{
    struct xmalloc_stats s0, s1;
    struct fixture f;
    uint32_t *v;

    setup(u, &f);
    xmalloc_get_stats(&s0);
    v = xmalloc_array(1000, sizeof(*v));
    UNIT_CHECK(u, v && all_bytes(v, 4000, 0));
    UNIT_CHECK(u, xmalloc_array(SIZE_MAX / 2, 4) == NULL); /* overflows */
    UNIT_CHECK(u, xmalloc_array(0, 4) == NULL);
    xmalloc_get_stats(&s1);
    UNIT_CHECK_EQ(u, s1.large_blocks, s0.large_blocks + 1);
    xfree(v);
    xfree(NULL);
    xmalloc_get_stats(&s1);
    UNIT_CHECK_EQ(u, s1.pages, s0.pages);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&f.pa), f.free_at_start);
    teardown(&f);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_every_small_size_aligned_zeroed_classed),
    UNIT_CASE(test_freed_memory_is_zero_when_reused),
    UNIT_CASE(test_large_blocks_exact_pages),
    UNIT_CASE(test_slab_slots_fill_then_release),
    UNIT_CASE(test_random_mix_keeps_contents),
    UNIT_CASE(test_sizes_refused),
    UNIT_CASE(test_exhaustion_then_recovery),
    UNIT_CASE(test_double_and_foreign_frees_refused),
    UNIT_CASE(test_reports_are_capped),
    UNIT_CASE(test_write_after_free_detected),
    UNIT_CASE(test_global_heap_and_array),
    {0},
};
