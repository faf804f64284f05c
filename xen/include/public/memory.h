/*
 * Flaxen's guest ABI: memory_op (Xen 4.17's public/memory.h numbers and
 * layouts; Flaxen's own text). On Arm every guest is auto-translated: frame
 * numbers given by a guest are guest frame numbers (gfn = IPA >> 12).
 */
#ifndef FLAXEN_PUBLIC_MEMORY_H
#define FLAXEN_PUBLIC_MEMORY_H

#include <stddef.h>

#include "xen.h"

typedef uint64_t xen_pfn_t;

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_remove_from_physmap 15

/* increase/decrease_reservation, populate_physmap. */
struct xen_memory_reservation {
    xen_guest_handle_t extent_start; /* array of xen_pfn_t: gfns (IN), may be updated (OUT) */
    xen_ulong_t nr_extents;
    uint32_t extent_order; /* each extent is 2^order pages */
    uint32_t mem_flags;    /* no flag is supported: must be 0 */
    domid_t domid;
};

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5

#define XENMAPIDX_grant_table_status 0x80000000u

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;  /* gmfn_range only */
    uint32_t space; /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn; /* where it appears in the guest's physical space */
};

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};

_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24, "reservation.domid");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "add_to_physmap.idx");
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap");

#endif
