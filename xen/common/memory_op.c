/*
 * memory_op (public/memory.h): mapping the shared_info page or a grant-table
 * frame into a guest, and reading a domain's memory reservation. Every gfn is checked against
 * the IPA space before it is used.
 */
#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/event_channel.h>
#include <flaxen/grant_table.h>
#include <flaxen/spinlock.h>
#include <public/memory.h>
#include <public/xen.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#define GUEST_IPA_BITS 39 /* stage 2 of every domain (asm/p2m.h) */

/*
 * Maps d's shared_info page at gfn, replacing what was there (a page of its
 * RAM stays the domain's, unmapped, until the domain goes). Mapping it again
 * elsewhere leaves a hole where it was, as in Xen.
 */
static long map_shared_info(struct domain *d, uint64_t gfn)
{
    long rc;

    spin_lock(&d->lock);
    if (d->shared_info_gfn && d->shared_info_gfn != gfn)
        arch_domain_clear_page(d, d->shared_info_gfn << PAGE_SHIFT, NULL);
    rc = arch_domain_set_page(d, gfn << PAGE_SHIFT, d->shared_info_pa, true, NULL);
    d->shared_info_gfn = rc ? 0 : gfn;
    spin_unlock(&d->lock);
    return rc;
}

static long add_to_physmap(struct vcpu *v, uint64_t gva)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    long rc;

    if (copy_from_guest(v, &x, gva, sizeof(x)))
        return -EFAULT;
    if (x.space != XENMAPSPACE_shared_info && x.space != XENMAPSPACE_grant_table)
        return -EOPNOTSUPP;
    if (x.gpfn == 0 || x.gpfn >= (1ull << (GUEST_IPA_BITS - PAGE_SHIFT)))
        return -EINVAL;
    if (x.space == XENMAPSPACE_shared_info ? x.idx != 0 : x.idx >= GNTTAB_MAX_FRAMES)
        return -EINVAL; /* grant-table status frames (XENMAPIDX_grant_table_status): v2 only */
    d = domain_get(x.domid, v->domain);
    if (!d)
        return -ESRCH;
    rc = xsm_hook(XSM_HOOK_MEMORY_ADD_TO_PHYSMAP, v->domain, d);
    if (!rc)
        rc = x.space == XENMAPSPACE_shared_info ? map_shared_info(d, x.gpfn)
                                                : gnttab_add_to_physmap(d, x.idx, x.gpfn);
    domain_put(d);
    return rc;
}

/* current_reservation / maximum_reservation: the domain's pages (no ballooning yet). */
static long reservation(struct vcpu *v, uint64_t gva, enum xsm_hook_id hook)
{
    domid_t id;
    struct domain *d;
    long rc;

    if (copy_from_guest(v, &id, gva, sizeof(id)))
        return -EFAULT;
    d = domain_get(id, v->domain);
    if (!d)
        return -ESRCH;
    rc = xsm_hook(hook, v->domain, d);
    if (!rc)
        rc = (long)(d->ram_size >> PAGE_SHIFT);
    domain_put(d);
    return rc;
}

void do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                  struct hypercall_result *result)
{
    switch (args[0]) {
    case XENMEM_add_to_physmap:
        result->value = add_to_physmap(v, args[1]);
        return;
    case XENMEM_current_reservation:
        result->value = reservation(v, args[1], XSM_HOOK_MEMORY_CURRENT_RESERVATION);
        return;
    case XENMEM_maximum_reservation:
        result->value = reservation(v, args[1], XSM_HOOK_MEMORY_MAXIMUM_RESERVATION);
        return;
    default:
        result->value = -ENOSYS;
        return;
    }
}
