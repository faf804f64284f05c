/*
 * Security contexts to and from strings (context_string.h) on real policies:
 * the feature policies mls-blp, mls-ranges and te-basic and the Flaxen policy
 * in both variants. Expectations come from the policy sources named in each
 * case (the .conf files in tests/policy/policies, flask/policy); each accepted string and
 * its canonical form, and each rejection, was also checked against libsepol
 * 3.4 (build/host/bin/sepol-ref batch, "ctx" lines) when the case was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context_string.h"
#include "unit.h"

static struct policydb *load(struct unit *u, const char *rel)
{
    size_t len;
    void *image = unit_read_file(unit_build_path(rel), &len);
    struct policydb *p = NULL;
    struct ss_error err = {{0}};

    UNIT_CHECK_MSG(u, image, "cannot read %s (run make policy)", unit_build_path(rel));
    if (!image)
        return NULL;
    UNIT_CHECK_MSG(u, policydb_read(&p, image, len, &err) == 0, "%s: %s", rel, err.msg);
    free(image);
    return p;
}

/* Parses and prints back; returns the printed form (free it) or NULL if refused. */
static char *canonical(const struct policydb *p, const char *str, size_t len)
{
    struct context c;
    char *out;

    if (context_from_string(p, str, len, &c))
        return NULL;
    out = context_to_string(p, &c, NULL);
    context_destroy(&c);
    return out;
}

/* str is accepted and prints as want (NULL: str is refused). */
static void expect(struct unit *u, const struct policydb *p, const char *str, const char *want)
{
    char *got = canonical(p, str, strlen(str));

    if (want)
        UNIT_CHECK_MSG(u, got && !strcmp(got, want), "'%s' gave '%s', want '%s'", str,
                       got ? got : "(refused)", want);
    else
        UNIT_CHECK_MSG(u, !got, "'%s' accepted as '%s'", str, got);
    ss_free(got);
}

static void reject(struct unit *u, const struct policydb *p, const char *str)
{
    expect(u, p, str, NULL);
}

/* The string is accepted and already canonical. */
static void accept(struct unit *u, const struct policydb *p, const char *str)
{
    expect(u, p, str, str);
}

/* ---------------------------------------------------------------- parsing */

/* mls-blp.conf: users system_u (s0 - s3:c0.c15) and admin_u (s1 - s3:c0.c15). */
static void test_parse_valid(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    accept(u, p, "system_u:system_r:dom0_t:s0");
    accept(u, p, "system_u:system_r:dom0_t:s0-s3:c0.c15");
    accept(u, p, "admin_u:admin_r:dom0_t:s1:c0-s3:c0.c15");
    accept(u, p, "system_u:system_r:dom0_t:s2:c0.c3");
    accept(u, p, "system_u:system_r:dom0_t:s1:c0,c3");
    /* Declared s0 s2 s1 s3, but "dominance { s0 s1 s2 s3 }" orders them. */
    accept(u, p, "system_u:system_r:dom0_t:s1-s2");
    policydb_destroy(p);
}

static void test_aliases_print_primary(struct unit *u)
{
    struct policydb *blp = load(u, "policy/tests/mls-blp.30");
    struct policydb *ranges = load(u, "policy/tests/mls-ranges.30");
    struct policydb *te = load(u, "policy/tests/te-basic.30");

    if (blp) {
        /* "sensitivity s0 alias unclassified; s2 alias secret; s1 alias { confidential
         * restricted }; category c0 alias red; c3 alias blue" */
        expect(u, blp, "system_u:system_r:dom0_t:unclassified", "system_u:system_r:dom0_t:s0");
        expect(u, blp, "system_u:system_r:dom0_t:secret", "system_u:system_r:dom0_t:s2");
        expect(u, blp, "system_u:system_r:dom0_t:confidential-restricted",
               "system_u:system_r:dom0_t:s1");
        expect(u, blp, "system_u:system_r:dom0_t:s1:red,blue", "system_u:system_r:dom0_t:s1:c0,c3");
        expect(u, blp, "system_u:system_r:dom0_t:s1:red.blue", "system_u:system_r:dom0_t:s1:c0.c3");
    }
    if (ranges) {
        /* "s1 alias medium; s2 alias top; c0 alias cat_first; c64 alias cat_block1" */
        expect(u, ranges, "system_u:system_r:dom0_t:medium:cat_first.cat_block1-top:cat_first.c199",
               "system_u:system_r:dom0_t:s1:c0.c64-s2:c0.c199");
    }
    if (te) {
        /* "type domU2_t alias { domU_alt_t domU_old_t }; typealias iso_t alias isolated_t" */
        expect(u, te, "system_u:system_r:domU_alt_t", "system_u:system_r:domU2_t");
        expect(u, te, "guest_u:guest_r:domU_old_t", "guest_u:guest_r:domU2_t");
        expect(u, te, "system_u:guest_r:isolated_t", "system_u:guest_r:iso_t");
    }
    policydb_destroy(blp);
    policydb_destroy(ranges);
    policydb_destroy(te);
}

static void test_names_rejected(struct unit *u)
{
    struct policydb *blp = load(u, "policy/tests/mls-blp.30");
    struct policydb *te = load(u, "policy/tests/te-basic.30");

    if (blp) {
        reject(u, blp, "system_u:system_r:mls_domain:s0"); /* an attribute */
        reject(u, blp, "nobody_u:system_r:dom0_t:s0");
        reject(u, blp, "system_u:nobody_r:dom0_t:s0");
        reject(u, blp, "system_u:system_r:nobody_t:s0");
        /* "role vm_r types { domU_t mls_plain_t }": no dom0_t. */
        reject(u, blp, "system_u:vm_r:dom0_t:s0");
        /* "user guest_u roles vm_r": no system_r. */
        reject(u, blp, "guest_u:system_r:dom0_t:s0");
        reject(u, blp, "system_u:system_r");
        reject(u, blp, "system_u");
        reject(u, blp, "::");
    }
    if (te) {
        reject(u, te, "system_u:system_r:guest_type"); /* attributes */
        reject(u, te, "system_u:system_r:never_used");
        reject(u, te, "guest_u:system_r:domU_t"); /* "user guest_u roles guest_r" */
        reject(u, te, "system_u:guest_r:dom0_t"); /* guest_r: domU_t domU2_t iso_t */
        reject(u, te, "system_u:system_r:");
        reject(u, te, "system_u::domU_t");
        reject(u, te, ":system_r:domU_t");
    }
    policydb_destroy(blp);
    policydb_destroy(te);
}

/* An MLS policy needs the MLS part; a policy without MLS refuses one. */
static void test_mls_part_presence(struct unit *u)
{
    struct policydb *mls = load(u, "policy/flaxen-mls.30");
    struct policydb *plain = load(u, "policy/flaxen.30");
    struct policydb *blp = load(u, "policy/tests/mls-blp.30");
    struct policydb *te = load(u, "policy/tests/te-basic.30");

    if (mls) {
        accept(u, mls, "system_u:system_r:dom0_t:s0-s15:c0.c255");
        accept(u, mls, "user_1:vm_r:domU_t:s5");
        reject(u, mls, "system_u:system_r:dom0_t");
        reject(u, mls, "system_u:system_r:dom0_t:");
    }
    if (plain) {
        accept(u, plain, "system_u:system_r:dom0_t");
        accept(u, plain, "user_1:vm_r:domU_t");
        reject(u, plain, "system_u:system_r:dom0_t:s0");
        reject(u, plain, "system_u:system_r:dom0_t:");
    }
    if (blp)
        reject(u, blp, "system_u:system_r:dom0_t");
    if (te)
        reject(u, te, "system_u:system_r:dom0_t:s0");
    policydb_destroy(mls);
    policydb_destroy(plain);
    policydb_destroy(blp);
    policydb_destroy(te);
}

/* mls-blp.conf: "level s2:c0.c15", sixteen categories c0..c15. */
static void test_category_ranges(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    accept(u, p, "system_u:system_r:dom0_t:s2:c0.c3");
    expect(u, p, "system_u:system_r:dom0_t:s2:c0.c1", "system_u:system_r:dom0_t:s2:c0,c1");
    reject(u, p, "system_u:system_r:dom0_t:s2:c3.c3"); /* a range must go up */
    reject(u, p, "system_u:system_r:dom0_t:s2:c5.c3");
    reject(u, p, "system_u:system_r:dom0_t:s2:c1.c3.c5");
    reject(u, p, "system_u:system_r:dom0_t:s2:c1.");
    reject(u, p, "system_u:system_r:dom0_t:s2:.c3");
    reject(u, p, "system_u:system_r:dom0_t:s2:c16"); /* no such category */
    reject(u, p, "system_u:system_r:dom0_t:s2:c0.c16");
    reject(u, p, "system_u:system_r:dom0_t:s2:");
    reject(u, p, "system_u:system_r:dom0_t:s2:c0,");
    reject(u, p, "system_u:system_r:dom0_t:s2:c0,,c1");
    reject(u, p, "system_u:system_r:dom0_t:s4");
    policydb_destroy(p);
}

static void test_level_rules(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    /* The high level must dominate the low one, by the dominance order. */
    reject(u, p, "system_u:system_r:dom0_t:s2-s1");
    reject(u, p, "system_u:system_r:dom0_t:s3-s1");
    reject(u, p, "system_u:system_r:dom0_t:s2:c1-s3:c2");
    accept(u, p, "system_u:system_r:dom0_t:s2:c1-s3:c1,c2");
    /* "level s0:c0.c7; level s1:c0.c11": categories a sensitivity does not allow. */
    accept(u, p, "system_u:system_r:dom0_t:s0:c7");
    reject(u, p, "system_u:system_r:dom0_t:s0:c8");
    accept(u, p, "system_u:system_r:dom0_t:s1:c11");
    reject(u, p, "system_u:system_r:dom0_t:s1:c12");
    reject(u, p, "system_u:system_r:dom0_t:s0:c8-s3:c8");
    policydb_destroy(p);
}

/* mls-blp.conf: guest_u s0 - s1:c0.c7, cat_u s1:c2 - s2:c1.c5,c9, low_u s0. */
static void test_user_ranges(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    accept(u, p, "guest_u:vm_r:domU_t:s1:c0.c7");
    reject(u, p, "guest_u:vm_r:domU_t:s2");
    reject(u, p, "guest_u:vm_r:domU_t:s1:c8");
    accept(u, p, "cat_u:vm_r:domU_t:s1:c2");
    accept(u, p, "cat_u:vm_r:domU_t:s1:c2-s2:c1.c5,c9");
    reject(u, p, "cat_u:vm_r:domU_t:s0");
    reject(u, p, "cat_u:vm_r:domU_t:s1:c2-s2:c1.c6");
    accept(u, p, "low_u:vm_r:domU_t:s0");
    reject(u, p, "low_u:vm_r:domU_t:s0:c0");
    reject(u, p, "low_u:vm_r:domU_t:s0-s1");
    policydb_destroy(p);
}

/* object_r: no role/type or user/role check, and no user range check (libsepol's
 * mls_context_isvalid returns early for it), but levels must still be valid. */
static void test_object_r(struct unit *u)
{
    struct policydb *blp = load(u, "policy/tests/mls-blp.30");
    struct policydb *te = load(u, "policy/tests/te-basic.30");

    if (blp) {
        /* evchn_t is in no role, guest_u has no object_r, and s3 is above guest_u's range. */
        accept(u, blp, "guest_u:object_r:evchn_t:s0");
        accept(u, blp, "guest_u:object_r:evchn_t:s3");
        reject(u, blp, "guest_u:object_r:evchn_t:s0:c8"); /* s0 allows c0.c7 only */
        reject(u, blp, "guest_u:object_r:evchn_t:s3-s1");
        reject(u, blp, "guest_u:object_r:mls_domain:s0"); /* still no attributes */
        reject(u, blp, "nobody_u:object_r:evchn_t:s0");
    }
    if (te) {
        accept(u, te, "guest_u:object_r:security_t");
        reject(u, te, "guest_u:object_r:hw_type");
    }
    policydb_destroy(blp);
    policydb_destroy(te);
}

/*
 * What libsepol's mls_context_to_sid tolerates: after the high level's
 * categories, a '-' ends the parse and the rest of the string is ignored.
 * Nothing else is: trailing text after a sensitivity, or after the low
 * level, or a ':' after categories, is refused.
 */
static void test_trailing_text_quirk(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    expect(u, p, "system_u:system_r:dom0_t:s0-s3:c0-junk", "system_u:system_r:dom0_t:s0-s3:c0");
    expect(u, p, "system_u:system_r:dom0_t:s0-s3:c0,c1-junk:more",
           "system_u:system_r:dom0_t:s0-s3:c0,c1");
    expect(u, p, "system_u:system_r:dom0_t:s0:c0-s3:c0.c15-s1",
           "system_u:system_r:dom0_t:s0:c0-s3:c0.c15");
    expect(u, p, "system_u:system_r:dom0_t:s0-s3:c0.c15-", "system_u:system_r:dom0_t:s0-s3:c0.c15");
    reject(u, p, "system_u:system_r:dom0_t:s0-s3-junk");
    reject(u, p, "system_u:system_r:dom0_t:s0:c0-junk");
    reject(u, p, "system_u:system_r:dom0_t:s0:c0:junk");
    reject(u, p, "system_u:system_r:dom0_t:s0-s3:c0:junk");
    reject(u, p, "system_u:system_r:dom0_t:s0-s3:c0.c15:extra");
    reject(u, p, "system_u:system_r:dom0_t:s0-");
    reject(u, p, "system_u:system_r:dom0_t:s0:");
    reject(u, p, "system_u:system_r:dom0_t:s0 ");
    policydb_destroy(p);
}

/* The length bounds the string, and so does the first NUL. */
static void test_length_and_nul(struct unit *u)
{
    struct policydb *mls = load(u, "policy/tests/mls-blp.30");
    struct policydb *te = load(u, "policy/tests/te-basic.30");
    static const char nul[] = "system_u:system_r:dom0_t:s0\0:c1";
    static const char longer[] = "system_u:system_r:dom0_t:s0:c1";
    char *got;

    if (mls) {
        got = canonical(mls, nul, sizeof(nul) - 1);
        UNIT_CHECK_MSG(u, got && !strcmp(got, "system_u:system_r:dom0_t:s0"), "nul: %s", got);
        ss_free(got);
        got = canonical(mls, longer, strlen(longer) - 3);
        UNIT_CHECK_MSG(u, got && !strcmp(got, "system_u:system_r:dom0_t:s0"), "cut: %s", got);
        ss_free(got);
        got = canonical(mls, longer, strlen(longer) - 1); /* "...:s0:c" */
        UNIT_CHECK(u, got == NULL);
        ss_free(got);
        got = canonical(mls, longer, (size_t)-1);
        UNIT_CHECK_MSG(u, got && !strcmp(got, longer), "unbounded: %s", got);
        ss_free(got);
        UNIT_CHECK(u, canonical(mls, longer, 0) == NULL);
        UNIT_CHECK(u, canonical(mls, "", 10) == NULL);
        UNIT_CHECK(u, canonical(mls, "\0system_u:system_r:dom0_t:s0", 29) == NULL);
    }
    if (te) {
        static const char extra[] = "system_u:system_r:dom0_t_extra";

        got = canonical(te, extra, strlen("system_u:system_r:dom0_t"));
        UNIT_CHECK_MSG(u, got && !strcmp(got, "system_u:system_r:dom0_t"), "type cut: %s", got);
        ss_free(got);
        UNIT_CHECK(u, canonical(te, extra, strlen(extra)) == NULL);
        UNIT_CHECK(u, canonical(te, "system_u:system_r:dom0_t", 23) == NULL);
    }
    policydb_destroy(mls);
    policydb_destroy(te);
}

/* Names longer than any a policy may hold (READER_MAX_STRING) are refused, not truncated. */
static void test_overlong_parts(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");
    enum { LONG = READER_MAX_STRING + 100 };
    char *str = malloc(3 * LONG);

    for (int part = 0; p && str && part < 4; part++) {
        const char *fields[4] = {"system_u", "system_r", "dom0_t", "s0"};
        size_t n = 0;

        for (int i = 0; i < 4; i++) {
            if (i)
                str[n++] = ':';
            if (i == part) {
                memcpy(str + n, fields[i], strlen(fields[i]));
                memset(str + n + strlen(fields[i]), 'x', LONG);
                n += strlen(fields[i]) + LONG;
            } else {
                memcpy(str + n, fields[i], strlen(fields[i]));
                n += strlen(fields[i]);
            }
        }
        str[n] = '\0';
        reject(u, p, str);
    }
    /* A long but valid category list: every category of s3 many times over. */
    if (p && str) {
        size_t n = (size_t)snprintf(str, 3 * LONG, "system_u:system_r:dom0_t:s3:c0");
        for (unsigned i = 1; n < 2 * LONG; i++)
            n += (size_t)snprintf(str + n, 3 * LONG - n, ",c%u", i % 16);
        expect(u, p, str, "system_u:system_r:dom0_t:s3:c0.c15");
    }
    free(str);
    policydb_destroy(p);
}

/* Each string is refused and the context is left empty ("On failure out is left empty"). */
static void expect_empty_after_failure(struct unit *u, const char *rel, const char *const *bad,
                                       size_t n)
{
    struct policydb *p = load(u, rel);

    for (size_t i = 0; p && i < n; i++) {
        struct context c;

        memset(&c, 0x5a, sizeof(c));
        UNIT_CHECK_MSG(u, context_from_string(p, bad[i], strlen(bad[i]), &c) < 0, "%s", bad[i]);
        UNIT_CHECK_MSG(u, c.user == 0 && c.role == 0 && c.type == 0,
                       "%s: identity left as %u:%u:%u", bad[i], c.user, c.role, c.type);
        UNIT_CHECK_MSG(u, c.range.level[0].cat.bits == NULL && c.range.level[1].cat.bits == NULL,
                       "%s: categories kept", bad[i]);
    }
    policydb_destroy(p);
}

static void test_refused_level_leaves_context_empty(struct unit *u)
{
    static const char *const bad[] = {
        "system_u:system_r:dom0_t:s0:c0,c1,c8", /* fails after categories were set */
        "system_u:system_r:dom0_t:s2:c1-s3:c2",
        "guest_u:vm_r:domU_t:s1:c0.c7-s2:c0.c7",
        "system_u:system_r:dom0_t:s0-s3:c0:junk",
    };

    expect_empty_after_failure(u, "policy/tests/mls-blp.30", bad, sizeof(bad) / sizeof(bad[0]));
}

/* Refused at the user:role:type stage, before any MLS parsing. */
static void test_refused_name_leaves_context_empty(struct unit *u)
{
    static const char *const bad[] = {
        "system_u:system_r:nobody_t:s0", "system_u:system_r:mls_domain:s0", /* an attribute */
        "system_u:system_r:dom0_t", /* no MLS part in an MLS policy */
    };

    expect_empty_after_failure(u, "policy/tests/mls-blp.30", bad, sizeof(bad) / sizeof(bad[0]));
}

/* ---------------------------------------------------------------- printing */

/* Builds user:role:type:sL:cats-sH:cats from category numbers (a -1 ends a list). */
static bool build(struct unit *u, const struct policydb *p, struct context *c, const char *user,
                  const char *role, const char *type, const char *low, const int *lcats,
                  const char *high, const int *hcats)
{
    char name[16];

    context_init(c);
    c->user = symtab_lookup(&p->symtab[SYM_USERS], user);
    c->role = symtab_lookup(&p->symtab[SYM_ROLES], role);
    c->type = symtab_lookup(&p->symtab[SYM_TYPES], type);
    c->range.level[0].sens = symtab_lookup(&p->symtab[SYM_LEVELS], low);
    c->range.level[1].sens = symtab_lookup(&p->symtab[SYM_LEVELS], high);
    for (int l = 0; l < 2; l++) {
        for (const int *cat = l ? hcats : lcats; *cat >= 0; cat++) {
            snprintf(name, sizeof(name), "c%d", *cat);
            uint32_t v = symtab_lookup(&p->symtab[SYM_CATS], name);

            UNIT_CHECK_MSG(u, v, "no category %s", name);
            if (v)
                ebitmap_set(&c->range.level[l].cat, v - 1, true);
        }
    }
    UNIT_CHECK_MSG(u, context_is_valid(p, c), "built context for %s is not valid", type);
    return context_is_valid(p, c);
}

/* A level with categories 0..n-1, then the listed ones. */
#define RUN_0_63                                                                                   \
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,  \
        26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,    \
        48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63

/* mls-ranges.conf: 200 categories; "level s1:c0.c199", system_u s0 - s2:c0.c199. */
static void test_print_canonical(struct unit *u)
{
    static const struct {
        int cats[80];
        const char *text;
    } cases[] = {
        {{0, 1, 2, -1}, "c0.c2"},
        {{0, 1, -1}, "c0,c1"},
        {{0, 2, 4, -1}, "c0,c2,c4"},
        {{62, 63, 128, -1}, "c62,c63,c128"},
        {{RUN_0_63, 128, -1}, "c0.c63,c128"},
        {{63, 64, -1}, "c63,c64"},
        {{62, 63, 64, -1}, "c62.c64"},
        {{63, 64, 65, 127, 128, -1}, "c63.c65,c127,c128"},
        {{126, 127, 191, 192, 193, 199, -1}, "c126,c127,c191.c193,c199"},
        {{64, -1}, "c64"},
        {{199, -1}, "c199"},
    };
    static const int none[] = {-1};
    struct policydb *p = load(u, "policy/tests/mls-ranges.30");
    char want[128];

    for (size_t i = 0; p && i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct context c;
        size_t len = 0;
        char *got;

        build(u, p, &c, "system_u", "system_r", "dom0_t", "s1", cases[i].cats, "s1", cases[i].cats);
        got = context_to_string(p, &c, &len);
        snprintf(want, sizeof(want), "system_u:system_r:dom0_t:s1:%s", cases[i].text);
        UNIT_CHECK_MSG(u, got && !strcmp(got, want), "got '%s', want '%s'", got, want);
        UNIT_CHECK_EQ(u, len, strlen(want));
        ss_free(got);
        /* As the high level of a range from s0 (low == high prints once, else both). */
        context_destroy(&c);
        build(u, p, &c, "system_u", "system_r", "dom0_t", "s0", none, "s1", cases[i].cats);
        got = context_to_string(p, &c, NULL);
        snprintf(want, sizeof(want), "system_u:system_r:dom0_t:s0-s1:%s", cases[i].text);
        UNIT_CHECK_MSG(u, got && !strcmp(got, want), "got '%s', want '%s'", got, want);
        ss_free(got);
        context_destroy(&c);
    }
    policydb_destroy(p);
}

static void test_print_parse_normalises(struct unit *u)
{
    struct policydb *p = load(u, "policy/tests/mls-blp.30");

    if (!p)
        return;
    expect(u, p, "system_u:system_r:dom0_t:s1:c2,c0,c1", "system_u:system_r:dom0_t:s1:c0.c2");
    expect(u, p, "system_u:system_r:dom0_t:s1:c0,c0", "system_u:system_r:dom0_t:s1:c0");
    expect(u, p, "system_u:system_r:dom0_t:s1:c0.c2,c1", "system_u:system_r:dom0_t:s1:c0.c2");
    expect(u, p, "system_u:system_r:dom0_t:s1:c0.c1,c2.c3", "system_u:system_r:dom0_t:s1:c0.c3");
    expect(u, p, "system_u:system_r:dom0_t:s0-s0", "system_u:system_r:dom0_t:s0");
    expect(u, p, "system_u:system_r:dom0_t:s1:c1-s1:c1", "system_u:system_r:dom0_t:s1:c1");
    expect(u, p, "system_u:system_r:dom0_t:s1:c1-s1:c1,c2",
           "system_u:system_r:dom0_t:s1:c1-s1:c1,c2");
    policydb_destroy(p);
}

/* ---------------------------------------------------------------- round trip */

static uint64_t rng_state;

static uint32_t rng(uint32_t bound)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % bound;
}

/* A reference printer for a category set: runs of three or more as cA.cB. */
static void reference_cats(char *out, size_t size, const struct ebitmap *cats)
{
    size_t n = 0;
    uint32_t len = ebitmap_length(cats), b = 0;

    out[0] = '\0';
    while (b < len) {
        uint32_t end = b;

        if (!ebitmap_get(cats, b)) {
            b++;
            continue;
        }
        while (end + 1 < len && ebitmap_get(cats, end + 1))
            end++;
        n += (size_t)snprintf(out + n, size - n, "%sc%u", n ? "," : ":", b);
        if (end > b)
            n += (size_t)snprintf(out + n, size - n, "%cc%u", end - b >= 2 ? '.' : ',', end);
        b = end + 1;
    }
}

/* Random runs of categories below `ncats` (in the policy, category cN has value N + 1). */
static void random_cats(struct ebitmap *e, uint32_t ncats)
{
    for (uint32_t runs = rng(6); runs > 0; runs--) {
        uint32_t start = rng(ncats), len = 1 + rng(rng(2) ? 4 : 80);

        for (uint32_t b = start; b < start + len && b < ncats; b++)
            ebitmap_set(e, b, true);
    }
}

/* Random valid contexts of system_u (whose range is the whole policy): print, parse back,
 * compare with the original and with the reference printer. Both policies declare
 * sensitivities s0.. and categories c0.. in order, so bit N of a set is category cN. */
static void round_trip(struct unit *u, const char *rel, const char *type, uint32_t nsens,
                       const uint32_t *allowed_cats)
{
    struct policydb *p = load(u, rel);
    char want[2048], cats[1024];

    for (int i = 0; p && i < 400; i++) {
        struct context c, back;
        struct ebitmap low;
        uint32_t lo = rng(nsens), hi = lo + rng(nsens - lo);
        char *text;

        context_init(&c);
        c.user = symtab_lookup(&p->symtab[SYM_USERS], "system_u");
        c.role = symtab_lookup(&p->symtab[SYM_ROLES], "system_r");
        c.type = symtab_lookup(&p->symtab[SYM_TYPES], type);
        snprintf(want, sizeof(want), "s%u", lo);
        c.range.level[0].sens = symtab_lookup(&p->symtab[SYM_LEVELS], want);
        snprintf(want, sizeof(want), "s%u", hi);
        c.range.level[1].sens = symtab_lookup(&p->symtab[SYM_LEVELS], want);
        random_cats(&c.range.level[1].cat, allowed_cats[hi]);
        if (rng(2))
            random_cats(&c.range.level[0].cat, allowed_cats[lo]);
        /* The low level's categories must be a subset of the high level's. */
        ebitmap_and(&low, &c.range.level[0].cat, &c.range.level[1].cat);
        ebitmap_destroy(&c.range.level[0].cat);
        c.range.level[0].cat = low;
        UNIT_CHECK_MSG(u, context_is_valid(p, &c), "%s: generated context %d invalid", rel, i);

        snprintf(want, sizeof(want), "system_u:system_r:%s:s%u", type, lo);
        reference_cats(cats, sizeof(cats), &c.range.level[0].cat);
        strcat(want, cats);
        if (!mls_level_eq(&c.range.level[0], &c.range.level[1])) {
            snprintf(want + strlen(want), sizeof(want) - strlen(want), "-s%u", hi);
            reference_cats(cats, sizeof(cats), &c.range.level[1].cat);
            strcat(want, cats);
        }
        text = context_to_string(p, &c, NULL);
        UNIT_CHECK_MSG(u, text && !strcmp(text, want), "printed '%s', want '%s'", text, want);
        if (text) {
            int rc = context_from_string(p, text, strlen(text), &back);

            UNIT_CHECK_MSG(u, rc == 0, "'%s' does not parse back", text);
            UNIT_CHECK_MSG(u, rc || context_equal(&c, &back), "'%s' parses to another context",
                           text);
            if (!rc)
                context_destroy(&back);
        }
        ss_free(text);
        context_destroy(&c);
    }
    policydb_destroy(p);
}

static void test_round_trip_mls_ranges(struct unit *u)
{
    /* mls-ranges.conf: "level s0:c0.c191; level s1:c0.c199; level s2:c0.c199". */
    static const uint32_t allowed[] = {192, 200, 200};

    rng_state = 20240601;
    round_trip(u, "policy/tests/mls-ranges.30", "dom0_t", 3, allowed);
}

static void test_round_trip_flaxen_mls(struct unit *u)
{
    /* flask/policy/support/mls.m4: every level s0..s15 allows c0..c255. */
    static const uint32_t allowed[16] = {256, 256, 256, 256, 256, 256, 256, 256,
                                         256, 256, 256, 256, 256, 256, 256, 256};

    rng_state = 7;
    round_trip(u, "policy/flaxen-mls.30", "dom0_t", 16, allowed);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_parse_valid),
    UNIT_CASE(test_aliases_print_primary),
    UNIT_CASE(test_names_rejected),
    UNIT_CASE(test_mls_part_presence),
    UNIT_CASE(test_category_ranges),
    UNIT_CASE(test_level_rules),
    UNIT_CASE(test_user_ranges),
    UNIT_CASE(test_object_r),
    UNIT_CASE(test_trailing_text_quirk),
    UNIT_CASE(test_length_and_nul),
    UNIT_CASE(test_overlong_parts),
    UNIT_CASE(test_refused_level_leaves_context_empty),
    UNIT_CASE(test_refused_name_leaves_context_empty),
    UNIT_CASE(test_print_canonical),
    UNIT_CASE(test_print_parse_normalises),
    UNIT_CASE(test_round_trip_mls_ranges),
    UNIT_CASE(test_round_trip_flaxen_mls),
    {0},
};
