/*
 * The further FLASK checks of compound hooks (flask_hooks_extra.h), the
 * same as Xen 4.17's FLASK module makes for the same operations. A hook
 * without a case here has exactly the one check its row names.
 */
#include <flaxen/domain.h>

#include "avc.h"
#include "flask_hooks_extra.h"
#include "flask_internal.h"

static int has_perm(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t perm,
                    const struct domain *subject, const struct domain *target)
{
    struct avc_audit_data audit = {
        .domid = subject->id,
        .target_domid = target ? target->id : -1,
        .object = AVC_AUDIT_NONE,
    };

    return xsm_has_perm(ssid, tsid, tclass, perm, &audit);
}

int flask_hook_extra(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                     uint32_t osid, uint32_t osid2)
{
    int rc;

    switch (id) {
    case XSM_HOOK_EVTCHN_ALLOC_UNBOUND:
        /* The new channel (osid) may be bound by the remote domain (osid2: its SID). */
        return has_perm(osid, osid2, SECCLASS_EVENT, EVENT__BIND, subject, target);
    case XSM_HOOK_EVTCHN_BIND_INTERDOMAIN:
        /* The new channel may bind to the remote domain, and the remote channel to us. */
        rc = has_perm(osid, target->sid, SECCLASS_EVENT, EVENT__BIND, subject, target);
        return rc ? rc
                  : has_perm(osid2, subject->sid, SECCLASS_EVENT, EVENT__BIND, subject, target);
    case XSM_HOOK_GRANT_MAP_REF:
        /* A writable mapping (osid2 != 0) needs map_write as well as map_read. */
        return osid2 ? has_perm(subject->sid, target->sid, SECCLASS_GRANT, GRANT__MAP_WRITE,
                                subject, target)
                     : 0;
    case XSM_HOOK_DOMCTL_SET_TARGET:
        /* The device model's guest (osid2: its SID) may become its target. */
        return has_perm(subject->sid, osid2, SECCLASS_DOMAIN2, DOMAIN2__SET_AS_TARGET, subject,
                        target);
    case XSM_HOOK_SYSCTL_READCONSOLE:
        /* Reading and emptying the ring (osid2 != 0) needs clearconsole too. */
        return osid2 ? has_perm(subject->sid, SECINITSID_XEN, SECCLASS_XEN, XEN__CLEARCONSOLE,
                                subject, target)
                     : 0;
    case XSM_HOOK_FLASK_RELABEL_DOMAIN:
        /*
         * The row checked relabelto (caller -> new SID, osid). A domain relabeling itself
         * (osid2 != 0) needs relabelself too, another one's caller relabelfrom on it; and the
         * domain must be allowed to transition to the new SID. (Xen asks relabelself alone
         * of a domain relabeling itself: Flaxen asks relabelto as well.)
         */
        rc = osid2 ? has_perm(subject->sid, osid, SECCLASS_DOMAIN2, DOMAIN2__RELABELSELF, subject,
                              target)
                   : has_perm(subject->sid, target->sid, SECCLASS_DOMAIN2, DOMAIN2__RELABELFROM,
                              subject, target);
        return rc ? rc
                  : has_perm(target->sid, osid, SECCLASS_DOMAIN, DOMAIN__TRANSITION, subject,
                             target);
    case XSM_HOOK_DOMCTL_FLAXEN_SEAL:
        /*
         * The row checked flaxen:seal on the domain. The label asked for (osid) that is not
         * its current one takes what relabeling another domain takes: relabelfrom on it,
         * relabelto to the new SID, and the domain's transition.
         */
        if (osid == target->sid)
            return 0;
        rc = has_perm(subject->sid, target->sid, SECCLASS_DOMAIN2, DOMAIN2__RELABELFROM, subject,
                      target);
        rc = rc ? rc
                : has_perm(subject->sid, osid, SECCLASS_DOMAIN2, DOMAIN2__RELABELTO, subject,
                           target);
        return rc ? rc
                  : has_perm(target->sid, osid, SECCLASS_DOMAIN, DOMAIN__TRANSITION, subject,
                             target);
    default:
        return 0;
    }
}
