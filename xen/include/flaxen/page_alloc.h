/*
 * The physical page allocator (xen/common/page_alloc.c): a buddy allocator
 * over the RAM banks, handing out naturally aligned blocks of 2^order pages.
 *
 * Guarantees:
 *  - every block handed out is zero-filled: freed blocks are scrubbed when
 *    freed, and memory never written by us (boot-time RAM) is zeroed when it
 *    is first handed out, so no data crosses from one owner to the next;
 *  - metadata lives outside the managed pages (one struct page_meta per page
 *    of every bank), so free pages are never read or written except to scrub;
 *  - a free with the wrong address or order, or a double free, is refused
 *    with -EINVAL and changes nothing.
 *
 * The core works on an explicit struct page_alloc (host tests make their
 * own); alloc_pages()/free_pages() are the hypervisor-wide instance, behind
 * a lock.
 */
#ifndef FLAXEN_PAGE_ALLOC_H
#define FLAXEN_PAGE_ALLOC_H

#include <flaxen/memrange.h>
#include <flaxen/types.h>

#define PAGE_ALLOC_MAX_ORDER 18 /* 2^18 pages: 1 GiB */
#define PAGE_ALLOC_MAX_ZONES 8
#define PAGE_ALLOC_NONE UINT32_MAX

struct page_meta {
    uint32_t next; /* free list links (indices into meta[]), PAGE_ALLOC_NONE ends */
    uint32_t prev;
    uint8_t state; /* enum in page_alloc.c */
    uint8_t order; /* of the block this page heads */
    uint8_t clean; /* a free block known to be all zero */
    uint8_t zone;
};

struct page_zone {
    uint64_t first_pfn; /* physical frame number of the zone's first page */
    uint64_t nr_pages;
    uint32_t first_index; /* its first entry in meta[] */
};

struct page_alloc {
    struct page_zone zones[PAGE_ALLOC_MAX_ZONES];
    unsigned nr_zones;
    struct page_meta *meta;
    uint64_t nr_meta;
    uint32_t free_head[PAGE_ALLOC_MAX_ORDER + 1];
    uint64_t free_pages;
};

/* How many struct page_meta page_alloc_init needs for the page-aligned parts of `ram`. */
uint64_t page_alloc_meta_entries(const struct memrange_set *ram);

/*
 * Prepares *pa to manage the RAM in `ram` (one zone per range, at most
 * PAGE_ALLOC_MAX_ZONES, partial pages at the edges ignored), with `meta`
 * holding nr_meta entries. Every page starts out in use; give free memory
 * with page_alloc_add_free. Returns 0 or -EINVAL / -ENOMEM.
 */
int page_alloc_init(struct page_alloc *pa, const struct memrange_set *ram, struct page_meta *meta,
                    uint64_t nr_meta);

/*
 * Hands the page-aligned range [start, end) to the allocator. It must lie in
 * one zone and be entirely in use (never added, never allocated). Its
 * content is treated as unknown (zeroed when handed out). Returns 0 or -EINVAL.
 */
int page_alloc_add_free(struct page_alloc *pa, paddr_t start, paddr_t end);

/* Allocates 2^order zeroed pages aligned to their size. Returns 0 or -ENOMEM / -EINVAL. */
int page_alloc_alloc(struct page_alloc *pa, unsigned order, paddr_t *out);

/* Scrubs and frees a block page_alloc_alloc returned. Returns 0 or -EINVAL. */
int page_alloc_free(struct page_alloc *pa, paddr_t addr, unsigned order);

/* Pages currently free. */
uint64_t page_alloc_free_count(const struct page_alloc *pa);

/* Installs *pa as the hypervisor-wide allocator (once, at boot). */
void page_alloc_set_global(struct page_alloc *pa);

/* page_alloc_alloc / page_alloc_free on the hypervisor-wide allocator, locked. */
int alloc_pages(unsigned order, paddr_t *out);
int free_pages(paddr_t addr, unsigned order);

/* Free pages of the hypervisor-wide allocator. */
uint64_t page_alloc_free_count_global(void);

/* Pages the hypervisor-wide allocator manages (free or not). */
uint64_t page_alloc_total_count_global(void);

#endif
