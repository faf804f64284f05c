/*
 * memory_op (public/memory.h): populating and giving back RAM, mapping the
 * shared_info page or a grant-table frame into a guest, and reading a domain's memory reservation.
 * Every gfn is checked against the IPA space before it is used.
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

/* current_reservation: the domain's pages now; maximum_reservation: its limit. */
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
    if (!rc && hook == XSM_HOOK_MEMORY_MAXIMUM_RESERVATION)
        rc = (long)(d->max_pages ? d->max_pages : d->ram_size >> PAGE_SHIFT);
    else if (!rc)
        rc = (long)domain_page_count(d);
    domain_put(d);
    return rc;
}

#define MEMOP_EXTENT_SHIFT 6 /* Xen: cmd | (extents done << 6) continues a batch */
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)
#define MEMOP_BATCH 64
#define MEMOP_MAX_ORDER 9 /* up to 2 MiB per extent */

/*
 * populate_physmap / decrease_reservation: extent by extent from `start`,
 * MEMOP_BATCH per hypercall (then continued). The result is the number of
 * extents done in all; it stops at the first extent that fails (Xen too).
 */
static void reservation_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                           struct hypercall_result *result, bool populate)
{
    uint64_t cmd = args[0] & MEMOP_CMD_MASK, start = args[0] >> MEMOP_EXTENT_SHIFT;
    struct xen_memory_reservation r;
    struct domain *d;
    long rc;

    if (copy_from_guest(v, &r, args[1], sizeof(r))) {
        result->value = -EFAULT;
        return;
    }
    if (r.extent_order > MEMOP_MAX_ORDER || r.mem_flags || start > r.nr_extents ||
        r.nr_extents > (1ull << (64 - MEMOP_EXTENT_SHIFT - 1))) {
        result->value = -EINVAL;
        return;
    }
    d = domain_get(r.domid, v->domain);
    if (!d) {
        result->value = -ESRCH;
        return;
    }
    rc =
        xsm_hook(populate ? XSM_HOOK_MEMORY_POPULATE_PHYSMAP : XSM_HOOK_MEMORY_DECREASE_RESERVATION,
                 v->domain, d);
    if (!rc) {
        uint64_t i;

        for (i = start; i < r.nr_extents; i++) {
            uint64_t gfn;

            if (i - start == MEMOP_BATCH) {
                result->restart = true;
                result->args[0] = cmd | (i << MEMOP_EXTENT_SHIFT);
                result->args[1] = args[1];
                domain_put(d);
                return;
            }
            if (copy_from_guest(v, &gfn, r.extent_start + i * sizeof(gfn), sizeof(gfn)) ||
                gfn >= (1ull << (GUEST_IPA_BITS - PAGE_SHIFT)) ||
                (populate ? domain_populate(d, gfn << PAGE_SHIFT, r.extent_order)
                          : domain_depopulate(d, gfn << PAGE_SHIFT, r.extent_order)))
                break; /* the result says how many were done before it */
        }
        rc = (long)i;
    }
    domain_put(d);
    result->value = rc;
}

void do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                  struct hypercall_result *result)
{
    switch (args[0] & MEMOP_CMD_MASK) {
    case XENMEM_populate_physmap:
        reservation_op(v, args, result, true);
        return;
    case XENMEM_decrease_reservation:
        reservation_op(v, args, result, false);
        return;
    }
    if (args[0] > MEMOP_CMD_MASK) {
        result->value = -ENOSYS; /* a continuation count on a command that has none */
        return;
    }
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
