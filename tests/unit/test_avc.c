/*
 * The access vector cache against the security server it fronts.
 *
 * Every expectation is derived from ss_compute_av on the policy the build
 * produces, never hard-coded: the tests find a triple with the property they
 * need (an audited denial, an auditallow grant, a dontaudit rule, a decision
 * that depends on a boolean) by searching the initial SIDs and every class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avc.h"
#include "unit.h"

/* An audit sink that counts lines and keeps the last one. */
struct sink {
    int count;
    char last[AVC_AUDIT_LINE_MAX];
};

static void sink_audit(void *ctx, const char *line)
{
    struct sink *s = ctx;

    snprintf(s->last, sizeof(s->last), "%s", line);
    s->count++;
}

struct fixture {
    struct ss_server *ss;
    struct avc avc;
    struct sink sink;
    uint32_t nsids;    /* initial SIDs are 1..nsids */
    uint32_t nclasses; /* classes are 1..nclasses */
};

static int load_policy(struct unit *u, struct ss_server *ss, const char *rel)
{
    size_t len;
    void *image = unit_read_file(unit_build_path(rel), &len);
    struct ss_error err;
    int rc;

    UNIT_CHECK_MSG(u, image, "cannot read %s (run make policy)", unit_build_path(rel));
    if (!image)
        return -1;
    rc = ss_load_policy(ss, image, len, NULL, &err);
    UNIT_CHECK_MSG(u, rc == 0, "load: %s", err.msg);
    free(image);
    return rc;
}

/* A loaded server and an enforcing cache with a recording sink; false if unusable. */
static bool setup_with(struct unit *u, struct fixture *f, const char *policy)
{
    memset(f, 0, sizeof(*f));
    f->ss = ss_create();
    if (!f->ss || load_policy(u, f->ss, policy)) {
        ss_destroy(f->ss);
        return false;
    }
    UNIT_CHECK(u, avc_init(&f->avc, f->ss) == 0);
    avc_set_audit(&f->avc, sink_audit, &f->sink);
    while (ss_sid_is_valid(f->ss, f->nsids + 1))
        f->nsids++;
    while (ss_class_name(f->ss, f->nclasses + 1))
        f->nclasses++;
    UNIT_CHECK(u, f->nsids >= 12 && f->nclasses >= 1);
    return true;
}

static bool setup(struct unit *u, struct fixture *f)
{
    return setup_with(u, f, "policy/flaxen.30");
}

static void teardown(struct fixture *f)
{
    avc_destroy(&f->avc);
    ss_destroy(f->ss);
}

struct triple {
    uint32_t ssid, tsid, tclass;
};

/* Picks bits of a decision that show the property a test needs; 0 = none here. */
typedef uint32_t pick_fn(const struct ss_av_decision *avd, uint32_t defined);

/* The bits with permission names in a class. */
static uint32_t defined_perms(const struct fixture *f, uint32_t tclass)
{
    uint32_t mask = 0;

    for (uint32_t bit = 0; bit < 32; bit++)
        if (ss_perm_name(f->ss, tclass, bit))
            mask |= 1u << bit;
    return mask;
}

/* The first triple of initial SIDs and classes for which `pick` finds bits. */
static uint32_t find_triple(const struct fixture *f, pick_fn *pick, struct triple *t)
{
    for (uint32_t s = 1; s <= f->nsids; s++) {
        for (uint32_t o = 1; o <= f->nsids; o++) {
            for (uint32_t c = 1; c <= f->nclasses; c++) {
                struct ss_av_decision avd;
                uint32_t bits;

                if (ss_compute_av(f->ss, s, o, c, &avd, NULL))
                    continue;
                bits = pick(&avd, defined_perms(f, c));
                if (bits) {
                    *t = (struct triple){s, o, c};
                    return bits;
                }
            }
        }
    }
    return 0;
}

static uint32_t lowest_bit(uint32_t bits)
{
    return bits & (0u - bits);
}

static uint32_t pick_audited_denial(const struct ss_av_decision *avd, uint32_t defined)
{
    if (avd->flags & SS_AVD_PERMISSIVE)
        return 0;
    return defined & ~avd->allowed & avd->auditdeny;
}

/* Two or more audited denials in one triple. */
static uint32_t pick_two_denials(const struct ss_av_decision *avd, uint32_t defined)
{
    uint32_t bits = pick_audited_denial(avd, defined);

    return bits & (bits - 1) ? bits : 0;
}

static uint32_t pick_dontaudit(const struct ss_av_decision *avd, uint32_t defined)
{
    if (avd->flags & SS_AVD_PERMISSIVE)
        return 0;
    return defined & ~avd->allowed & ~avd->auditdeny;
}

static uint32_t pick_auditallow(const struct ss_av_decision *avd, uint32_t defined)
{
    return defined & avd->allowed & avd->auditallow;
}

static uint32_t pick_quiet_grant(const struct ss_av_decision *avd, uint32_t defined)
{
    return defined & avd->allowed & ~avd->auditallow;
}

static uint32_t pick_permissive_type(const struct ss_av_decision *avd, uint32_t defined)
{
    if (!(avd->flags & SS_AVD_PERMISSIVE))
        return 0;
    return defined & ~avd->allowed & avd->auditdeny;
}

/* The line avc_has_perm must print for these bits, built independently. */
static void expected_line(const struct fixture *f, const struct triple *t, uint32_t perms,
                          const char *verdict, const char *extra, char *out, size_t size)
{
    char *scon = NULL, *tcon = NULL;
    size_t len, n = (size_t)snprintf(out, size, "avc:  %s  {", verdict);

    ss_sid_to_context(f->ss, t->ssid, &scon, &len);
    ss_sid_to_context(f->ss, t->tsid, &tcon, &len);
    for (uint32_t bit = 0; bit < 32; bit++)
        if (perms & (1u << bit))
            n += (size_t)snprintf(out + n, size - n, " %s", ss_perm_name(f->ss, t->tclass, bit));
    snprintf(out + n, size - n, " } for %sscontext=%s tcontext=%s tclass=%s", extra, scon, tcon,
             ss_class_name(f->ss, t->tclass));
    ss_free(scon);
    ss_free(tcon);
}

#define CHECK_LAST_LINE(u, f, t, perms, verdict, extra)                                            \
    do {                                                                                           \
        char want_[AVC_AUDIT_LINE_MAX];                                                            \
        expected_line((f), (t), (perms), (verdict), (extra), want_, sizeof(want_));                \
        UNIT_CHECK_MSG((u), strcmp((f)->sink.last, want_) == 0, "got '%s' want '%s'",              \
                       (f)->sink.last, want_);                                                     \
    } while (0)

static int check(struct fixture *f, const struct triple *t, uint32_t requested)
{
    return avc_has_perm(&f->avc, t->ssid, t->tsid, t->tclass, requested, NULL);
}

/* ------------------------------------------------------------------ cases */

static void test_init_defaults(struct unit *u)
{
    struct fixture f;
    struct avc_stats st;
    struct avc_hash_stats hs;
    struct avc empty;

    UNIT_CHECK_EQ(u, avc_init(&empty, NULL), -SS_EINVAL);
    if (!setup(u, &f))
        return;
    UNIT_CHECK(u, avc_get_enforcing(&f.avc));
    UNIT_CHECK_EQ(u, avc_get_threshold(&f.avc), AVC_DEFAULT_THRESHOLD);
    avc_get_stats(&f.avc, &st);
    UNIT_CHECK_EQ(u, st.lookups + st.hits + st.misses + st.allocations + st.frees, 0);
    avc_get_hash_stats(&f.avc, &hs);
    UNIT_CHECK_EQ(u, hs.entries, 0);
    UNIT_CHECK_EQ(u, hs.buckets_used, 0);
    UNIT_CHECK_EQ(u, hs.buckets_total, AVC_SLOTS);
    UNIT_CHECK_EQ(u, hs.max_chain_len, 0);
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 3, 3, 1, 0, NULL), -SS_EINVAL);
    teardown(&f);
}

static void test_hit_miss_counting(struct unit *u)
{
    struct fixture f;
    struct avc_stats st;
    struct triple t;
    uint32_t bits;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_quiet_grant, &t);
    UNIT_CHECK_MSG(u, bits, "policy grants nothing without auditallow");
    if (!bits)
        goto out;
    UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
    avc_get_stats(&f.avc, &st);
    UNIT_CHECK_EQ(u, st.misses, 1);
    UNIT_CHECK_EQ(u, st.hits, 0);
    UNIT_CHECK_EQ(u, st.allocations, 1);
    for (int i = 0; i < 5; i++)
        UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
    /* Another class of the same pair is another entry. */
    avc_has_perm(&f.avc, t.ssid, t.tsid, t.tclass % f.nclasses + 1, 1, NULL);
    avc_get_stats(&f.avc, &st);
    UNIT_CHECK_EQ(u, st.hits, 5);
    UNIT_CHECK_EQ(u, st.misses, 2);
    UNIT_CHECK_EQ(u, st.lookups, 7);
    UNIT_CHECK_EQ(u, st.allocations, 2);
    UNIT_CHECK_EQ(u, f.avc.entries, 2);
out:
    teardown(&f);
}

/* Every cached entry must hold exactly what the server computes now. */
static void check_cache_matches_server(struct unit *u, struct fixture *f)
{
    for (uint32_t slot = 0; slot < AVC_SLOTS; slot++) {
        for (const struct avc_node *n = f->avc.slots[slot]; n; n = n->next) {
            struct ss_av_decision avd;

            UNIT_CHECK(u, ss_compute_av(f->ss, n->ssid, n->tsid, n->tclass, &avd, NULL) == 0);
            UNIT_CHECK_MSG(u, memcmp(&avd, &n->avd, sizeof(avd)) == 0,
                           "entry %u %u %u differs from ss_compute_av", n->ssid, n->tsid,
                           n->tclass);
        }
    }
}

static void check_hash_consistent(struct unit *u, const struct fixture *f)
{
    struct avc_hash_stats hs;
    struct avc_stats st;
    uint32_t total = 0, used = 0, longest = 0;

    for (uint32_t slot = 0; slot < AVC_SLOTS; slot++) {
        uint32_t len = 0;

        for (const struct avc_node *n = f->avc.slots[slot]; n; n = n->next)
            len++;
        total += len;
        used += len != 0;
        longest = len > longest ? len : longest;
    }
    avc_get_hash_stats(&f->avc, &hs);
    avc_get_stats(&f->avc, &st);
    UNIT_CHECK_EQ(u, hs.entries, total);
    UNIT_CHECK_EQ(u, hs.entries, f->avc.entries);
    UNIT_CHECK_EQ(u, hs.buckets_used, used);
    UNIT_CHECK_EQ(u, hs.max_chain_len, longest);
    UNIT_CHECK_EQ(u, hs.buckets_total, AVC_SLOTS);
    UNIT_CHECK(u, hs.buckets_used <= hs.entries);
    UNIT_CHECK_EQ(u, st.allocations - st.frees, total);
}

/* A cache holding several entries per slot on average uses every slot, none much longer. */
static void check_hash_spread(struct unit *u, const struct fixture *f)
{
    struct avc_hash_stats hs;
    uint32_t average;

    avc_get_hash_stats(&f->avc, &hs);
    average = (hs.entries + AVC_SLOTS - 1) / AVC_SLOTS;
    UNIT_CHECK_MSG(u, hs.entries < 2 * AVC_SLOTS || hs.buckets_used == AVC_SLOTS,
                   "%u entries in %u of %u slots", hs.entries, hs.buckets_used, AVC_SLOTS);
    UNIT_CHECK_MSG(u, hs.max_chain_len <= 3 * average + 2, "longest chain %u, average %u",
                   hs.max_chain_len, average);
}

static void test_decisions_match_server(struct unit *u)
{
    struct fixture f;

    if (!setup(u, &f))
        return;
    avc_set_threshold(&f.avc, 100000); /* keep everything: check every entry afterwards */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t s = 1; s <= f.nsids; s++) {
            for (uint32_t o = 1; o <= f.nsids; o++) {
                for (uint32_t c = 1; c <= f.nclasses; c++) {
                    struct ss_av_decision avd;
                    uint32_t defined = defined_perms(&f, c);

                    UNIT_CHECK(u, ss_compute_av(f.ss, s, o, c, &avd, NULL) == 0);
                    for (uint32_t bit = 0; bit < 32; bit++) {
                        uint32_t p = 1u << bit;
                        bool ok = (avd.allowed & p) || (avd.flags & SS_AVD_PERMISSIVE);

                        if (!(defined & p))
                            continue;
                        UNIT_CHECK_MSG(
                            u, avc_has_perm(&f.avc, s, o, c, p, NULL) == (ok ? 0 : -SS_EACCES),
                            "%u %u %u bit %u pass %d", s, o, c, bit, pass);
                    }
                }
            }
        }
    }
    check_cache_matches_server(u, &f);
    UNIT_CHECK_EQ(u, f.avc.entries, f.nsids * f.nsids * f.nclasses);
    check_hash_spread(u, &f);
    teardown(&f);
}

static void test_denial_enforcing_and_permissive(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits, p;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_audited_denial, &t);
    UNIT_CHECK_MSG(u, bits, "policy has no audited denial");
    p = lowest_bit(bits);
    if (!bits)
        goto out;
    /* Enforcing: refused and logged every time. */
    UNIT_CHECK_EQ(u, check(&f, &t, p), -SS_EACCES);
    UNIT_CHECK_EQ(u, check(&f, &t, p), -SS_EACCES);
    UNIT_CHECK_EQ(u, f.sink.count, 2);
    /* Permissive: allowed, logged once until the next flush. */
    avc_set_enforcing(&f.avc, false);
    UNIT_CHECK_EQ(u, check(&f, &t, p), 0);
    UNIT_CHECK_EQ(u, check(&f, &t, p), 0);
    UNIT_CHECK_EQ(u, check(&f, &t, p), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 3);
    avc_flush(&f.avc);
    UNIT_CHECK_EQ(u, check(&f, &t, p), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 4);
    /* Back to enforcing: the widened entry is gone, the denial is back. */
    avc_set_enforcing(&f.avc, true);
    UNIT_CHECK_EQ(u, f.avc.entries, 0);
    UNIT_CHECK_EQ(u, check(&f, &t, p), -SS_EACCES);
    UNIT_CHECK_EQ(u, f.sink.count, 5);
    /* A permissive type (only policies that have one): allowed while enforcing, logged once. */
    bits = find_triple(&f, pick_permissive_type, &t);
    for (int i = 0; bits && i < 2; i++)
        UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
    UNIT_CHECK_EQ(u, f.sink.count, bits ? 6 : 5);
out:
    teardown(&f);
}

/* Logged once per permission: a second bit in the same triple is still logged, alone. */
static void test_permissive_logs_each_perm_once(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits, a, b;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_two_denials, &t);
    UNIT_CHECK_MSG(u, bits, "policy has no triple with two audited denials");
    if (!bits)
        goto out;
    a = lowest_bit(bits);
    b = lowest_bit(bits & ~a);
    avc_set_enforcing(&f.avc, false);
    UNIT_CHECK_EQ(u, check(&f, &t, a), 0);
    UNIT_CHECK_EQ(u, check(&f, &t, a | b), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 2);
    CHECK_LAST_LINE(u, &f, &t, b, "denied", "");
    UNIT_CHECK_EQ(u, check(&f, &t, a | b), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 2);
out:
    teardown(&f);
}

static void expect_line(struct unit *u, struct fixture *f, const struct triple *t, uint32_t p,
                        const struct avc_audit_data *ad, const char *extra)
{
    int before = f->sink.count;

    UNIT_CHECK_EQ(u, avc_has_perm(&f->avc, t->ssid, t->tsid, t->tclass, p, ad), -SS_EACCES);
    UNIT_CHECK_EQ(u, f->sink.count, before + 1);
    CHECK_LAST_LINE(u, f, t, p, "denied", extra);
}

static void test_audit_line_format(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_audited_denial, &t);
    if (!bits) {
        UNIT_CHECK_MSG(u, 0, "policy has no audited denial");
        goto out;
    }
    expect_line(u, &f, &t, bits, NULL, "");
    struct avc_audit_data ad = {.domid = 1, .target_domid = 2, .object = AVC_AUDIT_IRQ};
    ad.u.irq = 33;
    expect_line(u, &f, &t, lowest_bit(bits), &ad, "domid=1 target=2 irq=33 ");
    ad = (struct avc_audit_data){.domid = 0, .target_domid = -1, .object = AVC_AUDIT_DEVICE};
    ad.u.sbdf = 0x0001a3ebu; /* 0001:a3:1d.3 */
    expect_line(u, &f, &t, lowest_bit(bits), &ad, "domid=0 device=0001:a3:1d.3 ");
    ad = (struct avc_audit_data){.domid = -1, .target_domid = 7, .object = AVC_AUDIT_IOMEM};
    ad.u.iomem.first_pfn = 0xfebe0;
    ad.u.iomem.last_pfn = 0x1fffffffffull;
    expect_line(u, &f, &t, lowest_bit(bits), &ad, "target=7 iomem=0xfebe0-0x1fffffffff ");
    ad = (struct avc_audit_data){.domid = 5, .target_domid = -1, .object = AVC_AUDIT_DTDEVICE};
    ad.u.dtdevice = "/soc/uart@9000000 x\n";
    expect_line(u, &f, &t, lowest_bit(bits), &ad, "domid=5 dtdevice=/soc/uart@9000000?x? ");
    /* The fixed parts, spelled out once by hand. */
    UNIT_CHECK(u, strncmp(f.sink.last, "avc:  denied  { ", 16) == 0);
out:
    teardown(&f);
}

/* A bit with no permission name prints as a hex mask after the names. */
static void test_audit_unknown_bit(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits, undefined;
    char want[AVC_AUDIT_LINE_MAX];

    if (!setup(u, &f))
        return;
    bits = lowest_bit(find_triple(&f, pick_audited_denial, &t));
    undefined = bits ? ~defined_perms(&f, t.tclass) : 0;
    UNIT_CHECK_MSG(u, undefined, "no audited denial in a class with fewer than 32 permissions");
    if (!undefined)
        goto out;
    undefined = 1u << 31 & undefined ? 1u << 31 : lowest_bit(undefined);
    UNIT_CHECK_EQ(u, check(&f, &t, bits | undefined), -SS_EACCES);
    snprintf(want, sizeof(want), "avc:  denied  { %s 0x%x } for scontext=",
             ss_perm_name(f.ss, t.tclass, (uint32_t)__builtin_ctz(bits)), undefined);
    UNIT_CHECK_MSG(u, strncmp(f.sink.last, want, strlen(want)) == 0, "got '%s' want '%s...'",
                   f.sink.last, want);
out:
    teardown(&f);
}

static void test_granted_auditallow(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_auditallow, &t);
    UNIT_CHECK_MSG(u, bits, "policy has no auditallow rule");
    if (!bits)
        goto out;
    for (int i = 0; i < 2; i++) { /* grants are logged every time, miss or hit */
        UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
        UNIT_CHECK_EQ(u, f.sink.count, i + 1);
        CHECK_LAST_LINE(u, &f, &t, lowest_bit(bits), "granted", "");
    }
    /* Quiet grants print nothing. */
    bits = find_triple(&f, pick_quiet_grant, &t);
    UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 2);
out:
    teardown(&f);
}

static void test_dontaudit(struct unit *u)
{
    struct fixture f;
    struct triple t;
    uint32_t bits;

    if (!setup(u, &f))
        return;
    bits = find_triple(&f, pick_dontaudit, &t);
    UNIT_CHECK_MSG(u, bits, "policy has no dontaudit rule");
    if (!bits)
        goto out;
    UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), -SS_EACCES);
    UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), -SS_EACCES);
    UNIT_CHECK_EQ(u, f.sink.count, 0);
    avc_set_enforcing(&f.avc, false);
    UNIT_CHECK_EQ(u, check(&f, &t, lowest_bit(bits)), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 0);
out:
    teardown(&f);
}

/* Touches every (initial SID, initial SID, class) triple once. */
static void fill(struct fixture *f, struct unit *u, uint32_t limit)
{
    for (uint32_t s = 1; s <= f->nsids; s++)
        for (uint32_t o = 1; o <= f->nsids; o++)
            for (uint32_t c = 1; c <= f->nclasses; c++) {
                avc_has_perm(&f->avc, s, o, c, 1, NULL);
                UNIT_CHECK_MSG(u, f->avc.entries <= limit, "%u entries over %u", f->avc.entries,
                               limit);
            }
}

static void test_reclaim(struct unit *u)
{
    struct fixture f;
    struct avc_stats st;

    if (!setup(u, &f))
        return;
    avc_set_enforcing(&f.avc, false); /* widening must not upset the counts */
    avc_set_threshold(&f.avc, 40);
    UNIT_CHECK_EQ(u, avc_get_threshold(&f.avc), 40);
    fill(&f, u, 40);
    avc_get_stats(&f.avc, &st);
    UNIT_CHECK(u, st.reclaims > 0);
    UNIT_CHECK_EQ(u, st.reclaims, st.frees);
    UNIT_CHECK_EQ(u, st.allocations, f.nsids * f.nsids * f.nclasses);
    check_hash_consistent(u, &f);
    /* Lowering the threshold evicts at once; zero still leaves room for one entry. */
    avc_set_threshold(&f.avc, 7);
    UNIT_CHECK(u, f.avc.entries <= 7);
    avc_set_threshold(&f.avc, 0);
    fill(&f, u, 1);
    check_hash_consistent(u, &f);
    avc_set_threshold(&f.avc, AVC_DEFAULT_THRESHOLD);
    fill(&f, u, AVC_DEFAULT_THRESHOLD);
    check_hash_consistent(u, &f);
    avc_flush(&f.avc);
    check_hash_consistent(u, &f);
    UNIT_CHECK_EQ(u, f.avc.entries, 0);
    teardown(&f);
}

/* Distinct SIDs for one domain type at many MLS levels; returns how many it made. */
static uint32_t make_mls_sids(struct unit *u, struct fixture *f, uint32_t *sids, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        char text[128];
        int len =
            snprintf(text, sizeof(text), "system_u:system_r:domU_t:s%u:c%u", i / 200, i % 200);

        if (ss_context_to_sid(f->ss, text, (size_t)len, &sids[i])) {
            UNIT_CHECK_MSG(u, 0, "context %s refused", text);
            return i;
        }
    }
    return n;
}

/* Two checks per triple (a granted set, a denied bit) against the server, on misses and hits. */
static void check_triple(struct unit *u, struct fixture *f, uint32_t s, uint32_t o, uint32_t c)
{
    struct ss_av_decision avd;
    uint32_t defined = defined_perms(f, c);
    uint32_t granted, denied;

    if (ss_compute_av(f->ss, s, o, c, &avd, NULL))
        return;
    granted = avd.allowed & defined;
    denied = lowest_bit(defined & ~avd.allowed);
    if (granted)
        UNIT_CHECK_MSG(u, avc_has_perm(&f->avc, s, o, c, granted, NULL) == 0, "%u %u %u", s, o, c);
    if (denied && !(avd.flags & SS_AVD_PERMISSIVE))
        UNIT_CHECK_MSG(u, avc_has_perm(&f->avc, s, o, c, denied, NULL) == -SS_EACCES, "%u %u %u", s,
                       o, c);
}

/*
 * More entries sharing (tsid, tclass), and then (ssid, tclass), than there are
 * slots: some chain must hold two entries that differ in one field only.
 * Each must still be its own entry with its own decision.
 */
static void test_many_sids(struct unit *u)
{
    enum { N = 600 };
    static uint32_t sids[N];
    struct fixture f;
    uint32_t n, c;
    struct avc_stats st;

    if (!setup_with(u, &f, "policy/flaxen-mls.30"))
        return;
    avc_set_audit(&f.avc, NULL, NULL);
    avc_set_threshold(&f.avc, 2 * N * f.nclasses);
    n = make_mls_sids(u, &f, sids, N);
    for (int pass = 0; pass < 2; pass++) {
        for (c = 1; c <= f.nclasses; c += 4) {
            for (uint32_t i = 0; i < n; i++) {
                check_triple(u, &f, sids[i], sids[n / 2], c);
                check_triple(u, &f, sids[n / 3], sids[i], c);
            }
        }
    }
    avc_get_stats(&f.avc, &st);
    c = (f.nclasses + 3) / 4; /* classes used */
    UNIT_CHECK_EQ(u, f.avc.entries, c * (2 * n - 1));
    UNIT_CHECK_EQ(u, st.allocations, c * (2 * n - 1));
    UNIT_CHECK_EQ(u, st.reclaims, 0);
    check_hash_spread(u, &f);
    check_hash_consistent(u, &f);
    check_cache_matches_server(u, &f);
    teardown(&f);
}

/* The first triple and bit whose decision differs between two servers. */
static bool find_difference(struct fixture *f, struct ss_server *other, struct triple *t,
                            uint32_t *bit)
{
    for (uint32_t s = 1; s <= f->nsids; s++)
        for (uint32_t o = 1; o <= f->nsids; o++)
            for (uint32_t c = 1; c <= f->nclasses; c++) {
                struct ss_av_decision mine, theirs;

                ss_compute_av(f->ss, s, o, c, &mine, NULL);
                ss_compute_av(other, s, o, c, &theirs, NULL);
                *bit = lowest_bit((mine.allowed ^ theirs.allowed) & defined_perms(f, c));
                if (*bit) {
                    *t = (struct triple){s, o, c};
                    return true;
                }
            }
    return false;
}

/* A boolean and a (triple, bit) whose decision it flips, found on a second copy of the policy. */
static bool find_bool_dependent(struct unit *u, struct fixture *f, uint32_t *index,
                                struct triple *t, uint32_t *bit)
{
    struct ss_server *probe = ss_create();
    bool found = false;

    if (!probe || load_policy(u, probe, "policy/flaxen.30")) {
        ss_destroy(probe);
        return false;
    }
    for (uint32_t b = 0; !found && b < ss_bool_count(probe); b++) {
        bool active;

        ss_bool_get(probe, b, &active, NULL);
        ss_bool_set_pending(probe, b, !active);
        ss_bool_commit(probe);
        found = find_difference(f, probe, t, bit);
        *index = b;
        ss_bool_set_pending(probe, b, active);
        ss_bool_commit(probe);
    }
    ss_destroy(probe);
    return found;
}

/* Flips the boolean; with `flush` the caller flushes, without it the cache must notice. */
static void bool_case(struct unit *u, bool flush)
{
    struct fixture f;
    struct triple t;
    uint32_t index, bit;
    bool active;
    int first, second;
    struct avc_stats st;

    if (!setup(u, &f))
        return;
    if (!find_bool_dependent(u, &f, &index, &t, &bit)) {
        UNIT_CHECK_MSG(u, 0, "no decision in the policy depends on a boolean");
        goto out;
    }
    first = check(&f, &t, bit);
    UNIT_CHECK_EQ(u, check(&f, &t, bit), first); /* now served from the cache */
    ss_bool_get(f.ss, index, &active, NULL);
    UNIT_CHECK(u, ss_bool_set_pending(f.ss, index, !active) == 0);
    UNIT_CHECK(u, ss_bool_commit(f.ss) == 0);
    if (flush)
        avc_flush(&f.avc);
    second = check(&f, &t, bit);
    UNIT_CHECK_MSG(u, first != second, "decision %d did not change after the commit", first);
    UNIT_CHECK_EQ(u, first == 0 ? second : first, -SS_EACCES);
    UNIT_CHECK_EQ(u, f.avc.seqno, ss_seqno(f.ss));
    avc_get_stats(&f.avc, &st);
    UNIT_CHECK_EQ(u, st.misses, 2);
    check_cache_matches_server(u, &f);
out:
    teardown(&f);
}

static void test_flush_after_bool_commit(struct unit *u)
{
    bool_case(u, true);
}

static void test_stale_seqno_never_served(struct unit *u)
{
    struct fixture f;

    bool_case(u, false);
    /* A policy reload also moves the sequence number on: every entry goes. */
    if (!setup(u, &f))
        return;
    fill(&f, u, AVC_DEFAULT_THRESHOLD);
    UNIT_CHECK(u, f.avc.entries > 0);
    UNIT_CHECK(u, load_policy(u, f.ss, "policy/flaxen.30") == 0);
    avc_has_perm(&f.avc, 3, 3, 1, 1, NULL);
    UNIT_CHECK_EQ(u, f.avc.entries, 1);
    check_cache_matches_server(u, &f);
    teardown(&f);
}

static void test_undecidable_fails_closed(struct unit *u)
{
    struct fixture f;
    struct ss_server *empty = ss_create();
    struct avc a;

    if (!setup(u, &f))
        return;
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 99999, 3, 1, 1, NULL), -SS_EACCES);
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 3, 99999, 1, 1, NULL), -SS_EACCES);
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 3, 3, f.nclasses + 1, 1, NULL), -SS_EACCES);
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 3, 3, 0, 1, NULL), -SS_EACCES);
    UNIT_CHECK_EQ(u, f.sink.count, 4);
    UNIT_CHECK_MSG(u, strncmp(f.sink.last, "avc:  unable to decide (error -22) for ", 39) == 0,
                   "got '%s'", f.sink.last);
    UNIT_CHECK(u, strstr(f.sink.last, ": denied") != NULL);
    UNIT_CHECK_EQ(u, f.avc.entries, 0); /* nothing cached for an unanswerable question */
    avc_set_enforcing(&f.avc, false);
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 99999, 3, 1, 1, NULL), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 5);
    UNIT_CHECK(u, strstr(f.sink.last, ": allowed (permissive)") != NULL);
    avc_set_audit(&f.avc, NULL, NULL); /* no sink: silent, same decisions */
    UNIT_CHECK_EQ(u, avc_has_perm(&f.avc, 99999, 3, 1, 1, NULL), 0);
    UNIT_CHECK_EQ(u, f.sink.count, 5);
    teardown(&f);
    /* No policy at all: everything is denied. */
    UNIT_CHECK(u, avc_init(&a, empty) == 0);
    UNIT_CHECK_EQ(u, avc_has_perm(&a, 3, 3, 1, 1, NULL), -SS_EACCES);
    avc_destroy(&a);
    ss_destroy(empty);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_init_defaults),
    UNIT_CASE(test_hit_miss_counting),
    UNIT_CASE(test_decisions_match_server),
    UNIT_CASE(test_denial_enforcing_and_permissive),
    UNIT_CASE(test_permissive_logs_each_perm_once),
    UNIT_CASE(test_audit_line_format),
    UNIT_CASE(test_audit_unknown_bit),
    UNIT_CASE(test_granted_auditallow),
    UNIT_CASE(test_dontaudit),
    UNIT_CASE(test_reclaim),
    UNIT_CASE(test_many_sids),
    UNIT_CASE(test_flush_after_bool_commit),
    UNIT_CASE(test_stale_seqno_never_served),
    UNIT_CASE(test_undecidable_fails_closed),
    {0},
};
