/*
 * The physical GICv3 at EL2 (asm/gic.h; Arm IHI 0069: distributor 12.9,
 * redistributor 12.10/12.11, CPU interface system registers 12.2, virtual
 * interface control 12.4).
 *
 * Set-up: the distributor with affinity routing and Group 1 (all SPIs off:
 * the hypervisor uses none, guests get no physical SPIs yet); per CPU the
 * redistributor woken, SGIs/PPIs in Group 1 at GIC_HYP_PRIORITY with only
 * the four the hypervisor handles enabled; the system-register CPU
 * interface at EL2 (ICC_SRE_EL2.SRE, and .Enable so EL1 may use its own
 * system-register interface), PMR open, split priority drop and
 * deactivation (ICC_CTLR_EL1.EOImode = 1); the virtual CPU interface off
 * and empty (vgic.c turns it on per vCPU).
 *
 * Handling (gic_handle_irqs): acknowledge with ICC_IAR1_EL1 until it reads
 * a special INTID (>= 1020); every interrupt gets its priority dropped with
 * ICC_EOIR1_EL1, and is deactivated with ICC_DIR_EL1 once its source is
 * quiet, except the virtual timer's PPI when it is handed to a vCPU linked
 * through ICH_LR.HW: the guest's deactivation ends it (vgic.c).
 *
 * Per-CPU tables (redistributor, MPIDR) are written by each CPU for itself
 * in gic_cpu_init and read by others only to send SGIs (atomics).
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/timer.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/sched.h>

/* Distributor registers (offsets from GICD_base). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_IGRPMODR 0x0d00
#define GIC_PIDR2 0xffe8
#define GICD_CTLR_ENABLE_GRP1 (1u << 1) /* EnableGrp1NS (two security states) / EnableGrp1 */
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_RWP (1u << 31)

/* Redistributor: RD_base frame, SGI_base frame. */
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_ICPENDR0 (GICR_SGI_BASE + 0x0280)
#define GICR_ICACTIVER0 (GICR_SGI_BASE + 0x0380)
#define GICR_IPRIORITYR0 (GICR_SGI_BASE + 0x0400)
#define GICR_IGRPMODR0 (GICR_SGI_BASE + 0x0d00)
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_FRAMES 0x20000ull /* RD_base + SGI_base; twice that with VLPIs */

#define GIC_WAIT_NS 100000000ull /* 100 ms: generous under emulation */
#define GIC_MAX_UNEXPECTED_LOGS 16
#define GIC_HANDLE_BUDGET 64 /* interrupts per gic_handle_irqs call, against livelock */

static struct {
    uintptr_t dist;
    struct bootinfo_region gicr[BOOTINFO_MAX_REDIST];
    unsigned nr_gicr;
    unsigned nr_irqs;    /* INTIDs the distributor implements (GICD_TYPER) */
    unsigned nr_lrs;     /* ICH_VTR_EL2.ListRegs + 1 */
    unsigned nr_apr;     /* ICH_AP0R/AP1R registers implemented (PREbits) */
    unsigned unexpected; /* log lines about unexpected interrupts so far */
} gic;

static uintptr_t gic_rdist[NR_CPUS];    /* each CPU's RD_base, by itself */
static uint64_t gic_cpu_mpidr[NR_CPUS]; /* each CPU's affinity, for SGIs */
static bool gic_cpu_ready[NR_CPUS];     /* gic_cpu_mpidr[cpu] is valid (release/acquire) */

static uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static void mmio_write32(uintptr_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static uint64_t mmio_read64(uintptr_t addr)
{
    return *(volatile uint64_t *)addr;
}

static int wait_clear(uintptr_t addr, uint32_t mask)
{
    uint64_t deadline = arch_time_ns() + GIC_WAIT_NS;

    while (mmio_read32(addr) & mask) {
        if (arch_time_ns() > deadline)
            return -ETIMEDOUT;
        arch_cpu_relax();
    }
    return 0;
}

/* ---------------------------------------------------------------- distributor */

static void dist_quiesce_spis(void)
{
    for (unsigned intid = 32; intid < gic.nr_irqs; intid += 32) {
        uintptr_t word = gic.dist + intid / 8;

        mmio_write32(word + GICD_ICENABLER, ~0u);
        mmio_write32(word + GICD_ICPENDR, ~0u);
        mmio_write32(word + GICD_ICACTIVER, ~0u);
        mmio_write32(word + GICD_IGROUPR, ~0u);
        mmio_write32(word + GICD_IGRPMODR, 0);
    }
    for (unsigned intid = 32; intid < gic.nr_irqs; intid += 4)
        mmio_write32(gic.dist + GICD_IPRIORITYR + intid, GIC_HYP_PRIORITY * 0x01010101u);
}

static int dist_init(void)
{
    uint32_t arch_rev = (mmio_read32(gic.dist + GIC_PIDR2) >> 4) & 0xf;
    uint32_t lines = (mmio_read32(gic.dist + GICD_TYPER) & 0x1f) + 1;
    int rc;

    if (arch_rev != 3 && arch_rev != 4) {
        printk("GIC: distributor at %#lx is not a GICv3/v4 (ArchRev %u)\n", (unsigned long)gic.dist,
               arch_rev);
        return -EIO;
    }
    gic.nr_irqs = lines * 32 > ICC_INTID_SPECIAL ? ICC_INTID_SPECIAL : lines * 32;
    /* ARE may only change with both groups disabled (IHI 0069 12.9.4). */
    mmio_write32(gic.dist + GICD_CTLR, 0);
    rc = wait_clear(gic.dist + GICD_CTLR, GICD_CTLR_RWP);
    if (rc)
        return rc;
    dist_quiesce_spis();
    mmio_write32(gic.dist + GICD_CTLR, GICD_CTLR_ARE_NS);
    rc = wait_clear(gic.dist + GICD_CTLR, GICD_CTLR_RWP);
    mmio_write32(gic.dist + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_GRP1);
    return rc ? rc : wait_clear(gic.dist + GICD_CTLR, GICD_CTLR_RWP);
}

int gic_init(const struct bootinfo *bi)
{
    int rc;

    if (!bi->gicd.size || !bi->nr_gicr)
        return -ENOENT;
    gic.dist = (uintptr_t)bi->gicd.base;
    gic.nr_gicr = bi->nr_gicr < BOOTINFO_MAX_REDIST ? bi->nr_gicr : BOOTINFO_MAX_REDIST;
    for (unsigned i = 0; i < gic.nr_gicr; i++)
        gic.gicr[i] = bi->gicr[i];
    rc = dist_init();
    if (rc)
        return rc;
    printk("GICv3: distributor %#lx, %u interrupt IDs, %u redistributor region%s\n",
           (unsigned long)gic.dist, gic.nr_irqs, gic.nr_gicr, gic.nr_gicr == 1 ? "" : "s");
    return gic_cpu_init();
}

/* ---------------------------------------------------------------- this CPU */

/* GICR_TYPER[63:32] packs Aff3.Aff2.Aff1.Aff0 (IHI 0069 12.11.37). */
static uint32_t packed_affinity(uint64_t mpidr)
{
    return (uint32_t)((((mpidr >> 32) & 0xff) << 24) | (mpidr & 0xffffff));
}

/* The RD_base of the redistributor whose affinity is `mpidr`, or 0. */
static uintptr_t find_redistributor(uint64_t mpidr)
{
    uint32_t want = packed_affinity(mpidr);

    for (unsigned r = 0; r < gic.nr_gicr; r++) {
        for (uint64_t offset = 0; offset + GICR_FRAMES <= gic.gicr[r].size;) {
            uintptr_t frame = (uintptr_t)(gic.gicr[r].base + offset);
            uint64_t typer = mmio_read64(frame + GICR_TYPER);

            if ((uint32_t)(typer >> 32) == want)
                return frame;
            if (typer & GICR_TYPER_LAST)
                break;
            offset += (typer & GICR_TYPER_VLPIS) ? 2 * GICR_FRAMES : GICR_FRAMES;
        }
    }
    return 0;
}

static int redist_init(uintptr_t rd)
{
    int rc;

    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
    rc = wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
    if (rc)
        return rc;
    mmio_write32(rd + GICR_ICENABLER0, ~0u);
    rc = wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
    mmio_write32(rd + GICR_ICPENDR0, ~0u);
    mmio_write32(rd + GICR_ICACTIVER0, ~0u);
    mmio_write32(rd + GICR_IGROUPR0, ~0u);
    mmio_write32(rd + GICR_IGRPMODR0, 0);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(rd + GICR_IPRIORITYR0 + i, GIC_HYP_PRIORITY * 0x01010101u);
    mmio_write32(rd + GICR_ISENABLER0, (1u << PPI_HYP_TIMER) | (1u << PPI_VIRT_TIMER) |
                                           (1u << PPI_MAINTENANCE) | (1u << SGI_RESCHEDULE));
    return rc;
}

static int cpu_interface_init(void)
{
    uint64_t sre = READ_SYSREG_ENC(ICC_SRE_EL2);

    WRITE_SYSREG_ENC(ICC_SRE_EL2, sre | ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE);
    isb();
    if (!(READ_SYSREG_ENC(ICC_SRE_EL2) & ICC_SRE_EL2_SRE))
        return -EIO;
    WRITE_SYSREG_ENC(ICC_PMR_EL1, 0xff);
    WRITE_SYSREG_ENC(ICC_BPR1_EL1, 0);
    WRITE_SYSREG_ENC(ICC_CTLR_EL1, READ_SYSREG_ENC(ICC_CTLR_EL1) | ICC_CTLR_EOIMODE);
    WRITE_SYSREG_ENC(ICC_IGRPEN1_EL1, 1);
    isb();
    return 0;
}

/* The virtual CPU interface: off, every list and active-priority register empty. */
static void virtual_interface_init(void)
{
    uint64_t vtr = READ_SYSREG_ENC(ICH_VTR_EL2);
    unsigned prebits = ICH_VTR_PREBITS(vtr);
    static const uint32_t zero[4];

    gic.nr_lrs = ICH_VTR_LISTREGS(vtr) > VGIC_MAX_LRS ? VGIC_MAX_LRS : ICH_VTR_LISTREGS(vtr);
    gic.nr_apr = prebits >= 7 ? 4 : prebits == 6 ? 2 : 1;
    WRITE_SYSREG_ENC(ICH_HCR_EL2, 0);
    for (unsigned n = 0; n < gic.nr_lrs; n++)
        gic_lr_write(n, 0);
    gic_vif_restore(zero, zero, 0);
    isb();
}

int gic_cpu_init(void)
{
    unsigned cpu = arch_cpu_id();
    uint64_t mpidr = arch_cpu_hwid();
    uintptr_t rd;
    int rc;

    if (!gic.dist || cpu >= NR_CPUS)
        return -EINVAL;
    rd = find_redistributor(mpidr);
    if (!rd) {
        printk("GIC: CPU %u: no redistributor for MPIDR %#lx\n", cpu, (unsigned long)mpidr);
        return -ENOENT;
    }
    gic_rdist[cpu] = rd;
    rc = redist_init(rd);
    rc = rc ? rc : cpu_interface_init();
    if (rc)
        return rc;
    virtual_interface_init();
    gic_cpu_mpidr[cpu] = mpidr;
    __atomic_store_n(&gic_cpu_ready[cpu], true, __ATOMIC_RELEASE);
    return 0;
}

void gic_enable_private(unsigned intid)
{
    unsigned cpu = arch_cpu_id();

    if (intid < 32 && cpu < NR_CPUS && gic_rdist[cpu])
        mmio_write32(gic_rdist[cpu] + GICR_ISENABLER0, 1u << intid);
}

/* ---------------------------------------------------------------- interrupts */

static void eoi(unsigned intid)
{
    WRITE_SYSREG_ENC(ICC_EOIR1_EL1, intid); /* priority drop only (EOImode = 1) */
}

void gic_deactivate(unsigned intid)
{
    WRITE_SYSREG_ENC(ICC_DIR_EL1, intid);
    isb();
}

/* Nobody asked for this one: disable it so it cannot come back, and say so (a few times). */
static void handle_unexpected(unsigned intid)
{
    unsigned cpu = arch_cpu_id();

    if (intid < 32 && cpu < NR_CPUS && gic_rdist[cpu]) {
        mmio_write32(gic_rdist[cpu] + GICR_ICENABLER0, 1u << intid);
        wait_clear(gic_rdist[cpu] + GICR_CTLR, GICR_CTLR_RWP);
    } else if (intid >= 32) {
        mmio_write32(gic.dist + GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
        wait_clear(gic.dist + GICD_CTLR, GICD_CTLR_RWP);
    }
    eoi(intid);
    gic_deactivate(intid);
    if (__atomic_fetch_add(&gic.unexpected, 1, __ATOMIC_RELAXED) < GIC_MAX_UNEXPECTED_LOGS)
        printk("GIC: CPU %u: unexpected interrupt %u, now disabled\n", cpu, intid);
}

static void handle_one(unsigned intid)
{
    switch (intid) {
    case PPI_HYP_TIMER:
        timer_set_deadline(0); /* one-shot: its level drops, the scheduler re-arms */
        eoi(intid);
        gic_deactivate(intid);
        sched_timer_interrupt();
        break;
    case SGI_RESCHEDULE:
        eoi(intid);
        gic_deactivate(intid);
        sched_ipi_interrupt();
        break;
    case PPI_VIRT_TIMER:
        eoi(intid); /* stays active: linked to the guest's PPI 27, or deactivated there */
        if (current_vcpu())
            vtimer_interrupt(current_vcpu());
        else
            vtimer_spurious();
        break;
    case PPI_MAINTENANCE:
        eoi(intid);
        vgic_maintenance_interrupt(current_vcpu()); /* clears the condition */
        gic_deactivate(intid);
        break;
    default:
        handle_unexpected(intid);
        break;
    }
}

void gic_handle_irqs(void)
{
    for (unsigned n = 0; n < GIC_HANDLE_BUDGET; n++) {
        unsigned intid = (unsigned)(READ_SYSREG_ENC(ICC_IAR1_EL1) & ICC_IAR_INTID_MASK);

        if (intid >= ICC_INTID_SPECIAL)
            break;
        handle_one(intid);
    }
    vgic_refresh(current_vcpu());
}

void gic_send_sgi(unsigned cpu, unsigned sgi)
{
    uint64_t mpidr, aff0, value;

    if (cpu >= NR_CPUS || sgi >= 16 || !__atomic_load_n(&gic_cpu_ready[cpu], __ATOMIC_ACQUIRE))
        return;
    mpidr = gic_cpu_mpidr[cpu];
    aff0 = mpidr & 0xff;
    value = (1ull << (aff0 % 16)) | (((mpidr >> 8) & 0xff) << ICC_SGI1R_AFF1_SHIFT) |
            ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) |
            (((mpidr >> 16) & 0xff) << ICC_SGI1R_AFF2_SHIFT) | ((aff0 / 16) << ICC_SGI1R_RS_SHIFT) |
            (((mpidr >> 32) & 0xff) << ICC_SGI1R_AFF3_SHIFT);
    dsb(ish); /* what the target is to see is written before it is interrupted */
    WRITE_SYSREG_ENC(ICC_SGI1R_EL1, value);
    isb();
}

unsigned gic_nr_lrs(void)
{
    return gic.nr_lrs;
}

/* ---------------------------------------------------------------- virtual CPU interface */

#define LR_READ(crm, op2) READ_SYSREG(S3_4_C12_C##crm##_##op2)
#define LR_WRITE(crm, op2, value) WRITE_SYSREG(S3_4_C12_C##crm##_##op2, value)

uint64_t gic_lr_read(unsigned n)
{
    switch (n) {
    case 0:
        return LR_READ(12, 0);
    case 1:
        return LR_READ(12, 1);
    case 2:
        return LR_READ(12, 2);
    case 3:
        return LR_READ(12, 3);
    case 4:
        return LR_READ(12, 4);
    case 5:
        return LR_READ(12, 5);
    case 6:
        return LR_READ(12, 6);
    case 7:
        return LR_READ(12, 7);
    case 8:
        return LR_READ(13, 0);
    case 9:
        return LR_READ(13, 1);
    case 10:
        return LR_READ(13, 2);
    case 11:
        return LR_READ(13, 3);
    case 12:
        return LR_READ(13, 4);
    case 13:
        return LR_READ(13, 5);
    case 14:
        return LR_READ(13, 6);
    case 15:
        return LR_READ(13, 7);
    default:
        return 0;
    }
}

void gic_lr_write(unsigned n, uint64_t value)
{
    switch (n) {
    case 0:
        LR_WRITE(12, 0, value);
        break;
    case 1:
        LR_WRITE(12, 1, value);
        break;
    case 2:
        LR_WRITE(12, 2, value);
        break;
    case 3:
        LR_WRITE(12, 3, value);
        break;
    case 4:
        LR_WRITE(12, 4, value);
        break;
    case 5:
        LR_WRITE(12, 5, value);
        break;
    case 6:
        LR_WRITE(12, 6, value);
        break;
    case 7:
        LR_WRITE(12, 7, value);
        break;
    case 8:
        LR_WRITE(13, 0, value);
        break;
    case 9:
        LR_WRITE(13, 1, value);
        break;
    case 10:
        LR_WRITE(13, 2, value);
        break;
    case 11:
        LR_WRITE(13, 3, value);
        break;
    case 12:
        LR_WRITE(13, 4, value);
        break;
    case 13:
        LR_WRITE(13, 5, value);
        break;
    case 14:
        LR_WRITE(13, 6, value);
        break;
    case 15:
        LR_WRITE(13, 7, value);
        break;
    default:
        break;
    }
}

void gic_hcr_write(uint64_t value)
{
    WRITE_SYSREG_ENC(ICH_HCR_EL2, value);
}

uint64_t gic_vmcr_read(void)
{
    return READ_SYSREG_ENC(ICH_VMCR_EL2);
}

/* ICH_AP0R<n>_EL2 = S3_4_C12_C8_<n>, ICH_AP1R<n>_EL2 = S3_4_C12_C9_<n>. */
void gic_vif_save(uint32_t ap0r[4], uint32_t ap1r[4], uint64_t *vmcr)
{
    ap0r[0] = (uint32_t)READ_SYSREG(S3_4_C12_C8_0);
    ap1r[0] = (uint32_t)READ_SYSREG(S3_4_C12_C9_0);
    ap0r[1] = gic.nr_apr > 1 ? (uint32_t)READ_SYSREG(S3_4_C12_C8_1) : 0;
    ap1r[1] = gic.nr_apr > 1 ? (uint32_t)READ_SYSREG(S3_4_C12_C9_1) : 0;
    ap0r[2] = gic.nr_apr > 2 ? (uint32_t)READ_SYSREG(S3_4_C12_C8_2) : 0;
    ap1r[2] = gic.nr_apr > 2 ? (uint32_t)READ_SYSREG(S3_4_C12_C9_2) : 0;
    ap0r[3] = gic.nr_apr > 2 ? (uint32_t)READ_SYSREG(S3_4_C12_C8_3) : 0;
    ap1r[3] = gic.nr_apr > 2 ? (uint32_t)READ_SYSREG(S3_4_C12_C9_3) : 0;
    *vmcr = READ_SYSREG_ENC(ICH_VMCR_EL2);
}

void gic_vif_restore(const uint32_t ap0r[4], const uint32_t ap1r[4], uint64_t vmcr)
{
    WRITE_SYSREG_ENC(ICH_VMCR_EL2, vmcr);
    WRITE_SYSREG(S3_4_C12_C8_0, ap0r[0]);
    WRITE_SYSREG(S3_4_C12_C9_0, ap1r[0]);
    if (gic.nr_apr > 1) {
        WRITE_SYSREG(S3_4_C12_C8_1, ap0r[1]);
        WRITE_SYSREG(S3_4_C12_C9_1, ap1r[1]);
    }
    if (gic.nr_apr > 2) {
        WRITE_SYSREG(S3_4_C12_C8_2, ap0r[2]);
        WRITE_SYSREG(S3_4_C12_C9_2, ap1r[2]);
        WRITE_SYSREG(S3_4_C12_C8_3, ap0r[3]);
        WRITE_SYSREG(S3_4_C12_C9_3, ap1r[3]);
    }
}
