/*
 * The virtual GICv3 of a domain (vgic.c, vgic_emul.c): an emulated
 * distributor and one emulated redistributor per vCPU in the guest's
 * address space, and the hardware's virtual CPU interface (ICH_*_EL2 list
 * registers, Arm IHI 0069 chapter 6) to deliver virtual interrupts.
 *
 * Guest memory map (Xen's on Arm, so Linux's drivers find the same):
 * distributor at VGIC_GICD_BASE, redistributors from VGIC_GICR_BASE with a
 * VGIC_GICR_STRIDE stride (RD_base + SGI_base frames).
 */
#ifndef ASM_VGIC_H
#define ASM_VGIC_H

#include <flaxen/spinlock.h>
#include <flaxen/types.h>

#define VGIC_GICD_BASE 0x03001000ull
#define VGIC_GICD_SIZE 0x10000ull
#define VGIC_GICR_BASE 0x03020000ull
#define VGIC_GICR_STRIDE 0x20000ull
#define VGIC_NR_SPIS 32 /* SPI INTIDs 32..63 */
#define VGIC_NR_IRQS (32 + VGIC_NR_SPIS)
#define VGIC_MAX_LRS 16

#define VGIC_PPI_VTIMER 27
#define VGIC_PPI_EVTCHN 31

struct vcpu;
struct domain;
struct cpu_regs;

/* Per-vCPU state: the redistributor's SGI/PPI registers and the saved CPU interface. */
struct vgic_cpu {
    /* Emulated redistributor (SGI_base frame), INTIDs 0..31. */
    uint32_t enabled;
    uint32_t pending;
    uint32_t active;
    uint32_t group1;
    uint32_t edge; /* ICFGR1: 1 = edge-triggered PPI */
    uint8_t priority[32];
    bool sleeping; /* GICR_WAKER.ProcessorSleep */
    /* Saved virtual CPU interface. */
    uint64_t lr[VGIC_MAX_LRS];
    uint32_t ap0r[4];
    uint32_t ap1r[4];
    uint64_t vmcr;
    uint64_t hcr;
};

/* Per-domain state: the emulated distributor. */
struct vgic_dist {
    struct spinlock lock;
    uint32_t ctlr;
    uint32_t enabled[VGIC_NR_IRQS / 32];
    uint32_t pending[VGIC_NR_IRQS / 32];
    uint32_t active[VGIC_NR_IRQS / 32];
    uint32_t group1[VGIC_NR_IRQS / 32];
    uint32_t edge[VGIC_NR_IRQS / 32];
    uint8_t priority[VGIC_NR_IRQS];
    uint64_t route[VGIC_NR_IRQS]; /* IROUTER: target MPIDR affinity */
};

/* Registers the distributor and d->nr_vcpus redistributors as MMIO regions. 0 or -errno. */
int vgic_domain_init(struct domain *d);

/* Sets up vCPU v's redistributor and virtual CPU interface state (all masked). */
void vgic_vcpu_init(struct vcpu *v);

/* Saves the CPU's virtual interface state into v (v stops running here). */
void vgic_save(struct vcpu *v);

/* Loads v's virtual interface state, with its pending interrupts in the list registers. */
void vgic_restore(struct vcpu *v);

/*
 * Makes INTID `intid` pending: an SGI/PPI for vCPU v, or an SPI of v's
 * domain (delivered to the vCPU it is routed to). Kicks the target vCPU.
 * 0, or -EINVAL for an INTID the domain does not have.
 */
int vgic_inject(struct vcpu *v, unsigned intid);

/* True when v has an enabled, pending interrupt it could take (ends a WFI). */
bool vgic_has_pending(struct vcpu *v);

/*
 * A trapped system-register access of the GIC CPU interface (ICC_SGI1R_EL1
 * and friends; ESR ISS in `iss`). Returns true when it was one (emulated,
 * with x[Rt] updated for a read), false when it is not a GIC register.
 */
bool vgic_sysreg_access(struct vcpu *v, uint32_t iss, struct cpu_regs *regs);

/* The maintenance interrupt (list registers drained or underflow) while v ran. */
void vgic_maintenance_interrupt(struct vcpu *v);

#endif
