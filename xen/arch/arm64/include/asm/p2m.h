/*
 * Stage-2 translation (p2m.c): guest-physical (IPA) to host-physical, one
 * table tree and one VMID per domain (Arm ARM D8.2, stage 2 of the EL1&0
 * translation regime; VTCR_EL2 / VTTBR_EL2).
 *
 * Geometry: 4 KiB granule, 39-bit IPA space (512 GiB), translation starts
 * at level 1 (one root page). RAM is mapped with 2 MiB blocks where it is
 * aligned and with pages elsewhere. Emulated devices are never mapped, so
 * any access to them faults to EL2.
 */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <flaxen/types.h>

#define P2M_IPA_BITS 39

struct domain;

/* Once, on the boot CPU: VTCR_EL2 for every CPU (p2m_cpu_init), VMIDs all free. */
void p2m_boot_init(void);

/* Each CPU: loads VTCR_EL2. */
void p2m_cpu_init(void);

/* Allocates a VMID and an empty root table for d. 0 or -ENOMEM / -EBUSY (no VMID left). */
int p2m_init(struct domain *d);

/*
 * Maps [gpa, gpa + size) to host-physical [pa, pa + size) as normal RAM
 * (read/write/execute, write-back) in d's stage-2 tables. Page-aligned,
 * inside the IPA space, over unmapped addresses only. 0, -EINVAL, -EEXIST,
 * -ENOMEM (tables added so far stay, unused entries; p2m_destroy frees all).
 */
int p2m_map_ram(struct domain *d, uint64_t gpa, paddr_t pa, uint64_t size);

/*
 * The host-physical address behind guest-physical `gpa` in d, if it is
 * mapped RAM, writable too when `write` (the offset within the page kept).
 * 0 or -ENOENT.
 */
int p2m_lookup(struct domain *d, uint64_t gpa, bool write, paddr_t *pa);

/*
 * Maps the 4 KiB page at host-physical `pa` at page-aligned guest-physical
 * `gpa` of d, read-only unless `writable`, replacing whatever was there (a
 * 2 MiB block around it is split into pages first). *old_pa (NULL: not
 * wanted) gets the page that was mapped there, or 0. The old mapping is
 * gone from every TLB on return. 0, -EINVAL, -ENOMEM.
 */
int p2m_set_page(struct domain *d, uint64_t gpa, paddr_t pa, bool writable, paddr_t *old_pa);

/* Unmaps the page at gpa (as p2m_set_page, leaving nothing there). 0, -EINVAL, -ENOMEM. */
int p2m_clear_page(struct domain *d, uint64_t gpa, paddr_t *old_pa);

/* Frees every table of d, invalidates its TLB entries on all CPUs and frees its VMID. */
void p2m_destroy(struct domain *d);

#endif
