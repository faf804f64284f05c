/*
 * The hypervisor heap (xen/common/xmalloc.c): byte-sized allocations on top
 * of the buddy page allocator.
 *
 * Guarantees:
 *  - every allocation is zero-filled and aligned to XMALLOC_ALIGN bytes (in
 *    the direct map, so physically too);
 *  - memory is zeroed when freed (small objects by the heap, whole blocks by
 *    the page allocator's scrub), so no data crosses from one owner to the
 *    next; a small object found modified while free (a write after free) is
 *    counted, reported and zeroed again before it is handed out;
 *  - a free of a pointer the heap did not hand out, or a second free, is
 *    refused with a (capped) console report and changes nothing, as long as
 *    the pointer points into mapped memory: that is a hypervisor bug, so it
 *    never stops the machine but never corrupts the heap either;
 *  - slabs that become empty go back to the page allocator at once, so the
 *    page allocator's free count returns to its old value once everything
 *    allocated since has been freed.
 *
 * Shape: sizes up to XMALLOC_MAX_CLASS come from power-of-two size classes
 * (16 B .. 2 KiB), each carved from slabs of 2^XMALLOC_SLAB_ORDER pages whose
 * first bytes hold the slab's header; larger sizes get a whole block of
 * 2^order pages, page-aligned, tracked in a small hash of descriptors (no
 * header inside the block, so a 64 KiB array costs 64 KiB). A pointer is a
 * block when it is page-aligned, a slab object otherwise (slab slots are
 * never page-aligned), so xfree finds its metadata without a search.
 *
 * The core works on an explicit struct xmalloc_heap (host tests make their
 * own); xmalloc()/xfree() use the hypervisor-wide heap. Both need the
 * page allocator installed (page_alloc_set_global) first.
 *
 * Lock: one spinlock per heap. Order: heap lock -> page_alloc_lock (the page
 * allocator is only called outside the heap lock, but either order is safe);
 * the console is only written after the heap lock is dropped.
 */
#ifndef FLAXEN_XMALLOC_H
#define FLAXEN_XMALLOC_H

#include <flaxen/page_alloc.h>
#include <flaxen/spinlock.h>
#include <flaxen/types.h>

#define XMALLOC_ALIGN 16
#define XMALLOC_MIN_CLASS 16
#define XMALLOC_MAX_CLASS 2048
#define XMALLOC_NR_CLASSES 8 /* 16, 32, ..., 2048 */
#define XMALLOC_SLAB_ORDER 2 /* slabs of 4 pages: a 2 KiB class loses 1/8 to the header */
#define XMALLOC_SLAB_SIZE (PAGE_SIZE << XMALLOC_SLAB_ORDER)
/* The largest request: the largest block the page allocator can hand out. */
#define XMALLOC_MAX_SIZE ((size_t)PAGE_SIZE << PAGE_ALLOC_MAX_ORDER)
#define XMALLOC_LARGE_BUCKETS 64

struct xmalloc_stats {
    uint64_t small_objects; /* slab objects in use */
    uint64_t large_blocks;  /* whole blocks in use */
    uint64_t bytes_in_use;  /* what those take: class size or whole block */
    uint64_t slabs;         /* slabs held */
    uint64_t pages;         /* pages held from the page allocator (slabs + blocks) */
    uint64_t allocations;   /* successful xmalloc calls, ever */
    uint64_t frees;         /* successful xfree calls (not counting NULL), ever */
    uint64_t failures;      /* xmalloc calls refused: no memory, or size absurd */
    uint64_t refused_frees; /* xfree calls refused: double free or foreign pointer */
    uint64_t dirty_reuse;   /* free objects found modified (written after free) */
    uint64_t class_objects[XMALLOC_NR_CLASSES]; /* objects in use per class */
};

struct xmalloc_slab;
struct xmalloc_large;

struct xmalloc_heap {
    struct spinlock lock;
    struct xmalloc_slab *partial[XMALLOC_NR_CLASSES]; /* slabs with a free slot, per class */
    struct xmalloc_large *large[XMALLOC_LARGE_BUCKETS];
    /* (virtual - physical) modulo XMALLOC_SLAB_SIZE, the same for every block of
       the direct map; fixed by the first block the heap takes. */
    uintptr_t map_offset;
    bool map_offset_known;
    struct xmalloc_stats stats;
};

/* Prepares an empty heap (also valid: a zero-filled static struct). */
void xmalloc_heap_init(struct xmalloc_heap *h);

/*
 * size bytes, zeroed and XMALLOC_ALIGN-aligned, from heap h; NULL when size
 * is 0, larger than XMALLOC_MAX_SIZE, or the page allocator has no room.
 */
void *xmalloc_heap_alloc(struct xmalloc_heap *h, size_t size);

/*
 * Zeroes and frees an allocation of heap h. NULL is accepted (returns 0). A
 * pointer h did not hand out, or one already freed, is refused: -EINVAL,
 * counted in refused_frees, reported on the console (the first few only).
 */
int xmalloc_heap_free(struct xmalloc_heap *h, void *ptr);

/* A consistent copy of h's counters. */
void xmalloc_heap_stats(struct xmalloc_heap *h, struct xmalloc_stats *out);

/* xmalloc_heap_alloc / xmalloc_heap_free / xmalloc_heap_stats on the hypervisor-wide heap. */
void *xmalloc(size_t size);
void xfree(void *ptr);
void xmalloc_get_stats(struct xmalloc_stats *out);

/* xmalloc(count * size), NULL when the product overflows. */
void *xmalloc_array(size_t count, size_t size);

#endif
