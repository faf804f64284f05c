/*
 * hvm_op (public/hvm_op.h): a domain's HVM parameters, as Xen on Arm keeps
 * them: where its xenstore and console rings are and their event channels,
 * set by the toolstack that builds it and read by the guest (Linux reads
 * STORE_EVTCHN at boot; dom0 finds 0 and runs xenstore locally).
 *
 * Who may do what, in Xen's order: the domain must exist (-ESRCH), the XSM
 * hook must allow it (hvm:setparam / hvm:getparam on the target), then the
 * parameter: the ring and channel parameters (and the monitor ring) may be
 * set only by another domain (-EPERM for the domain itself); all but the
 * monitor ring may be read by anyone allowed; any other index is -EINVAL.
 */
#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/event_channel.h>
#include <flaxen/hypercall.h>
#include <public/hvm_op.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

static bool ring_param(uint32_t index)
{
    return index == HVM_PARAM_CALLBACK_IRQ || index == HVM_PARAM_STORE_PFN ||
           index == HVM_PARAM_STORE_EVTCHN || index == HVM_PARAM_CONSOLE_PFN ||
           index == HVM_PARAM_CONSOLE_EVTCHN;
}

static long param_allowed(const struct domain *d, const struct vcpu *v, uint32_t index, bool set)
{
    if (ring_param(index))
        return set && d == v->domain ? -EPERM : 0;
    if (index == HVM_PARAM_MONITOR_RING_PFN)
        return d == v->domain ? -EPERM : 0;
    return -EINVAL;
}

void do_hvm_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    bool set = args[0] == HVMOP_set_param;
    struct xen_hvm_param p;
    struct domain *d;
    long rc;

    if (args[0] != HVMOP_set_param && args[0] != HVMOP_get_param) {
        result->value = -ENOSYS;
        return;
    }
    if (copy_from_guest(v, &p, args[1], sizeof(p))) {
        result->value = -EFAULT;
        return;
    }
    d = domain_get(p.domid, v->domain);
    if (!d) {
        result->value = -ESRCH;
        return;
    }
    rc = xsm_hook(set ? XSM_HOOK_HVM_SET_PARAM : XSM_HOOK_HVM_GET_PARAM, v->domain, d);
    if (!rc)
        rc = param_allowed(d, v, p.index, set);
    if (!rc) {
        spin_lock(&d->lock);
        if (set)
            d->hvm_params[p.index] = p.value;
        else
            p.value = d->hvm_params[p.index];
        spin_unlock(&d->lock);
        if (!set && copy_to_guest(v, args[1], &p, sizeof(p)))
            rc = -EFAULT;
    }
    domain_put(d);
    result->value = rc;
}
