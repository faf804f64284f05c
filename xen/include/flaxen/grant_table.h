/*
 * Grant tables, version 1 (xen/common/grant_table.c; ABI in
 * public/grant_table.h).
 *
 * A domain's table is up to GNTTAB_MAX_FRAMES hypervisor pages of
 * grant_entry_v1, allocated as the domain asks for them (setup_table, or
 * mapping frame idx with XENMEM_add_to_physmap). Another domain maps a
 * granted page into its own stage 2 (map_grant_ref) or copies through it.
 *
 * A foreign mapping pins the granter: a domain whose pages are mapped
 * elsewhere is not destroyed (its pages are not freed) until the last
 * mapping goes. A domain that has shut down drops the mappings it holds
 * before it waits for the pins on itself (domain_claim_finished), so two
 * domains that map each other's pages cannot keep each other alive.
 *
 * Locking: one lock guards every table and mapping (grant_lock); under it
 * only the stage-2 and page-allocator locks are taken. Never call
 * domain_get/domain_put with it held.
 */
#ifndef FLAXEN_GRANT_TABLE_H
#define FLAXEN_GRANT_TABLE_H

#include <flaxen/hypercall.h>
#include <flaxen/types.h>

#define GNTTAB_MAX_FRAMES 4u
#define GNTTAB_MAPTRACK 256u /* foreign mappings a domain may hold at once */

struct domain;
struct vcpu;

/* The domain's (empty) table (domain_create). 0 or -ENOMEM. */
int gnttab_domain_init(struct domain *d);

/*
 * Drops every foreign mapping d holds (from its stage 2, and the pins on
 * the granters). For a domain that has shut down, with no vCPU on a CPU.
 */
void gnttab_release_mappings(struct domain *d);

/* How many mappings of d's pages other domains hold (0: d may be freed). */
unsigned gnttab_pins(const struct domain *d);

/* Frees d's table (domain_destroy; no pins, no mappings left). */
void gnttab_domain_destroy(struct domain *d);

/*
 * Maps frame idx of d's table at guest frame gfn (XENMEM_add_to_physmap,
 * XENMAPSPACE_grant_table), growing the table to idx + 1 frames. 0,
 * -EINVAL (idx beyond the maximum, status frames: v1 has none), -ENOMEM.
 */
int gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gfn);

/*
 * What the domain builder writes into reserved entry ref (< 8) of d's table:
 * d grants `grantee` access to its frame gfn (the console ring to the console
 * backend, say). 0, -EINVAL, -ENOMEM.
 */
int gnttab_seed(struct domain *d, uint32_t ref, uint16_t grantee, uint64_t gfn);

/* grant_table_op(cmd, uop array, count). */
void do_grant_table_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                       struct hypercall_result *result);

#endif
