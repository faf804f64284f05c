/*
 * PSCI and SMCCC for guests (Arm DEN 0022 PSCI 1.1, DEN 0028 SMCCC 1.1),
 * reached through HVC #0 or SMC #0 from a guest's EL1.
 *
 * CPU_ON only starts a vCPU that is fully off (offline and saved): a vCPU
 * that just called CPU_OFF still reports ON to AFFINITY_INFO until its CPU
 * has saved it, so a CPU_ON sent after AFFINITY_INFO said OFF always works
 * (the race Debian's Xen 4.17 loses; tests/guest psci_cpu_on_again).
 */
#include <asm/vcpu.h>

#include <flaxen/domain.h>
#include <flaxen/sched.h>
#include <public/sched.h>

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND_32 0x84000001u
#define PSCI_CPU_SUSPEND_64 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_32 0x84000003u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO_32 0x84000004u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au

/* PSCI 0.1: the ids the guest device tree's psci node names (cpu_off, cpu_on). */
#define PSCI_0_1_CPU_OFF 1u
#define PSCI_0_1_CPU_ON 2u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_INVALID_ADDRESS (-9)
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_MIGRATE_NOT_REQUIRED 2 /* no Trusted OS that would need migrating */

static const uint32_t psci_functions[] = {
    PSCI_VERSION,           PSCI_CPU_SUSPEND_32, PSCI_CPU_SUSPEND_64,   PSCI_CPU_OFF,
    PSCI_CPU_ON_32,         PSCI_CPU_ON_64,      PSCI_AFFINITY_INFO_32, PSCI_AFFINITY_INFO_64,
    PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,     PSCI_SYSTEM_RESET,     PSCI_FEATURES,
    SMCCC_VERSION,
};

static int64_t psci_features(uint32_t function)
{
    for (unsigned i = 0; i < sizeof(psci_functions) / sizeof(psci_functions[0]); i++)
        if (psci_functions[i] == function)
            return PSCI_SUCCESS;
    return PSCI_NOT_SUPPORTED;
}

/* The argument as the calling convention passes it: 32-bit calls use W registers. */
static uint64_t arg(const struct cpu_regs *regs, unsigned n, bool is64)
{
    return is64 ? regs->x[n] : (uint32_t)regs->x[n];
}

static int64_t psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t context)
{
    struct domain *d = v->domain;
    struct vcpu *t = domain_vcpu_by_mpidr(d, target);

    if (!t)
        return PSCI_INVALID_PARAMETERS;
    if ((entry & 3) || entry < d->ram_gpa || entry - d->ram_gpa >= d->ram_size)
        return PSCI_INVALID_ADDRESS;
    return sched_vcpu_start(t, entry, context) ? PSCI_ALREADY_ON : PSCI_SUCCESS;
}

static int64_t psci_affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
    struct vcpu *t;

    if (level != 0)
        return PSCI_INVALID_PARAMETERS;
    t = domain_vcpu_by_mpidr(v->domain, target);
    if (!t)
        return PSCI_INVALID_PARAMETERS;
    return sched_vcpu_is_off(t) ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
}

void vpsci_call(struct vcpu *v, struct cpu_regs *regs)
{
    uint32_t function = (uint32_t)regs->x[0];
    bool is64 = (function & 0x40000000u) != 0;
    int64_t result = PSCI_NOT_SUPPORTED;

    switch (function) {
    case SMCCC_VERSION:
    case PSCI_VERSION:
        result = 0x10001; /* 1.1 */
        break;
    case PSCI_FEATURES:
        result = psci_features((uint32_t)regs->x[1]);
        break;
    case SMCCC_ARCH_FEATURES:
        result = PSCI_NOT_SUPPORTED; /* no firmware workarounds offered */
        break;
    case PSCI_0_1_CPU_ON:
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
        result = psci_cpu_on(v, arg(regs, 1, is64), arg(regs, 2, is64), arg(regs, 3, is64));
        break;
    case PSCI_0_1_CPU_OFF:
    case PSCI_CPU_OFF:
        sched_vcpu_stop(v);
        return;
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:
        /* Standby only: like WFI, any pending interrupt or the timer ends it. */
        sched_vcpu_block(v, arch_vcpu_timer_deadline(v));
        result = PSCI_SUCCESS;
        break;
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
        result = psci_affinity_info(v, arg(regs, 1, is64), arg(regs, 2, is64));
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        result = PSCI_MIGRATE_NOT_REQUIRED;
        break;
    case PSCI_SYSTEM_OFF:
        domain_shutdown(v->domain, SHUTDOWN_poweroff);
        return;
    case PSCI_SYSTEM_RESET:
        domain_shutdown(v->domain, SHUTDOWN_reboot);
        return;
    default:
        break;
    }
    regs->x[0] = (uint64_t)result;
}
