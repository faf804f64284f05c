/*
 * Building the boot-time domains the device tree describes
 * (xen/common/domain_boot.c): dom0 (the first multiboot,kernel directly
 * under /chosen) and the dom0less `xen,domain` nodes.
 */
#ifndef FLAXEN_DOMAIN_BOOT_H
#define FLAXEN_DOMAIN_BOOT_H

#include <stdbool.h>

#include <flaxen/bootinfo.h>
#include <flaxen/kernel_image.h>

struct domain;

#define DOMAIN_GUEST_RAM_BASE 0x40000000ull /* where every domain's RAM starts */
#define DOMAIN_GUEST_FDT_MAX 0x4000ull      /* the room a domain's device tree gets */
/* The rings of a domain xl builds: the first pages of Xen's GUEST_MAGIC region, in its order. */
#define DOMAIN_CONSOLE_GPA 0x39000000ull
#define DOMAIN_XENSTORE_GPA 0x39001000ull

/*
 * Builds every boot-time domain: label (its seclabel, checked by the
 * security server, or the policy's initial SID), RAM, kernel, ramdisk and
 * device tree placed per the arm64 boot protocol. A domain that cannot be
 * built is reported and left out; the others are built. Then starts all
 * of them at once. Returns the number of domains started.
 */
unsigned domain_boot_all(const struct bootinfo *bi);

/*
 * Writes the device tree a domain boots with (memory, CPUs, virtual GIC and
 * timer, the hypervisor node, bootargs, the ramdisk when it has one) at
 * l->dtb_base of its RAM. Boot-time domains and seals (seal.c) use it.
 */
int domain_write_fdt(struct domain *d, const char *bootargs, const struct guest_layout *l,
                     bool has_ramdisk, char *err);

#endif
