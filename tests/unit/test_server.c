/*
 * The security server end to end (security.h) on real policies: SIDs, invalid arguments,
 * computed labels, booleans, policy reload and the expected-class check (labels of hardware:
 * test_server_labels.c).
 * Every expected label or decision is derived from the policy rule quoted next to it; the
 * computed labels were also checked against libsepol 3.4 (build/host/bin/sepol-ref batch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flask/flask.h"
#include "flask/flask_names.h"
#include "policydb.h"
#include "security.h"
#include "test_server.h"
#include "unit.h"

/* ---------------------------------------------------------------- helpers */

static uint32_t class_of(struct unit *u, const struct ss_server *s, const char *name)
{
    uint32_t c = ss_class_value(s, name);

    UNIT_CHECK_MSG(u, c, "no class %s", name);
    return c;
}

static uint32_t perm_of(struct unit *u, const struct ss_server *s, uint32_t c, const char *name)
{
    uint32_t bit = ss_perm_bit(s, c, name);

    UNIT_CHECK_MSG(u, bit, "no permission %s", name);
    return bit;
}

static struct ss_av_decision av(const struct ss_server *s, uint32_t ssid, uint32_t tsid,
                                uint32_t tclass)
{
    struct ss_av_decision avd = {0};

    if (ss_compute_av(s, ssid, tsid, tclass, &avd, NULL))
        avd.seqno = UINT32_MAX;
    return avd;
}

/* compute_sid gives a SID whose context is want (NULL: refused with rc want_rc). */
static void expect_computed(struct unit *u, struct ss_server *s, uint32_t ssid, uint32_t tsid,
                            uint32_t tclass, enum ss_compute_kind kind, const char *want,
                            int want_rc)
{
    uint32_t out = 0;
    int rc = ss_compute_sid(s, ssid, tsid, tclass, kind, &out);

    if (!want) {
        UNIT_CHECK_MSG(u, rc == want_rc, "kind %d on %u/%u/%u: rc %d, want %d", kind, ssid, tsid,
                       tclass, rc, want_rc);
        return;
    }
    UNIT_CHECK_MSG(u, rc == 0, "kind %d on %u/%u/%u: rc %d", kind, ssid, tsid, tclass, rc);
    if (!rc)
        expect_context(u, s, out, want);
}

/* flask/policy/initial_sid_contexts: the types of SIDs 1..13 (flask/policy/initial_sids
 * order), all system_u; ioport, iomem, irq and device (8..11) have object_r, the rest system_r. */
static const char *const isid_types[] = {
    NULL,         "xenboot_t", "xen_t",   "dom0_t", "domio_t",  "domxen_t", "unlabeled_t",
    "security_t", "ioport_t",  "iomem_t", "irq_t",  "device_t", "domU_t",   "dm_dom_t"};

/* ---------------------------------------------------------------- SIDs */

static void test_initial_sids(struct unit *u)
{
    struct ss_server *plain = server(u, "policy/flaxen.30");
    struct ss_server *mls = server(u, "policy/flaxen-mls.30");
    char want[128];

    for (uint32_t sid = 1; sid <= 13; sid++) {
        snprintf(want, sizeof(want), "system_u:%s:%s",
                 sid >= 8 && sid <= 11 ? "object_r" : "system_r", isid_types[sid]);
        if (plain)
            expect_context(u, plain, sid, want);
        /* mls_full_range (s0 - s15:c0.c255) for xenboot..domxen, mls_low (s0) after. */
        strcat(want, sid <= 5 ? ":s0-s15:c0.c255" : ":s0");
        if (mls)
            expect_context(u, mls, sid, want);
    }
    if (plain) {
        UNIT_CHECK(u, !ss_sid_is_valid(plain, 0) && !ss_sid_is_valid(plain, 14));
        UNIT_CHECK(u, ss_sid_is_valid(plain, 1) && ss_sid_is_valid(plain, 13));
    }
    ss_destroy(plain);
    ss_destroy(mls);
}

static void test_dynamic_sids(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    struct ss_server *te = server(u, "policy/tests/te-basic.30");
    struct ss_server *mls = server(u, "policy/flaxen-mls.30");

    if (s) {
        /* Initial SIDs are 1..13 (flask/policy/initial_sids), so new ones start at 14. */
        UNIT_CHECK_EQ(u, sid_of(s, "user_1:vm_r:domU_t"), 14);
        UNIT_CHECK_EQ(u, sid_of(s, "user_2:vm_r:domU_t"), 15);
        UNIT_CHECK_EQ(u, sid_of(s, "user_1:vm_r:domU_t"), 14);
        /* A refused string uses up no SID. */
        UNIT_CHECK_EQ(u, sid_of(s, "user_1:vm_r:dom0_t"), 0);
        UNIT_CHECK_EQ(u, sid_of(s, "user_3:vm_r:domU_t"), 16);
        /* The context of an initial SID is that SID. */
        UNIT_CHECK_EQ(u, sid_of(s, "system_u:system_r:dom0_t"), 3);
        expect_context(u, s, 15, "user_2:vm_r:domU_t");
        UNIT_CHECK(u, !ss_sid_is_valid(s, 17));
    }
    if (te) {
        /* te-basic.conf: "type domU2_t alias { domU_alt_t domU_old_t }" - one context. */
        uint32_t sid = sid_of(te, "system_u:system_r:domU2_t");

        UNIT_CHECK(u, sid > 13);
        UNIT_CHECK_EQ(u, sid_of(te, "system_u:system_r:domU_alt_t"), sid);
        UNIT_CHECK_EQ(u, sid_of(te, "system_u:system_r:domU_old_t"), sid);
    }
    if (mls) {
        uint32_t sid = sid_of(mls, "user_1:vm_r:domU_t:s5:c1,c2");

        UNIT_CHECK(u, sid > 13);
        UNIT_CHECK_EQ(u, sid_of(mls, "user_1:vm_r:domU_t:s5:c2,c1-s5:c1,c2"), sid);
        UNIT_CHECK(u, sid_of(mls, "user_1:vm_r:domU_t:s5:c1") != sid);
        UNIT_CHECK(u, sid_of(mls, "user_1:vm_r:domU_t:s5:c1,c2-s6:c1,c2") != sid);
    }
    ss_destroy(s);
    ss_destroy(te);
    ss_destroy(mls);
}

static void test_unknown_sids_and_no_policy(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    struct ss_server *empty = ss_create();
    char *str = NULL;
    uint32_t sid = 0;
    struct ss_av_decision avd;

    if (s) {
        static const uint32_t bad[] = {0, 14, 1000, UINT32_MAX};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            UNIT_CHECK_EQ(u, ss_sid_to_context(s, bad[i], &str, NULL), -SS_EINVAL);
        UNIT_CHECK_EQ(u, ss_context_to_sid(s, "bogus", 5, &sid), -SS_EINVAL);
    }
    /* Before any policy: nothing answers. */
    UNIT_CHECK(u, !ss_policy_loaded(empty) && ss_policy(empty) == NULL);
    UNIT_CHECK_EQ(u, ss_seqno(empty), 0);
    UNIT_CHECK_EQ(u, ss_context_to_sid(empty, "system_u:system_r:dom0_t", 24, &sid), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_sid_to_context(empty, 1, &str, NULL), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_av(empty, 1, 1, 1, &avd, NULL), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_sid(empty, 1, 1, 1, SS_COMPUTE_CREATE, &sid), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_pirq_sid(empty, 1, &sid), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_bool_count(empty), 0);
    UNIT_CHECK_EQ(u, ss_bool_commit(empty), -SS_EINVAL);
    UNIT_CHECK(u, !ss_sid_is_valid(empty, 1));
    ss_destroy(s);
    ss_destroy(empty);
}

static void test_invalid_arguments_refused(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    struct ss_av_decision avd;
    uint32_t nclasses = 0, out = 0;
    static const uint32_t bad_sids[] = {0, 14, UINT32_MAX};

    if (!s)
        return;
    while (ss_class_name(s, nclasses + 1))
        nclasses++;
    UNIT_CHECK_EQ(u, nclasses, SECCLASS_NUM); /* flask/policy/security_classes */
    for (size_t i = 0; i < 3; i++) {
        UNIT_CHECK_EQ(u, ss_compute_av(s, bad_sids[i], 3, 1, &avd, NULL), -SS_EINVAL);
        UNIT_CHECK_EQ(u, ss_compute_av(s, 3, bad_sids[i], 1, &avd, NULL), -SS_EINVAL);
        UNIT_CHECK_EQ(u, ss_compute_sid(s, bad_sids[i], 3, 1, SS_COMPUTE_CREATE, &out), -SS_EINVAL);
        UNIT_CHECK_EQ(u, ss_compute_sid(s, 3, bad_sids[i], 1, SS_COMPUTE_MEMBER, &out), -SS_EINVAL);
    }
    UNIT_CHECK_EQ(u, ss_compute_av(s, 3, 3, 0, &avd, NULL), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_av(s, 3, 3, nclasses + 1, &avd, NULL), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_av(s, 3, 3, UINT32_MAX, &avd, NULL), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_sid(s, 3, 3, 1, (enum ss_compute_kind)3, &out), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_compute_av(s, 3, 3, nclasses, &avd, NULL), 0);
    UNIT_CHECK_EQ(u, avd.seqno, ss_seqno(s));
    ss_destroy(s);
}

/* ---------------------------------------------------------------- computed labels */

static void test_compute_sid_flaxen(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    uint32_t a = 0, b = 0;

    if (!s)
        return;
    uint32_t domain = class_of(u, s, "domain"), event = class_of(u, s, "event");
    /* domains.m4 domain_type_decl(domU_t): "type_transition domU_t domU_t:domain domU_t_self";
     * class domain keeps the source's role. SID 12 is domU. */
    expect_computed(u, s, 12, 12, domain, SS_COMPUTE_CREATE, "system_u:system_r:domU_t_self", 0);
    /* "type_transition domU_t domain_type:event domU_t_channel"; other classes get object_r. */
    expect_computed(u, s, 12, 3, event, SS_COMPUTE_CREATE, "system_u:object_r:domU_t_channel", 0);
    /* The same computation names the same SID. */
    UNIT_CHECK_EQ(u, ss_compute_sid(s, 12, 12, domain, SS_COMPUTE_CREATE, &a), 0);
    UNIT_CHECK_EQ(u, ss_compute_sid(s, 12, 12, domain, SS_COMPUTE_CREATE, &b), 0);
    UNIT_CHECK(u, a == b && a > 13);
    ss_destroy(s);
}

/* tests/policy/policies/transitions.conf; dom0 = system_u:system_r:dom0_t,
 * domU = guest_u:vm_r:domU_t (its sid lines). */
static void test_compute_sid_transitions(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/transitions.30");

    if (!s)
        return;
    uint32_t domain = class_of(u, s, "domain"), event = class_of(u, s, "event");
    uint32_t grant = class_of(u, s, "grant"), security = class_of(u, s, "security");
    uint32_t chan = sid_of(s, "guest_u:vm_r:chan_t"),
             hvm_guest = sid_of(s, "system_u:system_r:hvm_guest_t");

    UNIT_CHECK(u, chan && hvm_guest);
    /* "type_transition builder_type domU_t:domain domU_new_t" and
     * "role_transition system_r { domU_t domU_new_t }:domain vm_r". */
    expect_computed(u, s, 3, 12, domain, SS_COMPUTE_CREATE, "system_u:vm_r:domU_new_t", 0);
    /* "type_change builder_type guest_type:domain hvm_guest_t" (no role_transition on change). */
    expect_computed(u, s, 3, 12, domain, SS_COMPUTE_CHANGE, "system_u:system_r:hvm_guest_t", 0);
    /* "type_member guest_type chan_type:event chan_guest_t"; member takes the target's user. */
    expect_computed(u, s, 12, chan, event, SS_COMPUTE_MEMBER, "guest_u:object_r:chan_guest_t", 0);
    /* "type_transition guest_type domU_t:event chan_guest_t"; the role_transition for
     * chan_guest_t matches target types, and the target here is domU_t. */
    expect_computed(u, s, 12, 12, event, SS_COMPUTE_CREATE, "guest_u:object_r:chan_guest_t", 0);
    /* "type_transition dom0_t security_t:security toolstack_t" (SID 7 is security). */
    expect_computed(u, s, 3, 7, security, SS_COMPUTE_CREATE, "system_u:object_r:toolstack_t", 0);
    /* No rule: another class gets object_r and the target's type ... */
    expect_computed(u, s, 12, 3, grant, SS_COMPUTE_CREATE, "guest_u:object_r:dom0_t", 0);
    /* ... and class domain keeps the source's context: that is initial SID 12 itself. */
    uint32_t out = 0;
    UNIT_CHECK_EQ(u, ss_compute_sid(s, 12, 3, domain, SS_COMPUTE_CREATE, &out), 0);
    UNIT_CHECK_EQ(u, out, 12);
    /* Results that are not valid contexts: "type_member dom0_t guest_type:domain stubdom_t"
     * gives guest_u:system_r:stubdom_t, and guest_u has only vm_r; "type_transition dom0_t
     * hvm_guest_t:domain dm_t" with "role_transition system_r hvm_guest_t:domain vm_r" gives
     * vm_r with dm_t, which vm_r lacks; orphan_t is in no role. */
    expect_computed(u, s, 3, 12, domain, SS_COMPUTE_MEMBER, NULL, -SS_EACCES);
    expect_computed(u, s, 3, hvm_guest, domain, SS_COMPUTE_CREATE, NULL, -SS_EACCES);
    expect_computed(u, s, 3, 2, domain, SS_COMPUTE_CREATE, NULL, -SS_EACCES);
    ss_destroy(s);
}

/* tests/policy/policies/defaults.conf (default_* take effect in version 30). */
static void test_compute_sid_defaults(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/defaults.30");

    if (!s)
        return;
    uint32_t event = class_of(u, s, "event"), domain = class_of(u, s, "domain");
    uint32_t grant = class_of(u, s, "grant"), hvm = class_of(u, s, "hvm");
    uint32_t mmu = class_of(u, s, "mmu");

    /* event: default_user target, default_role source, then "role_transition system_r
     * domU_t:{ event grant } vm_r" and "type_transition dom0_t domU_t:event new_t". */
    expect_computed(u, s, 3, 12, event, SS_COMPUTE_CREATE, "guest_u:vm_r:new_t", 0);
    /* domain: default_user/role target, the type rule wins over default_type target. */
    expect_computed(u, s, 3, 12, domain, SS_COMPUTE_CREATE, "guest_u:vm_r:new_t", 0);
    /* grant: member uses the target's user; default_role grant target. */
    expect_computed(u, s, 3, 12, grant, SS_COMPUTE_MEMBER, "guest_u:vm_r:new_t", 0);
    /* grant create: default_user grant source; the role_transition gives vm_r. */
    expect_computed(u, s, 3, 12, grant, SS_COMPUTE_CREATE, "system_u:vm_r:new_t", 0);
    /* hvm: default_user target, no default_role (object_r), type_change to new_t. */
    expect_computed(u, s, 3, 12, hvm, SS_COMPUTE_CHANGE, "guest_u:object_r:new_t", 0);
    /* mmu: default_role source, default_type source overridden by the type rule. */
    expect_computed(u, s, 3, 12, mmu, SS_COMPUTE_CREATE, "system_u:system_r:new_t", 0);
    /* event member: guest_u with default_role source (system_r), which guest_u lacks. */
    expect_computed(u, s, 3, 12, event, SS_COMPUTE_MEMBER, NULL, -SS_EACCES);
    ss_destroy(s);
}

/* mls-ranges.conf; dom0 = system_u:system_r:dom0_t:s0-s2:c0.c199, domU =
 * guest_u:vm_r:domU_t:s0-s1:c0.c63 (its sid lines). */
static void test_compute_sid_mls(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/mls-ranges.30");
    static const char *const made = "system_u:vm_r:domU_hi_t:s1:c0.c63,c128-s2:c0.c199";
    uint32_t out = 0;

    if (!s)
        return;
    uint32_t domain = class_of(u, s, "domain"), event = class_of(u, s, "event");
    uint32_t evchn = sid_of(s, "system_u:object_r:evchn_t:s0");
    /* "type_transition dom0_t domU_t:domain domU_hi_t", "role_transition system_r domU_t:domain
     * vm_r", "range_transition dom0_t domU_t:domain s1:c0.c63,c128 - s2:c0.c199". */
    expect_computed(u, s, 3, 12, domain, SS_COMPUTE_CREATE, made, 0);
    /* The computed context and the same context parsed from text share one SID. */
    UNIT_CHECK_EQ(u, ss_compute_sid(s, 3, 12, domain, SS_COMPUTE_CREATE, &out), 0);
    UNIT_CHECK_EQ(u, sid_of(s, made), out);
    /* "range_transition guest_type evchn_t:event s1:c63,c128,c129,c130 - s2:c63.c64,c128.c130" */
    expect_computed(u, s, 12, evchn, event, SS_COMPUTE_CREATE,
                    "guest_u:object_r:evchn_hi_t:s1:c63,c128.c130-s2:c63,c64,c128.c130", 0);
    /* "type_member dom0_t guest_type:grant grant_t": member takes the source's low level. */
    expect_computed(u, s, 3, 12, class_of(u, s, "grant"), SS_COMPUTE_MEMBER,
                    "guest_u:object_r:grant_t:s0", 0);
    ss_destroy(s);
}

/* ---------------------------------------------------------------- booleans */

static void test_boolean_names(struct unit *u)
{
    /* The gen_bool lines of flask/policy/modules, with their defaults. */
    static const struct {
        const char *name;
        bool value;
    } want[] = {{"policy_locked", false},
                {"driver_dom_noiommu", false},
                {"guest_writeconsole", true},
                {"prot_doms_locked", false}};
    struct ss_server *s = server(u, "policy/flaxen.30");
    uint32_t index = 99;
    bool active, pending;

    if (!s)
        return;
    UNIT_CHECK_EQ(u, ss_bool_count(s), 4);
    for (size_t i = 0; i < 4; i++) {
        int rc = ss_bool_lookup(s, want[i].name, &index);

        UNIT_CHECK_MSG(u, rc == 0, "no boolean %s", want[i].name);
        if (rc)
            continue;
        UNIT_CHECK(u, index < ss_bool_count(s));
        UNIT_CHECK(u, ss_bool_name(s, index) && !strcmp(ss_bool_name(s, index), want[i].name));
        UNIT_CHECK_EQ(u, ss_bool_get(s, index, &active, &pending), 0);
        UNIT_CHECK_MSG(u, active == want[i].value && pending == want[i].value, "%s", want[i].name);
    }
    UNIT_CHECK_EQ(u, ss_bool_lookup(s, "no_such_bool", &index), -SS_ENOENT);
    UNIT_CHECK(u, ss_bool_name(s, 4) == NULL);
    UNIT_CHECK_EQ(u, ss_bool_get(s, 4, &active, &pending), -SS_ENOENT);
    UNIT_CHECK_EQ(u, ss_bool_get(s, UINT32_MAX, NULL, NULL), -SS_ENOENT);
    UNIT_CHECK_EQ(u, ss_bool_set_pending(s, 4, true), -SS_ENOENT);
    ss_destroy(s);
}

/* guest.te: "if (guest_writeconsole) { allow domain_type xen_t:xen writeconsole; }
 * else { dontaudit domain_type xen_t:xen writeconsole; }" - domU (SID 12) on xen (SID 2). */
static void test_boolean_commit_changes_decision(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    uint32_t index = 0;
    bool active, pending;

    if (!s)
        return;
    UNIT_CHECK_EQ(u, ss_bool_lookup(s, "guest_writeconsole", &index), 0);
    uint32_t xen = class_of(u, s, "xen");
    uint32_t bit = perm_of(u, s, xen, "writeconsole");
    uint32_t seq = ss_seqno(s);
    struct ss_av_decision before = av(s, 12, 2, xen), after;

    UNIT_CHECK(u, (before.allowed & bit) && (before.auditdeny & bit));
    UNIT_CHECK_EQ(u, ss_bool_set_pending(s, index, false), 0);
    UNIT_CHECK(u, ss_bool_get(s, index, &active, &pending) == 0 && active && !pending);
    after = av(s, 12, 2, xen);
    UNIT_CHECK(u, after.allowed == before.allowed && after.auditdeny == before.auditdeny);
    UNIT_CHECK_EQ(u, ss_seqno(s), seq);
    UNIT_CHECK_EQ(u, ss_bool_commit(s), 0);
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 1);
    UNIT_CHECK_EQ(u, *ss_seqno_ref(s), seq + 1);
    UNIT_CHECK(u, ss_bool_get(s, index, &active, &pending) == 0 && !active && !pending);
    after = av(s, 12, 2, xen);
    UNIT_CHECK(u, !(after.allowed & bit) && !(after.auditdeny & bit));
    UNIT_CHECK_EQ(u, after.seqno, seq + 1);
    UNIT_CHECK_EQ(u, ss_bool_set_pending(s, index, true), 0);
    UNIT_CHECK_EQ(u, ss_bool_commit(s), 0);
    after = av(s, 12, 2, xen);
    UNIT_CHECK(u, (after.allowed & bit) && after.allowed == before.allowed);
    ss_destroy(s);
}

/* cond.conf: "if (strict_mode) { type_transition domU_t evchn_t:event evchn_log_t; } else {
 * type_transition domU_t evchn_t:event evchn_alt_t; }" and "if (!lockdown) { allow dom0_t
 * security_t:security { load_policy setbool setenforce }; } else { dontaudit ... }". */
static void test_conditional_rules(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/cond.30");
    uint32_t strict = 0, lockdown = 0;

    if (!s)
        return;
    uint32_t event = class_of(u, s, "event"), security = class_of(u, s, "security");
    uint32_t load = perm_of(u, s, security, "load_policy");
    uint32_t evchn = sid_of(s, "system_u:object_r:evchn_t");

    UNIT_CHECK(u, evchn != 0);
    UNIT_CHECK(u, !ss_bool_lookup(s, "strict_mode", &strict));
    UNIT_CHECK(u, !ss_bool_lookup(s, "lockdown", &lockdown));
    expect_computed(u, s, 12, evchn, event, SS_COMPUTE_CREATE, "system_u:object_r:evchn_alt_t", 0);
    UNIT_CHECK(u, av(s, 3, 7, security).allowed & load);
    ss_bool_set_pending(s, strict, true);
    ss_bool_set_pending(s, lockdown, true);
    expect_computed(u, s, 12, evchn, event, SS_COMPUTE_CREATE, "system_u:object_r:evchn_alt_t", 0);
    UNIT_CHECK_EQ(u, ss_bool_commit(s), 0);
    expect_computed(u, s, 12, evchn, event, SS_COMPUTE_CREATE, "system_u:object_r:evchn_log_t", 0);
    struct ss_av_decision d = av(s, 3, 7, security);
    UNIT_CHECK(u, !(d.allowed & load) && !(d.auditdeny & load));
    ss_destroy(s);
}

static void test_seqno_moves_on_load_and_commit(struct unit *u)
{
    struct ss_server *s = ss_create();
    struct ss_error err;
    uint32_t seq = ss_seqno(s);

    UNIT_CHECK_EQ(u, load_into(u, s, "policy/tests/cond.30", NULL, &err), 0);
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 1);
    UNIT_CHECK_EQ(u, ss_bool_commit(s), 0); /* a commit with nothing pending still counts */
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 2);
    UNIT_CHECK_EQ(u, load_into(u, s, "policy/tests/te-basic.30", NULL, &err), 0);
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 3);
    UNIT_CHECK(u, load_into(u, s, "policy/flaxen-mls.30", NULL, &err) < 0); /* MLS switch */
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 3);
    UNIT_CHECK(u, ss_seqno_ref(s) && *ss_seqno_ref(s) == seq + 3);
    ss_destroy(s);
}

static void test_reload_keeps_dynamic_sids(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/te-basic.30");
    struct ss_error err;

    if (!s)
        return;
    /* Valid in te-basic.conf and cond.conf alike: domU2_t is in system_r in both (through
     * guest_type in te-basic), and object_r takes any type. Neither is an initial SID. */
    uint32_t a = sid_of(s, "system_u:system_r:domU2_t");
    uint32_t b = sid_of(s, "system_u:object_r:domU_t");
    uint32_t seq = ss_seqno(s);

    UNIT_CHECK(u, a > 13 && b > 13 && a != b);
    UNIT_CHECK_EQ(u, load_into(u, s, "policy/tests/te-basic.30", NULL, &err), 0);
    expect_context(u, s, a, "system_u:system_r:domU2_t");
    expect_context(u, s, b, "system_u:object_r:domU_t");
    UNIT_CHECK_EQ(u, sid_of(s, "system_u:system_r:domU2_t"), a);
    UNIT_CHECK_EQ(u, load_into(u, s, "policy/tests/cond.30", NULL, &err), 0);
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 2);
    expect_context(u, s, a, "system_u:system_r:domU2_t");
    expect_context(u, s, b, "system_u:object_r:domU_t");
    /* A new context gets a SID of its own. */
    uint32_t c = sid_of(s, "system_u:system_r:domU_new_t");
    UNIT_CHECK(u, c > 13 && c != a && c != b);
    ss_destroy(s);
}

static void test_reload_refused_when_context_vanishes(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/te-basic.30");
    struct ss_error err;
    struct policydb *cond = NULL;
    size_t len;
    unsigned char *image = read_policy(u, "policy/tests/cond.30", &len);

    if (!s || !image) {
        free(image);
        ss_destroy(s);
        return;
    }
    /* te-basic.conf declares iso_t; cond.conf does not. */
    UNIT_CHECK_EQ(u, policydb_read(&cond, image, len, &err), 0);
    UNIT_CHECK(u, cond && !symtab_lookup(&cond->symtab[SYM_TYPES], "iso_t"));
    policydb_destroy(cond);
    uint32_t sid = sid_of(s, "system_u:system_r:iso_t");
    uint32_t seq = ss_seqno(s), domain = class_of(u, s, "domain");
    struct ss_av_decision before = av(s, sid, sid, domain), after;

    UNIT_CHECK(u, sid > 13 && before.allowed != 0); /* "allow iso_t self:domain *" */
    memset(&err, 0, sizeof(err));
    UNIT_CHECK(u, ss_load_policy(s, image, len, NULL, &err) < 0);
    UNIT_CHECK_MSG(u, strstr(err.msg, "system_u:system_r:iso_t"), "message: %s", err.msg);
    /* The old policy stays: its SIDs, decisions, booleans (te-basic has none) and seqno. */
    UNIT_CHECK_EQ(u, ss_seqno(s), seq);
    expect_context(u, s, sid, "system_u:system_r:iso_t");
    after = av(s, sid, sid, domain);
    UNIT_CHECK(u, after.allowed == before.allowed && after.auditdeny == before.auditdeny);
    UNIT_CHECK_EQ(u, ss_bool_count(s), 0);
    UNIT_CHECK_EQ(u, sid_of(s, "system_u:system_r:isolated_t"), sid);
    free(image);
    ss_destroy(s);
}

static void test_booleans_carried_across_reload(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    struct ss_error err;
    uint32_t index = 0;
    bool active = true;

    if (!s)
        return;
    UNIT_CHECK_EQ(u, ss_bool_lookup(s, "guest_writeconsole", &index), 0);
    uint32_t xen = class_of(u, s, "xen"), bit = perm_of(u, s, xen, "writeconsole");

    ss_bool_set_pending(s, index, false);
    ss_bool_commit(s);
    UNIT_CHECK_EQ(u, load_into(u, s, "policy/flaxen.30", NULL, &err), 0);
    UNIT_CHECK(u, !ss_bool_lookup(s, "guest_writeconsole", &index));
    UNIT_CHECK(u, !ss_bool_get(s, index, &active, NULL) && !active);
    /* The conditionals of the new policy were evaluated with the carried value (guest.te). */
    UNIT_CHECK(u, !(av(s, 12, 2, xen).allowed & bit));
    UNIT_CHECK(u, !ss_bool_lookup(s, "policy_locked", &index));
    UNIT_CHECK(u, !ss_bool_get(s, index, &active, NULL) && !active);
    ss_destroy(s);
}

/* ---------------------------------------------------------------- expected classes */

/* The hypervisor's classes (generated from flask/policy), copied so a case may edit them. */
struct expectation {
    struct ss_class_expect classes[SECCLASS_NUM + 1];
    const char *perms[SECCLASS_NUM + 1][33];
};

static void expectation_init(struct expectation *e)
{
    memset(e, 0, sizeof(*e));
    for (unsigned c = 1; c <= SECCLASS_NUM; c++) {
        for (unsigned b = 0; b < 32 && flask_perm_names[c][b]; b++)
            e->perms[c][b] = flask_perm_names[c][b];
        e->classes[c - 1].name = flask_class_names[c];
        e->classes[c - 1].perms = e->perms[c];
    }
}

static void test_expected_classes(struct unit *u)
{
    static struct expectation e;
    struct ss_server *s = ss_create();
    struct ss_error err;

    expectation_init(&e);
    UNIT_CHECK_MSG(u, load_into(u, s, "policy/flaxen.30", e.classes, &err) == 0, "%s", err.msg);
    uint32_t seq = ss_seqno(s);
    /* A prefix is fine too: fewer classes, fewer permissions. */
    e.classes[2].name = NULL;
    e.perms[1][1] = NULL;
    UNIT_CHECK_MSG(u, load_into(u, s, "policy/flaxen.30", e.classes, &err) == 0, "%s", err.msg);
    /* A class name in the wrong place. */
    expectation_init(&e);
    e.classes[SECCLASS_DOMAIN - 1].name = "flaxen_bogus";
    UNIT_CHECK(u, load_into(u, s, "policy/flaxen.30", e.classes, &err) < 0);
    UNIT_CHECK_MSG(u, strstr(err.msg, "flaxen_bogus") && strstr(err.msg, "domain"), "%s", err.msg);
    /* Two permissions swapped: the name at bit 0 differs. */
    expectation_init(&e);
    e.perms[SECCLASS_EVENT][0] = flask_perm_names[SECCLASS_EVENT][1];
    e.perms[SECCLASS_EVENT][1] = flask_perm_names[SECCLASS_EVENT][0];
    UNIT_CHECK(u, load_into(u, s, "policy/flaxen.30", e.classes, &err) < 0);
    UNIT_CHECK_MSG(u,
                   strstr(err.msg, "event") && strstr(err.msg, flask_perm_names[SECCLASS_EVENT][0]),
                   "%s", err.msg);
    /* The refused loads left the accepted policy in force. */
    UNIT_CHECK_EQ(u, ss_seqno(s), seq + 1);
    UNIT_CHECK(u, ss_policy_loaded(s));
    expect_context(u, s, 3, "system_u:system_r:dom0_t");
    ss_destroy(s);
}

/* xsm_op ADD/DEL_OCONTEXT: run-time labels of hardware, overlaps refused, gone on reload. */
const struct unit_case unit_cases[] = {
    UNIT_CASE(test_initial_sids),
    UNIT_CASE(test_dynamic_sids),
    UNIT_CASE(test_unknown_sids_and_no_policy),
    UNIT_CASE(test_invalid_arguments_refused),
    UNIT_CASE(test_compute_sid_flaxen),
    UNIT_CASE(test_compute_sid_transitions),
    UNIT_CASE(test_compute_sid_defaults),
    UNIT_CASE(test_compute_sid_mls),
    UNIT_CASE(test_boolean_names),
    UNIT_CASE(test_boolean_commit_changes_decision),
    UNIT_CASE(test_conditional_rules),
    UNIT_CASE(test_seqno_moves_on_load_and_commit),
    UNIT_CASE(test_reload_keeps_dynamic_sids),
    UNIT_CASE(test_reload_refused_when_context_vanishes),
    UNIT_CASE(test_booleans_carried_across_reload),
    UNIT_CASE(test_expected_classes),
    {0},
};
