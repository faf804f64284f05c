/*
 * Building the boot-time domains the device tree describes
 * (xen/common/domain_boot.c): dom0 (the first multiboot,kernel directly
 * under /chosen) and the dom0less `xen,domain` nodes.
 */
#ifndef FLAXEN_DOMAIN_BOOT_H
#define FLAXEN_DOMAIN_BOOT_H

#include <flaxen/bootinfo.h>

/*
 * Builds every boot-time domain: label (its seclabel, checked by the
 * security server, or the policy's initial SID), RAM, kernel, ramdisk and
 * device tree placed per the arm64 boot protocol. A domain that cannot be
 * built is reported and left out; the others are built. Then starts all
 * of them at once. Returns the number of domains started.
 */
unsigned domain_boot_all(const struct bootinfo *bi);

#endif
