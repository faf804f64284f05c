/*
 * handle_unknown: classes and permissions the hypervisor knows but a policy
 * does not define are refused, denied or allowed as the policy says
 * (checkpolicy -U reject|deny|allow); a name in the wrong place is always
 * refused.
 */
#include <stdlib.h>
#include <string.h>

#include "flask/flask.h"
#include "flask/flask_names.h"
#include "security.h"
#include "unit.h"

/* The hypervisor's classes plus one class and one permission the policy lacks. */
static const char *const extra_perms[] = {"probe", "poke", NULL};
static const char *const *version_perms(void)
{
    static const char *perms[40];
    unsigned n = 0;

    while (flask_perm_names[SECCLASS_VERSION][n]) {
        perms[n] = flask_perm_names[SECCLASS_VERSION][n];
        n++;
    }
    perms[n++] = "flaxen_probe"; /* not in the policy */
    perms[n] = NULL;
    return perms;
}

static struct ss_class_expect *expectations(bool extra)
{
    struct ss_class_expect *e = calloc(SECCLASS_NUM + 2, sizeof(*e));

    for (unsigned v = 1; v <= SECCLASS_NUM; v++) {
        e[v - 1].name = flask_class_names[v];
        e[v - 1].perms = flask_perm_names[v];
    }
    if (extra) {
        e[SECCLASS_VERSION - 1].perms = version_perms();
        e[SECCLASS_NUM].name = "flaxen_extra";
        e[SECCLASS_NUM].perms = extra_perms;
    }
    return e;
}

static struct ss_server *load(struct unit *u, const char *rel, bool extra, int *rc,
                              struct ss_error *err)
{
    size_t len;
    void *image = unit_read_file(unit_build_path(rel), &len);
    struct ss_class_expect *e = expectations(extra);
    struct ss_server *s = ss_create();

    UNIT_CHECK_MSG(u, image, "cannot read %s", rel);
    memset(err, 0, sizeof(*err));
    *rc = image ? ss_load_policy(s, image, len, e, err) : -1;
    free(image);
    free(e);
    return s;
}

static uint32_t sid_of(struct ss_server *s, const char *ctx)
{
    uint32_t sid = 0;

    ss_context_to_sid(s, ctx, strlen(ctx), &sid);
    return sid;
}

static void test_matching_classes_load(struct unit *u)
{
    struct ss_error err;
    int rc;
    struct ss_server *s = load(u, "policy/flaxen.30", false, &rc, &err);

    UNIT_CHECK_MSG(u, rc == 0, "%s", err.msg);
    ss_destroy(s);
}

static void test_reject_refuses(struct unit *u)
{
    struct ss_error err;
    int rc;
    struct ss_server *s = load(u, "policy/tests/unknown/reject.30", true, &rc, &err);

    UNIT_CHECK(u, rc == -SS_EINVAL);
    UNIT_CHECK_MSG(u, strstr(err.msg, "handle_unknown is reject"), "message: %s", err.msg);
    UNIT_CHECK(u, !ss_policy_loaded(s));
    ss_destroy(s);
}

static void check_unknowns(struct unit *u, const char *rel, bool allowed)
{
    struct ss_error err;
    int rc;
    struct ss_server *s = load(u, rel, true, &rc, &err);
    struct ss_av_decision avd;
    uint32_t a = sid_of(s, "system_u:system_r:dom0_t"), b = sid_of(s, "system_u:system_r:domU_t");
    uint32_t probe = 1u << 8; /* version has 8 permissions; the extra one is bit 8 */

    UNIT_CHECK_MSG(u, rc == 0, "%s: %s", rel, err.msg);
    UNIT_CHECK(u, a && b);
    /* The class the policy lacks entirely. */
    UNIT_CHECK(u, ss_compute_av(s, a, b, SECCLASS_NUM + 1, &avd, NULL) == 0);
    UNIT_CHECK_EQ(u, avd.allowed, allowed ? 3u : 0u);
    /* The permission the policy lacks in a class it has. */
    UNIT_CHECK(u, ss_compute_av(s, a, b, SECCLASS_VERSION, &avd, NULL) == 0);
    UNIT_CHECK_EQ(u, !!(avd.allowed & probe), allowed);
    /* Beyond every class: still an error. */
    UNIT_CHECK(u, ss_compute_av(s, a, b, SECCLASS_NUM + 2, &avd, NULL) == -SS_EINVAL);
    ss_destroy(s);
}

static void test_deny_denies(struct unit *u)
{
    check_unknowns(u, "policy/tests/unknown/deny.30", false);
}

static void test_allow_allows(struct unit *u)
{
    check_unknowns(u, "policy/tests/unknown/allow.30", true);
}

static void test_misplaced_name_always_refused(struct unit *u)
{
    struct ss_class_expect *e = expectations(false);
    static const char *const wrong[] = {"settime", "tbufcontrol", "readconsole_typo", NULL};
    size_t len;
    void *image = unit_read_file(unit_build_path("policy/tests/unknown/allow.30"), &len);
    struct ss_server *s = ss_create();
    struct ss_error err = {{0}};

    e[SECCLASS_XEN - 1].perms = wrong;
    UNIT_CHECK(u, image && ss_load_policy(s, image, len, e, &err) == -SS_EINVAL);
    UNIT_CHECK_MSG(u, strstr(err.msg, "readconsole_typo"), "message: %s", err.msg);
    e[SECCLASS_XEN - 1].perms = flask_perm_names[SECCLASS_XEN];
    e[1].name = "xen_two";
    UNIT_CHECK(u, ss_load_policy(s, image, len, e, &err) == -SS_EINVAL);
    UNIT_CHECK_MSG(u, strstr(err.msg, "xen_two"), "message: %s", err.msg);
    UNIT_CHECK(u, !ss_policy_loaded(s));
    ss_destroy(s);
    free(image);
    free(e);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_matching_classes_load),
    UNIT_CASE(test_reject_refuses),
    UNIT_CASE(test_deny_denies),
    UNIT_CASE(test_allow_allows),
    UNIT_CASE(test_misplaced_name_always_refused),
    {0},
};
