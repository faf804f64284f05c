/*
 * The virtual timer's interrupt (Arm ARM D11.2: the EL1 virtual timer, CNTV_CTL_EL0 /
 * CNTV_CVAL_EL0; its interrupt is PPI 27 on the GIC, the "virtual timer" entry of the
 * device tree's arm,armv8-timer node).
 *
 * timer_irq_run programs the timer for now + first_us, waits in WFI with IRQs unmasked, and
 * lets the handler record, for each tick, the compare value it fired for and the counter
 * value when the handler ran; for a periodic run the handler moves the compare value on by
 * the period (from the previous compare value, so lateness does not accumulate), and after
 * the last tick masks the timer. State is per CPU, so every CPU may run its own.
 */
#include "internal.h"

struct timer_irq_state {
    struct timer_irq_result *result; /* NULL: no run on this CPU; the handler silences */
    unsigned int wanted;
    uint64_t period;
};

static struct timer_irq_state timer_irq_states[GUEST_MAX_CPUS];

static struct timer_irq_state *timer_irq_state(void)
{
    unsigned int cpu = guest_cpu_index();
    return &timer_irq_states[cpu < GUEST_MAX_CPUS ? cpu : GUEST_MAX_CPUS - 1];
}

static void timer_irq_handler(unsigned int intid)
{
    struct timer_irq_state *state = timer_irq_state();
    struct timer_irq_result *result = state->result;
    uint64_t now = timer_count();
    uint64_t compare = timer_compare();
    (void)intid;
    if (result == NULL || result->arrived >= state->wanted) {
        timer_set_control(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        return;
    }
    result->ticks[result->arrived].compare = compare;
    result->ticks[result->arrived].arrived = now;
    result->arrived++;
    if (result->arrived < state->wanted && state->period != 0) {
        timer_set_compare(compare + state->period);
        /* As Linux does: some hypervisors (Xen) set IMASK when they deliver the PPI. */
        timer_set_control(CNTV_CTL_ENABLE);
    } else
        timer_set_control(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

/* Waits in WFI until every tick arrived or the deadline passed (checked when woken). */
static void timer_irq_wait(struct timer_irq_result *result, unsigned int ticks, uint64_t deadline)
{
    guest_irq_disable();
    while (((volatile struct timer_irq_result *)result)->arrived < ticks &&
           timer_count() <= deadline) {
        arch_wait_for_interrupt();
        guest_irq_enable();
        guest_irq_disable();
    }
}

unsigned int timer_irq_run(uint64_t first_us, uint64_t period_us, unsigned int ticks,
                           uint64_t timeout_us, struct timer_irq_result *result)
{
    struct timer_irq_state *state = timer_irq_state();
    *result = (struct timer_irq_result){0};
    if (ticks > TIMER_IRQ_MAX_TICKS)
        ticks = TIMER_IRQ_MAX_TICKS;
    if (!gic_cpu_ready() || ticks == 0)
        return 0;
    guest_irq_disable();
    timer_set_control(0);
    guest_irq_register(TIMER_VIRTUAL_PPI, timer_irq_handler);
    state->wanted = ticks;
    state->period = timer_ticks_from_us(period_us);
    state->result = result;
    arch_dsb();
    gic_irq_enable(TIMER_VIRTUAL_PPI);
    result->start = timer_count();
    timer_set_compare(result->start + timer_ticks_from_us(first_us));
    timer_set_control(CNTV_CTL_ENABLE);
    uint64_t span_us = first_us + period_us * (ticks - 1) + timeout_us;
    timer_irq_wait(result, ticks, result->start + timer_ticks_from_us(span_us));
    timer_set_control(0);
    gic_irq_disable(TIMER_VIRTUAL_PPI);
    state->result = NULL;
    return result->arrived;
}

uint64_t timer_irq_verify(const struct timer_irq_result *result, uint64_t first_us,
                          uint64_t period_us, unsigned int ticks, uint64_t max_latency_us)
{
    uint64_t bound = timer_ticks_from_us(max_latency_us);
    uint64_t period = timer_ticks_from_us(period_us);
    uint64_t worst = 0;
    CHECK_MSG(result->arrived == ticks, "%u of %u timer interrupts arrived", result->arrived,
              ticks);
    CHECK_EQ(result->ticks[0].compare, result->start + timer_ticks_from_us(first_us));
    for (unsigned int i = 0; i < ticks; i++) {
        const struct timer_irq_tick *tick = &result->ticks[i];
        CHECK_MSG(tick->arrived >= tick->compare, "tick %u: interrupt %llu counts early", i,
                  (unsigned long long)(tick->compare - tick->arrived));
        CHECK_MSG(
            tick->arrived - tick->compare <= bound, "tick %u: interrupt %llu us late", i,
            (unsigned long long)((tick->arrived - tick->compare) * 1000000 / timer_frequency()));
        if (i > 0)
            CHECK_EQ(tick->compare, result->ticks[i - 1].compare + period);
        if (tick->arrived - tick->compare > worst)
            worst = tick->arrived - tick->compare;
    }
    return worst * 1000000 / timer_frequency();
}

uint64_t timer_irq_expect(uint64_t first_us, uint64_t period_us, unsigned int ticks,
                          uint64_t max_latency_us)
{
    struct timer_irq_result result;
    CHECK_MSG(ticks > 0 && ticks <= TIMER_IRQ_MAX_TICKS, "%u ticks asked", ticks);
    CHECK_MSG(gic_cpu_ready(), "GIC not set up on CPU %u: %s", guest_cpu_index(), gic_error());
    timer_irq_run(first_us, period_us, ticks, max_latency_us, &result);
    return timer_irq_verify(&result, first_us, period_us, ticks, max_latency_us);
}
