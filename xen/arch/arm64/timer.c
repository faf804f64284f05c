/*
 * The hypervisor's timer (asm/timer.h): the EL2 physical timer, CNTHP_CTL_EL2
 * and CNTHP_CVAL_EL2 (Arm ARM D11.2, the generic timer; its interrupt is
 * PPI 26), compared against the physical count that arch_time_ns() reads.
 *
 * Also the per-CPU generic-timer controls guests depend on: CNTHCTL_EL2
 * (E2H = 0) lets EL1/EL0 read CNTPCT_EL0 (EL1PCTEN) but traps their use of
 * the EL1 physical timer (EL1PCEN = 0; the trap handler emulates it as
 * absent), with the event stream and FEAT_ECV controls off; CNTVOFF_EL2 = 0
 * so a guest's virtual count equals the physical count.
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/timer.h>

#define NS_PER_SECOND 1000000000ull

static uint64_t counter_frequency(void)
{
    return READ_SYSREG(cntfrq_el0) & 0xffffffffu;
}

void timer_cpu_init(void)
{
    WRITE_SYSREG(cnthp_ctl_el2, 0);
    WRITE_SYSREG(cnthctl_el2, CNTHCTL_EL1PCTEN);
    WRITE_SYSREG(cntvoff_el2, 0);
    WRITE_SYSREG(cntv_ctl_el0, 0); /* no guest's timer is loaded yet */
    isb();
    gic_enable_private(PPI_HYP_TIMER);
}

void timer_set_deadline(uint64_t deadline_ns)
{
    if (!deadline_ns) {
        WRITE_SYSREG(cnthp_ctl_el2, 0);
    } else {
        WRITE_SYSREG(cnthp_cval_el2, timer_ns_to_ticks(deadline_ns));
        WRITE_SYSREG(cnthp_ctl_el2, CNT_CTL_ENABLE);
    }
    isb();
}

uint64_t timer_ns_to_ticks(uint64_t ns)
{
    uint64_t freq = counter_frequency(), seconds = ns / NS_PER_SECOND;
    uint64_t rest = ns % NS_PER_SECOND; /* rest * freq < 2^62: no overflow */

    if (freq == 0)
        return ns; /* arch_time_ns() counts ticks then */
    if (seconds > (UINT64_MAX - freq) / freq)
        return UINT64_MAX;
    return seconds * freq + (rest * freq + NS_PER_SECOND - 1) / NS_PER_SECOND;
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
    uint64_t freq = counter_frequency();

    if (freq == 0)
        return ticks;
    if (ticks / freq > (UINT64_MAX - NS_PER_SECOND) / NS_PER_SECOND)
        return UINT64_MAX;
    return (ticks / freq) * NS_PER_SECOND + (ticks % freq) * NS_PER_SECOND / freq;
}
