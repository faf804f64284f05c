/*
 * arm64 CPU facilities used by setup.c (cpu.c, psci.c).
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <flaxen/bootinfo.h>
#include <flaxen/types.h>

/*
 * Turns on pointer authentication (key A, return addresses) for the boot CPU
 * with a random key, when the CPU implements it, and records the key in
 * mmu_config for the secondaries. The caller must never return: functions
 * already on the stack signed nothing, so their return would fail.
 */
void cpu_pac_enable_boot(void);

/* Whether return addresses are signed (cpu_pac_enable_boot found FEAT_PAuth). */
bool cpu_pac_enabled(void);

/* Chooses the PSCI conduit (SMC or HVC) the device tree names. */
void psci_init(const struct bootinfo *bi);

/* head.S: where PSCI CPU_ON starts secondary CPUs. */
extern char secondary_entry[];

#endif
