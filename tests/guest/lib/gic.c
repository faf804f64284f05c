/*
 * The test guests' GICv3 driver (Arm IHI 0069, GICv3/v4 architecture specification).
 *
 * Where the GIC is: the first device-tree node compatible with "arm,gic-v3" (binding:
 * Linux Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3.yaml). Its reg
 * entry 0 is the distributor, entries 1..N the redistributor regions (N is
 * "#redistributor-regions", default 1); "redistributor-stride" may fix the distance between
 * redistributors, otherwise it is two 64 KiB frames (four with VLPIs, GICR_TYPER.VLPIS).
 * A CPU's redistributor is the one whose GICR_TYPER affinity (bits [63:32] = Aff3.Aff2.Aff1.
 * Aff0, IHI 0069 12.11.37) equals the CPU's MPIDR_EL1 affinity; the walk stops at
 * GICR_TYPER.Last or at the end of the region, whichever comes first.
 *
 * Set-up (IHI 0069 4.1 and 12.9/12.11): the distributor with affinity routing (ARE_NS,
 * CTLR bit 4) and Group 1 enabled (bit 1: EnableGrp1 with a single security state,
 * EnableGrp1A in the Non-secure view of a two-state GIC: the same bit); per CPU the
 * redistributor woken (GICR_WAKER.ProcessorSleep cleared), SGIs and PPIs in Group 1 at
 * priority GIC_DEFAULT_PRIORITY; the system-register CPU interface (ICC_SRE_EL1.SRE,
 * ICC_PMR_EL1 = 0xff, ICC_CTLR_EL1.EOImode = 0 so that one EOIR write drops the priority
 * and deactivates, ICC_IGRPEN1_EL1 = 1). Under a hypervisor the same ICC_* accesses reach
 * the virtual CPU interface and the MMIO accesses its emulated distributor/redistributors.
 *
 * All register accesses are 32-bit (GICR_TYPER and GICD_IROUTER: 64-bit) single loads and
 * stores (mmio_read32 & co.), which every GIC emulation must decode.
 */
#include "internal.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_RWP (1u << 31)

#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI_BASE 0x10000 /* the second 64 KiB frame: SGI and PPI registers */
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0 (GICR_SGI_BASE + 0x0200)
#define GICR_IPRIORITYR0 (GICR_SGI_BASE + 0x0400)

#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_FRAMES_SIZE 0x20000ull /* RD_base + SGI_base */

#define ICC_SRE_SRE (1ull << 0)
#define ICC_CTLR_EOIMODE (1ull << 1)

#define GIC_MAX_REDIST_REGIONS 4
#define GIC_WAIT_US 100000

static struct {
    bool probed;
    bool found;
    const char *error;
    uintptr_t distributor;
    uint64_t region_base[GIC_MAX_REDIST_REGIONS];
    uint64_t region_size[GIC_MAX_REDIST_REGIONS];
    unsigned int region_count;
    uint64_t stride; /* 0: from GICR_TYPER.VLPIS */
    volatile bool distributor_ready;
} gic;

struct gic_cpu {
    uintptr_t redistributor;
    volatile bool ready;
    const char *error;
};

static struct gic_cpu gic_cpus[GUEST_MAX_CPUS];

static struct gic_cpu *gic_this_cpu(void)
{
    unsigned int cpu = guest_cpu_index();
    return &gic_cpus[cpu < GUEST_MAX_CPUS ? cpu : GUEST_MAX_CPUS - 1];
}

/* Reads the redistributor layout properties of the GIC node. */
static void gic_read_layout(const struct fdt *fdt, const struct fdt_node *node)
{
    uint32_t length;
    const uint8_t *value = fdt_property(fdt, node, "#redistributor-regions", &length);
    uint32_t regions = value != NULL && length == 4 ? fdt_cell(value) : 1;
    if (regions > GIC_MAX_REDIST_REGIONS)
        regions = GIC_MAX_REDIST_REGIONS;
    for (uint32_t i = 0; i < regions; i++) {
        if (!fdt_reg(fdt, node, 1 + i, &gic.region_base[gic.region_count],
                     &gic.region_size[gic.region_count]))
            break;
        gic.region_count++;
    }
    value = fdt_property(fdt, node, "redistributor-stride", &length);
    if (value != NULL && length == 8)
        gic.stride = (uint64_t)fdt_cell(value) << 32 | fdt_cell(value + 4);
    else if (value != NULL && length == 4)
        gic.stride = fdt_cell(value);
}

/* Finds the GIC in the device tree (once). */
static bool gic_probe(void)
{
    const struct fdt *fdt = guest_fdt();
    struct fdt_node node;
    uint64_t base;
    uint64_t size;
    if (gic.probed)
        return gic.found;
    gic.probed = true;
    if (fdt == NULL || !fdt_find_compatible(fdt, "arm,gic-v3", &node)) {
        gic.error = "no \"arm,gic-v3\" node in the device tree";
        return false;
    }
    if (!fdt_reg(fdt, &node, 0, &base, &size) || size < 0x10000) {
        gic.error = "the GIC node has no usable distributor reg";
        return false;
    }
    gic.distributor = (uintptr_t)base;
    gic_read_layout(fdt, &node);
    if (gic.region_count == 0) {
        gic.error = "the GIC node has no redistributor region";
        return false;
    }
    gic.found = true;
    return true;
}

/* Polls `address` until (value & mask) == 0, for at most GIC_WAIT_US. */
static bool gic_wait_clear(uintptr_t address, uint32_t mask)
{
    uint64_t deadline = timer_count() + timer_ticks_from_us(GIC_WAIT_US);
    while ((mmio_read32(address) & mask) != 0) {
        if (timer_count() > deadline)
            return false;
    }
    return true;
}

/* MPIDR_EL1 affinity as GICR_TYPER[63:32] encodes it: Aff3.Aff2.Aff1.Aff0. */
static uint32_t gic_packed_affinity(uint64_t mpidr)
{
    return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}

/* This CPU's RD_base, or 0. */
static uintptr_t gic_find_redistributor(void)
{
    uint32_t want = gic_packed_affinity(arch_mpidr_affinity());
    for (unsigned int r = 0; r < gic.region_count; r++) {
        uint64_t offset = 0;
        while (offset + GICR_FRAMES_SIZE <= gic.region_size[r]) {
            uintptr_t frame = (uintptr_t)(gic.region_base[r] + offset);
            uint64_t typer = mmio_read64(frame + GICR_TYPER);
            if ((uint32_t)(typer >> 32) == want)
                return frame;
            if ((typer & GICR_TYPER_LAST) != 0)
                break;
            if (gic.stride != 0)
                offset += gic.stride;
            else
                offset += (typer & GICR_TYPER_VLPIS) != 0 ? 2 * GICR_FRAMES_SIZE : GICR_FRAMES_SIZE;
        }
    }
    return 0;
}

/* Distributor: affinity routing, Group 1 on (IHI 0069 12.9.4). */
static bool gic_distributor_init(void)
{
    uintptr_t ctlr = gic.distributor + GICD_CTLR;
    if (gic.distributor_ready)
        return true;
    /* ARE may only change while both groups are disabled. */
    mmio_write32(ctlr, 0);
    if (!gic_wait_clear(ctlr, GICD_CTLR_RWP)) {
        gic.error = "GICD_CTLR.RWP stuck";
        return false;
    }
    mmio_write32(ctlr, GICD_CTLR_ARE);
    gic_wait_clear(ctlr, GICD_CTLR_RWP);
    mmio_write32(ctlr, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
    gic_wait_clear(ctlr, GICD_CTLR_RWP);
    gic.distributor_ready = true;
    return true;
}

/* The redistributor's SGI/PPI state and the CPU interface (IHI 0069 12.11.42, 12.2). */
static bool gic_cpu_interface_init(struct gic_cpu *cpu)
{
    uintptr_t rd = cpu->redistributor;
    uint32_t waker = mmio_read32(rd + GICR_WAKER);
    mmio_write32(rd + GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
    if (!gic_wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP)) {
        cpu->error = "GICR_WAKER.ChildrenAsleep stays set";
        return false;
    }
    mmio_write32(rd + GICR_ICENABLER0, 0xffffffffu);
    gic_wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
    mmio_write32(rd + GICR_IGROUPR0, 0xffffffffu);
    uint32_t priorities = GIC_DEFAULT_PRIORITY * 0x01010101u;
    for (unsigned int i = 0; i < 8; i++)
        mmio_write32(rd + GICR_IPRIORITYR0 + 4 * i, priorities);
    arch_dsb();
    SYSREG_WRITE(icc_sre_el1, SYSREG_READ(icc_sre_el1) | ICC_SRE_SRE);
    arch_isb();
    if ((SYSREG_READ(icc_sre_el1) & ICC_SRE_SRE) == 0) {
        cpu->error = "ICC_SRE_EL1.SRE does not stick (no system-register interface)";
        return false;
    }
    SYSREG_WRITE(icc_pmr_el1, 0xff);
    SYSREG_WRITE(icc_bpr1_el1, 0);
    SYSREG_WRITE(icc_ctlr_el1, SYSREG_READ(icc_ctlr_el1) & ~ICC_CTLR_EOIMODE);
    SYSREG_WRITE(icc_igrpen1_el1, 1);
    arch_isb();
    return true;
}

bool gic_cpu_init(void)
{
    struct gic_cpu *cpu = gic_this_cpu();
    cpu->ready = false;
    cpu->error = NULL;
    if (!gic_probe()) {
        cpu->error = gic.error;
        return false;
    }
    cpu->redistributor = gic_find_redistributor();
    if (cpu->redistributor == 0) {
        cpu->error = "no redistributor has this CPU's affinity";
        return false;
    }
    if (!gic_cpu_interface_init(cpu))
        return false;
    cpu->ready = true;
    return true;
}

bool gic_init(void)
{
    struct gic_cpu *cpu = gic_this_cpu();
    if (!gic_probe() || !gic_distributor_init()) {
        cpu->ready = false;
        cpu->error = gic.error;
        return false;
    }
    return gic_cpu_init();
}

bool gic_cpu_ready(void)
{
    return gic_this_cpu()->ready;
}

void gic_cpu_forget(void)
{
    gic_this_cpu()->ready = false;
}

const char *gic_error(void)
{
    const char *error = gic_this_cpu()->error;
    return error != NULL ? error : "no error";
}

uint64_t gic_distributor_base(void)
{
    return gic.found ? gic.distributor : 0;
}

uint64_t gic_redistributor_base(void)
{
    return gic_this_cpu()->redistributor;
}

/* The register bank and bit of `intid` for the 1-bit-per-INTID registers. */
static uintptr_t gic_bit_register(unsigned int intid, unsigned int dist_offset,
                                  unsigned int rd_offset)
{
    if (intid < 32)
        return gic_this_cpu()->redistributor + rd_offset;
    return gic.distributor + dist_offset + 4 * (intid / 32);
}

/* Routes an SPI to this CPU, in Group 1, at the default priority. */
static void gic_spi_setup(unsigned int intid)
{
    uintptr_t group = gic.distributor + GICD_IGROUPR + 4 * (intid / 32);
    uintptr_t priority = gic.distributor + GICD_IPRIORITYR + 4 * (intid / 4);
    unsigned int shift = 8 * (intid % 4);
    mmio_write32(group, mmio_read32(group) | 1u << (intid % 32));
    mmio_write32(priority, (mmio_read32(priority) & ~(0xffu << shift)) |
                               (uint32_t)GIC_DEFAULT_PRIORITY << shift);
    uint64_t mpidr = arch_mpidr_affinity();
    mmio_write64(gic.distributor + GICD_IROUTER + 8 * (uint64_t)intid,
                 (mpidr >> 32 & 0xff) << 32 | (mpidr & 0xffffff));
}

bool gic_irq_enable(unsigned int intid)
{
    if (!gic_cpu_ready() || intid >= GIC_MAX_INTID)
        return false;
    if (intid >= 32)
        gic_spi_setup(intid);
    mmio_write32(gic_bit_register(intid, GICD_ISENABLER, GICR_ISENABLER0), 1u << (intid % 32));
    arch_dsb();
    return true;
}

bool gic_irq_disable(unsigned int intid)
{
    if (!gic_cpu_ready() || intid >= GIC_MAX_INTID)
        return false;
    mmio_write32(gic_bit_register(intid, GICD_ICENABLER, GICR_ICENABLER0), 1u << (intid % 32));
    if (intid < 32)
        gic_wait_clear(gic_this_cpu()->redistributor + GICR_CTLR, GICR_CTLR_RWP);
    else
        gic_wait_clear(gic.distributor + GICD_CTLR, GICD_CTLR_RWP);
    return true;
}

bool gic_irq_pending(unsigned int intid)
{
    if (!gic_cpu_ready() || intid >= GIC_MAX_INTID)
        return false;
    uint32_t bits = mmio_read32(gic_bit_register(intid, GICD_ISPENDR, GICR_ISPENDR0));
    return (bits >> (intid % 32) & 1) != 0;
}

/*
 * ICC_SGI1R_EL1 (IHI 0069 12.2.22): TargetList [15:0] (bit n = Aff0 RS * 16 + n),
 * Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40] = 0, RS [47:44], Aff3 [55:48].
 */
bool gic_send_sgi(unsigned int sgi, uint64_t mpidr)
{
    if (sgi >= 16 || !gic_cpu_ready())
        return false;
    uint64_t aff0 = mpidr & 0xff;
    uint64_t value = 1ull << (aff0 % 16) | (mpidr >> 8 & 0xff) << 16 | (uint64_t)sgi << 24 |
                     (mpidr >> 16 & 0xff) << 32 | (aff0 / 16) << 44 | (mpidr >> 32 & 0xff) << 48;
    arch_dsb();
    SYSREG_WRITE(icc_sgi1r_el1, value);
    arch_isb();
    return true;
}

bool gic_send_sgi_to_cpu(unsigned int sgi, unsigned int index)
{
    uint64_t mpidr;
    if (index == guest_cpu_index())
        mpidr = arch_mpidr_affinity();
    else if (!guest_cpu_mpidr(index, &mpidr))
        return false;
    return gic_send_sgi(sgi, mpidr);
}

uint32_t gic_distributor_arch_revision(void)
{
    if (!gic.found)
        return 0;
    return mmio_read32(gic.distributor + GICD_PIDR2) >> 4 & 0xf;
}

uint32_t gic_acknowledge(void)
{
    return (uint32_t)SYSREG_READ(icc_iar1_el1);
}

void gic_end_of_interrupt(uint32_t iar)
{
    SYSREG_WRITE(icc_eoir1_el1, iar);
    arch_isb();
}
