/*
 * AArch64 EL1 facts the test guests need: system-register access, the exception syndrome
 * (ESR_EL1) fields, and the generic timer's virtual counter and timer.
 *
 * Encodings follow the Arm ARM (DDI 0487): D17.2 (ESR_EL1, MPIDR_EL1), D11 (generic timer,
 * CNTV_CTL_EL0 bits ENABLE=0, IMASK=1, ISTATUS=2), C5.2.2 (DAIF).
 */
#ifndef FLAXEN_GUEST_ARCH_H
#define FLAXEN_GUEST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#define SYSREG_READ(name)                                                                          \
    ({                                                                                             \
        uint64_t sysreg_value_;                                                                    \
        __asm__ volatile("mrs %0, " #name : "=r"(sysreg_value_));                                  \
        sysreg_value_;                                                                             \
    })

#define SYSREG_WRITE(name, value)                                                                  \
    do {                                                                                           \
        uint64_t sysreg_value_ = (uint64_t)(value);                                                \
        __asm__ volatile("msr " #name ", %0" : : "r"(sysreg_value_) : "memory");                   \
    } while (0)

static inline void arch_isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

/* Full-system barrier: orders plain memory accesses between CPUs (MMU off: Device memory). */
static inline void arch_dsb(void)
{
    __asm__ volatile("dsb sy" : : : "memory");
}

static inline void arch_wait_for_event(void)
{
    __asm__ volatile("wfe" : : : "memory");
}

static inline void arch_send_event(void)
{
    __asm__ volatile("sev" : : : "memory");
}

static inline void arch_wait_for_interrupt(void)
{
    __asm__ volatile("wfi" : : : "memory");
}

/* PSTATE.I (DAIF bit 7, Arm ARM C5.2.2): IRQs are taken only while it is clear. */
#define DAIF_IRQ_MASKED (1u << 7)

static inline void arch_irq_unmask(void)
{
    __asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void arch_irq_mask(void)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline bool arch_irq_masked(void)
{
    return (SYSREG_READ(daif) & DAIF_IRQ_MASKED) != 0;
}

/* MPIDR_EL1 affinity fields Aff3:Aff2:Aff1:Aff0, the value PSCI calls use as a CPU's id. */
static inline uint64_t arch_mpidr_affinity(void)
{
    return SYSREG_READ(mpidr_el1) & 0xff00ffffffull;
}

static inline unsigned int arch_current_el(void)
{
    return (unsigned int)((SYSREG_READ(CurrentEL) >> 2) & 3);
}

/*
 * Device-register access: one single-register load or store without writeback, so that a
 * hypervisor trapping it gets a complete syndrome (ESR_ELx.ISV = 1, Arm ARM D17.2.40) and can
 * emulate it. Plain C through volatile pointers may compile to forms it cannot decode.
 */
static inline uint32_t mmio_read32(uintptr_t address)
{
    uint32_t value;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline void mmio_write32(uintptr_t address, uint32_t value)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(value), "r"(address) : "memory");
}

static inline uint64_t mmio_read64(uintptr_t address)
{
    uint64_t value;
    __asm__ volatile("ldr %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline void mmio_write64(uintptr_t address, uint64_t value)
{
    __asm__ volatile("str %0, [%1]" : : "r"(value), "r"(address) : "memory");
}

/* ---- exception syndrome (ESR_ELx) ---- */
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0x00 /* undefined instruction, among others */
#define ESR_EC_WFX 0x01
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYSREG 0x18
#define ESR_EC_IABT_LOWER 0x20
#define ESR_EC_IABT_SAME 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOWER 0x24
#define ESR_EC_DABT_SAME 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK64 0x3c

#define ESR_ISS_MASK 0x1ffffffull
#define ESR_DABT_WNR (1ull << 6)   /* the access was a write */
#define ESR_DABT_FNV (1ull << 10)  /* FAR is not valid */
#define ESR_DABT_EA (1ull << 9)    /* external abort type */
#define ESR_DABT_DFSC_MASK 0x3full /* data fault status code */
#define ESR_DFSC_SYNC_EXTERNAL 0x10

static inline unsigned int esr_class(uint64_t esr)
{
    return (unsigned int)((esr >> ESR_EC_SHIFT) & 0x3f);
}

static inline uint64_t esr_iss(uint64_t esr)
{
    return esr & ESR_ISS_MASK;
}

/* ---- generic timer, virtual view ---- */
#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)
#define CNTV_CTL_ISTATUS (1u << 2)

/* The virtual count (CNTVCT_EL0); the ISB keeps the read from being hoisted. */
static inline uint64_t timer_count(void)
{
    arch_isb();
    return SYSREG_READ(cntvct_el0);
}

static inline uint64_t timer_frequency(void)
{
    return SYSREG_READ(cntfrq_el0);
}

static inline uint64_t timer_control(void)
{
    return SYSREG_READ(cntv_ctl_el0);
}

static inline void timer_set_control(uint64_t value)
{
    SYSREG_WRITE(cntv_ctl_el0, value);
    arch_isb();
}

static inline void timer_set_compare(uint64_t value)
{
    SYSREG_WRITE(cntv_cval_el0, value);
    arch_isb();
}

static inline uint64_t timer_compare(void)
{
    return SYSREG_READ(cntv_cval_el0);
}

#endif
