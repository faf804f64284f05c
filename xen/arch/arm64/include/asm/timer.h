/*
 * The hypervisor's own timer (timer.c): the EL2 physical timer (CNTHP_*,
 * PPI 26), one deadline per physical CPU, in arch_time_ns() time.
 *
 * One-shot: when the deadline passes the timer fires once; gic_handle_irqs()
 * turns it off before calling sched_timer_interrupt(), so the scheduler must
 * set the next deadline (it does, on every guest exit and idle loop).
 */
#ifndef ASM_TIMER_H
#define ASM_TIMER_H

#include <flaxen/types.h>

/*
 * Each CPU (after gic_cpu_init): the timer off, its PPI enabled at the GIC;
 * CNTHCTL_EL2 lets EL1 read the physical counter but traps EL1's physical
 * timer registers; CNTVOFF_EL2 = 0 (virtual count = physical count); the
 * virtual timer off.
 */
void timer_cpu_init(void);

/* Fire PPI 26 on this CPU at deadline_ns (0: never). Replaces any earlier deadline. */
void timer_set_deadline(uint64_t deadline_ns);

/*
 * Converts between counter ticks (CNTPCT) and arch_time_ns() nanoseconds.
 * timer_ticks_to_ns() is exactly arch_time_ns()'s conversion;
 * timer_ns_to_ticks() rounds up, so timer_ticks_to_ns(timer_ns_to_ticks(ns))
 * >= ns (a deadline never fires early), saturating at UINT64_MAX.
 */
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);

#endif
