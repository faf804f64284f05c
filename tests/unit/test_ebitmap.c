/*
 * Extensible bitmaps (ebitmap.h): the in-memory operations against a plain
 * bool-array model, with bits placed on the 64-bit word boundaries, and the
 * binary policy encoding read from byte buffers this file builds by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebitmap.h"
#include "unit.h"

/* ---------------------------------------------------------------- helpers */

/* Bits on and around word boundaries, used by several cases. */
static const uint32_t edge_bits[] = {0, 1, 62, 63, 64, 65, 126, 127, 128, 129, 191, 192, 255, 256};
#define NEDGE (sizeof(edge_bits) / sizeof(edge_bits[0]))

static void set_all(struct unit *u, struct ebitmap *e, const uint32_t *bits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        UNIT_CHECK_EQ(u, ebitmap_set(e, bits[i], true), 0);
}

/* A reference model: a bool per bit below MODEL_BITS. */
#define MODEL_BITS 1024
struct model {
    bool bit[MODEL_BITS];
};

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

/* Fills e and m with the same random set (density and extent vary). */
static void random_pair(struct unit *u, struct ebitmap *e, struct model *m)
{
    uint32_t extent = 1 + rng() % MODEL_BITS, density = 1 + rng() % 40;

    ebitmap_init(e);
    memset(m, 0, sizeof(*m));
    for (uint32_t b = 0; b < extent; b++) {
        if (rng() % 100 < density) {
            m->bit[b] = true;
            UNIT_CHECK_EQ(u, ebitmap_set(e, b, true), 0);
        }
    }
}

/* e holds exactly the set of m (and nothing at or beyond MODEL_BITS). */
static bool matches_model(const struct ebitmap *e, const struct model *m)
{
    for (uint32_t b = 0; b < MODEL_BITS + 128; b++) {
        if (ebitmap_get(e, b) != (b < MODEL_BITS && m->bit[b]))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- memory operations */

static void test_set_get_clear(struct unit *u)
{
    struct ebitmap e;

    ebitmap_init(&e);
    set_all(u, &e, (const uint32_t[]){0, 63, 64, 127, 128}, 5);
    for (uint32_t b = 0; b < 300; b++) {
        bool want = b == 0 || b == 63 || b == 64 || b == 127 || b == 128;
        UNIT_CHECK_MSG(u, ebitmap_get(&e, b) == want, "bit %u", b);
    }
    /* Clearing leaves the neighbours alone; clearing twice, or a bit never set, is fine. */
    UNIT_CHECK_EQ(u, ebitmap_set(&e, 64, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&e, 64, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&e, 5, false), 0);
    UNIT_CHECK(u, !ebitmap_get(&e, 64));
    UNIT_CHECK(u, ebitmap_get(&e, 63) && ebitmap_get(&e, 127) && ebitmap_get(&e, 128));
    /* Clearing far beyond the allocated words changes nothing and needs no memory. */
    uint32_t words = e.nwords;
    UNIT_CHECK_EQ(u, ebitmap_set(&e, 100000, false), 0);
    UNIT_CHECK_EQ(u, e.nwords, words);
    UNIT_CHECK_EQ(u, ebitmap_count(&e), 4);
    ebitmap_destroy(&e);
    UNIT_CHECK(u, e.nwords == 0 && e.bits == NULL);
    UNIT_CHECK(u, !ebitmap_get(&e, 0));
}

static void test_growth_keeps_bits(struct unit *u)
{
    struct ebitmap e;

    ebitmap_init(&e);
    /* Each set beyond the current words must grow the map and keep what was there. */
    for (size_t i = 0; i < NEDGE; i++) {
        UNIT_CHECK_EQ(u, ebitmap_set(&e, edge_bits[i], true), 0);
        UNIT_CHECK_MSG(u, e.nwords * 64u > edge_bits[i], "bit %u, %u words", edge_bits[i],
                       e.nwords);
        for (size_t j = 0; j <= i; j++)
            UNIT_CHECK_MSG(u, ebitmap_get(&e, edge_bits[j]), "bit %u lost after setting %u",
                           edge_bits[j], edge_bits[i]);
    }
    UNIT_CHECK_EQ(u, ebitmap_count(&e), NEDGE);
    /* The largest allowed bit: the whole range becomes addressable. */
    UNIT_CHECK_EQ(u, ebitmap_set(&e, EBITMAP_MAX_BITS - 1, true), 0);
    UNIT_CHECK(u, ebitmap_get(&e, EBITMAP_MAX_BITS - 1));
    UNIT_CHECK_EQ(u, ebitmap_length(&e), EBITMAP_MAX_BITS);
    UNIT_CHECK_EQ(u, ebitmap_count(&e), NEDGE + 1);
    ebitmap_destroy(&e);
}

static void test_max_bits_refused(struct unit *u)
{
    static const uint32_t too_big[] = {EBITMAP_MAX_BITS, EBITMAP_MAX_BITS + 1,
                                       EBITMAP_MAX_BITS + 64, UINT32_MAX};
    struct ebitmap e;

    ebitmap_init(&e);
    UNIT_CHECK_EQ(u, ebitmap_set(&e, 7, true), 0);
    for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
        uint32_t words = e.nwords;

        UNIT_CHECK_EQ(u, ebitmap_set(&e, too_big[i], true), -SS_EINVAL);
        UNIT_CHECK_EQ(u, e.nwords, words);
        UNIT_CHECK(u, !ebitmap_get(&e, too_big[i]));
    }
    UNIT_CHECK_EQ(u, ebitmap_count(&e), 1);
    UNIT_CHECK(u, ebitmap_get(&e, 7));
    ebitmap_destroy(&e);
}

static void test_empty_maps(struct unit *u)
{
    struct ebitmap fresh, cleared, one, out;
    uint32_t bit, visits = 0;

    ebitmap_init(&fresh);
    ebitmap_init(&cleared);
    ebitmap_init(&one);
    /* A map whose words exist but hold nothing must behave as the fresh one. */
    UNIT_CHECK_EQ(u, ebitmap_set(&cleared, 130, true), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&cleared, 130, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&one, 64, true), 0);
    const struct ebitmap *empties[] = {&fresh, &cleared};
    for (int i = 0; i < 2; i++) {
        const struct ebitmap *e = empties[i];

        UNIT_CHECK(u, ebitmap_is_empty(e));
        UNIT_CHECK_EQ(u, ebitmap_length(e), 0);
        UNIT_CHECK_EQ(u, ebitmap_count(e), 0);
        UNIT_CHECK_EQ(u, ebitmap_next(e, 0), UINT32_MAX);
        ebitmap_for_each(e, bit) visits++;
        UNIT_CHECK(u, ebitmap_contains(e, &fresh) && ebitmap_contains(&one, e));
        UNIT_CHECK(u, !ebitmap_contains(e, &one));
        UNIT_CHECK(u, !ebitmap_intersects(e, &one) && !ebitmap_intersects(&one, e));
        UNIT_CHECK(u, !ebitmap_intersects(e, e));
        UNIT_CHECK(u, !ebitmap_equal(e, &one) && !ebitmap_equal(&one, e));
        UNIT_CHECK_EQ(u, ebitmap_and(&out, e, &one), 0);
        UNIT_CHECK(u, ebitmap_is_empty(&out));
        ebitmap_destroy(&out);
        UNIT_CHECK_EQ(u, ebitmap_copy(&out, e), 0);
        UNIT_CHECK(u, ebitmap_is_empty(&out) && ebitmap_equal(&out, e));
        ebitmap_destroy(&out);
    }
    UNIT_CHECK_EQ(u, visits, 0);
    UNIT_CHECK(u, ebitmap_equal(&fresh, &cleared) && ebitmap_equal(&cleared, &fresh));
    UNIT_CHECK(u, !ebitmap_is_empty(&one));
    ebitmap_destroy(&fresh);
    ebitmap_destroy(&cleared);
    ebitmap_destroy(&one);
}

static void test_copy_is_deep_and_equal(struct unit *u)
{
    struct ebitmap a, b;

    ebitmap_init(&a);
    set_all(u, &a, edge_bits, NEDGE);
    UNIT_CHECK_EQ(u, ebitmap_copy(&b, &a), 0);
    UNIT_CHECK(u, ebitmap_equal(&a, &b) && ebitmap_equal(&b, &a));
    UNIT_CHECK(u, b.bits != a.bits);
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 64, false), 0);
    UNIT_CHECK(u, ebitmap_get(&a, 64));
    UNIT_CHECK(u, !ebitmap_equal(&a, &b) && !ebitmap_equal(&b, &a));
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 64, true), 0);
    UNIT_CHECK(u, ebitmap_equal(&a, &b));
    /* Equal sets held in different numbers of words are equal. */
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 5000, true), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 5000, false), 0);
    UNIT_CHECK(u, b.nwords != a.nwords);
    UNIT_CHECK(u, ebitmap_equal(&a, &b) && ebitmap_equal(&b, &a));
    /* The top bit differs only in the longer map. */
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 4999, true), 0);
    UNIT_CHECK(u, !ebitmap_equal(&a, &b) && !ebitmap_equal(&b, &a));
    ebitmap_destroy(&a);
    ebitmap_destroy(&b);
}

static void test_contains_and_intersects_at_boundaries(struct unit *u)
{
    struct ebitmap a, b;

    ebitmap_init(&a);
    ebitmap_init(&b);
    set_all(u, &a, (const uint32_t[]){0, 63, 127, 128}, 4);
    set_all(u, &b, (const uint32_t[]){64}, 1);
    /* 63 and 64 sit in neighbouring words: no overlap. */
    UNIT_CHECK(u, !ebitmap_intersects(&a, &b) && !ebitmap_intersects(&b, &a));
    UNIT_CHECK(u, !ebitmap_contains(&a, &b));
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 64, false), 0);
    set_all(u, &b, (const uint32_t[]){63, 128}, 2);
    UNIT_CHECK(u, ebitmap_contains(&a, &b) && !ebitmap_contains(&b, &a));
    UNIT_CHECK(u, ebitmap_intersects(&a, &b) && ebitmap_intersects(&b, &a));
    /* A bit of b beyond every word of a. */
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 256, true), 0);
    UNIT_CHECK(u, !ebitmap_contains(&a, &b));
    UNIT_CHECK(u, ebitmap_intersects(&a, &b));
    UNIT_CHECK(u, ebitmap_contains(&a, &a) && ebitmap_contains(&b, &b));
    ebitmap_destroy(&a);
    ebitmap_destroy(&b);
}

static void test_and_at_boundaries(struct unit *u)
{
    struct ebitmap a, b, out;

    ebitmap_init(&a);
    ebitmap_init(&b);
    set_all(u, &a, (const uint32_t[]){0, 63, 64, 127, 128, 200}, 6);
    set_all(u, &b, (const uint32_t[]){63, 64, 129, 200, 300}, 5);
    UNIT_CHECK_EQ(u, ebitmap_and(&out, &a, &b), 0);
    for (uint32_t bit = 0; bit < 400; bit++)
        UNIT_CHECK_MSG(u, ebitmap_get(&out, bit) == (bit == 63 || bit == 64 || bit == 200),
                       "bit %u", bit);
    UNIT_CHECK_EQ(u, ebitmap_length(&out), 201);
    ebitmap_destroy(&out);
    /* Disjoint maps give an empty result. */
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 63, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 64, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_set(&b, 200, false), 0);
    UNIT_CHECK_EQ(u, ebitmap_and(&out, &a, &b), 0);
    UNIT_CHECK(u, ebitmap_is_empty(&out));
    ebitmap_destroy(&out);
    ebitmap_destroy(&a);
    ebitmap_destroy(&b);
}

static void test_length_and_count(struct unit *u)
{
    for (size_t i = 0; i < NEDGE; i++) {
        struct ebitmap e;

        ebitmap_init(&e);
        UNIT_CHECK_EQ(u, ebitmap_set(&e, edge_bits[i], true), 0);
        UNIT_CHECK_EQ(u, ebitmap_length(&e), edge_bits[i] + 1);
        UNIT_CHECK_EQ(u, ebitmap_count(&e), 1);
        /* A lower bit changes the count but not the length. */
        if (edge_bits[i]) {
            UNIT_CHECK_EQ(u, ebitmap_set(&e, edge_bits[i] - 1, true), 0);
            UNIT_CHECK_EQ(u, ebitmap_length(&e), edge_bits[i] + 1);
            UNIT_CHECK_EQ(u, ebitmap_count(&e), 2);
        }
        ebitmap_destroy(&e);
    }
}

static void test_next_and_for_each(struct unit *u)
{
    static const uint32_t bits[] = {0, 1, 63, 64, 127, 128, 129, 191, 192, 500};
    const size_t n = sizeof(bits) / sizeof(bits[0]);
    struct ebitmap e;
    uint32_t bit;
    size_t k = 0;

    ebitmap_init(&e);
    set_all(u, &e, bits, n);
    for (uint32_t from = 0; from < 700; from++) {
        uint32_t want = UINT32_MAX;

        for (size_t i = 0; i < n && want == UINT32_MAX; i++)
            if (bits[i] >= from)
                want = bits[i];
        UNIT_CHECK_MSG(u, ebitmap_next(&e, from) == want, "next from %u: %u, want %u", from,
                       ebitmap_next(&e, from), want);
    }
    UNIT_CHECK_EQ(u, ebitmap_next(&e, UINT32_MAX), UINT32_MAX);
    ebitmap_for_each(&e, bit)
    {
        UNIT_CHECK_MSG(u, k < n && bit == bits[k], "visit %zu is bit %u", k, bit);
        k++;
    }
    UNIT_CHECK_EQ(u, k, n);
    ebitmap_destroy(&e);
}

/* Every operation on random sets agrees with the bool-array model. */
static void test_random_against_model(struct unit *u)
{
    static struct model ma, mb;

    rng_state = 0x5eed;
    for (int round = 0; round < 200; round++) {
        struct ebitmap a, b, out;
        uint32_t count = 0, length = 0, bit, from = rng() % MODEL_BITS;
        bool contains = true, intersects = false, equal = true;

        random_pair(u, &a, &ma);
        random_pair(u, &b, &mb);
        UNIT_CHECK(u, matches_model(&a, &ma));
        for (uint32_t i = 0; i < MODEL_BITS; i++) {
            count += ma.bit[i];
            length = ma.bit[i] ? i + 1 : length;
            contains &= !mb.bit[i] || ma.bit[i];
            intersects |= ma.bit[i] && mb.bit[i];
            equal &= ma.bit[i] == mb.bit[i];
        }
        UNIT_CHECK_EQ(u, ebitmap_count(&a), count);
        UNIT_CHECK_EQ(u, ebitmap_length(&a), length);
        UNIT_CHECK_EQ(u, ebitmap_is_empty(&a), count == 0);
        UNIT_CHECK_EQ(u, ebitmap_contains(&a, &b), contains);
        UNIT_CHECK_EQ(u, ebitmap_intersects(&a, &b), intersects);
        UNIT_CHECK_EQ(u, ebitmap_equal(&a, &b), equal);
        bit = ebitmap_next(&a, from);
        while (from < MODEL_BITS && !ma.bit[from])
            from++;
        UNIT_CHECK_EQ(u, bit, from < MODEL_BITS ? from : UINT32_MAX);
        UNIT_CHECK_EQ(u, ebitmap_and(&out, &a, &b), 0);
        for (uint32_t i = 0; i < MODEL_BITS; i++)
            mb.bit[i] = ma.bit[i] && mb.bit[i];
        UNIT_CHECK(u, matches_model(&out, &mb));
        ebitmap_destroy(&out);
        ebitmap_destroy(&a);
        ebitmap_destroy(&b);
    }
}

/* ---------------------------------------------------------------- binary encoding */

/* A little-endian byte buffer for hand-built encodings. */
struct image {
    unsigned char data[512];
    size_t len;
};

static void put32(struct image *im, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        im->data[im->len++] = (unsigned char)(v >> (8 * i));
}

static void put64(struct image *im, uint64_t v)
{
    put32(im, (uint32_t)v);
    put32(im, (uint32_t)(v >> 32));
}

/* Header (map size, high bit, node count) and nodes (start bit, 64-bit map). */
static void encode(struct image *im, uint32_t mapsize, uint32_t highbit, uint32_t count,
                   const uint32_t *starts, const uint64_t *maps, size_t nnodes)
{
    im->len = 0;
    put32(im, mapsize);
    put32(im, highbit);
    put32(im, count);
    for (size_t i = 0; i < nnodes; i++) {
        put32(im, starts[i]);
        put64(im, maps[i]);
    }
}

/* Reads len bytes of im; returns the rc, with err and the cursor position. */
static int read_image(const struct image *im, size_t len, struct ebitmap *e, struct ss_error *err,
                      size_t *pos)
{
    struct reader r;
    int rc;

    memset(err, 0, sizeof(*err));
    reader_init(&r, im->data, len, err);
    r.what = "test bitmap";
    rc = ebitmap_read(e, &r);
    *pos = r.pos;
    return rc;
}

static void test_read_valid_encodings(struct unit *u)
{
    struct image im;
    struct ebitmap e;
    struct ss_error err;
    size_t pos;

    /* Empty: high bit 0 and no nodes. */
    encode(&im, 64, 0, 0, NULL, NULL, 0);
    put32(&im, 0xdeadbeef); /* what follows is not the bitmap's */
    UNIT_CHECK_EQ(u, read_image(&im, im.len, &e, &err, &pos), 0);
    UNIT_CHECK(u, ebitmap_is_empty(&e));
    UNIT_CHECK_EQ(u, pos, 12);
    ebitmap_destroy(&e);

    /* One node holding both ends of its word. */
    encode(&im, 64, 64, 1, (const uint32_t[]){0}, (const uint64_t[]){1ull | 1ull << 63}, 1);
    UNIT_CHECK_EQ(u, read_image(&im, im.len, &e, &err, &pos), 0);
    UNIT_CHECK_EQ(u, pos, im.len);
    UNIT_CHECK(u, ebitmap_get(&e, 0) && ebitmap_get(&e, 63));
    UNIT_CHECK_EQ(u, ebitmap_count(&e), 2);
    ebitmap_destroy(&e);

    /* Several nodes with gaps; the high bit ends the last node. */
    encode(&im, 64, 320, 3, (const uint32_t[]){64, 128, 256},
           (const uint64_t[]){1ull << 63, 1, 0x8000000000000002ull}, 3);
    UNIT_CHECK_EQ(u, read_image(&im, im.len, &e, &err, &pos), 0);
    UNIT_CHECK_EQ(u, pos, im.len);
    for (uint32_t b = 0; b < 400; b++)
        UNIT_CHECK_MSG(u, ebitmap_get(&e, b) == (b == 127 || b == 128 || b == 257 || b == 319),
                       "bit %u", b);
    ebitmap_destroy(&e);

    /* The last node allowed: it ends at EBITMAP_MAX_BITS. */
    encode(&im, 64, EBITMAP_MAX_BITS, 1, (const uint32_t[]){EBITMAP_MAX_BITS - 64},
           (const uint64_t[]){1ull << 63}, 1);
    UNIT_CHECK_EQ(u, read_image(&im, im.len, &e, &err, &pos), 0);
    UNIT_CHECK(u, ebitmap_get(&e, EBITMAP_MAX_BITS - 1));
    UNIT_CHECK_EQ(u, ebitmap_length(&e), EBITMAP_MAX_BITS);
    ebitmap_destroy(&e);
}

/* The encoding is refused with a message, and the map is left empty. */
static void expect_bad(struct unit *u, const struct image *im, size_t len, const char *why)
{
    struct ebitmap e;
    struct ss_error err;
    size_t pos;
    int rc = read_image(im, len, &e, &err, &pos);

    UNIT_CHECK_MSG(u, rc == -SS_EINVAL, "%s: rc %d", why, rc);
    UNIT_CHECK_MSG(u, err.msg[0] != '\0', "%s: no message", why);
    UNIT_CHECK_MSG(u, strstr(err.msg, "test bitmap") != NULL, "%s: message '%s' lacks the section",
                   why, err.msg);
    UNIT_CHECK_MSG(u, e.nwords == 0 && e.bits == NULL, "%s: map not left empty", why);
}

static void test_read_rejects_malformed(struct unit *u)
{
    struct image im;
    const uint64_t one = 1;

    encode(&im, 32, 64, 1, (const uint32_t[]){0}, &one, 1);
    expect_bad(u, &im, im.len, "map size 32");
    encode(&im, 128, 128, 1, (const uint32_t[]){0}, &one, 1);
    expect_bad(u, &im, im.len, "map size 128");
    encode(&im, 0, 0, 0, NULL, NULL, 0);
    expect_bad(u, &im, im.len, "map size 0");
    encode(&im, 64, 100, 1, (const uint32_t[]){0}, &one, 1);
    expect_bad(u, &im, im.len, "high bit 100");
    encode(&im, 64, 65, 1, (const uint32_t[]){0}, &one, 1);
    expect_bad(u, &im, im.len, "high bit 65");
    encode(&im, 64, EBITMAP_MAX_BITS + 64, 1, (const uint32_t[]){EBITMAP_MAX_BITS}, &one, 1);
    expect_bad(u, &im, im.len, "high bit past EBITMAP_MAX_BITS");
    encode(&im, 64, 64, 2, (const uint32_t[]){0, 64}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "two nodes under high bit 64");
    encode(&im, 64, 0, 1, (const uint32_t[]){0}, &one, 1);
    expect_bad(u, &im, im.len, "a node under high bit 0");
    encode(&im, 64, 128, 0, NULL, NULL, 0);
    expect_bad(u, &im, im.len, "high bit 128 without nodes");
    encode(&im, 64, 192, 2, (const uint32_t[]){128, 64}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "nodes out of order");
    encode(&im, 64, 192, 2, (const uint32_t[]){128, 128}, (const uint64_t[]){1, 2}, 2);
    expect_bad(u, &im, im.len, "the same node twice");
    encode(&im, 64, 128, 1, (const uint32_t[]){32}, &one, 1);
    expect_bad(u, &im, im.len, "misaligned node");
    encode(&im, 64, 192, 2, (const uint32_t[]){0, 65}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "second node misaligned");
    encode(&im, 64, 128, 2, (const uint32_t[]){0, 128}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "node at the high bit");
    encode(&im, 64, 128, 1, (const uint32_t[]){192}, &one, 1);
    expect_bad(u, &im, im.len, "node past the high bit");
    encode(&im, 64, 128, 2, (const uint32_t[]){0, 64}, (const uint64_t[]){1, 0}, 2);
    expect_bad(u, &im, im.len, "empty node");
    encode(&im, 64, 256, 1, (const uint32_t[]){64}, &one, 1);
    expect_bad(u, &im, im.len, "high bit beyond the last node");
    encode(&im, 64, 256, 2, (const uint32_t[]){0, 128}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "high bit one node beyond the last");
}

static void test_read_rejects_truncation(struct unit *u)
{
    struct image im;

    encode(&im, 64, 320, 3, (const uint32_t[]){64, 128, 256}, (const uint64_t[]){1, 2, 4}, 3);
    for (size_t cut = 0; cut < im.len; cut++) {
        char why[32];

        snprintf(why, sizeof(why), "cut at %zu", cut);
        expect_bad(u, &im, cut, why);
    }
    /* A count promising more nodes than the buffer holds. */
    encode(&im, 64, 320, 5, (const uint32_t[]){0, 64}, (const uint64_t[]){1, 1}, 2);
    expect_bad(u, &im, im.len, "count beyond the data");
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_set_get_clear),           UNIT_CASE(test_growth_keeps_bits),
    UNIT_CASE(test_max_bits_refused),        UNIT_CASE(test_empty_maps),
    UNIT_CASE(test_copy_is_deep_and_equal),  UNIT_CASE(test_contains_and_intersects_at_boundaries),
    UNIT_CASE(test_and_at_boundaries),       UNIT_CASE(test_length_and_count),
    UNIT_CASE(test_next_and_for_each),       UNIT_CASE(test_random_against_model),
    UNIT_CASE(test_read_valid_encodings),    UNIT_CASE(test_read_rejects_malformed),
    UNIT_CASE(test_read_rejects_truncation), {0},
};
