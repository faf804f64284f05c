/*
 * The arm64 part of a domain and of a vCPU: stage-2 translation, the EL1
 * system registers, FP/SIMD state, the virtual GIC and the virtual timer.
 *
 * Pure C (no system-register access here) so host tests of the emulation
 * code can include it.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/regs.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

#include <flaxen/spinlock.h>
#include <flaxen/types.h>

/* Stage-2 translation of one domain (p2m.c). */
struct p2m {
    paddr_t root;   /* level-1 table (39-bit IPA, 4 KiB granule) */
    uint64_t vttbr; /* VMID << 48 | root */
    unsigned vmid;
    unsigned nr_tables; /* table pages in use, root included */
    struct spinlock lock;
};

/* EL1 (and EL0) system registers a guest owns; switched with the vCPU. */
struct vcpu_sysregs {
    uint64_t sctlr_el1, actlr_el1, cpacr_el1;
    uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
    uint64_t vbar_el1, contextidr_el1;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
    uint64_t sp_el1, elr_el1, spsr_el1;
    uint64_t esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1;
    uint64_t cntkctl_el1, csselr_el1, mdscr_el1;
    uint64_t vmpidr_el2;
    /* Pointer-authentication keys other than APIA (APIA travels in the frame). */
    uint64_t apib_lo, apib_hi, apda_lo, apda_hi, apdb_lo, apdb_hi, apga_lo, apga_hi;
};

/* FP/SIMD registers V0-V31 and FPSR/FPCR (saved by fpsimd.S). */
struct vcpu_fpsimd {
    uint64_t v[64];
    uint64_t fpsr;
    uint64_t fpcr;
};

struct arch_vcpu {
    struct cpu_regs regs; /* the guest's general registers when not running */
    struct vcpu_sysregs sys;
    struct vcpu_fpsimd fp __attribute__((aligned(16)));
    struct vgic_cpu vgic;
    struct vtimer vtimer;
    uint64_t hcr; /* HCR_EL2 while this vCPU runs */
};

struct arch_domain {
    struct p2m p2m;
    struct vgic_dist vgic;
};

#endif
