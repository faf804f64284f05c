/*
 * The C functions the exception vectors (vectors.S) call.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>
#include <flaxen/types.h>

/*
 * An exception taken at EL2 (kind: VEC_GROUP_* * 4 + VEC_*): prints the
 * exception class, ESR/FAR/ELR/SPSR and the registers, then halts this CPU.
 */
NORETURN void trap_el2_fatal(struct cpu_regs *regs, unsigned kind);

/*
 * The hypervisor stack pointer left this CPU's stack (into its guard page):
 * called on the emergency stack with the bad stack pointer; reports, halts.
 */
NORETURN void trap_el2_stack_overflow(uint64_t bad_sp, unsigned kind);

/*
 * The single entry for every exception from a guest (lower EL), in
 * guest_traps.c. Handles it for the running vCPU, updating *regs; returns to
 * vectors.S to go back to the same vCPU, or switches to another one.
 */
void trap_from_guest(struct cpu_regs *regs, unsigned kind);

/* A name for an exception class (ESR_ELx.EC), for reports. */
const char *exception_class_name(unsigned ec);

/*
 * selftest.c: the exit HVC of the boot-time trap-path check, recognised only
 * while that check runs (then it does not return). False for any other trap.
 */
bool el1_probe_trap(struct cpu_regs *regs, unsigned kind);

#endif
