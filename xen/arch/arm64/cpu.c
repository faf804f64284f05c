/*
 * arm64 implementation of the CPU part of flaxen/arch.h.
 *
 * Random numbers: RNDR (FEAT_RNG, ID_AA64ISAR0_EL1.RNDR != 0), which reports
 * failure through PSTATE.Z. Without it, or when it keeps failing, the
 * fallback mixes repeated reads of the generic counter (CNTPCT_EL0) taken
 * around data-dependent delays with the CPU's identity through the
 * splitmix64 finaliser. That is weak: on deterministic hardware or an
 * emulator with -icount the result is predictable. The boot log names the
 * source so a deployment can tell.
 */
#include <asm/cpu.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>

static bool cpu_pac_on;

unsigned arch_cpu_id(void)
{
    return (unsigned)READ_SYSREG(tpidr_el2);
}

uint64_t arch_cpu_hwid(void)
{
    return READ_SYSREG(mpidr_el1) & MPIDR_HWID_MASK;
}

void arch_cpu_relax(void)
{
    __asm__ volatile("yield" ::: "memory");
}

void arch_halt(void)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    for (;;)
        __asm__ volatile("wfe" ::: "memory");
}

uint64_t arch_time_ns(void)
{
    uint64_t ticks, freq = READ_SYSREG(cntfrq_el0) & 0xffffffffu;

    isb();
    ticks = READ_SYSREG(cntpct_el0);
    if (freq == 0)
        return ticks;
    return (ticks / freq) * 1000000000ull + (ticks % freq) * 1000000000ull / freq;
}

static bool rndr_read(uint64_t *value)
{
    uint64_t v, flags;

    __asm__ volatile("mrs %0, S3_3_C2_C4_0\n\tmrs %1, nzcv" /* RNDR */
                     : "=r"(v), "=r"(flags)
                     :
                     : "cc");
    *value = v;
    return !(flags & (1ull << 30)); /* Z set: no random number this time */
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t counter_mix(void)
{
    uint64_t acc = READ_SYSREG(midr_el1) ^ (READ_SYSREG(mpidr_el1) << 32);

    for (unsigned i = 0; i < 64; i++) {
        uint64_t t;

        isb();
        t = READ_SYSREG(cntpct_el0);
        acc = mix64(acc ^ t ^ ((uint64_t)i << 56));
        for (uint64_t spin = acc & 0x3f; spin; spin--)
            arch_cpu_relax();
    }
    return acc;
}

const char *arch_random_u64(uint64_t *value)
{
    if (ID_FIELD(READ_SYSREG(id_aa64isar0_el1), ID_ISAR0_RNDR_SHIFT) != 0) {
        for (unsigned attempt = 0; attempt < 16; attempt++)
            if (rndr_read(value))
                return "RNDR";
    }
    *value = counter_mix();
    return "counter mix (no RNDR: weak, predictable under emulation)";
}

static bool cpu_has_pac(void)
{
    uint64_t isar1 = READ_SYSREG(id_aa64isar1_el1);
    uint64_t isar2 = READ_SYSREG(ID_AA64ISAR2_EL1);

    return ID_FIELD(isar1, ID_ISAR1_APA_SHIFT) || ID_FIELD(isar1, ID_ISAR1_API_SHIFT) ||
           ID_FIELD(isar2, ID_ISAR2_APA3_SHIFT);
}

/* Built without return-address signing: it returns after turning signing on. */
__attribute__((target("branch-protection=none"))) void cpu_pac_enable_boot(void)
{
    if (!cpu_has_pac())
        return;
    arch_random_u64(&mmu_config.key_lo);
    arch_random_u64(&mmu_config.key_hi);
    mmu_config.sctlr |= SCTLR_EL2_ENIA;
    arch_mmu_enable(&mmu_config); /* same tables; now with the key and EnIA */
    cpu_pac_on = true;
}

bool cpu_pac_enabled(void)
{
    return cpu_pac_on;
}

void arch_print_cpu_info(void)
{
    printk("CPU: MIDR %#lx, boot CPU MPIDR %#lx\n", (unsigned long)READ_SYSREG(midr_el1),
           (unsigned long)arch_cpu_hwid());
    printk("hardening: W^X with SCTLR_EL2.WXN, stack guard pages, BTI %s, PAC %s\n",
           mm_bti_enabled() ? "on" : "off (CPU lacks FEAT_BTI)",
           cpu_pac_on ? "on (APIA key, return addresses)" : "off (CPU lacks FEAT_PAuth)");
    mm_print_info();
}

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa; /* the identity map covers all RAM */
}

paddr_t arch_virt_to_phys(const void *va)
{
    return (paddr_t)(uintptr_t)va;
}
