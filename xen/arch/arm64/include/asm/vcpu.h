/*
 * arm64 vCPU internals shared by vcpu.c, guest_traps.c and vpsci.c.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <asm/regs.h>
#include <flaxen/domain.h>

/* HCR_EL2 while a guest runs (Arm ARM D17.2.48). */
#define HCR_VM (1ull << 0)   /* stage 2 on */
#define HCR_SWIO (1ull << 1) /* set/way invalidate -> clean+invalidate */
#define HCR_FMO (1ull << 3)  /* physical FIQ to EL2, virtual FIQ to the guest */
#define HCR_IMO (1ull << 4)  /* physical IRQ to EL2, virtual IRQ to the guest */
#define HCR_AMO (1ull << 5)  /* SError to EL2 */
#define HCR_FB (1ull << 9)   /* guest TLB/cache maintenance broadcast in the inner domain */
#define HCR_BSU_IS (1ull << 10)
#define HCR_TWI (1ull << 13)  /* WFI traps: the vCPU blocks */
#define HCR_TWE (1ull << 14)  /* WFE traps: the vCPU yields */
#define HCR_TID3 (1ull << 18) /* ID group 3 registers trap: guests see them filtered (idregs.c) */
#define HCR_TSC (1ull << 19)  /* SMC traps: PSCI through SMC is emulated like HVC #0 */
#define HCR_TACR (1ull << 21) /* ACTLR_EL1 traps */
#define HCR_TSW (1ull << 22)  /* data cache set/way operations trap */
#define HCR_RW (1ull << 31)   /* EL1 is AArch64 */
#define HCR_APK (1ull << 40)  /* pointer-authentication key registers do not trap */
#define HCR_API (1ull << 41)  /* pointer-authentication instructions do not trap */
#define HCR_GUEST                                                                                  \
    (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE |   \
     HCR_TID3 | HCR_TSC | HCR_TACR | HCR_TSW | HCR_RW)

/* MDCR_EL2: debug and performance-monitor registers trap (emulated as absent). */
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM (1ull << 6)
#define MDCR_TDA (1ull << 9)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA (1ull << 11)

/* PSTATE / SPSR values (Arm ARM C5.2.19). */
#define PSR_MODE_EL0T 0x0
#define PSR_MODE_EL1T 0x4
#define PSR_MODE_EL1H 0x5
#define PSR_MODE_MASK 0xf
#define PSR_DAIF (0xfull << 6)
#define PSR_GUEST_RESET (PSR_DAIF | PSR_MODE_EL1H)

/* SCTLR_EL1 reset value: the RES1 bits, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ull

/* ESR_ELx exception classes handled for guests. */
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOWER 0x20
#define EC_IABT_SAME 0x21
#define EC_DABT_LOWER 0x24
#define EC_DABT_SAME 0x25
#define ESR_IL (1ull << 25)

/* The guest frame of the trap being handled on this CPU (set by trap_from_guest). */
struct cpu_regs *guest_frame(void);

/* Makes the trapping vCPU take an exception at its EL1 (Arm ARM D1.10.2). */
void inject_undefined(struct vcpu *v, struct cpu_regs *regs);
void inject_data_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t far, bool write);
void inject_instruction_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t far);

/* SMCCC / PSCI calls from a guest (HVC #0 or SMC #0); x0.. in regs, results back there. */
void vpsci_call(struct vcpu *v, struct cpu_regs *regs);

/* idregs.c: what a guest reads in ID register S3_0_C0_C<crm>_<op2> (crm 1..7). */
uint64_t idregs_guest_value(unsigned crm, unsigned op2);

/* fpsimd.S */
void fpsimd_save(struct vcpu_fpsimd *state);
void fpsimd_restore(const struct vcpu_fpsimd *state);

/* vectors.S */
NORETURN void arch_guest_resume(const struct cpu_regs *frame);

#endif
