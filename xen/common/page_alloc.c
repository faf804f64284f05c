/*
 * Buddy allocator of physical pages (see page_alloc.h for the guarantees).
 *
 * Each RAM bank is a zone with a contiguous run of struct page_meta. A free
 * block of order k starts at a frame number that is a multiple of 2^k and is
 * linked in free_head[k] through its first page's meta. Only a block's first
 * page (its head) carries state; every other page is PAGE_TAIL, or
 * PAGE_RESERVED when it was never given to the allocator.
 *
 * Lock: the hypervisor-wide instance is guarded by page_alloc_lock, a leaf
 * lock (nothing else is taken while it is held). Scrubbing, the slow part,
 * happens outside it in alloc_pages()/free_pages().
 */
#include <flaxen/arch.h>
#include <flaxen/page_alloc.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>

enum page_state {
    PAGE_RESERVED = 0, /* not managed: in use since boot */
    PAGE_FREE,         /* head of a free block */
    PAGE_ALLOCATED,    /* head of an allocated block */
    PAGE_TAIL,         /* inside a block, not its head */
    PAGE_SCRUBBING,    /* head of a block being freed (scrubbed outside the lock) */
};

static struct page_zone *zone_of(struct page_alloc *pa, uint64_t pfn)
{
    for (unsigned i = 0; i < pa->nr_zones; i++) {
        struct page_zone *z = &pa->zones[i];

        if (pfn >= z->first_pfn && pfn - z->first_pfn < z->nr_pages)
            return z;
    }
    return NULL;
}

static uint32_t index_of(const struct page_zone *z, uint64_t pfn)
{
    return z->first_index + (uint32_t)(pfn - z->first_pfn);
}

static uint64_t pfn_of(const struct page_alloc *pa, uint32_t index)
{
    const struct page_zone *z = &pa->zones[pa->meta[index].zone];

    return z->first_pfn + (index - z->first_index);
}

static void list_push(struct page_alloc *pa, uint32_t index, unsigned order)
{
    struct page_meta *m = &pa->meta[index];

    m->prev = PAGE_ALLOC_NONE;
    m->next = pa->free_head[order];
    if (m->next != PAGE_ALLOC_NONE)
        pa->meta[m->next].prev = index;
    pa->free_head[order] = index;
    m->state = PAGE_FREE;
    m->order = (uint8_t)order;
    pa->free_pages += 1ull << order;
}

static void list_unlink(struct page_alloc *pa, uint32_t index)
{
    struct page_meta *m = &pa->meta[index];

    if (m->prev != PAGE_ALLOC_NONE)
        pa->meta[m->prev].next = m->next;
    else
        pa->free_head[m->order] = m->next;
    if (m->next != PAGE_ALLOC_NONE)
        pa->meta[m->next].prev = m->prev;
    m->next = m->prev = PAGE_ALLOC_NONE;
    pa->free_pages -= 1ull << m->order;
}

/* The free buddy of the order-`order` block at pfn in zone z, or NONE. */
static uint32_t free_buddy(struct page_alloc *pa, const struct page_zone *z, uint64_t pfn,
                           unsigned order)
{
    uint64_t buddy = pfn ^ (1ull << order);
    uint32_t index;

    if (buddy < z->first_pfn || buddy + (1ull << order) > z->first_pfn + z->nr_pages)
        return PAGE_ALLOC_NONE;
    index = index_of(z, buddy);
    if (pa->meta[index].state != PAGE_FREE || pa->meta[index].order != order)
        return PAGE_ALLOC_NONE;
    return index;
}

/* Inserts a block (its pages already owned by the caller), merging with free buddies. */
static void insert_block(struct page_alloc *pa, const struct page_zone *z, uint64_t pfn,
                         unsigned order, bool clean)
{
    while (order < PAGE_ALLOC_MAX_ORDER) {
        uint32_t buddy = free_buddy(pa, z, pfn, order);
        uint64_t low;

        if (buddy == PAGE_ALLOC_NONE)
            break;
        clean = clean && pa->meta[buddy].clean;
        list_unlink(pa, buddy);
        low = pfn & ~(1ull << order);
        /* The higher of the two heads becomes a tail of the merged block. */
        pa->meta[index_of(z, low ^ (1ull << order))].state = PAGE_TAIL;
        pfn = low;
        order++;
    }
    list_push(pa, index_of(z, pfn), order);
    pa->meta[index_of(z, pfn)].clean = clean;
}

static void scrub(paddr_t addr, unsigned order)
{
    memset(arch_phys_to_virt(addr), 0, PAGE_SIZE << order);
}

/* Returns the order of the first non-empty free list at or above `order`, or -1. */
static int first_nonempty(const struct page_alloc *pa, unsigned order)
{
    for (unsigned k = order; k <= PAGE_ALLOC_MAX_ORDER; k++)
        if (pa->free_head[k] != PAGE_ALLOC_NONE)
            return (int)k;
    return -1;
}

/* Takes a free block of exactly `order` pages off the lists (splitting a bigger one). */
static int take_block(struct page_alloc *pa, unsigned order, uint32_t *out)
{
    int k = first_nonempty(pa, order);
    uint32_t index;
    bool clean;

    if (k < 0)
        return -ENOMEM;
    index = pa->free_head[k];
    clean = pa->meta[index].clean;
    list_unlink(pa, index);
    while ((unsigned)k > order) {
        uint32_t upper;

        k--;
        upper = index + (1u << k); /* same zone: meta is contiguous within it */
        list_push(pa, upper, (unsigned)k);
        pa->meta[upper].clean = clean;
    }
    pa->meta[index].state = PAGE_ALLOCATED;
    pa->meta[index].order = (uint8_t)order;
    pa->meta[index].clean = clean;
    *out = index;
    return 0;
}

uint64_t page_alloc_meta_entries(const struct memrange_set *ram)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < ram->nr; i++) {
        paddr_t start = ALIGN_UP(ram->r[i].start, PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(ram->r[i].end, PAGE_SIZE);

        if (end > start)
            total += (end - start) >> PAGE_SHIFT;
    }
    return total;
}

int page_alloc_init(struct page_alloc *pa, const struct memrange_set *ram, struct page_meta *meta,
                    uint64_t nr_meta)
{
    uint64_t need = page_alloc_meta_entries(ram);

    if (need > nr_meta || need >= PAGE_ALLOC_NONE)
        return -ENOMEM;
    memset(pa, 0, sizeof(*pa));
    for (unsigned k = 0; k <= PAGE_ALLOC_MAX_ORDER; k++)
        pa->free_head[k] = PAGE_ALLOC_NONE;
    pa->meta = meta;
    pa->nr_meta = need;
    for (unsigned i = 0, index = 0; i < ram->nr; i++) {
        paddr_t start = ALIGN_UP(ram->r[i].start, PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(ram->r[i].end, PAGE_SIZE);
        struct page_zone *z;

        if (end <= start)
            continue;
        if (pa->nr_zones == PAGE_ALLOC_MAX_ZONES)
            return -ENOMEM;
        z = &pa->zones[pa->nr_zones];
        z->first_pfn = start >> PAGE_SHIFT;
        z->nr_pages = (end - start) >> PAGE_SHIFT;
        z->first_index = index;
        for (uint64_t p = 0; p < z->nr_pages; p++) {
            meta[index + p] = (struct page_meta){
                PAGE_ALLOC_NONE, PAGE_ALLOC_NONE, PAGE_RESERVED, 0, 0, (uint8_t)pa->nr_zones};
        }
        index += (unsigned)z->nr_pages;
        pa->nr_zones++;
    }
    return 0;
}

/* The largest order of a block starting at pfn that fits in [pfn, end_pfn). */
static unsigned fitting_order(uint64_t pfn, uint64_t end_pfn)
{
    unsigned order = 0;

    while (order < PAGE_ALLOC_MAX_ORDER && IS_ALIGNED(pfn, 1ull << (order + 1)) &&
           pfn + (2ull << order) <= end_pfn)
        order++;
    return order;
}

int page_alloc_add_free(struct page_alloc *pa, paddr_t start, paddr_t end)
{
    struct page_zone *z;
    uint64_t pfn, end_pfn;

    if (!IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE) || end <= start)
        return -EINVAL;
    pfn = start >> PAGE_SHIFT;
    end_pfn = end >> PAGE_SHIFT;
    z = zone_of(pa, pfn);
    if (!z || end_pfn - z->first_pfn > z->nr_pages)
        return -EINVAL;
    for (uint64_t p = pfn; p < end_pfn; p++)
        if (pa->meta[index_of(z, p)].state != PAGE_RESERVED)
            return -EINVAL;
    for (uint64_t p = pfn; p < end_pfn; p++)
        pa->meta[index_of(z, p)].state = PAGE_TAIL;
    while (pfn < end_pfn) {
        unsigned order = fitting_order(pfn, end_pfn);

        insert_block(pa, z, pfn, order, false);
        pfn += 1ull << order;
    }
    return 0;
}

int page_alloc_alloc(struct page_alloc *pa, unsigned order, paddr_t *out)
{
    uint32_t index;
    int rc;

    if (order > PAGE_ALLOC_MAX_ORDER)
        return -EINVAL;
    rc = take_block(pa, order, &index);
    if (rc)
        return rc;
    *out = pfn_of(pa, index) << PAGE_SHIFT;
    if (!pa->meta[index].clean)
        scrub(*out, order);
    pa->meta[index].clean = 0;
    return 0;
}

/* Checks that addr heads an allocated block of `order` and marks it being freed. */
static int claim_for_free(struct page_alloc *pa, paddr_t addr, unsigned order,
                          struct page_zone **zone)
{
    uint64_t pfn = addr >> PAGE_SHIFT;
    struct page_zone *z;
    struct page_meta *m;

    if (!IS_ALIGNED(addr, PAGE_SIZE) || order > PAGE_ALLOC_MAX_ORDER)
        return -EINVAL;
    z = zone_of(pa, pfn);
    if (!z)
        return -EINVAL;
    m = &pa->meta[index_of(z, pfn)];
    if (m->state != PAGE_ALLOCATED || m->order != order)
        return -EINVAL;
    m->state = PAGE_SCRUBBING;
    *zone = z;
    return 0;
}

int page_alloc_free(struct page_alloc *pa, paddr_t addr, unsigned order)
{
    struct page_zone *z;
    int rc = claim_for_free(pa, addr, order, &z);

    if (rc)
        return rc;
    scrub(addr, order);
    insert_block(pa, z, addr >> PAGE_SHIFT, order, true);
    return 0;
}

uint64_t page_alloc_free_count(const struct page_alloc *pa)
{
    return pa->free_pages;
}

static struct page_alloc *page_alloc_global;
static struct spinlock page_alloc_lock = SPINLOCK_INIT;

void page_alloc_set_global(struct page_alloc *pa)
{
    page_alloc_global = pa;
}

int alloc_pages(unsigned order, paddr_t *out)
{
    uint32_t index;
    bool clean;
    int rc;

    if (!page_alloc_global || order > PAGE_ALLOC_MAX_ORDER)
        return -EINVAL;
    spin_lock(&page_alloc_lock);
    rc = take_block(page_alloc_global, order, &index);
    if (rc == 0) {
        clean = page_alloc_global->meta[index].clean;
        page_alloc_global->meta[index].clean = 0;
        *out = pfn_of(page_alloc_global, index) << PAGE_SHIFT;
    }
    spin_unlock(&page_alloc_lock);
    /* Scrub outside the lock: the block is ours now. */
    if (rc == 0 && !clean)
        scrub(*out, order);
    return rc;
}

int free_pages(paddr_t addr, unsigned order)
{
    struct page_zone *z;
    int rc;

    if (!page_alloc_global)
        return -EINVAL;
    spin_lock(&page_alloc_lock);
    rc = claim_for_free(page_alloc_global, addr, order, &z);
    spin_unlock(&page_alloc_lock);
    if (rc)
        return rc;
    /* Scrub outside the lock: the block is marked PAGE_SCRUBBING, nobody else touches it. */
    scrub(addr, order);
    spin_lock(&page_alloc_lock);
    insert_block(page_alloc_global, z, addr >> PAGE_SHIFT, order, true);
    spin_unlock(&page_alloc_lock);
    return 0;
}

uint64_t page_alloc_free_count_global(void)
{
    uint64_t n;

    if (!page_alloc_global)
        return 0;
    spin_lock(&page_alloc_lock);
    n = page_alloc_free_count(page_alloc_global);
    spin_unlock(&page_alloc_lock);
    return n;
}

uint64_t page_alloc_total_count_global(void)
{
    uint64_t n = 0;

    if (!page_alloc_global)
        return 0;
    for (unsigned i = 0; i < page_alloc_global->nr_zones; i++)
        n += page_alloc_global->zones[i].nr_pages;
    return n;
}
