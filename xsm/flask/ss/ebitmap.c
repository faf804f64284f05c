/*
 * Dense extensible bitmaps and their binary policy encoding.
 */
#include "ebitmap.h"

void ebitmap_init(struct ebitmap *e)
{
    e->nwords = 0;
    e->bits = NULL;
}

void ebitmap_destroy(struct ebitmap *e)
{
    ss_free(e->bits);
    ebitmap_init(e);
}

static int grow(struct ebitmap *e, uint32_t nwords)
{
    uint64_t *bits;

    if (nwords <= e->nwords)
        return 0;
    bits = ss_alloc((size_t)nwords * sizeof(uint64_t));
    if (!bits)
        return -SS_ENOMEM;
    if (e->bits)
        ss_memcpy(bits, e->bits, (size_t)e->nwords * sizeof(uint64_t));
    ss_free(e->bits);
    e->bits = bits;
    e->nwords = nwords;
    return 0;
}

int ebitmap_set(struct ebitmap *e, uint32_t bit, bool value)
{
    uint32_t word = bit >> 6;

    if (bit >= EBITMAP_MAX_BITS)
        return -SS_EINVAL;
    if (!value) {
        if (word < e->nwords)
            e->bits[word] &= ~(1ull << (bit & 63));
        return 0;
    }
    if (grow(e, word + 1))
        return -SS_ENOMEM;
    e->bits[word] |= 1ull << (bit & 63);
    return 0;
}

int ebitmap_copy(struct ebitmap *dst, const struct ebitmap *src)
{
    ebitmap_init(dst);
    if (!src->nwords)
        return 0;
    if (grow(dst, src->nwords))
        return -SS_ENOMEM;
    ss_memcpy(dst->bits, src->bits, (size_t)src->nwords * sizeof(uint64_t));
    return 0;
}

static uint64_t word_at(const struct ebitmap *e, uint32_t i)
{
    return i < e->nwords ? e->bits[i] : 0;
}

bool ebitmap_equal(const struct ebitmap *a, const struct ebitmap *b)
{
    uint32_t n = a->nwords > b->nwords ? a->nwords : b->nwords;

    for (uint32_t i = 0; i < n; i++) {
        if (word_at(a, i) != word_at(b, i))
            return false;
    }
    return true;
}

bool ebitmap_contains(const struct ebitmap *a, const struct ebitmap *b)
{
    for (uint32_t i = 0; i < b->nwords; i++) {
        if (b->bits[i] & ~word_at(a, i))
            return false;
    }
    return true;
}

bool ebitmap_intersects(const struct ebitmap *a, const struct ebitmap *b)
{
    uint32_t n = a->nwords < b->nwords ? a->nwords : b->nwords;

    for (uint32_t i = 0; i < n; i++) {
        if (a->bits[i] & b->bits[i])
            return true;
    }
    return false;
}

int ebitmap_and(struct ebitmap *dst, const struct ebitmap *a, const struct ebitmap *b)
{
    uint32_t n = a->nwords < b->nwords ? a->nwords : b->nwords;

    ebitmap_init(dst);
    while (n && !(a->bits[n - 1] & b->bits[n - 1]))
        n--;
    if (!n)
        return 0;
    if (grow(dst, n))
        return -SS_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        dst->bits[i] = a->bits[i] & b->bits[i];
    return 0;
}

bool ebitmap_is_empty(const struct ebitmap *e)
{
    for (uint32_t i = 0; i < e->nwords; i++) {
        if (e->bits[i])
            return false;
    }
    return true;
}

uint32_t ebitmap_length(const struct ebitmap *e)
{
    for (uint32_t i = e->nwords; i > 0; i--) {
        if (e->bits[i - 1])
            return (i - 1) * 64 + 64 - (uint32_t)__builtin_clzll(e->bits[i - 1]);
    }
    return 0;
}

uint32_t ebitmap_count(const struct ebitmap *e)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < e->nwords; i++)
        n += (uint32_t)__builtin_popcountll(e->bits[i]);
    return n;
}

uint32_t ebitmap_next(const struct ebitmap *e, uint32_t from)
{
    uint32_t word = from >> 6;
    uint64_t w;

    if (word >= e->nwords)
        return UINT32_MAX;
    w = e->bits[word] & (~0ull << (from & 63));
    for (;;) {
        if (w)
            return word * 64 + (uint32_t)__builtin_ctzll(w);
        if (++word >= e->nwords)
            return UINT32_MAX;
        w = e->bits[word];
    }
}

int ebitmap_read(struct ebitmap *e, struct reader *r)
{
    uint32_t head[3], start, last_end = 0;
    uint64_t map;
    int rc;

    ebitmap_init(e);
    if (reader_u32s(r, head, 3))
        return -SS_EINVAL;
    if (head[0] != 64)
        return reader_fail(r, "bitmap node size %u, expected 64", head[0]);
    if (head[1] % 64 || head[1] > EBITMAP_MAX_BITS)
        return reader_fail(r, "bitmap high bit %u invalid", head[1]);
    if (head[2] > head[1] / 64)
        return reader_fail(r, "bitmap has %u nodes for high bit %u", head[2], head[1]);
    if (head[1] && !head[2])
        return reader_fail(r, "bitmap with high bit %u has no nodes", head[1]);
    for (uint32_t i = 0; i < head[2]; i++) {
        if (reader_u32(r, &start) || reader_u64(r, &map))
            goto fail;
        if (start % 64 || start >= head[1] || (i && start < last_end)) {
            reader_fail(r, "bitmap node at bit %u misplaced", start);
            goto fail;
        }
        if (!map) {
            reader_fail(r, "bitmap node at bit %u is empty", start);
            goto fail;
        }
        last_end = start + 64;
        rc = grow(e, last_end / 64);
        if (rc) {
            ebitmap_destroy(e);
            return rc;
        }
        e->bits[start / 64] = map;
    }
    if (head[2] && last_end != head[1]) {
        reader_fail(r, "bitmap high bit %u does not end its last node", head[1]);
        goto fail;
    }
    return 0;
fail:
    ebitmap_destroy(e);
    return -SS_EINVAL;
}
