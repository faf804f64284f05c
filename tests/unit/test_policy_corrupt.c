/*
 * Bad input for the policy loader: truncations at every offset, bit flips,
 * wrong magic, wrong target, unsupported versions, huge counts. Each must be
 * refused with a message and leave nothing loaded; a failed reload must leave
 * the previous policy and its SIDs in force.
 */
#include <stdlib.h>
#include <string.h>

#include "policydb.h"
#include "security.h"
#include "unit.h"

static const char *const policies[] = {"policy/flaxen.30", "policy/flaxen.24",
                                       "policy/flaxen-mls.30", "policy/flaxen-mls.24", NULL};

static unsigned char *load_image(struct unit *u, const char *rel, size_t *len)
{
    unsigned char *image = unit_read_file(unit_build_path(rel), len);

    UNIT_CHECK_MSG(u, image, "cannot read %s (run make policy)", unit_build_path(rel));
    return image;
}

/* Loads an image into a fresh server; returns 0 or the error, with the message in err. */
static int try_load(const void *image, size_t len, struct ss_error *err)
{
    struct ss_server *s = ss_create();
    int rc;

    memset(err, 0, sizeof(*err));
    rc = ss_load_policy(s, image, len, NULL, err);
    if (rc == 0) {
        struct ss_av_decision avd;
        /* Whatever loads must answer decisions without a fault. */
        for (uint32_t a = 1; a <= 13; a++)
            ss_compute_av(s, a, 3, 3, &avd, NULL);
    } else if (ss_policy_loaded(s)) {
        rc = 1000; /* a failed load left something behind */
    }
    ss_destroy(s);
    return rc;
}

static void test_good_policies_load(struct unit *u)
{
    for (int i = 0; policies[i]; i++) {
        size_t len;
        unsigned char *image = load_image(u, policies[i], &len);
        struct ss_error err;

        if (!image)
            continue;
        UNIT_CHECK_MSG(u, try_load(image, len, &err) == 0, "%s: %s", policies[i], err.msg);
        free(image);
    }
}

static void test_truncated_everywhere(struct unit *u)
{
    for (int i = 0; policies[i]; i++) {
        size_t len;
        unsigned char *image = load_image(u, policies[i], &len);

        for (size_t cut = 0; image && cut < len; cut++) {
            struct ss_error err;
            int rc = try_load(image, cut, &err);

            UNIT_CHECK_MSG(u, rc < 0 && err.msg[0], "%s cut at %zu: rc %d", policies[i], cut, rc);
        }
        free(image);
    }
}

static void test_bit_flips(struct unit *u)
{
    size_t len, rejected = 0, loaded = 0;
    unsigned char *image = load_image(u, "policy/flaxen-mls.30", &len);

    for (size_t pos = 0; image && pos < len; pos++) {
        for (int bit = 0; bit < 8; bit += (pos < 2048 ? 1 : 3)) {
            struct ss_error err;
            int rc;

            image[pos] ^= (unsigned char)(1u << bit);
            rc = try_load(image, len, &err);
            image[pos] ^= (unsigned char)(1u << bit);
            UNIT_CHECK_MSG(u, rc <= 0, "flip at %zu.%d left a half-loaded policy", pos, bit);
            UNIT_CHECK_MSG(u, rc == 0 || err.msg[0], "flip at %zu.%d: no message", pos, bit);
            rc ? rejected++ : loaded++;
        }
    }
    /* Most flips break structure; some land in bitmaps of permissions and must load. */
    UNIT_CHECK_MSG(u, rejected > loaded, "rejected %zu, loaded %zu", rejected, loaded);
    UNIT_CHECK(u, loaded > 0);
    free(image);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void expect_refused(struct unit *u, unsigned char *image, size_t len, const char *why,
                           const char *needle)
{
    struct ss_error err;
    int rc = try_load(image, len, &err);

    UNIT_CHECK_MSG(u, rc < 0, "%s: loaded", why);
    UNIT_CHECK_MSG(u, strstr(err.msg, needle), "%s: message '%s' lacks '%s'", why, err.msg, needle);
}

static void test_header_damage(struct unit *u)
{
    size_t len;
    unsigned char *image = load_image(u, "policy/flaxen.30", &len);
    unsigned char *copy;

    if (!image)
        return;
    copy = malloc(len);
    memcpy(copy, image, len);
    put32(copy, 0xf97cff8d);
    expect_refused(u, copy, len, "wrong magic", "magic");
    memcpy(copy, image, len);
    memcpy(copy + 8, "SE Linux", 8);
    expect_refused(u, copy, len, "SELinux target", "XenFlask");
    static const uint32_t versions[] = {15, 23, 25, 29, 31, 33, 0xffffffffu};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        memcpy(copy, image, len);
        put32(copy + 16, versions[i]);
        expect_refused(u, copy, len, "unsupported version", "version");
    }
    memcpy(copy, image, len);
    put32(copy + 20, 0x100);
    expect_refused(u, copy, len, "unknown config flag", "configuration");
    memcpy(copy, image, len);
    put32(copy + 24, 9);
    expect_refused(u, copy, len, "symbol table count", "symbol tables");
    memcpy(copy, image, len);
    put32(copy + 4, 0xffffffffu);
    expect_refused(u, copy, len, "huge target length", "XenFlask");
    free(copy);
    free(image);
}

/* Offset of the first symbol table header: after the two leading bitmaps. */
static size_t first_symtab(const unsigned char *image)
{
    size_t off = 32;

    for (int b = 0; b < 2; b++) {
        uint32_t nodes = image[off + 8] | (uint32_t)image[off + 9] << 8;
        off += 12 + (size_t)nodes * 12;
    }
    return off;
}

static void test_huge_counts(struct unit *u)
{
    size_t len;
    unsigned char *image = load_image(u, "policy/flaxen.30", &len);

    if (!image)
        return;
    size_t off = first_symtab(image);
    for (int field = 0; field < 2; field++) {
        static const uint32_t huge[] = {0x10000, 0x7fffffff, 0xffffffffu};
        for (size_t i = 0; i < 3; i++) {
            unsigned char saved[4];
            memcpy(saved, image + off + 4 * (size_t)field, 4);
            put32(image + off + 4 * (size_t)field, huge[i]);
            expect_refused(u, image, len, "huge symbol count", "commons");
            memcpy(image + off + 4 * (size_t)field, saved, 4);
        }
    }
    free(image);
}

static void test_failed_reload_keeps_old(struct unit *u)
{
    size_t len;
    unsigned char *image = load_image(u, "policy/flaxen.30", &len);
    struct ss_server *s = ss_create();
    struct ss_error err;
    uint32_t sid, sid_after;
    char *before, *after;
    struct ss_av_decision a1, a2;

    if (!image)
        return;
    UNIT_CHECK(u, ss_load_policy(s, image, len, NULL, &err) == 0);
    UNIT_CHECK(u, ss_context_to_sid(s, "system_u:system_r:domU_t", 24, &sid) == 0);
    UNIT_CHECK(u, ss_sid_to_context(s, sid, &before, NULL) == 0);
    ss_compute_av(s, 3, sid, 3, &a1, NULL);
    uint32_t seq = ss_seqno(s);
    UNIT_CHECK(u, ss_load_policy(s, image, len / 2, NULL, &err) < 0);
    UNIT_CHECK(u, ss_seqno(s) == seq);
    UNIT_CHECK(u, ss_sid_to_context(s, sid, &after, NULL) == 0);
    UNIT_CHECK(u, !strcmp(before, after));
    ss_compute_av(s, 3, sid, 3, &a2, NULL);
    UNIT_CHECK(u, a1.allowed == a2.allowed && a1.auditdeny == a2.auditdeny);
    /* A good reload keeps the SID naming the same context. */
    UNIT_CHECK(u, ss_load_policy(s, image, len, NULL, &err) == 0);
    UNIT_CHECK(u, ss_context_to_sid(s, "system_u:system_r:domU_t", 24, &sid_after) == 0);
    UNIT_CHECK_EQ(u, sid, sid_after);
    UNIT_CHECK(u, ss_seqno(s) == seq + 1);
    ss_free(before);
    ss_free(after);
    ss_destroy(s);
    free(image);
}

static void test_mls_switch_refused(struct unit *u)
{
    size_t l1, l2;
    unsigned char *plain = load_image(u, "policy/flaxen.30", &l1);
    unsigned char *mls = load_image(u, "policy/flaxen-mls.30", &l2);
    struct ss_server *s = ss_create();
    struct ss_error err;

    if (plain && mls) {
        UNIT_CHECK(u, ss_load_policy(s, plain, l1, NULL, &err) == 0);
        UNIT_CHECK(u, ss_load_policy(s, mls, l2, NULL, &err) < 0);
        UNIT_CHECK(u, strstr(err.msg, "MLS") != NULL);
        UNIT_CHECK(u, !ss_mls_enabled(s));
    }
    ss_destroy(s);
    free(plain);
    free(mls);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_good_policies_load), UNIT_CASE(test_truncated_everywhere),
    UNIT_CASE(test_bit_flips),          UNIT_CASE(test_header_damage),
    UNIT_CASE(test_huge_counts),        UNIT_CASE(test_failed_reload_keeps_old),
    UNIT_CASE(test_mls_switch_refused), {0},
};
