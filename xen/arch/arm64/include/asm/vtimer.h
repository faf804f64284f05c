/*
 * The virtual timer of a vCPU (vtimer.c): the guest programs the EL1
 * virtual timer (CNTV_CTL_EL0, CNTV_CVAL_EL0) directly; the hypervisor saves
 * and restores it with the vCPU, turns its firing into the virtual PPI 27,
 * and wakes a blocked vCPU when its timer would have fired.
 * Physical EL1 timer registers (CNTP_*) trap and are emulated as disabled.
 *
 * The virtual count equals the physical count (CNTVOFF_EL2 = 0, timer.c),
 * so CNTV_CVAL_EL0 compares against CNTPCT and converts to arch_time_ns()
 * with timer_ticks_to_ns().
 *
 * No interrupt storm: the physical PPI 27 is level-sensitive and stays high
 * while the guest's timer condition holds; after EL2 acknowledges it, it
 * stays active (not re-signalled) until the guest deactivates the virtual
 * PPI 27 linked to it (vgic_vtimer_fired, ICH_LR.HW = 1), or until the vCPU
 * is saved (vgic_save deactivates it, with the timer already silenced).
 */
#ifndef ASM_VTIMER_H
#define ASM_VTIMER_H

#include <flaxen/types.h>

struct vcpu;

struct vtimer {
    uint64_t ctl;       /* CNTV_CTL_EL0 (ENABLE, IMASK) */
    uint64_t cval;      /* CNTV_CVAL_EL0 */
    unsigned loaded_on; /* 1 + the physical CPU whose timer holds it; 0: saved here */
};

void vtimer_vcpu_init(struct vcpu *v);

/* v stops running on this CPU: save its timer and silence the hardware one. */
void vtimer_save(struct vcpu *v);

/*
 * v starts running here: load its timer; if it already fired, make PPI 27
 * pending. The hardware does the latter: with the condition met, the
 * physical PPI 27 is asserted as soon as the timer is loaded and reaches
 * EL2 (HCR_EL2.IMO) the moment the guest is entered, and gic_handle_irqs()
 * passes it to vtimer_interrupt(). Call before vgic_restore().
 */
void vtimer_restore(struct vcpu *v);

/* When v's timer fires, in arch_time_ns() time; 0 if disabled or masked. */
uint64_t vtimer_deadline_ns(const struct vcpu *v);

/* The physical virtual-timer PPI fired while v ran: deliver it as virtual PPI 27. */
void vtimer_interrupt(struct vcpu *v);

/* Whether v's timer condition holds now (ENABLE, not IMASK, CVAL <= count). */
bool vtimer_pending(const struct vcpu *v);

/*
 * PPI 27 fired with no vCPU loaded on this CPU: turn the hardware virtual
 * timer off (a left-over) and deactivate the acknowledged interrupt.
 */
void vtimer_spurious(void);

#endif
