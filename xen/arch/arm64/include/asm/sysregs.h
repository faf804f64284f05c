/*
 * System register access and the register fields arm64 code uses.
 *
 * Registers the default assembler target does not name are spelled by
 * encoding (S<op0>_<op1>_C<n>_C<m>_<op2>, Arm ARM C5.3). Field positions are
 * from the Arm ARM (DDI 0487) register descriptions, EL2 with HCR_EL2.E2H=0.
 */
#ifndef ASM_SYSREGS_H
#define ASM_SYSREGS_H

#include <stdint.h>

#define READ_SYSREG(name)                                                                          \
    ({                                                                                             \
        uint64_t sysreg_value_;                                                                    \
        __asm__ volatile("mrs %0, " #name : "=r"(sysreg_value_));                                  \
        sysreg_value_;                                                                             \
    })

#define WRITE_SYSREG(name, value) __asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(value)))

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(domain) __asm__ volatile("dsb " #domain ::: "memory")

/* Registers by encoding. */
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2
#define RNDR_EL0 S3_3_C2_C4_0

/* ID_AA64ISAR0_EL1 */
#define ID_ISAR0_RNDR_SHIFT 60
#define ID_ISAR0_SHA2_SHIFT 12 /* 1: SHA-256 instructions, 2: SHA-512 as well */
/* ID_AA64ISAR1_EL1 */
#define ID_ISAR1_APA_SHIFT 4
#define ID_ISAR1_API_SHIFT 8
/* ID_AA64ISAR2_EL1 */
#define ID_ISAR2_APA3_SHIFT 12
/* ID_AA64PFR1_EL1 */
#define ID_PFR1_BT_SHIFT 0
/* ID_AA64MMFR0_EL1 */
#define ID_MMFR0_PARANGE_SHIFT 0

#define ID_FIELD(reg, shift) (((reg) >> (shift)) & 0xf)

/* SCTLR_EL2 (E2H=0) */
#define SCTLR_EL2_M (1ull << 0)
#define SCTLR_EL2_C (1ull << 2)
#define SCTLR_EL2_SA (1ull << 3)
#define SCTLR_EL2_I (1ull << 12)
#define SCTLR_EL2_WXN (1ull << 19)
#define SCTLR_EL2_ENIA (1ull << 31)
#define SCTLR_EL2_RES1                                                                             \
    ((1ull << 4) | (1ull << 5) | (1ull << 11) | (1ull << 16) | (1ull << 18) | (1ull << 22) |       \
     (1ull << 23) | (1ull << 28) | (1ull << 29))

/* TCR_EL2 (E2H=0) */
#define TCR_EL2_RES1 ((1ull << 31) | (1ull << 23))
#define TCR_T0SZ(bits) (64ull - (bits))
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K (0ull << 14)
#define TCR_PS_SHIFT 16

/* MAIR_EL2 attribute indices used in page-table entries. */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer write-back, read/write-allocate */
#define MAIR_IDX_NC 2     /* Normal, non-cacheable */
#define MAIR_EL2_VALUE (0x00ull | (0xffull << 8) | (0x44ull << 16))

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
#define ESR_EC_HVC64 0x16
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_IABT_CUR 0x21

/* MPIDR_EL1: the affinity fields Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define MPIDR_HWID_MASK 0xff00ffffffull

/*
 * Like READ_SYSREG/WRITE_SYSREG, but `name` is macro-expanded first, so a
 * register spelled by one of the encoding macros below can be passed by name.
 */
#define READ_SYSREG_ENC(name) READ_SYSREG(name)
#define WRITE_SYSREG_ENC(name, value) WRITE_SYSREG(name, value)

/* GICv3 CPU interface, physical (ICC_*) and hypervisor control (ICH_*), IHI 0069 12.2-12.4. */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_EISR_EL2 S3_4_C12_C11_3
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
/* ICH_AP0R<n>_EL2 = S3_4_C12_C8_<n>, ICH_AP1R<n>_EL2 = S3_4_C12_C9_<n> (n = 0..3). */
/* ICH_LR<n>_EL2 = S3_4_C12_C12_<n> (n = 0..7), S3_4_C12_C13_<n-8> (n = 8..15). */

/* Trapped GIC system registers: (op0, op1, CRn, CRm, op2) of ICC_SGI1R/ASGI1R/SGI0R_EL1. */
#define ICC_SGI_OP0 3
#define ICC_SGI_OP1 0
#define ICC_SGI_CRN 12
#define ICC_SGI_CRM 11
#define ICC_SGI1R_OP2 5
#define ICC_ASGI1R_OP2 6
#define ICC_SGI0R_OP2 7

/* ICC_SRE_EL2 */
#define ICC_SRE_EL2_SRE (1ull << 0)
#define ICC_SRE_EL2_ENABLE (1ull << 3) /* EL1 accesses to ICC_SRE_EL1 do not trap */
/* ICC_CTLR_EL1 */
#define ICC_CTLR_EOIMODE (1ull << 1) /* EOIR: priority drop only; DIR deactivates */
/* ICC_IAR1_EL1: INTIDs 1020..1023 are special (1023: no pending interrupt). */
#define ICC_IAR_INTID_MASK 0xffffffull
#define ICC_INTID_SPECIAL 1020
#define ICC_INTID_SPURIOUS 1023
/* ICC_SGI1R_EL1 (and the trapped guest value) */
#define ICC_SGI1R_TARGETS_MASK 0xffffull
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_IRM (1ull << 40)
#define ICC_SGI1R_RS_SHIFT 44
#define ICC_SGI1R_AFF3_SHIFT 48

/* ICH_HCR_EL2 */
#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1) /* maintenance interrupt when at most one LR is valid */
/* ICH_VTR_EL2 */
#define ICH_VTR_LISTREGS(vtr) (((vtr)&0x1f) + 1)
#define ICH_VTR_PREBITS(vtr) ((((vtr) >> 26) & 7) + 1)
/* ICH_VMCR_EL2 */
#define ICH_VMCR_VENG0 (1ull << 0)
#define ICH_VMCR_VENG1 (1ull << 1)
#define ICH_VMCR_VPMR_SHIFT 24
/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK 0xffffffffull
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_EOI (1ull << 41) /* HW = 0: EOI maintenance interrupt on deactivation */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP1 (1ull << 60)
#define ICH_LR_HW (1ull << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING 1ull
#define ICH_LR_ACTIVE 2ull

/* Generic timer (Arm ARM D11): CNTHP_CTL_EL2, CNTV_CTL_EL0 share the layout. */
#define CNT_CTL_ENABLE (1ull << 0)
#define CNT_CTL_IMASK (1ull << 1)
#define CNT_CTL_ISTATUS (1ull << 2)
/* CNTHCTL_EL2 (E2H = 0) */
#define CNTHCTL_EL1PCTEN (1ull << 0) /* EL1/EL0 may read CNTPCT_EL0 */
#define CNTHCTL_EL1PCEN (1ull << 1)  /* EL1/EL0 may use the physical timer (we leave it 0) */

#endif
