/*
 * sepol-ref gen-queries: deterministic random batch queries drawn from a
 * policy's own symbols (see tests/policy/README.md for the mix).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <sepol/debug.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/context.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/flask_types.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#pragma GCC diagnostic pop
#define EXIT_USAGE 2

#include "sepol_ref.h"

/* ------------------------------------------------------------ gen-queries */

static uint64_t rng_state;

/* splitmix64 */
static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static uint32_t rnd(uint32_t n)
{
    return (uint32_t)(rnd64() % n);
}

/* True with probability pct percent. */
static int chance(unsigned pct)
{
    return rnd(1000) < pct * 10;
}

/* True with probability permille / 1000. */
static int chance_pm(unsigned permille)
{
    return rnd(1000) < permille;
}

struct strvec {
    char **v;
    uint32_t n, cap;
};

static void sv_push(struct strvec *s, char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (!s->v)
            die("out of memory");
    }
    s->v[s->n++] = x;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sv_sort(struct strvec *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

/* Symbol lists gathered from the loaded policy (names sorted: hash order is not stable). */
static struct strvec type_aliases, attr_names, sens_aliases, cat_aliases;

static int collect_type(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    type_datum_t *t = d;

    (void)arg;
    if (t->flavor == TYPE_ATTRIB)
        sv_push(&attr_names, k);
    else if (!t->primary)
        sv_push(&type_aliases, k);
    return 0;
}

/*
 * The binary policy's symbol counts for sensitivities and categories
 * include their aliases, so the real counts are the highest primary values.
 */
static uint32_t nsens, ncats_real;

static int collect_sens(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    level_datum_t *l = d;

    (void)arg;
    if (l->isalias)
        sv_push(&sens_aliases, k);
    else if (l->level->sens > nsens)
        nsens = l->level->sens;
    return 0;
}

static int collect_cat(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    cat_datum_t *c = d;

    (void)arg;
    if (c->isalias)
        sv_push(&cat_aliases, k);
    else if (c->s.value > ncats_real)
        ncats_real = c->s.value;
    return 0;
}

/* A growable output string. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = b->cap - b->len;

        va_start(ap, fmt);
        n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            die("format error");
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 64) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            die("out of memory");
    }
}

static uint32_t real_type_count;
static uint32_t *real_types; /* values of non-attribute types */

static const char *pick_type_any(void)
{
    if (type_aliases.n && chance(3))
        return type_aliases.v[rnd(type_aliases.n)];
    return pdb.p_type_val_to_name[real_types[rnd(real_type_count)] - 1];
}

/* A type for the given role: mostly one the role is authorised for. */
static const char *pick_type(uint32_t role)
{
    if (chance_pm(15))
        return "no_such_t";
    if (attr_names.n && chance(3))
        return attr_names.v[rnd(attr_names.n)];
    if (role && role != OBJECT_R_VAL && chance(88)) {
        role_datum_t *rd = pdb.role_val_to_struct[role - 1];
        uint32_t cnt = 0, k, v;
        ebitmap_node_t *node;
        unsigned int bit;

        ebitmap_for_each_positive_bit(&rd->cache, node, bit)
        {
            if (bit < pdb.p_types.nprim && is_real_type(bit + 1))
                cnt++;
        }
        if (cnt) {
            k = rnd(cnt);
            ebitmap_for_each_positive_bit(&rd->cache, node, bit)
            {
                v = bit + 1;
                if (bit < pdb.p_types.nprim && is_real_type(v) && k-- == 0)
                    return pdb.p_type_val_to_name[v - 1];
            }
        }
    }
    return pick_type_any();
}

/* Pick a role for a user (value returned; name written to *name). */
static uint32_t pick_role(uint32_t user, const char **name)
{
    if (chance_pm(15)) {
        *name = "no_such_r";
        return 0;
    }
    if (user && chance(82)) {
        user_datum_t *ud = pdb.user_val_to_struct[user - 1];
        uint32_t cnt = ebitmap_cardinality(&ud->cache), k, r;
        ebitmap_node_t *node;
        unsigned int bit;

        if (cnt) {
            k = rnd(cnt);
            ebitmap_for_each_positive_bit(&ud->cache, node, bit)
            {
                if (k-- == 0) {
                    r = bit + 1;
                    *name = pdb.p_role_val_to_name[r - 1];
                    return r;
                }
            }
        }
    }
    if (chance(40)) {
        *name = "object_r";
        return OBJECT_R_VAL;
    }
    {
        uint32_t r = 1 + rnd(pdb.p_roles.nprim);

        *name = pdb.p_role_val_to_name[r - 1];
        return r;
    }
}

static const char *sens_name(uint32_t sens)
{
    if (sens_aliases.n && chance(4)) {
        /* an alias naming this very sensitivity, if there is one */
        uint32_t i, start = rnd(sens_aliases.n);

        for (i = 0; i < sens_aliases.n; i++) {
            const char *a = sens_aliases.v[(start + i) % sens_aliases.n];
            level_datum_t *l = hashtab_search(pdb.p_levels.table, (hashtab_key_t)a);

            if (l && l->level->sens == sens)
                return a;
        }
    }
    return pdb.p_sens_val_to_name[sens - 1];
}

static const char *cat_name(uint32_t bit)
{
    if (cat_aliases.n && chance(4)) {
        uint32_t i, start = rnd(cat_aliases.n);

        for (i = 0; i < cat_aliases.n; i++) {
            const char *a = cat_aliases.v[(start + i) % cat_aliases.n];
            cat_datum_t *c = hashtab_search(pdb.p_cats.table, (hashtab_key_t)a);

            if (c && c->s.value == bit + 1)
                return a;
        }
    }
    return pdb.p_cat_val_to_name[bit];
}

/*
 * Write a category set in one of several spellings: canonical runs,
 * every category listed, split runs, shuffled pieces, duplicates, and
 * (rarely) one inverted or degenerate range that libsepol must reject.
 */
#define MAX_PIECES 1024

static void emit_cats(struct sbuf *b, const unsigned char *set, uint32_t ncats)
{
    static uint32_t lo[MAX_PIECES], hi[MAX_PIECES];
    uint32_t npieces = 0, i, j, c, bad;
    int style = (int)rnd(4);

    for (c = 0; c < ncats && npieces < MAX_PIECES - 1;) {
        if (!set[c]) {
            c++;
            continue;
        }
        j = c;
        while (j + 1 < ncats && set[j + 1])
            j++;
        if (style == 1) {
            /* every category on its own */
            for (i = c; i <= j && npieces < MAX_PIECES; i++) {
                lo[npieces] = hi[npieces] = i;
                npieces++;
            }
        } else if (style == 2 && j > c + 1 && chance(50)) {
            /* a run written as two ranges */
            uint32_t m = c + 1 + rnd(j - c - 1);

            lo[npieces] = c;
            hi[npieces++] = m;
            lo[npieces] = m + 1;
            hi[npieces++] = j;
        } else {
            lo[npieces] = c;
            hi[npieces++] = j;
        }
        c = j + 1;
    }
    if (!npieces)
        return;
    if (style == 3) {
        for (i = npieces - 1; i > 0; i--) {
            uint32_t k = rnd(i + 1), t;

            t = lo[i], lo[i] = lo[k], lo[k] = t;
            t = hi[i], hi[i] = hi[k], hi[k] = t;
        }
    }
    /* at most one piece spelled as an inverted (or cN.cN) range */
    bad = chance_pm(15) ? rnd(npieces) : npieces;
    sb_add(b, ":");
    for (i = 0; i < npieces; i++) {
        if (i)
            sb_add(b, ",");
        if (i == bad) {
            if (lo[i] == hi[i])
                sb_add(b, "%s.%s", cat_name(lo[i]), cat_name(lo[i]));
            else
                sb_add(b, "%s.%s", cat_name(hi[i]), cat_name(lo[i]));
        } else if (lo[i] == hi[i]) {
            sb_add(b, "%s", cat_name(lo[i]));
        } else if (hi[i] == lo[i] + 1 && chance(50)) {
            sb_add(b, "%s,%s", cat_name(lo[i]), cat_name(hi[i]));
        } else {
            sb_add(b, "%s.%s", cat_name(lo[i]), cat_name(hi[i]));
        }
        if (chance_pm(10))
            sb_add(b, ",%s", cat_name(lo[i])); /* a duplicate */
    }
}

struct glevel {
    uint32_t sens;
    unsigned char *cats; /* ncats flags */
};

static void level_from(struct glevel *g, const mls_level_t *l, uint32_t ncats)
{
    ebitmap_node_t *node;
    unsigned int bit;

    g->sens = l->sens;
    memset(g->cats, 0, ncats);
    ebitmap_for_each_positive_bit(&l->cat, node, bit)
    {
        if (bit < ncats)
            g->cats[bit] = 1;
    }
}

static const mls_level_t *sens_level(uint32_t sens)
{
    level_datum_t *l =
        hashtab_search(pdb.p_levels.table, (hashtab_key_t)pdb.p_sens_val_to_name[sens - 1]);

    return l ? l->level : NULL;
}

static int cat_allowed(const mls_level_t *allowed, uint32_t c)
{
    return !allowed || ebitmap_get_bit(&allowed->cat, c);
}

/*
 * Add categories taken from pool (NULL: any category) to cats.  Sometimes
 * the additions are runs that end on the last bit of a 64-bit block and
 * resume in a later block, with nothing in between: libsepol prints such
 * sets in a peculiar way, and the test should meet them.
 */
static void add_cats(unsigned char *cats, const unsigned char *pool, uint32_t ncats,
                     const mls_level_t *allowed)
{
    uint32_t c, k, pct;

    if (ncats > 128 && chance(25)) {
        uint32_t nblocks = (ncats + 63) / 64, runs = 1 + rnd(2), r;

        for (r = 0; r < runs; r++) {
            uint32_t blk = rnd(nblocks - 1), end = blk * 64 + 63, len = 1 + rnd(3);
            uint32_t next = blk + 1 + rnd(nblocks - blk - 1), start = next * 64;
            uint32_t len2 = 1 + rnd(3);

            for (k = 0; k < len && k <= end; k++) {
                c = end - k;
                if (c < ncats && (!pool || pool[c]) && cat_allowed(allowed, c))
                    cats[c] = 1;
            }
            for (k = 0; k < len2; k++) {
                c = start + k;
                if (c < ncats && (!pool || pool[c]) && cat_allowed(allowed, c))
                    cats[c] = 1;
            }
        }
        return;
    }
    {
        static const uint32_t density[] = {0, 1, 4, 12, 35};

        pct = density[rnd(5)];
    }
    if (!pct)
        return;
    for (c = 0; c < ncats; c++)
        if ((!pool || pool[c]) && cat_allowed(allowed, c) && rnd(100) < pct)
            cats[c] = 1;
}

/*
 * A random level between lo and hi (hi assumed to dominate lo), now and
 * then spoiled by a category outside hi or not allowed by the sensitivity.
 */
static void level_between(struct glevel *out, const struct glevel *lo, const struct glevel *hi,
                          uint32_t ncats)
{
    const mls_level_t *allowed;

    out->sens = lo->sens + (hi->sens > lo->sens ? rnd(hi->sens - lo->sens + 1) : 0);
    allowed = sens_level(out->sens);
    memcpy(out->cats, lo->cats, ncats);
    add_cats(out->cats, hi->cats, ncats, allowed);
    if (ncats && chance_pm(25))
        out->cats[rnd(ncats)] = 1;
}

static void random_level(struct glevel *out, uint32_t ncats)
{
    const mls_level_t *allowed;

    out->sens = 1 + rnd(nsens);
    allowed = sens_level(out->sens);
    memset(out->cats, 0, ncats);
    add_cats(out->cats, NULL, ncats, chance(90) ? allowed : NULL);
}

static void emit_level(struct sbuf *b, const struct glevel *g, uint32_t ncats)
{
    sb_add(b, "%s", sens_name(g->sens));
    emit_cats(b, g->cats, ncats);
}

static void emit_mls(struct sbuf *b, uint32_t user)
{
    uint32_t ncats = ncats_real;
    unsigned char *buf = xcalloc(4, ncats ? ncats : 1);
    struct glevel ulo = {0, buf}, uhi = {0, buf + ncats};
    struct glevel low = {0, buf + 2 * ncats}, high = {0, buf + 3 * ncats};

    if (user && chance(80)) {
        user_datum_t *ud = pdb.user_val_to_struct[user - 1];

        level_from(&ulo, &ud->exp_range.level[0], ncats);
        level_from(&uhi, &ud->exp_range.level[1], ncats);
        level_between(&low, &ulo, &uhi, ncats);
        if (chance(40)) {
            sb_add(b, ":");
            emit_level(b, &low, ncats);
            free(buf);
            return;
        }
        level_between(&high, &low, &uhi, ncats);
    } else {
        random_level(&low, ncats);
        if (chance(30)) {
            sb_add(b, ":");
            emit_level(b, &low, ncats);
            free(buf);
            return;
        }
        if (chance(70)) {
            /* a high that dominates low */
            high.sens = low.sens + rnd(nsens - low.sens + 1);
            memcpy(high.cats, low.cats, ncats);
            add_cats(high.cats, NULL, ncats, sens_level(high.sens));
        } else {
            random_level(&high, ncats); /* often low > high: invalid */
        }
    }
    sb_add(b, ":");
    emit_level(b, &low, ncats);
    sb_add(b, "-");
    emit_level(b, &high, ncats);
    free(buf);
}

static char *gen_context(void)
{
    struct sbuf b = {NULL, 0, 0};
    uint32_t user = 0, role;
    const char *rname;

    if (chance_pm(10)) {
        sb_add(&b, "no_such_u");
    } else {
        user = 1 + rnd(pdb.p_users.nprim);
        sb_add(&b, "%s", pdb.p_user_val_to_name[user - 1]);
    }
    role = pick_role(user, &rname);
    sb_add(&b, ":%s:%s", rname, pick_type(role));
    if (pdb.mls) {
        if (!chance_pm(5))
            emit_mls(&b, user);
    } else if (chance_pm(5)) {
        sb_add(&b, ":s0");
    }
    return b.s;
}

static const char *pick_class(void)
{
    if (chance_pm(8))
        return "no_such_class";
    return pdb.p_class_val_to_name[rnd(pdb.p_classes.nprim)];
}

int cmd_gen_queries(int argc, char **argv)
{
    char *end;
    unsigned long long seed, count, i;
    uint32_t v;

    if (argc != 3)
        die("usage: sepol-ref gen-queries SEED COUNT POLICY");
    errno = 0;
    seed = strtoull(argv[0], &end, 0);
    if (errno || *end || !*argv[0])
        die("bad SEED %s", argv[0]);
    count = strtoull(argv[1], &end, 0);
    if (errno || *end || !*argv[1])
        die("bad COUNT %s", argv[1]);
    load_policy(argv[2]);
    rng_state = seed;

    hashtab_map(pdb.p_types.table, collect_type, NULL);
    hashtab_map(pdb.p_levels.table, collect_sens, NULL);
    hashtab_map(pdb.p_cats.table, collect_cat, NULL);
    sv_sort(&type_aliases);
    sv_sort(&attr_names);
    sv_sort(&sens_aliases);
    sv_sort(&cat_aliases);
    real_types = xcalloc(pdb.p_types.nprim, sizeof(*real_types));
    for (v = 1; v <= pdb.p_types.nprim; v++)
        if (is_real_type(v))
            real_types[real_type_count++] = v;
    if (!real_type_count || !pdb.p_users.nprim || !pdb.p_classes.nprim)
        die("policy has no types, users or classes");
    if (pdb.mls && !nsens)
        die("MLS policy without sensitivities");
    for (v = 1; v <= nsens; v++)
        if (!pdb.p_sens_val_to_name[v - 1])
            die("sensitivity values are not contiguous");
    for (v = 1; v <= ncats_real; v++)
        if (!pdb.p_cat_val_to_name[v - 1])
            die("category values are not contiguous");

    for (i = 0; i < count; i++) {
        uint32_t k = rnd(1000);

        if (pdb.p_bools.nprim && k < 20) {
            printf("bool %s %u\n", pdb.p_bool_val_to_name[rnd(pdb.p_bools.nprim)], rnd(2));
            continue;
        }
        k = rnd(98);
        if (k < 8) {
            char *c = gen_context();

            printf("ctx %s\n", c);
            free(c);
        } else {
            static const char *const ops[] = {"create", "member", "change"};
            const char *op = k < 28 ? ops[rnd(3)] : "av";
            char *s = gen_context(), *t = gen_context();

            printf("%s %s %s %s\n", op, s, t, pick_class());
            free(s);
            free(t);
        }
    }
    free(real_types);
    free(type_aliases.v);
    free(attr_names.v);
    free(sens_aliases.v);
    free(cat_aliases.v);
    if (fflush(stdout))
        die("write error");
    return 0;
}
