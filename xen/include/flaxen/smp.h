/*
 * Bringing up the secondary CPUs (xen/common/smp.c).
 */
#ifndef FLAXEN_SMP_H
#define FLAXEN_SMP_H

#include <flaxen/bootinfo.h>

/*
 * Marks the boot CPU online, then starts every other CPU the device tree
 * lists (up to NR_CPUS), one at a time, waiting for each to report. Returns
 * the number of CPUs online.
 */
unsigned smp_boot_secondaries(const struct bootinfo *bi);

/* Where a secondary CPU arrives once its MMU and stack are set up. */
NORETURN void smp_secondary_main(unsigned cpu);

/* Lets the secondary CPUs, parked after coming online, enter the scheduler. */
void smp_release_secondaries(void);

/* Number of CPUs online now. */
unsigned smp_online_count(void);

#endif
