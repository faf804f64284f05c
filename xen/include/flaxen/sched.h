/*
 * The vCPU scheduler (xen/common/sched.c): one global run queue, round
 * robin with a fixed time slice, any vCPU on any physical CPU.
 *
 * Every physical CPU runs sched_run(), which never returns: it picks a
 * runnable vCPU and enters it; every exit from a guest ends in
 * sched_exit_check(), which returns to the same vCPU or saves it and goes
 * back to sched_run(). A CPU with nothing to run waits for an interrupt.
 */
#ifndef FLAXEN_SCHED_H
#define FLAXEN_SCHED_H

#include <flaxen/domain.h>

#define SCHED_SLICE_NS 10000000ull /* 10 ms */

/* Per-CPU scheduling loop; never returns. */
NORETURN void sched_run(void);

/*
 * Makes v runnable (from OFFLINE or BLOCKED) and kicks an idle CPU.
 * Caller must not hold the scheduler lock.
 */
void sched_vcpu_wake(struct vcpu *v);

/*
 * Something became pending for v (a virtual interrupt): if it is blocked,
 * wake it; if it runs on another CPU, interrupt that CPU so the new state
 * is seen at its next entry; if it is running here, nothing to do.
 */
void sched_vcpu_kick(struct vcpu *v);

/* The calling vCPU gives up the rest of its slice. */
void sched_vcpu_yield(struct vcpu *v);

/*
 * The calling vCPU blocks until sched_vcpu_kick/wake or until deadline_ns
 * (0 = none). Returns at once, without blocking, if a wake arrived already.
 */
void sched_vcpu_block(struct vcpu *v, uint64_t deadline_ns);

/*
 * Starts offline vCPU v at `entry` with x0 = arg (PSCI CPU_ON). 0, or
 * -EBUSY when v is not fully off (still on, or still leaving its CPU).
 */
int sched_vcpu_start(struct vcpu *v, uint64_t entry, uint64_t arg);

/* Whether v is fully off: offline and not on any CPU (PSCI AFFINITY_INFO). */
bool sched_vcpu_is_off(struct vcpu *v);

/* The calling vCPU goes offline (PSCI CPU_OFF, domain shutdown). */
void sched_vcpu_stop(struct vcpu *v);

/*
 * Run states (public/vcpu.h): every state change counts the time spent in
 * the old one. init: a new vCPU, offline from now. publish: a consistent
 * copy into the guest's, if it registered one (v on no CPU, or the caller);
 * sched_run does it each time it puts v on a CPU.
 */
void sched_runstate_init(struct vcpu *v);
void sched_runstate_publish(struct vcpu *v);

/*
 * Takes every vCPU of d, which must be on no CPU, off the run queue and the
 * list of timed waits, and marks them offline: nothing in the scheduler
 * points at d afterwards (domain_destroy, before d is freed).
 */
struct domain;
void sched_domain_forget(struct domain *d);

/*
 * Pauses d (nesting): none of its vCPUs is chosen to run until as many
 * sched_domain_unpause calls; returns once none of them is on a CPU. The
 * caller must not be a vCPU of d.
 */
void sched_domain_pause(struct domain *d);

/*
 * Wakes an idle CPU other than the caller, if there is one, so that it runs
 * the scheduler loop (which frees dead domains): called when the last thing
 * that held a shut-down domain back lets go of it.
 */
void sched_poke_idle_cpu(void);

/* Undoes one sched_domain_pause. 0, or -EINVAL when d is not paused. */
int sched_domain_unpause(struct domain *d);

/*
 * Called on every guest exit, with the trap handled: returns if v should
 * continue; otherwise saves v and switches (does not return).
 */
void sched_exit_check(struct vcpu *v);

/* The scheduler's timer interrupt (the physical CPU's hypervisor timer). */
void sched_timer_interrupt(void);

/* A reschedule IPI arrived (nothing to do beyond sched_exit_check). */
void sched_ipi_interrupt(void);

/* Time of the next event the calling CPU's timer must fire for (0 = none). */
uint64_t sched_next_deadline(void);

#endif
