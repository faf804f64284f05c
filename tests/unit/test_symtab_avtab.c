/*
 * Symbol tables (symtab.h) and access vector tables (avtab.h), on tables each
 * case fills itself. Names are allocated with ss_strndup because the table
 * takes ownership of them, also when it refuses them (ASan reports a leak or
 * a double free if it does not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avtab.h"
#include "symtab.h"
#include "unit.h"

/* ---------------------------------------------------------------- symtab */

static char *name_copy(const char *s)
{
    return ss_strndup(s, strlen(s));
}

static int add(struct symtab *s, const char *name, uint32_t value, bool primary)
{
    return symtab_add(s, name_copy(name), value, primary);
}

static void test_symtab_init_limits(struct unit *u)
{
    struct symtab s;

    UNIT_CHECK_EQ(u, symtab_init(&s, SYMTAB_MAX + 1, 1), -SS_EINVAL);
    UNIT_CHECK(u, s.names == NULL && s.hash == NULL && s.nprim == 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "x"), 0);
    symtab_destroy(&s);
    UNIT_CHECK_EQ(u, symtab_init(&s, 1, SYMTAB_MAX + 1), -SS_EINVAL);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "x"), 0);
    symtab_destroy(&s);
    UNIT_CHECK_EQ(u, symtab_init(&s, SYMTAB_MAX, SYMTAB_MAX), 0);
    UNIT_CHECK_EQ(u, add(&s, "last", SYMTAB_MAX, true), 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "last"), SYMTAB_MAX);
    symtab_destroy(&s);
    /* An empty table: nothing fits, nothing is found. */
    UNIT_CHECK_EQ(u, symtab_init(&s, 0, 0), 0);
    UNIT_CHECK_EQ(u, add(&s, "a", 1, true), -SS_EINVAL);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "a"), 0);
    UNIT_CHECK(u, symtab_name(&s, 0) == NULL && symtab_name(&s, 1) == NULL);
    symtab_destroy(&s);
}

static void test_symtab_primary_and_alias(struct unit *u)
{
    struct symtab s;

    UNIT_CHECK_EQ(u, symtab_init(&s, 3, 6), 0);
    UNIT_CHECK_EQ(u, add(&s, "dom0_t", 1, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "domU_t", 2, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "control_t", 1, false), 0);
    /* An alias before its primary: the value has no primary name yet. */
    UNIT_CHECK_EQ(u, add(&s, "old_t", 3, false), 0);
    UNIT_CHECK(u, symtab_name(&s, 3) == NULL);
    UNIT_CHECK_EQ(u, add(&s, "new_t", 3, true), 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "dom0_t"), 1);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "control_t"), 1);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "domU_t"), 2);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "old_t"), 3);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "new_t"), 3);
    /* Names by value are always the primary ones. */
    UNIT_CHECK(u, symtab_name(&s, 1) && !strcmp(symtab_name(&s, 1), "dom0_t"));
    UNIT_CHECK(u, symtab_name(&s, 2) && !strcmp(symtab_name(&s, 2), "domU_t"));
    UNIT_CHECK(u, symtab_name(&s, 3) && !strcmp(symtab_name(&s, 3), "new_t"));
    UNIT_CHECK(u, symtab_name(&s, 0) == NULL && symtab_name(&s, 4) == NULL);
    UNIT_CHECK(u, symtab_name(&s, UINT32_MAX) == NULL);
    UNIT_CHECK_EQ(u, s.nnames, 5);
    symtab_destroy(&s);
}

static void test_symtab_duplicates_refused(struct unit *u)
{
    struct symtab s;

    UNIT_CHECK_EQ(u, symtab_init(&s, 3, 8), 0);
    UNIT_CHECK_EQ(u, add(&s, "a", 1, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "b", 2, false), 0);
    /* The same name again, for any value and either kind. */
    UNIT_CHECK_EQ(u, add(&s, "a", 1, true), -SS_EEXIST);
    UNIT_CHECK_EQ(u, add(&s, "a", 2, false), -SS_EEXIST);
    UNIT_CHECK_EQ(u, add(&s, "b", 3, true), -SS_EEXIST);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "a"), 1);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "b"), 2);
    UNIT_CHECK(u, symtab_name(&s, 3) == NULL);
    /* A second primary name for a value. */
    UNIT_CHECK_EQ(u, add(&s, "c", 1, true), -SS_EEXIST);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "c"), 0);
    UNIT_CHECK(u, !strcmp(symtab_name(&s, 1), "a"));
    /* The refused names left no trace: all slots are still free for new names. */
    UNIT_CHECK_EQ(u, s.nnames, 2);
    UNIT_CHECK_EQ(u, add(&s, "c", 1, false), 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "c"), 1);
    symtab_destroy(&s);
}

static void test_symtab_range_and_capacity(struct unit *u)
{
    struct symtab s;

    UNIT_CHECK_EQ(u, symtab_init(&s, 2, 3), 0);
    UNIT_CHECK_EQ(u, add(&s, "zero", 0, true), -SS_EINVAL);
    UNIT_CHECK_EQ(u, add(&s, "three", 3, false), -SS_EINVAL);
    UNIT_CHECK_EQ(u, add(&s, "huge", UINT32_MAX, true), -SS_EINVAL);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "zero") + symtab_lookup(&s, "three"), 0);
    UNIT_CHECK_EQ(u, add(&s, "x", 1, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "y", 2, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "z", 2, false), 0);
    /* The table holds the number of names it was made for, no more. */
    UNIT_CHECK_EQ(u, add(&s, "w", 1, false), -SS_EINVAL);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "w"), 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "z"), 2);
    symtab_destroy(&s);
}

static void test_symtab_lookup_misses(struct unit *u)
{
    struct symtab s;

    UNIT_CHECK_EQ(u, symtab_init(&s, 2, 2), 0);
    UNIT_CHECK_EQ(u, add(&s, "system_r", 1, true), 0);
    UNIT_CHECK_EQ(u, add(&s, "vm_r", 2, true), 0);
    static const char *const misses[] = {"", "system", "system_r ", "System_r", "vm_r_", "vm"};
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
        UNIT_CHECK_MSG(u, symtab_lookup(&s, misses[i]) == 0, "'%s' found", misses[i]);
    symtab_destroy(&s);
}

/* Thousands of names: every one found, under its own value, through the hash. */
static void test_symtab_many_names(struct unit *u)
{
    enum { N = 3000 };
    struct symtab s;
    char name[32];

    UNIT_CHECK_EQ(u, symtab_init(&s, N, 2 * N), 0);
    for (uint32_t v = 1; v <= N; v++) {
        snprintf(name, sizeof(name), "t%u", v);
        UNIT_CHECK_EQ(u, add(&s, name, v, true), 0);
        snprintf(name, sizeof(name), "alias_of_%u", v);
        UNIT_CHECK_EQ(u, add(&s, name, v, false), 0);
    }
    for (uint32_t v = 1; v <= N; v++) {
        snprintf(name, sizeof(name), "t%u", v);
        UNIT_CHECK_MSG(u, symtab_lookup(&s, name) == v, "%s", name);
        UNIT_CHECK_MSG(u, symtab_name(&s, v) && !strcmp(symtab_name(&s, v), name), "value %u", v);
        snprintf(name, sizeof(name), "alias_of_%u", v);
        UNIT_CHECK_MSG(u, symtab_lookup(&s, name) == v, "%s", name);
    }
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "t0"), 0);
    UNIT_CHECK_EQ(u, symtab_lookup(&s, "t3001"), 0);
    symtab_destroy(&s);
}

/* ---------------------------------------------------------------- avtab */

struct key {
    uint16_t stype, ttype, tclass;
};

static bool same_key(const struct avtab_entry *e, struct key k)
{
    return e->stype == k.stype && e->ttype == k.ttype && e->tclass == k.tclass;
}

/* find/find_next visit exactly the entries with key k, each once. */
static void check_chain(struct unit *u, const struct avtab *a, struct key k)
{
    uint32_t want = 0, seen = 0;
    bool *visited = calloc(a->count + 1, sizeof(bool));

    for (uint32_t i = 0; i < a->count; i++)
        want += same_key(&a->entries[i], k);
    for (uint32_t i = avtab_find(a, k.stype, k.ttype, k.tclass); i != AVTAB_NONE;
         i = avtab_find_next(a, i)) {
        UNIT_CHECK_MSG(u, i < a->count, "index %u out of range", i);
        if (i >= a->count)
            break;
        UNIT_CHECK_MSG(u, same_key(&a->entries[i], k), "entry %u has another key", i);
        UNIT_CHECK_MSG(u, !visited[i], "entry %u visited twice", i);
        visited[i] = true;
        if (++seen > a->count)
            break;
    }
    UNIT_CHECK_MSG(u, seen == want, "key %u/%u/%u: %u entries found, %u exist", k.stype, k.ttype,
                   k.tclass, seen, want);
    free(visited);
}

static void test_avtab_capacity_limit(struct unit *u)
{
    struct avtab a;

    UNIT_CHECK_EQ(u, avtab_init(&a, AVTAB_MAX + 1), -SS_EINVAL);
    UNIT_CHECK(u, a.entries == NULL && a.capacity == 0);
    UNIT_CHECK_EQ(u, avtab_find(&a, 1, 1, 1), AVTAB_NONE);
    avtab_destroy(&a);
    UNIT_CHECK_EQ(u, avtab_init(&a, UINT32_MAX), -SS_EINVAL);
    avtab_destroy(&a);
    UNIT_CHECK_EQ(u, avtab_init(&a, AVTAB_MAX), 0);
    UNIT_CHECK_EQ(u, a.capacity, AVTAB_MAX);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 1, 2, 3, AVTAB_ALLOWED, 7), 0);
    UNIT_CHECK_EQ(u, avtab_find(&a, 1, 2, 3), 0);
    avtab_destroy(&a);
}

static void test_avtab_insert_and_find(struct unit *u)
{
    struct avtab a;
    uint32_t i;

    UNIT_CHECK_EQ(u, avtab_init(&a, 0), 0);
    UNIT_CHECK_EQ(u, avtab_find(&a, 1, 1, 1), AVTAB_NONE);
    avtab_destroy(&a);

    UNIT_CHECK_EQ(u, avtab_init(&a, 8), 0);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 1, 2, 3, AVTAB_ALLOWED, 0x5), 0);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 2, 1, 3, AVTAB_ALLOWED, 0x6), 1);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 1, 3, 2, AVTAB_ALLOWED, 0x7), 2);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 1, 2, 3, AVTAB_AUDITDENY, 0xfffffffe), 3);
    UNIT_CHECK_EQ(u, avtab_insert(&a, 1, 2, 3, AVTAB_TRANSITION, 9), 4);
    UNIT_CHECK_EQ(u, a.count, 5);
    /* Keys that share values in other positions are different keys. */
    i = avtab_find(&a, 2, 1, 3);
    UNIT_CHECK(u, i == 1 && a.entries[i].data == 0x6);
    UNIT_CHECK_EQ(u, avtab_find_next(&a, 1), AVTAB_NONE);
    i = avtab_find(&a, 1, 3, 2);
    UNIT_CHECK(u, i == 2 && a.entries[i].data == 0x7);
    UNIT_CHECK_EQ(u, avtab_find(&a, 3, 2, 1), AVTAB_NONE);
    UNIT_CHECK_EQ(u, avtab_find(&a, 1, 2, 4), AVTAB_NONE);
    UNIT_CHECK_EQ(u, avtab_find(&a, 1, 2, 0), AVTAB_NONE);
    /* The three rules of one key, each kind with its own data. */
    uint32_t kinds = 0;
    for (i = avtab_find(&a, 1, 2, 3); i != AVTAB_NONE; i = avtab_find_next(&a, i)) {
        const struct avtab_entry *e = &a.entries[i];

        kinds |= e->specified;
        UNIT_CHECK(u, e->specified != AVTAB_ALLOWED || e->data == 0x5);
        UNIT_CHECK(u, e->specified != AVTAB_AUDITDENY || e->data == 0xfffffffe);
        UNIT_CHECK(u, e->specified != AVTAB_TRANSITION || e->data == 9);
    }
    UNIT_CHECK_EQ(u, kinds, AVTAB_ALLOWED | AVTAB_AUDITDENY | AVTAB_TRANSITION);
    check_chain(u, &a, (struct key){1, 2, 3});
    avtab_destroy(&a);
}

/* Keys drawn from small ranges so that hash chains hold several keys. */
static struct key random_key(uint32_t *state, uint16_t ntypes, uint16_t nclasses)
{
    struct key k;

    *state = *state * 1103515245u + 12345u;
    k.stype = (uint16_t)(1 + (*state >> 8) % ntypes);
    *state = *state * 1103515245u + 12345u;
    k.ttype = (uint16_t)(1 + (*state >> 8) % ntypes);
    *state = *state * 1103515245u + 12345u;
    k.tclass = (uint16_t)(1 + (*state >> 8) % nclasses);
    return k;
}

/* Distinct keys in one hash chain, found by walking the chains themselves. */
static uint32_t chains_with_two_keys(const struct avtab *a)
{
    uint32_t found = 0;

    for (uint32_t slot = 0; slot <= a->mask; slot++) {
        uint32_t first = a->slots[slot];

        for (uint32_t i = first; i != AVTAB_NONE; i = a->entries[i].next) {
            const struct avtab_entry *f = &a->entries[first];

            if (!same_key(&a->entries[i], (struct key){f->stype, f->ttype, f->tclass})) {
                found++;
                break;
            }
        }
    }
    return found;
}

static void test_avtab_colliding_chains(struct unit *u)
{
    enum { N = 600 };
    struct avtab a;
    uint32_t state = 1;

    UNIT_CHECK_EQ(u, avtab_init(&a, N), 0);
    for (uint32_t i = 0; i < N; i++) {
        struct key k = random_key(&state, 9, 5);
        static const uint16_t kinds[] = {AVTAB_ALLOWED, AVTAB_AUDITALLOW, AVTAB_AUDITDENY,
                                         AVTAB_TRANSITION, AVTAB_MEMBER};

        UNIT_CHECK_EQ(u, avtab_insert(&a, k.stype, k.ttype, k.tclass, kinds[i % 5], i), i);
    }
    /* The test means something only if chains really mix keys. */
    UNIT_CHECK_MSG(u, chains_with_two_keys(&a) > 0, "no hash chain holds two keys");
    for (uint16_t s = 0; s <= 10; s++)
        for (uint16_t t = 0; t <= 10; t++)
            for (uint16_t c = 0; c <= 6; c++)
                check_chain(u, &a, (struct key){s, t, c});
    avtab_destroy(&a);
}

/* A key differing from `base` only in field `which` (0 stype, 1 ttype, 2 tclass) that
 * lands in base's hash chain of a 16-slot table, found by probing; false if none. */
static bool same_chain_key(struct key base, int which, struct key *out)
{
    for (uint16_t v = 1; v < 2000; v++) {
        struct avtab probe;
        struct key k = base;
        bool hit;

        if (which == 0)
            k.stype = v;
        else if (which == 1)
            k.ttype = v;
        else
            k.tclass = v;
        if (same_key(&(struct avtab_entry){base.stype, base.ttype, base.tclass, 0, 0, 0}, k))
            continue;
        if (avtab_init(&probe, 2))
            return false;
        avtab_insert(&probe, base.stype, base.ttype, base.tclass, AVTAB_ALLOWED, 1);
        avtab_insert(&probe, k.stype, k.ttype, k.tclass, AVTAB_ALLOWED, 2);
        hit = probe.entries[1].next == 0; /* chained behind entry 0: the same slot */
        avtab_destroy(&probe);
        if (hit) {
            *out = k;
            return true;
        }
    }
    return false;
}

/* Keys in one chain that differ in a single field are told apart. */
static void test_avtab_keys_differing_in_one_field(struct unit *u)
{
    const struct key base = {3, 5, 7};

    for (int which = 0; which < 3; which++) {
        struct avtab a;
        struct key k;

        UNIT_CHECK_MSG(u, same_chain_key(base, which, &k), "no colliding key for field %d", which);
        if (!same_chain_key(base, which, &k) || avtab_init(&a, 2))
            continue;
        avtab_insert(&a, base.stype, base.ttype, base.tclass, AVTAB_ALLOWED, 0x10);
        avtab_insert(&a, k.stype, k.ttype, k.tclass, AVTAB_ALLOWED, 0x20);
        UNIT_CHECK_EQ(u, avtab_find(&a, base.stype, base.ttype, base.tclass), 0);
        UNIT_CHECK_EQ(u, avtab_find_next(&a, 0), AVTAB_NONE);
        UNIT_CHECK_EQ(u, avtab_find(&a, k.stype, k.ttype, k.tclass), 1);
        UNIT_CHECK_EQ(u, avtab_find_next(&a, 1), AVTAB_NONE);
        check_chain(u, &a, base);
        check_chain(u, &a, k);
        avtab_destroy(&a);
    }
}

/* The (source type, class) index lists exactly the entries a scan finds. */
static void check_index(struct unit *u, const struct avtab *a, uint32_t ntypes, uint32_t nclasses)
{
    uint32_t covered = 0;
    bool *listed = calloc(a->count + 1, sizeof(bool));

    for (uint32_t s = 1; s <= ntypes; s++) {
        for (uint32_t c = 1; c <= nclasses; c++) {
            uint32_t first, end, want = 0;

            avtab_slice(a, s, c, &first, &end);
            for (uint32_t i = 0; i < a->count; i++)
                want += a->entries[i].stype == s && a->entries[i].tclass == c;
            UNIT_CHECK_MSG(u, first <= end && end - first == want, "(%u, %u): %u..%u, want %u", s,
                           c, first, end, want);
            for (uint32_t k = first; k < end && end <= a->count; k++) {
                uint32_t i = a->order[k];

                UNIT_CHECK_MSG(u, i < a->count && !listed[i], "(%u, %u): order[%u] = %u", s, c, k,
                               i);
                if (i >= a->count)
                    continue;
                listed[i] = true;
                UNIT_CHECK_MSG(u, a->entries[i].stype == s && a->entries[i].tclass == c,
                               "(%u, %u) lists entry %u of (%u, %u)", s, c, i, a->entries[i].stype,
                               a->entries[i].tclass);
            }
            covered += want;
        }
    }
    UNIT_CHECK_EQ(u, covered, a->count);
    free(listed);
}

static void test_avtab_index_agrees_with_scan(struct unit *u)
{
    enum { N = 2000, NTYPES = 23, NCLASSES = 7 };
    struct avtab a;
    uint32_t state = 77;

    UNIT_CHECK_EQ(u, avtab_init(&a, N), 0);
    for (uint32_t i = 0; i < N; i++) {
        struct key k = random_key(&state, NTYPES - 3, NCLASSES - 1);

        avtab_insert(&a, k.stype, k.ttype, k.tclass, AVTAB_ALLOWED, 1u << (i % 32));
    }
    /* The last types and class get no rules: their slices must be empty. */
    UNIT_CHECK_EQ(u, avtab_build_index(&a, NTYPES, NCLASSES), 0);
    UNIT_CHECK(u, a.by_source != NULL && a.order != NULL);
    UNIT_CHECK(u, a.index_types == NTYPES && a.index_classes == NCLASSES);
    if (a.by_source)
        check_index(u, &a, NTYPES, NCLASSES);
    /* The hash still answers after the index is built. */
    check_chain(u, &a, (struct key){1, 1, 1});
    avtab_destroy(&a);
}

static void test_avtab_index_edges(struct unit *u)
{
    struct avtab a;

    /* An empty table gets an index of empty slices. */
    UNIT_CHECK_EQ(u, avtab_init(&a, 0), 0);
    UNIT_CHECK_EQ(u, avtab_build_index(&a, 4, 3), 0);
    if (a.by_source)
        check_index(u, &a, 4, 3);
    else
        UNIT_CHECK(u, a.by_source != NULL);
    avtab_destroy(&a);
    /* One entry in the last cell. */
    UNIT_CHECK_EQ(u, avtab_init(&a, 1), 0);
    avtab_insert(&a, 4, 1, 3, AVTAB_ALLOWED, 1);
    UNIT_CHECK_EQ(u, avtab_build_index(&a, 4, 3), 0);
    if (a.by_source)
        check_index(u, &a, 4, 3);
    avtab_destroy(&a);
    /* Too many cells, or none: no index, and lookups by hash still work. */
    UNIT_CHECK_EQ(u, avtab_init(&a, 1), 0);
    avtab_insert(&a, 2, 2, 2, AVTAB_ALLOWED, 1);
    UNIT_CHECK_EQ(u, avtab_build_index(&a, AVTAB_INDEX_MAX / 2 + 1, 2), 0);
    UNIT_CHECK(u, a.by_source == NULL);
    UNIT_CHECK_EQ(u, avtab_build_index(&a, 0, 5), 0);
    UNIT_CHECK(u, a.by_source == NULL);
    UNIT_CHECK_EQ(u, avtab_find(&a, 2, 2, 2), 0);
    avtab_destroy(&a);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_symtab_init_limits),
    UNIT_CASE(test_symtab_primary_and_alias),
    UNIT_CASE(test_symtab_duplicates_refused),
    UNIT_CASE(test_symtab_range_and_capacity),
    UNIT_CASE(test_symtab_lookup_misses),
    UNIT_CASE(test_symtab_many_names),
    UNIT_CASE(test_avtab_capacity_limit),
    UNIT_CASE(test_avtab_insert_and_find),
    UNIT_CASE(test_avtab_colliding_chains),
    UNIT_CASE(test_avtab_keys_differing_in_one_field),
    UNIT_CASE(test_avtab_index_agrees_with_scan),
    UNIT_CASE(test_avtab_index_edges),
    {0},
};
