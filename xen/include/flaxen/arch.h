/*
 * What portable code (xen/common, xen/drivers) needs from the architecture.
 *
 * Implemented in xen/arch/arm64/ for the hypervisor and by host tests for the
 * fake architecture. Nothing here names a system register or needs inline
 * assembly at the call site; the arm64 implementation says which Arm ARM
 * mechanism each function uses.
 */
#ifndef FLAXEN_ARCH_H
#define FLAXEN_ARCH_H

#include <flaxen/types.h>

/* The most CPUs the hypervisor brings up; further ones in the DT are ignored. */
#define NR_CPUS 8

/* Logical number of the calling CPU: 0 is the boot CPU. */
unsigned arch_cpu_id(void);

/* Hardware id of the calling CPU (on arm64 the MPIDR affinity fields). */
uint64_t arch_cpu_hwid(void);

/* A hint for busy-wait loops (lets an SMT sibling or the emulator run). */
void arch_cpu_relax(void);

/* Stops the calling CPU for good: interrupts masked, a low-power wait loop. */
NORETURN void arch_halt(void);

/* Turns the whole machine off (PSCI SYSTEM_OFF); halts if it cannot. */
NORETURN void arch_power_off(void);

/*
 * Starts secondary CPU `cpu` (logical number, 1..NR_CPUS-1) whose hardware id
 * is `hwid`; it enters smp_secondary_main(cpu). Returns 0 or a negative
 * error (the firmware refused, or the CPU does not exist).
 */
int arch_cpu_start(unsigned cpu, uint64_t hwid);

/* A monotonic clock in nanoseconds since an arbitrary origin. */
uint64_t arch_time_ns(void);

/*
 * 64 random bits for secrets made at boot (stack canary, pointer
 * authentication keys). Returns the name of the source used: the CPU's
 * random number instruction when present, otherwise a documented weaker
 * fallback (which the boot log states).
 */
const char *arch_random_u64(uint64_t *value);

/*
 * Quick boot-time checks of architecture mechanisms the rest relies on (on
 * arm64: a round trip through the guest trap path). Panics on a failure.
 */
void arch_boot_selfcheck(void);

/* Prints one or more lines describing the CPU and the hardening in force. */
void arch_print_cpu_info(void);

/*
 * Pointer to the bytes of physical page(s) at `pa`, which must be RAM the
 * page allocator manages (the hypervisor maps all of it). The fake arch of
 * host tests maps it to a host buffer.
 */
void *arch_phys_to_virt(paddr_t pa);

#endif
