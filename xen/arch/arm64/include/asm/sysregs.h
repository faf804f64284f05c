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

#endif
