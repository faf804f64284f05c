/*
 * Extensible bitmaps: sets of type, role, user, category and boolean values.
 *
 * In the binary policy a bitmap is a list of 64-bit nodes; in memory it is a
 * dense array of 64-bit words covering bits [0, nbits), so a membership test
 * is one load. Bit i stands for the symbol whose value is i + 1.
 */
#ifndef FLAXEN_SS_EBITMAP_H
#define FLAXEN_SS_EBITMAP_H

#include "reader.h"

struct ebitmap {
    uint32_t nwords; /* words allocated in bits[] */
    uint64_t *bits;
};

/* Largest bit a bitmap in a policy may hold (bounds every allocation). */
#define EBITMAP_MAX_BITS (1u << 20)

void ebitmap_init(struct ebitmap *e);
void ebitmap_destroy(struct ebitmap *e);

static inline bool ebitmap_get(const struct ebitmap *e, uint32_t bit)
{
    uint32_t word = bit >> 6;

    return word < e->nwords && ((e->bits[word] >> (bit & 63)) & 1);
}

/* 0, or -SS_ENOMEM (or -SS_EINVAL for a bit over EBITMAP_MAX_BITS). */
int ebitmap_set(struct ebitmap *e, uint32_t bit, bool value);
int ebitmap_copy(struct ebitmap *dst, const struct ebitmap *src);
bool ebitmap_equal(const struct ebitmap *a, const struct ebitmap *b);
/* Every bit of b is set in a. */
bool ebitmap_contains(const struct ebitmap *a, const struct ebitmap *b);
/* a and b share a set bit. */
bool ebitmap_intersects(const struct ebitmap *a, const struct ebitmap *b);
/* dst = a & b (dst may alias neither). */
int ebitmap_and(struct ebitmap *dst, const struct ebitmap *a, const struct ebitmap *b);
bool ebitmap_is_empty(const struct ebitmap *e);
/* The highest set bit + 1, 0 when empty. */
uint32_t ebitmap_length(const struct ebitmap *e);
uint32_t ebitmap_count(const struct ebitmap *e);

/* The first set bit at or after `from`, or UINT32_MAX. */
uint32_t ebitmap_next(const struct ebitmap *e, uint32_t from);

#define ebitmap_for_each(e, bit)                                                                   \
    for ((bit) = ebitmap_next((e), 0); (bit) != UINT32_MAX; (bit) = ebitmap_next((e), (bit) + 1))

/*
 * Reads a bitmap in the binary policy format (map size 64, high bit, node
 * count, then start-bit/64-bit-map pairs in ascending order) and checks it:
 * aligned and increasing nodes, no node past the high bit, no empty node.
 */
int ebitmap_read(struct ebitmap *e, struct reader *r);

#endif
