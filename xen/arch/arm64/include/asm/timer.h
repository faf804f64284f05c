/*
 * The hypervisor's own timer (timer.c): the EL2 physical timer (CNTHP_*,
 * PPI 26), one deadline per physical CPU, in arch_time_ns() time.
 */
#ifndef ASM_TIMER_H
#define ASM_TIMER_H

#include <flaxen/types.h>

/* Each CPU: the timer off, its PPI enabled at the GIC. */
void timer_cpu_init(void);

/* Fire PPI 26 on this CPU at deadline_ns (0: never). Replaces any earlier deadline. */
void timer_set_deadline(uint64_t deadline_ns);

/* Converts between counter ticks (CNTPCT) and arch_time_ns() nanoseconds. */
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);

#endif
