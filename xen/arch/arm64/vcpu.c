/*
 * arm64 vCPUs: reset state, loading a vCPU onto a CPU and saving it off
 * again, the idle wait, and the per-CPU virtualisation set-up
 * (flaxen/arch.h, domain and vCPU part).
 *
 * What is switched with a vCPU: its general registers (the trap frame), the
 * EL1/EL0 system registers of struct vcpu_sysregs, the pointer
 * authentication keys, FP/SIMD, the virtual timer, the virtual GIC and the
 * stage-2 context (VTTBR_EL2 with the domain's VMID). Everything is saved
 * and restored on every switch (no lazy state), so nothing of one guest can
 * be observed by the next.
 */
#include <asm/cpu.h>
#include <asm/gic.h>
#include <asm/mmu.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>
#include <asm/timer.h>
#include <asm/vcpu.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <public/domctl.h>
#include <flaxen/lib.h>
#include <flaxen/string.h>

#define APIBKEYLO_EL1 S3_0_C2_C1_2
#define APIBKEYHI_EL1 S3_0_C2_C1_3
#define APDAKEYLO_EL1 S3_0_C2_C2_0
#define APDAKEYHI_EL1 S3_0_C2_C2_1
#define APDBKEYLO_EL1 S3_0_C2_C2_2
#define APDBKEYHI_EL1 S3_0_C2_C2_3
#define APGAKEYLO_EL1 S3_0_C2_C3_0
#define APGAKEYHI_EL1 S3_0_C2_C3_1
#define APIAKEYLO_EL1 S3_0_C2_C1_0
#define APIAKEYHI_EL1 S3_0_C2_C1_1

/* The system registers switched with a vCPU: field of struct vcpu_sysregs, register. */
#define VCPU_SYSREGS(X)                                                                            \
    X(sctlr_el1, sctlr_el1)                                                                        \
    X(cpacr_el1, cpacr_el1)                                                                        \
    X(ttbr0_el1, ttbr0_el1)                                                                        \
    X(ttbr1_el1, ttbr1_el1)                                                                        \
    X(tcr_el1, tcr_el1)                                                                            \
    X(mair_el1, mair_el1)                                                                          \
    X(amair_el1, amair_el1)                                                                        \
    X(vbar_el1, vbar_el1)                                                                          \
    X(contextidr_el1, contextidr_el1)                                                              \
    X(tpidr_el0, tpidr_el0)                                                                        \
    X(tpidrro_el0, tpidrro_el0)                                                                    \
    X(tpidr_el1, tpidr_el1)                                                                        \
    X(sp_el1, sp_el1)                                                                              \
    X(elr_el1, elr_el1)                                                                            \
    X(spsr_el1, spsr_el1)                                                                          \
    X(esr_el1, esr_el1)                                                                            \
    X(far_el1, far_el1)                                                                            \
    X(afsr0_el1, afsr0_el1)                                                                        \
    X(afsr1_el1, afsr1_el1)                                                                        \
    X(par_el1, par_el1)                                                                            \
    X(cntkctl_el1, cntkctl_el1)                                                                    \
    X(csselr_el1, csselr_el1)

#define VCPU_PAC_KEYS(X)                                                                           \
    X(apib_lo, APIBKEYLO_EL1)                                                                      \
    X(apib_hi, APIBKEYHI_EL1)                                                                      \
    X(apda_lo, APDAKEYLO_EL1)                                                                      \
    X(apda_hi, APDAKEYHI_EL1)                                                                      \
    X(apdb_lo, APDBKEYLO_EL1)                                                                      \
    X(apdb_hi, APDBKEYHI_EL1)                                                                      \
    X(apga_lo, APGAKEYLO_EL1)                                                                      \
    X(apga_hi, APGAKEYHI_EL1)

static struct cpu_regs *guest_frames[NR_CPUS];

struct cpu_regs *guest_frame(void)
{
    return guest_frames[arch_cpu_id()];
}

/* trap.c tells where the frame of the current trap is. */
void vcpu_set_guest_frame(struct cpu_regs *regs)
{
    guest_frames[arch_cpu_id()] = regs;
}

void arch_vcpu_init(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;

    memset(&a->regs, 0, sizeof(a->regs));
    memset(&a->sys, 0, sizeof(a->sys));
    memset(&a->fp, 0, sizeof(a->fp));
    a->regs.spsr = PSR_GUEST_RESET;
    a->sys.sctlr_el1 = SCTLR_EL1_RESET;
    a->sys.vmpidr_el2 = (1ull << 31) | v->mpidr;
    a->hcr = HCR_GUEST | (cpu_pac_enabled() ? HCR_API | HCR_APK : 0);
}

void arch_vcpu_set_entry(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    struct arch_vcpu *a = &v->arch;

    memset(&a->regs, 0, sizeof(a->regs));
    a->regs.x[0] = arg;
    a->regs.elr = entry;
    a->regs.spsr = PSR_GUEST_RESET;
    a->sys.sctlr_el1 = SCTLR_EL1_RESET;
}

static void sysregs_load(const struct vcpu *v)
{
    const struct vcpu_sysregs *s = &v->arch.sys;

#define LOAD_ONE(field, reg) WRITE_SYSREG(reg, s->field);
    VCPU_SYSREGS(LOAD_ONE)
    if (cpu_pac_enabled()) {
        VCPU_PAC_KEYS(LOAD_ONE)
    }
#undef LOAD_ONE
    WRITE_SYSREG(vmpidr_el2, s->vmpidr_el2);
}

static void sysregs_save(struct vcpu *v)
{
    struct vcpu_sysregs *s = &v->arch.sys;

#define SAVE_ONE(field, reg) s->field = READ_SYSREG(reg);
    VCPU_SYSREGS(SAVE_ONE)
    if (cpu_pac_enabled()) {
        VCPU_PAC_KEYS(SAVE_ONE)
    }
#undef SAVE_ONE
}

static bool first_entry_done;

/* The benchmark's "QEMU start to first guest instruction": the counter starts at 0 at reset. */
static void report_first_entry(void)
{
    if (__atomic_exchange_n(&first_entry_done, true, __ATOMIC_RELAXED))
        return;
    printk("first guest entry at %lu ns after reset\n", (unsigned long)arch_time_ns());
}

void arch_vcpu_enter(struct vcpu *v)
{
    report_first_entry();
    WRITE_SYSREG(vttbr_el2, v->domain->arch.p2m.vttbr);
    WRITE_SYSREG(hcr_el2, v->arch.hcr);
    sysregs_load(v);
    fpsimd_restore(&v->arch.fp);
    vtimer_restore(v);
    vgic_restore(v);
    isb();
    arch_guest_resume(&v->arch.regs);
}

void arch_vcpu_save(struct vcpu *v)
{
    const struct cpu_regs *frame = guest_frame();

    BUG_ON(!frame);
    memcpy(&v->arch.regs, frame, sizeof(*frame));
    sysregs_save(v);
    fpsimd_save(&v->arch.fp);
    vtimer_save(v);
    vgic_save(v);
    guest_frames[arch_cpu_id()] = NULL;
}

bool arch_vcpu_has_pending_irq(struct vcpu *v)
{
    return vgic_has_pending(v);
}

uint64_t arch_vcpu_timer_deadline(const struct vcpu *v)
{
    return vtimer_deadline_ns(v);
}

void arch_idle_wait(void)
{
    __asm__ volatile("dsb sy\n\twfi" ::: "memory");
    gic_handle_irqs();
}

void arch_timer_set(uint64_t deadline_ns)
{
    timer_set_deadline(deadline_ns);
}

void arch_send_reschedule(unsigned cpu)
{
    gic_send_sgi(cpu, SGI_RESCHEDULE);
}

int arch_domain_init(struct domain *d)
{
    int rc = p2m_init(d);

    if (rc)
        return rc;
    rc = vgic_domain_init(d);
    if (rc) {
        p2m_destroy(d);
        return rc;
    }
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        vgic_vcpu_init(d->vcpus[i]);
        vtimer_vcpu_init(d->vcpus[i]);
    }
    return 0;
}

void arch_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *ctx)
{
    const struct cpu_regs *r = &v->arch.regs;
    const struct vcpu_sysregs *s = &v->arch.sys;

    for (unsigned i = 0; i < 31; i++)
        ctx->user_regs.x[i] = r->x[i];
    ctx->user_regs.pc64 = r->elr;
    ctx->user_regs.cpsr = r->spsr;
    ctx->user_regs.sp_el0 = r->sp;
    ctx->user_regs.spsr_el1 = s->spsr_el1;
    ctx->user_regs.sp_el1 = s->sp_el1;
    ctx->user_regs.elr_el1 = s->elr_el1;
    ctx->sctlr = s->sctlr_el1;
    ctx->ttbcr = s->tcr_el1;
    ctx->ttbr0 = s->ttbr0_el1;
    ctx->ttbr1 = s->ttbr1_el1;
    ctx->flags = v->state != VCPU_OFFLINE ? VGCF_online : 0;
}

void arch_vcpu_raise_irq(struct vcpu *v, unsigned intid)
{
    vgic_inject(v, intid);
}

void arch_domain_destroy(struct domain *d)
{
    p2m_destroy(d);
}

int arch_domain_map_ram(struct domain *d, uint64_t gpa, paddr_t pa, uint64_t size)
{
    return p2m_map_ram(d, gpa, pa, size);
}

int arch_domain_translate(struct domain *d, uint64_t gpa, bool write, paddr_t *pa)
{
    return p2m_lookup(d, gpa, write, pa);
}

int arch_domain_set_page(struct domain *d, uint64_t gpa, paddr_t pa, bool writable, paddr_t *old_pa)
{
    return p2m_set_page(d, gpa, pa, writable, old_pa);
}

int arch_domain_clear_page(struct domain *d, uint64_t gpa, paddr_t *old_pa)
{
    return p2m_clear_page(d, gpa, old_pa);
}

void arch_dcache_clean(const void *start, size_t len)
{
    dcache_clean_range(start, (const char *)start + len);
}

void arch_virt_boot_init(const struct bootinfo *bi)
{
    int rc = gic_init(bi);

    if (rc)
        panic("GICv3 set-up failed: error %d", rc);
    p2m_boot_init();
}

void arch_cpu_virt_init(void)
{
    WRITE_SYSREG(mdcr_el2, MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA |
                               ((READ_SYSREG(pmcr_el0) >> 11) & 0x1f));
    p2m_cpu_init();
    if (gic_cpu_init())
        panic("CPU %u: GIC CPU interface set-up failed", arch_cpu_id());
    timer_cpu_init();
    isb();
}
