/*
 * Every exception a guest causes comes here (trap_from_guest): hypercalls,
 * PSCI/SMCCC calls, trapped system registers, WFI/WFE, stage-2 aborts (MMIO
 * emulation or a fault given back to the guest), interrupts, SErrors.
 *
 * Nothing a guest does halts the hypervisor: what cannot be emulated becomes
 * an exception injected into the guest (Arm ARM D1.10: exception entry to
 * EL1), and what the guest can no longer handle (its own vector table is
 * not mapped, an SError, AArch32) crashes that domain. Log lines about
 * guest behaviour are rate-limited.
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <asm/vgic.h>
#include <asm/vcpu.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/hypercall.h>
#include <flaxen/lib.h>
#include <flaxen/mmio.h>
#include <flaxen/sched.h>
#include <public/sched.h>
#include <public/xen.h>

#define GUEST_LOG_BURST 40
#define GUEST_LOG_PER_S 10

void vcpu_set_guest_frame(struct cpu_regs *regs);

static struct spinlock guest_log_lock = SPINLOCK_INIT;
static uint64_t guest_log_tokens = GUEST_LOG_BURST, guest_log_refill_ns;

/* Whether one more line about guest behaviour may be printed (a global token bucket). */
static bool guest_log_allowed(void)
{
    uint64_t now = arch_time_ns();
    bool ok;

    spin_lock(&guest_log_lock);
    if (now > guest_log_refill_ns + 1000000000ull / GUEST_LOG_PER_S) {
        guest_log_tokens += (now - guest_log_refill_ns) / (1000000000ull / GUEST_LOG_PER_S);
        if (guest_log_tokens > GUEST_LOG_BURST)
            guest_log_tokens = GUEST_LOG_BURST;
        guest_log_refill_ns = now;
    }
    ok = guest_log_tokens > 0;
    guest_log_tokens -= ok;
    spin_unlock(&guest_log_lock);
    return ok;
}

static void guest_crash(struct vcpu *v, const struct cpu_regs *regs, const char *why)
{
    printk("d%uv%u: crashed: %s (ESR %#lx, ELR %#lx, FAR %#lx)\n", v->domain->id, v->id, why,
           (unsigned long)regs->esr, (unsigned long)regs->elr, (unsigned long)regs->far);
    domain_shutdown(v->domain, SHUTDOWN_crash);
}

/* Enters the guest's EL1 exception vector with `esr`/`far` (the vCPU is loaded). */
static void inject_exception(struct vcpu *v, struct cpu_regs *regs, unsigned ec, uint64_t iss,
                             uint64_t far)
{
    uint64_t mode = regs->spsr & PSR_MODE_MASK, vbar = READ_SYSREG(vbar_el1);
    uint64_t offset = mode == PSR_MODE_EL1H ? 0x200 : mode == PSR_MODE_EL1T ? 0 : 0x400;

    if (mode != PSR_MODE_EL0T && mode != PSR_MODE_EL1T && mode != PSR_MODE_EL1H) {
        guest_crash(v, regs, "exception in an unsupported mode");
        return;
    }
    /* A guest from EL0 sees the "lower EL" class; EC+1 is "same EL" for aborts. */
    if (mode != PSR_MODE_EL0T && (ec == EC_DABT_LOWER || ec == EC_IABT_LOWER))
        ec++;
    WRITE_SYSREG(elr_el1, regs->elr);
    WRITE_SYSREG(spsr_el1, regs->spsr);
    WRITE_SYSREG(esr_el1, ((uint64_t)ec << ESR_EC_SHIFT) | ESR_IL | iss);
    WRITE_SYSREG(far_el1, far);
    regs->elr = vbar + offset;
    regs->spsr = PSR_DAIF | PSR_MODE_EL1H;
}

void inject_undefined(struct vcpu *v, struct cpu_regs *regs)
{
    inject_exception(v, regs, EC_UNKNOWN, 0, 0);
}

void inject_data_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t far, bool write)
{
    /* DFSC 0x10: synchronous external abort, as a bus error would report it. */
    inject_exception(v, regs, EC_DABT_LOWER, (write ? 1u << 6 : 0) | 0x10, far);
}

void inject_instruction_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t far)
{
    inject_exception(v, regs, EC_IABT_LOWER, 0x10, far);
}

static void handle_hvc(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned imm = regs->esr & 0xffff;
    struct hypercall_result result;

    if (imm == 0) {
        vpsci_call(v, regs);
        return;
    }
    if (imm != XEN_HYPERCALL_TAG) {
        regs->elr -= 4; /* undefined: report the HVC itself */
        inject_undefined(v, regs);
        return;
    }
    hypercall_dispatch(v, regs->x[16], regs->x, &result);
    if (result.restart) {
        for (unsigned i = 0; i < HYPERCALL_ARGS; i++)
            regs->x[i] = result.args[i];
        regs->elr -= 4; /* the guest issues the same HVC again */
        return;
    }
    regs->x[0] = (uint64_t)result.value;
}

static void handle_smc(struct vcpu *v, struct cpu_regs *regs)
{
    if (regs->esr & 0xffff) {
        inject_undefined(v, regs);
        return;
    }
    regs->elr += 4; /* a trapped SMC reports its own address */
    vpsci_call(v, regs);
}

static void handle_wfx(struct vcpu *v, struct cpu_regs *regs)
{
    regs->elr += 4;
    if (regs->esr & 1) {
        sched_vcpu_yield(v); /* WFE: someone else may hold what it waits for */
        return;
    }
    if (!arch_vcpu_has_pending_irq(v))
        sched_vcpu_block(v, arch_vcpu_timer_deadline(v));
}

/* The ISS of a trapped MSR/MRS (Arm ARM D17.2.37, EC 0x18). */
struct sysreg_access {
    unsigned op0, op1, crn, crm, op2, rt;
    bool read;
};

static struct sysreg_access decode_sysreg(uint64_t iss)
{
    return (struct sysreg_access){
        .op0 = (iss >> 20) & 3,
        .op2 = (iss >> 17) & 7,
        .op1 = (iss >> 14) & 7,
        .crn = (iss >> 10) & 0xf,
        .rt = (iss >> 5) & 0x1f,
        .crm = (iss >> 1) & 0xf,
        .read = iss & 1,
    };
}

/* Registers emulated as absent: reads give 0, writes are ignored. */
static bool sysreg_is_raz_wi(const struct sysreg_access *a)
{
    if (a->op0 == 2)
        return true; /* debug registers (MDCR_EL2.TDA/TDOSA/TDRA) */
    if (a->op0 == 3 && a->crn == 9 && a->crm >= 12)
        return true; /* performance monitors (TPM/TPMCR) */
    if (a->op0 == 3 && a->op1 == 3 && a->crn == 14 && (a->crm == 2 || a->crm >= 8))
        return true; /* EL1 physical timer (CNTHCTL_EL2.EL1PCEN = 0), PMU event counters */
    if (a->op0 == 3 && a->op1 == 0 && a->crn == 1 && a->crm == 0 && a->op2 == 1)
        return true; /* ACTLR_EL1 (HCR_EL2.TACR) */
    return false;
}

/* DC ISW / CSW / CISW (HCR_EL2.TSW): nothing to do, the hypervisor keeps guest RAM coherent. */
static bool sysreg_is_set_way(const struct sysreg_access *a)
{
    return a->op0 == 1 && a->op1 == 0 && a->crn == 7 && a->op2 == 2 &&
           (a->crm == 6 || a->crm == 10 || a->crm == 14);
}

static void handle_sysreg(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t iss = ESR_ISS(regs->esr);
    struct sysreg_access a = decode_sysreg(iss);

    if (a.op0 == 3 && a.op1 == 0 && a.crn == 0 && a.crm >= 1 && a.crm <= 7 && a.read) {
        if (a.rt != 31)
            regs->x[a.rt] = idregs_guest_value(a.crm, a.op2); /* HCR_EL2.TID3 */
        regs->elr += 4;
        return;
    }
    if (vgic_sysreg_access(v, (uint32_t)iss, regs)) {
        regs->elr += 4;
        return;
    }
    if (sysreg_is_raz_wi(&a) || sysreg_is_set_way(&a)) {
        if (a.read && a.rt != 31)
            regs->x[a.rt] = 0;
        regs->elr += 4;
        return;
    }
    if (guest_log_allowed())
        printk("d%uv%u: system register S%u_%u_C%u_C%u_%u %s at %#lx: undefined\n", v->domain->id,
               v->id, a.op0, a.op1, a.crn, a.crm, a.op2, a.read ? "read" : "write",
               (unsigned long)regs->elr);
    inject_undefined(v, regs);
}

static uint64_t mmio_read_value(uint64_t value, unsigned size, bool sign_extend, bool sixty_four)
{
    unsigned bits = size * 8;

    if (sign_extend && bits < 64 && (value & (1ull << (bits - 1))))
        value |= ~0ull << bits;
    return sixty_four ? value : (uint32_t)value;
}

/*
 * Whether a stage-2 translation fault at ipa raced with a change of the
 * domain's stage 2 (a block being split into pages under the p2m lock): the
 * address is mapped now, so the access is simply retried.
 */
static bool stage2_fault_was_transient(struct vcpu *v, uint64_t fsc, uint64_t ipa, bool write)
{
    paddr_t pa;

    return fsc >= 0x04 && fsc <= 0x07 && arch_domain_translate(v->domain, ipa, write, &pa) == 0;
}

/* A stage-2 data abort: emulated MMIO, or a data abort for the guest. */
static void handle_data_abort(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t iss = ESR_ISS(regs->esr), dfsc = iss & 0x3f;
    uint64_t ipa = ((regs->hpfar & 0x00000ffffffffff0ull) << 8) | (regs->far & 0xfff);
    bool write = iss & (1u << 6), s1ptw = iss & (1u << 7), isv = iss & (1u << 24);
    unsigned rt = (iss >> 16) & 0x1f;
    struct mmio_access access = {ipa, 1u << ((iss >> 22) & 3), write, 0};

    if (stage2_fault_was_transient(v, dfsc, ipa, write && !s1ptw))
        return;

    if (isv && !s1ptw && dfsc >= 0x04 && dfsc <= 0x07) {
        if (write)
            access.value = rt == 31 ? 0 : regs->x[rt];
        if (mmio_dispatch(v, &access) == 0) {
            if (!write && rt != 31)
                regs->x[rt] =
                    mmio_read_value(access.value, access.size, iss & (1u << 21), iss & (1u << 15));
            regs->elr += 4;
            return;
        }
    }
    if (guest_log_allowed())
        printk("d%uv%u: %s at IPA %#lx (VA %#lx, PC %#lx)%s: data abort to the guest\n",
               v->domain->id, v->id, write ? "write" : "read", (unsigned long)ipa,
               (unsigned long)regs->far, (unsigned long)regs->elr, isv ? "" : ", not decodable");
    inject_data_abort(v, regs, regs->far, write);
}

static void handle_instruction_abort(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t vbar = READ_SYSREG(vbar_el1);
    uint64_t ipa = ((regs->hpfar & 0x00000ffffffffff0ull) << 8) | (regs->far & 0xfff);

    if (stage2_fault_was_transient(v, ESR_ISS(regs->esr) & 0x3f, ipa, false))
        return;
    /* The guest's own vector table is not there: it cannot take any exception. */
    if (regs->far >= vbar && regs->far - vbar < 0x800) {
        guest_crash(v, regs, "its exception vectors are not mapped");
        return;
    }
    if (guest_log_allowed())
        printk("d%uv%u: instruction fetch at %#lx faulted: instruction abort to the guest\n",
               v->domain->id, v->id, (unsigned long)regs->far);
    inject_instruction_abort(v, regs, regs->far);
}

static void guest_sync(struct vcpu *v, struct cpu_regs *regs)
{
    switch (ESR_EC(regs->esr)) {
    case EC_HVC64:
        handle_hvc(v, regs);
        break;
    case EC_SMC64:
        handle_smc(v, regs);
        break;
    case EC_SYSREG:
        handle_sysreg(v, regs);
        break;
    case EC_WFX:
        handle_wfx(v, regs);
        break;
    case EC_DABT_LOWER:
        handle_data_abort(v, regs);
        break;
    case EC_IABT_LOWER:
        handle_instruction_abort(v, regs);
        break;
    default:
        if (guest_log_allowed())
            printk("d%uv%u: %s (EC %#x) at %#lx: undefined instruction to the guest\n",
                   v->domain->id, v->id, exception_class_name(ESR_EC(regs->esr)),
                   (unsigned)ESR_EC(regs->esr), (unsigned long)regs->elr);
        inject_undefined(v, regs);
        break;
    }
}

void trap_from_guest(struct cpu_regs *regs, unsigned kind)
{
    struct vcpu *v;

    if (el1_probe_trap(regs, kind))
        return;
    v = current_vcpu();
    BUG_ON(!v);
    vcpu_set_guest_frame(regs);
    if ((kind & 3) == VEC_SYNC && (kind >> 2) == VEC_GROUP_A32)
        guest_crash(v, regs, "a trap from AArch32 code: not supported");
    else if ((kind & 3) == VEC_SYNC)
        guest_sync(v, regs);
    else if ((kind & 3) == VEC_IRQ)
        gic_handle_irqs();
    else if ((kind & 3) == VEC_SERROR)
        guest_crash(v, regs, "SError");
    sched_exit_check(v);
    vgic_refresh(v); /* interrupts made pending for v meanwhile go into its list registers */
}
