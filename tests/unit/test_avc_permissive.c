/*
 * The AVC and permissive types: a type declared `permissive` (bounds.conf
 * declares perm_t and perm_child_t permissive) is checked and its denials are
 * logged, but not enforced, even when the AVC is enforcing; each denied
 * permission is logged once until the next flush. An ordinary type in the
 * same policy is still refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avc.h"
#include "security.h"
#include "unit.h"

struct sink {
    int count;
    char last[AVC_AUDIT_LINE_MAX];
};

static void record(void *ctx, const char *line)
{
    struct sink *s = ctx;

    s->count++;
    snprintf(s->last, sizeof(s->last), "%s", line);
}

static struct ss_server *load(struct unit *u)
{
    size_t len;
    void *image = unit_read_file(unit_build_path("policy/tests/bounds.30"), &len);
    struct ss_server *s = ss_create();
    struct ss_error err;

    UNIT_CHECK_MSG(u, image, "cannot read bounds.30 (run make policy)");
    if (!image || ss_load_policy(s, image, len, NULL, &err)) {
        UNIT_CHECK_MSG(u, 0, "bounds.30 did not load");
        ss_destroy(s);
        s = NULL;
    }
    free(image);
    return s;
}

static uint32_t sid(struct ss_server *s, const char *ctx)
{
    uint32_t out = 0;

    ss_context_to_sid(s, ctx, strlen(ctx), &out);
    return out;
}

/* A permission of class `domain` that `ssid` is denied on `tsid`, audited; 0 if none. */
static uint32_t denied_bit(struct ss_server *s, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                           bool *permissive)
{
    struct ss_av_decision avd;

    if (ss_compute_av(s, ssid, tsid, tclass, &avd, NULL))
        return 0;
    *permissive = avd.flags & SS_AVD_PERMISSIVE;
    for (uint32_t b = 0; b < 32; b++) {
        if (ss_perm_name(s, tclass, b) && !(avd.allowed & (1u << b)) && (avd.auditdeny & (1u << b)))
            return 1u << b;
    }
    return 0;
}

static void test_permissive_type_logs_but_allows(struct unit *u)
{
    struct ss_server *s = load(u);
    static struct avc avc;
    struct sink sink = {0};
    uint32_t perm, dom0, tclass, bit;
    bool permissive = false;

    if (!s)
        return;
    UNIT_CHECK(u, avc_init(&avc, s) == 0);
    avc_set_audit(&avc, record, &sink);
    perm = sid(s, "system_u:system_r:perm_t");
    dom0 = sid(s, "system_u:system_r:dom0_t");
    tclass = ss_class_value(s, "domain");
    UNIT_CHECK(u, perm && dom0 && tclass);
    bit = denied_bit(s, perm, dom0, tclass, &permissive);
    UNIT_CHECK_MSG(u, bit, "perm_t has no audited denial on dom0_t");
    UNIT_CHECK_MSG(u, permissive, "the server did not flag perm_t as permissive");
    UNIT_CHECK(u, avc_get_enforcing(&avc));
    UNIT_CHECK_EQ(u, avc_has_perm(&avc, perm, dom0, tclass, bit, NULL), 0);
    UNIT_CHECK_EQ(u, avc_has_perm(&avc, perm, dom0, tclass, bit, NULL), 0);
    UNIT_CHECK_EQ(u, sink.count, 1);
    UNIT_CHECK_MSG(u, strncmp(sink.last, "avc:  denied  {", 15) == 0, "line: %s", sink.last);
    UNIT_CHECK(u, strstr(sink.last, "scontext=system_u:system_r:perm_t ") != NULL);
    avc_flush(&avc);
    UNIT_CHECK_EQ(u, avc_has_perm(&avc, perm, dom0, tclass, bit, NULL), 0);
    UNIT_CHECK_EQ(u, sink.count, 2);
    avc_destroy(&avc);
    ss_destroy(s);
}

static void test_ordinary_type_still_refused(struct unit *u)
{
    struct ss_server *s = load(u);
    static struct avc avc;
    struct sink sink = {0};
    uint32_t guest, dom0, tclass, bit;
    bool permissive = true;

    if (!s)
        return;
    avc_init(&avc, s);
    avc_set_audit(&avc, record, &sink);
    guest = sid(s, "system_u:vm_r:guest_t");
    dom0 = sid(s, "system_u:system_r:dom0_t");
    tclass = ss_class_value(s, "domain");
    bit = denied_bit(s, guest, dom0, tclass, &permissive);
    UNIT_CHECK_MSG(u, bit && !permissive, "guest_t should be an ordinary, denied type");
    UNIT_CHECK_EQ(u, avc_has_perm(&avc, guest, dom0, tclass, bit, NULL), -SS_EACCES);
    UNIT_CHECK_EQ(u, sink.count, 1);
    avc_destroy(&avc);
    ss_destroy(s);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_permissive_type_logs_but_allows),
    UNIT_CASE(test_ordinary_type_still_refused),
    {0},
};
