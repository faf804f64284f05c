/*
 * Flaxen's guest ABI: grant tables, version 1 (Xen 4.17's
 * public/grant_table.h numbers and layouts; Flaxen's own text).
 *
 * A domain shares a page by writing an entry in its grant table (frames it
 * maps into its own address space with XENMEM_add_to_physmap,
 * XENMAPSPACE_grant_table): "domain `domid` may access my frame `frame`",
 * read-only or not. The other domain then maps that page (map_grant_ref,
 * at a guest-physical address on Arm) or copies to/from it (copy).
 *
 * grant_table_op(cmd, array of structures, count): each element gets its
 * own status (GNTST_*); the hypercall itself fails only when the array
 * cannot be read or written back.
 */
#ifndef FLAXEN_PUBLIC_GRANT_TABLE_H
#define FLAXEN_PUBLIC_GRANT_TABLE_H

#include <stddef.h>

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* who may use it */
    uint32_t frame; /* the granter's guest frame number */
};

/*
 * Entries 0-7 belong to the domain builder, not the guest: 0 grants the
 * console ring to its backend, 1 the xenstore ring.
 */
#define GNTTAB_NR_RESERVED_ENTRIES 8u
#define GNTTAB_RESERVED_CONSOLE 0u
#define GNTTAB_RESERVED_XENSTORE 1u

#define GTF_invalid 0u
#define GTF_permit_access 1u
#define GTF_accept_transfer 2u
#define GTF_transitive 3u
#define GTF_type_mask 3u
#define GTF_readonly (1u << 2)
#define GTF_reading (1u << 3) /* set by the hypervisor while mapped */
#define GTF_writing (1u << 4) /* set by the hypervisor while mapped writable */

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10

#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)

#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

struct gnttab_map_grant_ref {
    uint64_t host_addr; /* IN: guest-physical address (GNTMAP_host_map) */
    uint32_t flags;     /* IN: GNTMAP_* */
    grant_ref_t ref;    /* IN */
    domid_t dom;        /* IN: the granter */
    int16_t status;     /* OUT: GNTST_* */
    grant_handle_t handle;
    uint64_t dev_bus_addr;
};

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;
};

struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    xen_guest_handle_t frame_list; /* OUT: xen_pfn_t per frame (its gfn, or ~0 when unmapped) */
};

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        uint64_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref (1u << 1)

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags; /* GNTCOPY_* */
    int16_t status;
};

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;
    uint32_t max_nr_frames;
    int16_t status;
};

struct gnttab_set_version {
    uint32_t version;
};

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;
};

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "map.status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "map.handle");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap.status");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "setup.frame_list");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "copy.status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");

#endif
