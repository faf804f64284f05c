/*
 * The virtual GICv3 of a domain (vgic.c, vgic_emul.c): an emulated
 * distributor and one emulated redistributor per vCPU in the guest's
 * address space, and the hardware's virtual CPU interface (ICH_*_EL2 list
 * registers, Arm IHI 0069 chapter 6) to deliver virtual interrupts.
 *
 * Guest memory map (Xen's on Arm, so Linux's drivers find the same):
 * distributor at VGIC_GICD_BASE, redistributors from VGIC_GICR_BASE with a
 * VGIC_GICR_STRIDE stride (RD_base + SGI_base frames).
 *
 * Where an interrupt's state lives: while a vCPU is loaded on a CPU
 * (between vgic_restore and vgic_save) the interrupts in that CPU's list
 * registers are there and nowhere else; everything else is in the software
 * state below (pending/active bits). Folding the list registers back into
 * the software state and filling them again from it ("refresh") happens on
 * save/restore, on the maintenance interrupt, at the end of gic_handle_irqs
 * and around every emulated register access by the loaded vCPU.
 *
 * The guest sees a GIC with a single security state (GICD_CTLR.DS = 1),
 * affinity routing always on (ARE RAO/WI), no LPIs, no 1-of-N SPIs, 16
 * SGIs, PPIs 16..31 and SPIs 32..VGIC_NR_IRQS-1.
 *
 * Locking: struct vgic_dist.lock of the domain protects the distributor
 * state, every vCPU's struct vgic_cpu of that domain, and the list registers
 * of a loaded vCPU (touched only on its CPU). Lock order: vgic lock, then
 * the scheduler lock (sched_vcpu_kick); in practice kicks happen after the
 * vgic lock is released. Never held when gic_handle_irqs() runs.
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
#define VGIC_MAX_VCPUS 8 /* >= DOMAIN_MAX_VCPUS (checked in vgic.c) */

#define VGIC_PPI_VTIMER 27
#define VGIC_PPI_EVTCHN 31

/* GICD_CTLR bits as the guest sees them (single security state). */
#define VGIC_CTLR_ENABLE_GRP0 (1u << 0)
#define VGIC_CTLR_ENABLE_GRP1 (1u << 1)
#define VGIC_CTLR_ARE (1u << 4)
#define VGIC_CTLR_DS (1u << 6)

struct vcpu;
struct domain;
struct cpu_regs;
struct mmio_ops;

/* How the virtual timer PPI of a vCPU is linked to the physical PPI 27 (ICH_LR.HW). */
enum vgic_vtimer_link {
    VGIC_VTIMER_UNLINKED, /* physical PPI 27 not active for this vCPU */
    VGIC_VTIMER_PENDING,  /* physical active; the linked virtual instance is pending */
    VGIC_VTIMER_ACTIVE,   /* physical active; the guest acknowledged the linked instance */
};

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
    /* Virtual CPU interface. */
    unsigned loaded_on;  /* 1 + the physical CPU whose list registers hold ours; 0: none */
    uint16_t lr_used;    /* list registers the last fill wrote (while loaded) */
    uint8_t vtimer_link; /* enum vgic_vtimer_link */
    bool refresh_needed; /* another CPU made something pending: refresh at the next exit */
    uint32_t ap0r[4];    /* saved ICH_AP0R<n>_EL2, ICH_AP1R<n>_EL2, ICH_VMCR_EL2 */
    uint32_t ap1r[4];
    uint64_t vmcr;
};

/* Per-domain state: the emulated distributor. Index 0 of the bit arrays is unused (banked). */
struct vgic_dist {
    struct spinlock lock;
    uint32_t ctlr; /* VGIC_CTLR_ENABLE_GRP0 | VGIC_CTLR_ENABLE_GRP1 as written */
    uint32_t enabled[VGIC_NR_IRQS / 32];
    uint32_t pending[VGIC_NR_IRQS / 32];
    uint32_t active[VGIC_NR_IRQS / 32];
    uint32_t group1[VGIC_NR_IRQS / 32];
    uint32_t edge[VGIC_NR_IRQS / 32];
    uint8_t priority[VGIC_NR_IRQS];
    uint64_t route[VGIC_NR_IRQS]; /* IROUTER: target MPIDR affinity */
    /* SPI in a vCPU's list registers, or active on it: that vCPU's id + 1; 0 = none. */
    uint8_t spi_owner[VGIC_NR_IRQS];
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

/* ---------------------------------------------------------------- arm64-internal */

/*
 * Brings the list registers of v, loaded on the calling CPU, up to date with
 * the software state (fold, then fill). No effect when v is not loaded here.
 */
void vgic_refresh(struct vcpu *v);

/*
 * vtimer.c: the physical PPI 27 fired for v (loaded here, its timer
 * condition met) and was acknowledged with its priority dropped: the virtual
 * PPI 27 becomes pending, linked to it (ICH_LR.HW), so the physical one stays
 * active until the guest deactivates the virtual one. If the link cannot be
 * made the physical interrupt is deactivated here.
 */
void vgic_vtimer_fired(struct vcpu *v);

/*
 * The ICC_SGI1R_EL1 value `value` written by vCPU `sender`: a bit per vCPU
 * index of its domain that the SGI goes to (IRM = 1: every other vCPU;
 * otherwise Aff3.Aff2.Aff1 plus RS * 16 + n for each TargetList bit n).
 */
uint32_t vgic_sgi_targets(const struct vcpu *sender, uint64_t value);

/* vgic_emul.c: the register model, one region each (ctx = the domain). */
extern const struct mmio_ops vgic_dist_ops;
extern const struct mmio_ops vgic_redist_ops;

/* Per vCPU of a domain: the INTIDs it could take now from the software state (bit = INTID). */
struct vgic_snapshot {
    uint64_t ready[VGIC_MAX_VCPUS];
};

/*
 * For vgic_emul.c around an emulated access by v to its domain's vGIC:
 * vgic_access_begin takes the lock and folds v's list registers (when
 * loaded here) so the registers read the true state; vgic_access_end
 * refills them, releases the lock and kicks every other vCPU that got an
 * interrupt to take (enabling, routing, setting pending re-evaluates
 * delivery this way).
 */
void vgic_access_begin(struct vcpu *v, struct vgic_snapshot *before);
void vgic_access_end(struct vcpu *v, const struct vgic_snapshot *before);

#endif
