/*
 * The arch-neutral boot flow (xen/common/setup.c), entered by the
 * architecture once the MMU is on, the device tree is parsed and (when the
 * board has one) the console UART is up.
 */
#ifndef FLAXEN_SETUP_H
#define FLAXEN_SETUP_H

#include <flaxen/bootinfo.h>
#include <flaxen/memrange.h>

/* Memory in use before any allocator exists: never handed out as free RAM. */
struct boot_layout {
    struct memrange image; /* the hypervisor image, BSS included */
    struct memrange fdt;   /* the device tree blob */
};

/*
 * Prints the banner and what was found, starts the page allocator and the
 * secondary CPUs, then (no domain support yet) powers the machine off.
 */
NORETURN void start_flaxen(struct bootinfo *bi, const struct boot_layout *layout);

#endif
