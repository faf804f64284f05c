/*
 * xsm_hook(): the one entry every hypercall handler calls before acting
 * (xsm/xsm.h, table in xsm/xsm_hooks.h).
 *
 * The module in force is FLASK unless the boot said flask=disabled; then the
 * dummy module applies Xen's privileged-domain rules. An id outside the
 * table is refused (fail closed): it can only come from a hypervisor bug.
 */
#include <flaxen/domain.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#include "flask/avc.h"
#include "flask/flask_hooks_extra.h"

/*
 * Xen's dummy module: the hardware (control) domain is privileged; a domain
 * may act on itself, and a device model on the domain it serves (set_target).
 * A refusal is -EPERM, as in Xen (FLASK's is -EACCES).
 */
static int dummy_check(enum xsm_rule rule, const struct domain *subject,
                       const struct domain *target)
{
    switch (rule) {
    case XSM_RULE_HOOK:
        return 0;
    case XSM_RULE_TARGET:
        if (subject == target || (target && subject->target == target))
            return 0;
        return subject->is_hardware ? 0 : -EPERM;
    case XSM_RULE_PRIV:
        return subject->is_hardware ? 0 : -EPERM;
    default:
        return -EPERM;
    }
}

static uint32_t target_sid(enum xsm_target tsid, const struct domain *subject,
                           const struct domain *target, uint32_t osid)
{
    switch (tsid) {
    case XSM_TSID_XEN:
        return SECINITSID_XEN;
    case XSM_TSID_SECURITY:
        return SECINITSID_SECURITY;
    case XSM_TSID_SELF:
        return subject->sid;
    case XSM_TSID_TARGET:
        /* A domain acting on itself is seen as its _self type (as Xen's FLASK does). */
        if (target && target == subject && subject->self_sid)
            return subject->self_sid;
        return target ? target->sid : 0;
    case XSM_TSID_OBJECT:
        return osid;
    default:
        return 0;
    }
}

static int flask_check(enum xsm_hook_id id, const struct domain *subject,
                       const struct domain *target, uint32_t osid, uint32_t osid2)
{
    const struct xsm_hook_info *h = &xsm_hook_table[id];
    struct avc_audit_data audit = {
        .domid = subject->id,
        .target_domid = target ? target->id : -1,
        .object = AVC_AUDIT_NONE,
    };
    uint32_t tsid;
    int rc;

    if (h->sclass == 0)
        return 0; /* a self-only operation with no FLASK permission: listed in hooks.md */
    tsid = target_sid(h->tsid, subject, target, osid);
    if (tsid == 0)
        return -EACCES;
    rc = xsm_has_perm(subject->sid, tsid, h->sclass, h->perm, &audit);
    return rc ? rc : flask_hook_extra(id, subject, target, osid, osid2);
}

int xsm_hook_obj2(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                  uint32_t osid, uint32_t osid2)
{
    if ((unsigned)id >= XSM_HOOK_COUNT || !subject)
        return -EACCES;
    if (xsm_mode() == XSM_MODE_DISABLED)
        return dummy_check(xsm_hook_table[id].rule, subject, target);
    return flask_check(id, subject, target, osid, osid2);
}

int xsm_hook_obj(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                 uint32_t osid)
{
    return xsm_hook_obj2(id, subject, target, osid, 0);
}

int xsm_hook(enum xsm_hook_id id, const struct domain *subject, const struct domain *target)
{
    return xsm_hook_obj(id, subject, target, 0);
}
