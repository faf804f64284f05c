/*
 * The virtual timer of a vCPU (vtimer.c): the guest programs the EL1
 * virtual timer (CNTV_CTL_EL0, CNTV_CVAL_EL0) directly; the hypervisor saves
 * and restores it with the vCPU, turns its firing into the virtual PPI 27,
 * and wakes a blocked vCPU when its timer would have fired.
 * Physical EL1 timer registers (CNTP_*) trap and are emulated as disabled.
 */
#ifndef ASM_VTIMER_H
#define ASM_VTIMER_H

#include <flaxen/types.h>

struct vcpu;

struct vtimer {
    uint64_t ctl;  /* CNTV_CTL_EL0 */
    uint64_t cval; /* CNTV_CVAL_EL0 */
};

void vtimer_vcpu_init(struct vcpu *v);

/* v stops running on this CPU: save its timer and silence the hardware one. */
void vtimer_save(struct vcpu *v);

/* v starts running here: load its timer; if it already fired, make PPI 27 pending. */
void vtimer_restore(struct vcpu *v);

/* When v's timer fires, in arch_time_ns() time; 0 if disabled or masked. */
uint64_t vtimer_deadline_ns(const struct vcpu *v);

/* The physical virtual-timer PPI fired while v ran: deliver it as virtual PPI 27. */
void vtimer_interrupt(struct vcpu *v);

#endif
