/*
 * A boot-time look at the loaded policy through the hypervisor's own FLASK
 * entry points, for tests/system/flask_boot.sh: with `flask_selfcheck=labels`
 * on the command line, a known and an unknown context, a context whose user
 * may not have the role, the initial SIDs and one allowed and one denied
 * decision are printed as "Flask check:" lines; `flask_selfcheck=ratelimit`
 * adds a burst of denials and a wait past the audit window.
 */
#include <flask/av_permissions.h>
#include <flask/flask.h>

#include <flaxen/arch.h>
#include <flaxen/cmdline.h>
#include <flaxen/console.h>
#include <flaxen/string.h>
#include <xsm/xsm.h>

static void check_context(const char *context)
{
    char err[XSM_ERROR_LEN], text[128];
    uint32_t sid;
    int rc = xsm_context_to_sid(context, &sid, err, sizeof(err));

    if (rc) {
        printk("Flask check: context %s: error %d: %s\n", context, rc, err);
        return;
    }
    rc = xsm_sid_to_context(sid, text, sizeof(text));
    printk("Flask check: context %s: SID %u (back: %d %s)\n", context, sid, rc, text);
}

static void check_rate_limit(uint32_t subject, uint32_t object)
{
    for (unsigned i = 0; i < 30; i++)
        xsm_has_perm(subject, object, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    printk("Flask check: 31 denials done, waiting for the next audit window\n");
    for (uint64_t start = arch_time_ns(); arch_time_ns() - start < 5100000000ull;)
        arch_cpu_relax();
    printk("Flask check: domU pause dom0 again: %d\n",
           xsm_has_perm(subject, object, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL));
}

void xsm_boot_selfcheck(const char *cmdline)
{
    char what[16];
    uint32_t dom0 = 0, domu = 0;
    int rc0, rc1;

    if (cmdline_get(cmdline, "flask_selfcheck", what, sizeof(what)) != 1 ||
        (strcmp(what, "labels") && strcmp(what, "ratelimit")))
        return;
    check_context("system_u:system_r:domU_t");
    check_context("system_u:system_r:nosuch_t");
    check_context("user_1:system_r:domU_t");
    rc0 = xsm_initial_domain_sid(true, &dom0);
    rc1 = xsm_initial_domain_sid(false, &domu);
    printk("Flask check: initial SIDs dom0 %d/%u domU %d/%u\n", rc0, dom0, rc1, domu);
    printk("Flask check: dom0 pause domU: %d\n",
           xsm_has_perm(dom0, domu, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL));
    printk("Flask check: domU pause dom0: %d\n",
           xsm_has_perm(domu, dom0, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL));
    if (!strcmp(what, "ratelimit"))
        check_rate_limit(domu, dom0);
}
