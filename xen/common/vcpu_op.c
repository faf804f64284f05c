/*
 * vcpu_op (public/vcpu.h): where a vCPU's vcpu_info and its copy of its run
 * states live, and whether a vCPU is up. On Arm, vCPUs are started and
 * stopped with PSCI (vpsci.c), so VCPUOP_up and VCPUOP_down are refused with
 * -EINVAL, as Xen on Arm does.
 *
 * Both places must be the domain's own RAM, not a page it maps from another
 * domain (a grant): the hypervisor keeps writing there, and another domain's
 * page may be unmapped and freed under it; its own pages cannot be given back
 * while registered (domain_depopulate).
 */
#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/event_channel.h>
#include <flaxen/sched.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

/*
 * Moves vCPU t's vcpu_info into the guest page gfn at offset. The page must
 * be writable RAM of the domain; the structure must not cross it and must be
 * 8-byte aligned (the selector word is updated atomically). Registering
 * twice is refused (Xen too). The new place starts as a copy of the old one
 * (shared_info's slot for vCPU 0, empty for the others: Arm has no upcall
 * mask in it) and
 * everything is marked pending afterwards, so no event is lost in the move.
 */
static long register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t gva)
{
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *vi;
    paddr_t pa;
    long rc;

    if (copy_from_guest(v, &r, gva, sizeof(r)))
        return -EFAULT;
    if (r.rsvd || r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7) ||
        r.mfn >= (1ull << (48 - PAGE_SHIFT)))
        return -EINVAL;
    if (arch_domain_translate(v->domain, r.mfn << PAGE_SHIFT, true, &pa))
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_VCPU_REGISTER_VCPU_INFO, v->domain, v->domain);
    if (rc)
        return rc;
    spin_lock(&v->domain->lock);
    if (t->vcpu_info || !domain_owns_page(v->domain, pa)) {
        rc = -EINVAL;
    } else {
        vi = arch_phys_to_virt(pa + r.offset);
        /* It carries on from where it was (Xen too): shared_info's slot, or empty. */
        if (t->id < XEN_LEGACY_MAX_VCPUS)
            memcpy(vi, &v->domain->shared_info->vcpu_info[t->id], sizeof(*vi));
        else
            memset(vi, 0, sizeof(*vi));
        vi->evtchn_pending_sel = ~0ull;
        t->vcpu_info = vi;
        __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    }
    spin_unlock(&v->domain->lock);
    if (!rc)
        arch_vcpu_raise_irq(t, EVTCHN_UPCALL_PPI);
    return rc;
}

/*
 * Where the guest keeps a copy of vCPU t's run states: a guest virtual
 * address of the caller's (v), translated now, as the guest maps it now, to
 * the host address of each page the 48 bytes touch (Linux's per-CPU copy
 * never moves). Both pages must be writable RAM of the domain's own
 * (-EINVAL otherwise); they cannot be given back while registered. Registering again moves the
 * copy. The copy is written at once and each time t is put on a CPU.
 */
static long register_runstate(struct vcpu *v, struct vcpu *t, uint64_t gva)
{
    struct vcpu_register_runstate_memory_area r;
    uint32_t split;
    paddr_t pa[2] = {0, 0};
    long rc;

    if (copy_from_guest(v, &r, gva, sizeof(r)))
        return -EFAULT;
    if (r.addr & 7)
        return -EINVAL;
    split = (uint32_t)(PAGE_SIZE - (r.addr & (PAGE_SIZE - 1)));
    if (split > sizeof(struct vcpu_runstate_info))
        split = sizeof(struct vcpu_runstate_info);
    if (guest_va_to_pa(v, r.addr, true, &pa[0]) ||
        (split < sizeof(struct vcpu_runstate_info) &&
         guest_va_to_pa(v, r.addr + split, true, &pa[1])))
        return -EFAULT;
    rc = xsm_hook(XSM_HOOK_VCPU_REGISTER_RUNSTATE, v->domain, v->domain);
    if (rc)
        return rc;
    spin_lock(&v->domain->lock);
    if (!domain_owns_page(v->domain, pa[0]) || (pa[1] && !domain_owns_page(v->domain, pa[1]))) {
        spin_unlock(&v->domain->lock);
        return -EINVAL;
    }
    t->runstate_split = split;
    t->runstate_pa[1] = pa[1];
    __atomic_store_n(&t->runstate_pa[0], pa[0], __ATOMIC_RELEASE); /* publish's quick check */
    spin_unlock(&v->domain->lock);
    sched_runstate_publish(t);
    return 0;
}

void do_vcpu_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                struct hypercall_result *result)
{
    uint64_t cmd = args[0], id = args[1];
    struct domain *d = v->domain;

    /*
     * Xen on Arm's order: an unknown vCPU first, then an unknown command
     * (-EINVAL: VCPUOP_up/down and the rest are x86's; Arm starts and stops
     * vCPUs with PSCI). is_up is Flaxen's addition.
     */
    if (id >= d->nr_vcpus) {
        result->value = -ENOENT;
        return;
    }
    if (cmd != VCPUOP_register_vcpu_info && cmd != VCPUOP_is_up &&
        cmd != VCPUOP_register_runstate_memory_area) {
        result->value = -EINVAL;
        return;
    }
    if (cmd == VCPUOP_register_vcpu_info) {
        result->value = register_vcpu_info(v, d->vcpus[id], args[2]);
        return;
    }
    if (cmd == VCPUOP_register_runstate_memory_area) {
        result->value = register_runstate(v, d->vcpus[id], args[2]);
        return;
    }
    result->value = xsm_hook(XSM_HOOK_VCPU_IS_UP, d, d);
    if (!result->value)
        result->value = !sched_vcpu_is_off(d->vcpus[id]);
}
