/*
 * A vCPU's virtual timer (asm/vtimer.h): the EL1 virtual timer registers
 * CNTV_CTL_EL0 / CNTV_CVAL_EL0 (Arm ARM D11.2.4) switched with the vCPU, and
 * its interrupt, PPI 27, passed to the guest through the vGIC with the
 * physical interrupt linked to the virtual one (vgic_vtimer_fired).
 *
 * The virtual count is the physical count (CNTVOFF_EL2 = 0, timer.c).
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/timer.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

#include <flaxen/arch.h>
#include <flaxen/domain.h>

static bool loaded_here(const struct vcpu *v)
{
    return v->arch.vtimer.loaded_on == arch_cpu_id() + 1;
}

/* v's timer: from the hardware while v is loaded here, else the saved copy. */
static void current_state(const struct vcpu *v, uint64_t *ctl, uint64_t *cval)
{
    if (loaded_here(v)) {
        *ctl = READ_SYSREG(cntv_ctl_el0);
        *cval = READ_SYSREG(cntv_cval_el0);
    } else {
        *ctl = v->arch.vtimer.ctl;
        *cval = v->arch.vtimer.cval;
    }
}

void vtimer_vcpu_init(struct vcpu *v)
{
    v->arch.vtimer.ctl = 0; /* disabled: the architectural reset state of ENABLE */
    v->arch.vtimer.cval = 0;
    v->arch.vtimer.loaded_on = 0;
}

void vtimer_save(struct vcpu *v)
{
    struct vtimer *t = &v->arch.vtimer;

    if (!loaded_here(v))
        return;
    t->cval = READ_SYSREG(cntv_cval_el0);
    t->ctl = READ_SYSREG(cntv_ctl_el0) & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
    /* Off, so PPI 27's level drops before vgic_save deactivates it. */
    WRITE_SYSREG(cntv_ctl_el0, 0);
    isb();
    t->loaded_on = 0;
}

void vtimer_restore(struct vcpu *v)
{
    struct vtimer *t = &v->arch.vtimer;

    WRITE_SYSREG(cntv_cval_el0, t->cval);
    WRITE_SYSREG(cntv_ctl_el0, t->ctl);
    isb();
    t->loaded_on = arch_cpu_id() + 1;
}

uint64_t vtimer_deadline_ns(const struct vcpu *v)
{
    uint64_t ctl, cval, ns;

    current_state(v, &ctl, &cval);
    if (!(ctl & CNT_CTL_ENABLE) || (ctl & CNT_CTL_IMASK))
        return 0;
    ns = timer_ticks_to_ns(cval);
    return ns ? ns : 1; /* 0 would mean "never" */
}

bool vtimer_pending(const struct vcpu *v)
{
    uint64_t ctl, cval;

    current_state(v, &ctl, &cval);
    if (!(ctl & CNT_CTL_ENABLE) || (ctl & CNT_CTL_IMASK))
        return false;
    isb();
    return cval <= READ_SYSREG(cntpct_el0);
}

void vtimer_interrupt(struct vcpu *v)
{
    uint64_t ctl;

    if (!v || !loaded_here(v)) {
        vtimer_spurious();
        return;
    }
    ctl = READ_SYSREG(cntv_ctl_el0);
    if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) !=
        (CNT_CTL_ENABLE | CNT_CTL_ISTATUS)) {
        gic_deactivate(PPI_VIRT_TIMER); /* its level is already low again */
        return;
    }
    vgic_vtimer_fired(v);
}

void vtimer_spurious(void)
{
    WRITE_SYSREG(cntv_ctl_el0, 0);
    isb();
    gic_deactivate(PPI_VIRT_TIMER);
}
