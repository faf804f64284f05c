/*
 * The hypervisor heap (see xmalloc.h for what it guarantees).
 *
 * A slab is one block of 2^XMALLOC_SLAB_ORDER pages serving one size class:
 * its header (struct xmalloc_slab) fills the first SLAB_FIRST bytes, then come
 * the slots. A bitmap in the header says which slots are taken; slots that
 * would start on a page boundary are marked taken for good, so that every
 * page-aligned pointer the heap hands out is a whole block. Slabs with a free
 * slot are on their class's partial list; full slabs are on no list.
 *
 * Finding a slab from an object needs the object's position inside its slab.
 * Blocks are aligned to their size physically; virtually, the direct map
 * adds one offset (0 on arm64's identity map, a host address on the fake
 * arch), which the heap learns from its first block and checks on every
 * later one.
 *
 * Lock: heap->lock guards the lists, the hash of blocks, every slab header
 * and the counters. The page allocator is called without it; the console is
 * written only after it is dropped.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>
#include <flaxen/string.h>
#include <flaxen/xmalloc.h>

#define SLAB_MAGIC 0x78736c6162686472ull /* "xslabhdr", XORed with the header's address */
#define SLAB_BITS (XMALLOC_SLAB_SIZE / XMALLOC_MIN_CLASS)
#define SLAB_WORDS (SLAB_BITS / 64)
#define REPORT_MAX 8 /* console reports per heap and kind; then counters only */

struct xmalloc_slab {
    uint64_t magic;
    struct xmalloc_slab *next; /* partial list of its class */
    struct xmalloc_slab *prev;
    paddr_t pa;
    uint16_t class_index;
    uint16_t nr_slots;   /* slots that fit after the header */
    uint16_t free_slots; /* usable slots not taken */
    uint16_t in_use;     /* slots handed out */
    uint64_t taken[SLAB_WORDS];
};

#define SLAB_FIRST ALIGN_UP(sizeof(struct xmalloc_slab), XMALLOC_ALIGN)

struct xmalloc_large {
    struct xmalloc_large *next; /* hash chain */
    uintptr_t addr;             /* the block's virtual address, as handed out */
    paddr_t pa;
    unsigned order;
};

_Static_assert(XMALLOC_MIN_CLASS << (XMALLOC_NR_CLASSES - 1) == XMALLOC_MAX_CLASS,
               "classes are the powers of two from XMALLOC_MIN_CLASS to XMALLOC_MAX_CLASS");
_Static_assert(SLAB_BITS % 64 == 0 && SLAB_BITS < UINT16_MAX, "slot numbers fit the header");
_Static_assert(SLAB_FIRST < XMALLOC_MAX_CLASS, "every class has a slot that is not page-aligned");
_Static_assert((XMALLOC_LARGE_BUCKETS & (XMALLOC_LARGE_BUCKETS - 1)) == 0, "a power of two");

static size_t class_size(unsigned index)
{
    return (size_t)XMALLOC_MIN_CLASS << index;
}

static unsigned class_of(size_t size)
{
    unsigned index = 0;

    while (class_size(index) < size)
        index++;
    return index;
}

static unsigned order_of(size_t size)
{
    unsigned order = 0;

    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

static bool bit_test(const uint64_t *words, unsigned bit)
{
    return (words[bit / 64] >> (bit % 64)) & 1;
}

static void bit_set(uint64_t *words, unsigned bit)
{
    words[bit / 64] |= 1ull << (bit % 64);
}

static void bit_clear(uint64_t *words, unsigned bit)
{
    words[bit / 64] &= ~(1ull << (bit % 64));
}

static bool all_zero(const void *ptr, size_t size)
{
    const uint64_t *word = ptr; /* XMALLOC_ALIGN-aligned, size a multiple of 16 */

    for (size_t i = 0; i < size / sizeof(*word); i++)
        if (word[i])
            return false;
    return true;
}

/* Under the lock: learns or checks the direct map's offset for a new block. */
static void check_map_offset(struct xmalloc_heap *h, const void *va, paddr_t pa)
{
    uintptr_t offset = ((uintptr_t)va - (uintptr_t)pa) & (XMALLOC_SLAB_SIZE - 1);

    if (!h->map_offset_known) {
        ASSERT(IS_ALIGNED(offset, XMALLOC_ALIGN));
        h->map_offset = offset;
        h->map_offset_known = true;
    }
    ASSERT(offset == h->map_offset);
}

/* ------------------------------------------------------------------ slabs */

static void slab_list_push(struct xmalloc_heap *h, struct xmalloc_slab *s)
{
    struct xmalloc_slab **head = &h->partial[s->class_index];

    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void slab_list_unlink(struct xmalloc_heap *h, struct xmalloc_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        h->partial[s->class_index] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* A fresh slab for class `index` from the page allocator (zeroed), or NULL. */
static struct xmalloc_slab *slab_create(unsigned index)
{
    size_t size = class_size(index);
    struct xmalloc_slab *s;
    paddr_t pa;

    if (alloc_pages(XMALLOC_SLAB_ORDER, &pa))
        return NULL;
    s = arch_phys_to_virt(pa);
    s->magic = SLAB_MAGIC ^ (uintptr_t)s;
    s->pa = pa;
    s->class_index = (uint16_t)index;
    s->nr_slots = (uint16_t)((XMALLOC_SLAB_SIZE - SLAB_FIRST) / size);
    s->free_slots = s->nr_slots;
    for (unsigned bit = s->nr_slots; bit < SLAB_BITS; bit++)
        bit_set(s->taken, bit);
    /* Slots starting on a page boundary are never used (see the top of the file). */
    for (size_t at = PAGE_SIZE; at < XMALLOC_SLAB_SIZE; at += PAGE_SIZE) {
        size_t slot = (at - SLAB_FIRST) / size;

        if ((at - SLAB_FIRST) % size == 0 && slot < s->nr_slots) {
            bit_set(s->taken, (unsigned)slot);
            s->free_slots--;
        }
    }
    return s;
}

/* Under the lock: takes the first free slot of a slab on its partial list. */
static void *slab_take(struct xmalloc_heap *h, struct xmalloc_slab *s)
{
    unsigned word = 0, slot;

    while (word < SLAB_WORDS && s->taken[word] == ~0ull)
        word++;
    BUG_ON(word == SLAB_WORDS); /* a slab on a partial list has a free slot */
    slot = word * 64 + (unsigned)__builtin_ctzll(~s->taken[word]);
    BUG_ON(slot >= s->nr_slots);
    bit_set(s->taken, slot);
    s->in_use++;
    if (--s->free_slots == 0)
        slab_list_unlink(h, s);
    return (char *)s + SLAB_FIRST + slot * class_size(s->class_index);
}

static void report(void *ptr, uint64_t count, const char *what)
{
    if (count > REPORT_MAX)
        return;
    printk("xmalloc: %p: %s%s\n", ptr, what,
           count == REPORT_MAX ? " (further reports of this kind suppressed)" : "");
}

static void *slab_alloc(struct xmalloc_heap *h, unsigned index)
{
    size_t size = class_size(index);
    struct xmalloc_slab *s, *fresh = NULL;
    uint64_t dirty = 0;
    void *obj;

    spin_lock(&h->lock);
    s = h->partial[index];
    if (!s) {
        spin_unlock(&h->lock);
        fresh = slab_create(index);
        if (!fresh)
            return NULL;
        spin_lock(&h->lock);
        check_map_offset(h, fresh, fresh->pa);
        slab_list_push(h, fresh);
        h->stats.slabs++;
        h->stats.pages += 1u << XMALLOC_SLAB_ORDER;
        s = fresh; /* ours, even if another CPU added a slab meanwhile */
    }
    obj = slab_take(h, s);
    if (!all_zero(obj, size)) {
        memset(obj, 0, size);
        dirty = ++h->stats.dirty_reuse;
    }
    h->stats.small_objects++;
    h->stats.class_objects[index]++;
    h->stats.bytes_in_use += size;
    spin_unlock(&h->lock);
    if (dirty)
        report(obj, dirty, "free object was written after it was freed (zeroed again)");
    return obj;
}

/* Under the lock: the slab and slot of a live object at addr, or NULL. */
static struct xmalloc_slab *slab_find(const struct xmalloc_heap *h, uintptr_t addr, unsigned *slot)
{
    uintptr_t base = addr - ((addr - h->map_offset) & (XMALLOC_SLAB_SIZE - 1));
    struct xmalloc_slab *s = (struct xmalloc_slab *)base;
    uintptr_t offset = addr - base;
    size_t size;

    if (s->magic != (SLAB_MAGIC ^ base) || s->class_index >= XMALLOC_NR_CLASSES ||
        offset < SLAB_FIRST)
        return NULL;
    size = class_size(s->class_index);
    if ((offset - SLAB_FIRST) % size)
        return NULL;
    *slot = (unsigned)((offset - SLAB_FIRST) / size);
    if (*slot >= s->nr_slots || !bit_test(s->taken, *slot))
        return NULL;
    return s;
}

/*
 * Under the lock: zeroes and releases one object. Returns 0, or -EINVAL if
 * addr is not a live object. *empty is the slab when it became empty (taken
 * off every list, its header invalidated: the caller gives it back).
 */
static int slab_free(struct xmalloc_heap *h, uintptr_t addr, struct xmalloc_slab **empty)
{
    struct xmalloc_slab *s;
    unsigned slot;
    size_t size;

    s = slab_find(h, addr, &slot);
    if (!s)
        return -EINVAL;
    size = class_size(s->class_index);
    memset((void *)addr, 0, size);
    bit_clear(s->taken, slot);
    s->in_use--;
    if (s->free_slots++ == 0)
        slab_list_push(h, s);
    h->stats.small_objects--;
    h->stats.class_objects[s->class_index]--;
    h->stats.bytes_in_use -= size;
    if (s->in_use == 0) {
        slab_list_unlink(h, s);
        s->magic = 0;
        h->stats.slabs--;
        h->stats.pages -= 1u << XMALLOC_SLAB_ORDER;
        *empty = s;
    }
    return 0;
}

/* ----------------------------------------------------------- whole blocks */

static unsigned large_bucket(const struct xmalloc_heap *h, uintptr_t addr)
{
    uint64_t page = (uint64_t)(addr - h->map_offset) >> PAGE_SHIFT;

    return (unsigned)((page * 0x9e3779b97f4a7c15ull) >> 58) & (XMALLOC_LARGE_BUCKETS - 1);
}

static void *large_alloc(struct xmalloc_heap *h, size_t size)
{
    unsigned order = order_of(size);
    struct xmalloc_large *d;
    unsigned bucket;
    paddr_t pa;

    if (alloc_pages(order, &pa))
        return NULL;
    d = xmalloc_heap_alloc(h, sizeof(*d));
    if (!d) {
        BUG_ON(free_pages(pa, order));
        return NULL;
    }
    d->pa = pa;
    d->order = order;
    d->addr = (uintptr_t)arch_phys_to_virt(pa);
    spin_lock(&h->lock);
    check_map_offset(h, (void *)d->addr, pa);
    bucket = large_bucket(h, d->addr);
    d->next = h->large[bucket];
    h->large[bucket] = d;
    h->stats.large_blocks++;
    h->stats.pages += 1ull << order;
    h->stats.bytes_in_use += PAGE_SIZE << order;
    spin_unlock(&h->lock);
    return (void *)d->addr;
}

/* Under the lock: takes the block at addr out of the hash; NULL if there is none. */
static struct xmalloc_large *large_remove(struct xmalloc_heap *h, uintptr_t addr)
{
    struct xmalloc_large **link = &h->large[large_bucket(h, addr)];

    for (; *link; link = &(*link)->next) {
        struct xmalloc_large *d = *link;

        if (d->addr == addr) {
            *link = d->next;
            h->stats.large_blocks--;
            h->stats.pages -= 1ull << d->order;
            h->stats.bytes_in_use -= PAGE_SIZE << d->order;
            return d;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- the API */

void xmalloc_heap_init(struct xmalloc_heap *h)
{
    memset(h, 0, sizeof(*h));
}

void *xmalloc_heap_alloc(struct xmalloc_heap *h, size_t size)
{
    void *ptr = NULL;

    if (size == 0)
        return NULL;
    if (size <= XMALLOC_MAX_CLASS)
        ptr = slab_alloc(h, class_of(size));
    else if (size <= XMALLOC_MAX_SIZE)
        ptr = large_alloc(h, size);
    spin_lock(&h->lock);
    if (ptr)
        h->stats.allocations++;
    else
        h->stats.failures++;
    spin_unlock(&h->lock);
    return ptr;
}

int xmalloc_heap_free(struct xmalloc_heap *h, void *ptr)
{
    uintptr_t addr = (uintptr_t)ptr;
    struct xmalloc_slab *empty = NULL;
    struct xmalloc_large *block = NULL;
    uint64_t refused = 0;
    int rc = -EINVAL;

    if (!ptr)
        return 0;
    spin_lock(&h->lock);
    if (h->map_offset_known && IS_ALIGNED(addr - h->map_offset, PAGE_SIZE)) {
        block = large_remove(h, addr);
        rc = block ? 0 : -EINVAL;
    } else if (h->map_offset_known && IS_ALIGNED(addr, XMALLOC_ALIGN)) {
        rc = slab_free(h, addr, &empty);
    }
    if (rc)
        refused = ++h->stats.refused_frees;
    else
        h->stats.frees++;
    spin_unlock(&h->lock);
    if (rc) {
        report(ptr, refused, "free refused: not allocated (double free or foreign pointer)");
        return rc;
    }
    /* The page allocator scrubs what it takes back: a block's data goes with it. */
    if (empty)
        BUG_ON(free_pages(empty->pa, XMALLOC_SLAB_ORDER));
    if (block) {
        BUG_ON(free_pages(block->pa, block->order));
        BUG_ON(xmalloc_heap_free(h, block));
    }
    return 0;
}

void xmalloc_heap_stats(struct xmalloc_heap *h, struct xmalloc_stats *out)
{
    spin_lock(&h->lock);
    *out = h->stats;
    spin_unlock(&h->lock);
}

/* The hypervisor-wide heap: a zero-filled heap is an empty one. */
static struct xmalloc_heap xmalloc_global;

void *xmalloc(size_t size)
{
    return xmalloc_heap_alloc(&xmalloc_global, size);
}

void xfree(void *ptr)
{
    (void)xmalloc_heap_free(&xmalloc_global, ptr);
}

void xmalloc_get_stats(struct xmalloc_stats *out)
{
    xmalloc_heap_stats(&xmalloc_global, out);
}

void *xmalloc_array(size_t count, size_t size)
{
    if (size && count > XMALLOC_MAX_SIZE / size)
        return NULL;
    return xmalloc(count * size);
}
