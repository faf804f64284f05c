/*
 * The emulated GICv3 distributor and redistributors of a domain: the
 * guest's MMIO register accesses turned into reads and updates of struct
 * vgic_dist / struct vgic_cpu (Arm IHI 0069, chapter 12: GICD_* in 12.9,
 * GICR_* in 12.10/12.11). No system registers here: vgic.c moves state
 * between this model and the list registers.
 *
 * What the guest sees (asm/vgic.h): one security state (GICD_CTLR.DS = 1),
 * affinity routing (ARE RAO/WI), VGIC_NR_SPIS SPIs, no LPIs (GICR_CTLR,
 * PROPBASER, PENDBASER RAZ/WI), no 1-of-N routing (GICD_TYPER.No1N,
 * IROUTER.IRM RAZ/WI), 5 priority bits (IPRIORITYR keeps bits [7:3]),
 * register writes take effect at once (RWP always 0). The SGI/PPI copies of
 * the distributor's registers (word 0 of the bit registers, IPRIORITYR0-7,
 * ICFGR0-1, ITARGETSR, SGIR, [CS]PENDSGIR) are RAZ/WI as with ARE = 1;
 * so is every reserved or unimplemented offset.
 *
 * Access sizes: every register 32-bit; IPRIORITYR (and ITARGETSR) also
 * byte-wide; IROUTER<n>, GICR_TYPER and the 64-bit LPI registers also
 * 64-bit; always naturally aligned. Anything else fails with -EINVAL and
 * changes nothing (the trap handler then gives the guest an abort).
 */
#include <asm/sysregs.h>
#include <asm/vgic.h>

#include <flaxen/domain.h>
#include <flaxen/mmio.h>

/* Distributor (GICD_*) offsets. */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_IGROUPR 0x0080
#define GICD_ICACTIVER_END 0x0400 /* IGROUPR..ICACTIVER: seven banks of 0x80 */
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_IROUTER_END 0x7fe0 /* IROUTER<1019> + 8 */
#define GIC_ID_REGS 0xffd0      /* PIDR4..CIDR3 */
#define GIC_PIDR2 0xffe8
#define GIC_CIDR0 0xfff0

/* Redistributor: RD_base frame, then SGI_base frame at GICR_SGI_BASE. */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SETLPIR 0x0040
#define GICR_PENDBASER_END 0x0080
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

/* Register values. */
#define VGIC_IIDR 0x46000000u /* ProductID 'F', no implementer code claimed */
#define VGIC_PIDR2 0x30u      /* ArchRev 3: GICv3 */
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_NO1N (1u << 25)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_PROC_SHIFT 8
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define IROUTER_AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..Aff0 [23:0]; IRM RAZ/WI */
#define VGIC_PRIORITY_MASK 0xf8u
#define ICFGR_SGI 0xaaaaaaaau /* SGIs: always edge-triggered */

/* Sizes a register accepts: bit n set = an access of 1 << n bytes. */
#define SIZE_1 (1u << 0)
#define SIZE_4 (1u << 2)
#define SIZE_8 (1u << 3)

static bool size_ok(uint64_t offset, unsigned size, unsigned allowed)
{
    if (size == 0 || size > 8 || (size & (size - 1)) || offset % size)
        return false;
    return (allowed & size) != 0;
}

/* The CoreSight-style ID registers at the top of each 64 KiB frame. */
static uint32_t id_register(uint64_t frame_offset)
{
    static const uint32_t cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};

    if (frame_offset == GIC_PIDR2)
        return VGIC_PIDR2;
    if (frame_offset >= GIC_CIDR0)
        return cidr[(frame_offset - GIC_CIDR0) / 4];
    return 0;
}

/* ---------------------------------------------------------------- shared register banks */

/* The four 1-bit-per-INTID registers of one 32-INTID word. */
struct irq_bits {
    uint32_t *group1;
    uint32_t *enabled;
    uint32_t *pending;
    uint32_t *active;
};

/* IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER: bank = (offset - 0x80) / 0x80. */
static uint32_t bits_read(const struct irq_bits *b, unsigned bank)
{
    switch (bank) {
    case 0:
        return *b->group1;
    case 1:
    case 2:
        return *b->enabled;
    case 3:
    case 4:
        return *b->pending;
    default:
        return *b->active;
    }
}

static void bits_write(const struct irq_bits *b, unsigned bank, uint32_t value)
{
    static const unsigned set_clear_target[7] = {0, 1, 1, 2, 2, 3, 3};
    uint32_t *regs[4] = {b->group1, b->enabled, b->pending, b->active};
    uint32_t *reg = regs[set_clear_target[bank]];

    if (bank == 0)
        *reg = value;
    else if (bank % 2)
        *reg |= value; /* IS*: write 1 to set */
    else
        *reg &= ~value; /* IC*: write 1 to clear */
}

/* IPRIORITYR: `count` (1 or 4) bytes at prio, little-endian in the register value. */
static uint32_t priority_read(const uint8_t *prio, unsigned count)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < count; i++)
        value |= (uint32_t)prio[i] << (8 * i);
    return value;
}

static void priority_write(uint8_t *prio, unsigned count, uint32_t value)
{
    for (unsigned i = 0; i < count; i++)
        prio[i] = (uint8_t)(value >> (8 * i)) & VGIC_PRIORITY_MASK;
}

/* ICFGR word of 16 INTIDs from their edge bits (bit i of `edge16`), and back. */
static uint32_t icfgr_from_edge(uint32_t edge16)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < 16; i++)
        if (edge16 & (1u << i))
            value |= 2u << (2 * i);
    return value;
}

static uint32_t edge_from_icfgr(uint32_t value)
{
    uint32_t edge16 = 0;

    for (unsigned i = 0; i < 16; i++)
        if (value & (2u << (2 * i)))
            edge16 |= 1u << i;
    return edge16;
}

/* ---------------------------------------------------------------- distributor */

static unsigned dist_sizes(uint64_t offset)
{
    if (offset >= GICD_IPRIORITYR && offset < GICD_ICFGR)
        return SIZE_1 | SIZE_4; /* IPRIORITYR, ITARGETSR */
    if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END)
        return SIZE_4 | SIZE_8;
    return SIZE_4;
}

/* The SPI word (1..) of a bit-register offset, or 0 when it is RAZ/WI. */
static unsigned dist_spi_word(uint64_t offset)
{
    unsigned word = (unsigned)(offset % 0x80) / 4;

    return word < VGIC_NR_IRQS / 32 ? word : 0;
}

static struct irq_bits dist_bits(struct vgic_dist *dist, unsigned word)
{
    return (struct irq_bits){&dist->group1[word], &dist->enabled[word], &dist->pending[word],
                             &dist->active[word]};
}

/* IROUTER<n> for an access of `size` at `offset`: the SPI, or 0 when RAZ/WI. */
static unsigned irouter_spi(uint64_t offset)
{
    unsigned intid = (unsigned)((offset - GICD_IROUTER) / 8);

    return intid >= 32 && intid < VGIC_NR_IRQS ? intid : 0;
}

static uint64_t dist_typer(void)
{
    return (VGIC_NR_IRQS / 32 - 1) | (9u << GICD_TYPER_IDBITS_SHIFT) | GICD_TYPER_NO1N;
}

static uint64_t dist_read_irouter(const struct vgic_dist *dist, uint64_t offset, unsigned size)
{
    unsigned intid = irouter_spi(offset);
    uint64_t route = intid ? dist->route[intid] : 0;

    if (size == 8)
        return route;
    return (uint32_t)(offset % 8 ? route >> 32 : route);
}

static uint64_t dist_read_locked(struct vgic_dist *dist, uint64_t offset, unsigned size)
{
    if (offset == GICD_CTLR)
        return dist->ctlr | VGIC_CTLR_ARE | VGIC_CTLR_DS;
    if (offset == GICD_TYPER)
        return dist_typer();
    if (offset == GICD_IIDR)
        return VGIC_IIDR;
    if (offset >= GICD_IGROUPR && offset < GICD_ICACTIVER_END) {
        unsigned word = dist_spi_word(offset);
        struct irq_bits b = dist_bits(dist, word);

        return word ? bits_read(&b, (unsigned)(offset - GICD_IGROUPR) / 0x80) : 0;
    }
    if (offset >= GICD_IPRIORITYR + 32 && offset < GICD_IPRIORITYR + VGIC_NR_IRQS)
        return priority_read(&dist->priority[offset - GICD_IPRIORITYR], size);
    if (offset >= GICD_ICFGR + 8 && offset < GICD_ICFGR + VGIC_NR_IRQS / 4) {
        unsigned first = (unsigned)(offset - GICD_ICFGR) * 4; /* 16 INTIDs per word */

        return icfgr_from_edge((dist->edge[first / 32] >> (first % 32)) & 0xffff);
    }
    if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END)
        return dist_read_irouter(dist, offset, size);
    if (offset >= GIC_ID_REGS)
        return id_register(offset);
    return 0; /* TYPER2, reserved and unimplemented registers */
}

static void dist_write_icfgr(struct vgic_dist *dist, uint64_t offset, uint32_t value)
{
    unsigned first = (unsigned)(offset - GICD_ICFGR) * 4;
    uint32_t *edge = &dist->edge[first / 32];
    unsigned shift = first % 32;

    *edge = (*edge & ~(0xffffu << shift)) | (edge_from_icfgr(value) << shift);
}

static void dist_write_irouter(struct vgic_dist *dist, uint64_t offset, unsigned size,
                               uint64_t value)
{
    unsigned intid = irouter_spi(offset);
    uint64_t route;

    if (!intid)
        return;
    route = dist->route[intid];
    if (size == 8)
        route = value;
    else if (offset % 8)
        route = (route & 0xffffffffull) | (value << 32);
    else
        route = (route & ~0xffffffffull) | (uint32_t)value;
    dist->route[intid] = route & IROUTER_AFF_MASK;
}

static void dist_write_locked(struct vgic_dist *dist, uint64_t offset, unsigned size,
                              uint64_t value)
{
    if (offset == GICD_CTLR) {
        dist->ctlr = (uint32_t)value & (VGIC_CTLR_ENABLE_GRP0 | VGIC_CTLR_ENABLE_GRP1);
    } else if (offset >= GICD_IGROUPR && offset < GICD_ICACTIVER_END) {
        unsigned word = dist_spi_word(offset);
        struct irq_bits b = dist_bits(dist, word);

        if (word)
            bits_write(&b, (unsigned)(offset - GICD_IGROUPR) / 0x80, (uint32_t)value);
    } else if (offset >= GICD_IPRIORITYR + 32 && offset < GICD_IPRIORITYR + VGIC_NR_IRQS) {
        priority_write(&dist->priority[offset - GICD_IPRIORITYR], size, (uint32_t)value);
    } else if (offset >= GICD_ICFGR + 8 && offset < GICD_ICFGR + VGIC_NR_IRQS / 4) {
        dist_write_icfgr(dist, offset, (uint32_t)value);
    } else if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
        dist_write_irouter(dist, offset, size, value);
    }
    /* Everything else (IGRPMODR, NSACR, ITARGETSR, SGIR, IDs, reserved): WI. */
}

static int dist_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
    struct vgic_snapshot before;

    (void)ctx; /* == v->domain */
    if (offset >= VGIC_GICD_SIZE || !size_ok(offset, size, dist_sizes(offset)))
        return -EINVAL;
    vgic_access_begin(v, &before);
    *value = dist_read_locked(&v->domain->arch.vgic, offset, size);
    vgic_access_end(v, &before);
    return 0;
}

static int dist_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
    struct vgic_snapshot before;

    (void)ctx;
    if (offset >= VGIC_GICD_SIZE || !size_ok(offset, size, dist_sizes(offset)))
        return -EINVAL;
    vgic_access_begin(v, &before);
    dist_write_locked(&v->domain->arch.vgic, offset, size, value);
    vgic_access_end(v, &before);
    return 0;
}

const struct mmio_ops vgic_dist_ops = {"vGICv3 distributor", dist_read, dist_write};

/* ---------------------------------------------------------------- redistributors */

static unsigned redist_sizes(uint64_t frame_offset)
{
    if (frame_offset == GICR_TYPER ||
        (frame_offset >= GICR_SETLPIR && frame_offset < GICR_PENDBASER_END))
        return SIZE_4 | SIZE_8;
    if (frame_offset >= GICR_SGI_BASE + GICR_IPRIORITYR0 &&
        frame_offset < GICR_SGI_BASE + GICR_IPRIORITYR0 + 32)
        return SIZE_1 | SIZE_4;
    return SIZE_4;
}

/* GICR_TYPER: affinity, Processor_Number, Last on the domain's last redistributor. */
static uint64_t redist_typer(const struct vcpu *w)
{
    uint64_t aff = w->mpidr & MPIDR_HWID_MASK;
    uint64_t packed = ((aff >> 8) & 0xff000000ull) | (aff & 0xffffffull);
    uint64_t typer = (packed << GICR_TYPER_AFF_SHIFT) | ((uint64_t)w->id << GICR_TYPER_PROC_SHIFT);

    if (w->id + 1 == w->domain->nr_vcpus)
        typer |= GICR_TYPER_LAST;
    return typer;
}

static uint64_t rd_read(const struct vcpu *w, uint64_t offset, unsigned size)
{
    switch (offset) {
    case GICR_IIDR:
        return VGIC_IIDR;
    case GICR_TYPER:
        return size == 8 ? redist_typer(w) : (uint32_t)redist_typer(w);
    case GICR_TYPER + 4:
        return redist_typer(w) >> 32;
    case GICR_WAKER:
        return w->arch.vgic.sleeping ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
    default:
        return offset >= GIC_ID_REGS ? id_register(offset) : 0; /* CTLR, LPI registers: RAZ */
    }
}

static struct irq_bits cpu_bits(struct vgic_cpu *c)
{
    return (struct irq_bits){&c->group1, &c->enabled, &c->pending, &c->active};
}

static uint64_t sgi_read(struct vcpu *w, uint64_t offset, unsigned size)
{
    struct vgic_cpu *c = &w->arch.vgic;

    if (offset >= GICR_IGROUPR0 && offset < GICD_ICACTIVER_END && offset % 0x80 == 0) {
        struct irq_bits b = cpu_bits(c);

        return bits_read(&b, (unsigned)(offset - GICR_IGROUPR0) / 0x80);
    }
    if (offset >= GICR_IPRIORITYR0 && offset < GICR_IPRIORITYR0 + 32)
        return priority_read(&c->priority[offset - GICR_IPRIORITYR0], size);
    if (offset == GICR_ICFGR0)
        return ICFGR_SGI;
    if (offset == GICR_ICFGR1)
        return icfgr_from_edge(c->edge >> 16);
    return offset >= GIC_ID_REGS ? id_register(offset) : 0; /* IGRPMODR0, NSACR, reserved */
}

static void rd_write(struct vcpu *w, uint64_t offset, uint64_t value)
{
    if (offset == GICR_WAKER)
        w->arch.vgic.sleeping = (value & GICR_WAKER_PROCESSOR_SLEEP) != 0;
    /* GICR_CTLR (no LPIs to enable), LPI registers, IDs, reserved: WI. */
}

static void sgi_write(struct vcpu *w, uint64_t offset, unsigned size, uint64_t value)
{
    struct vgic_cpu *c = &w->arch.vgic;

    if (offset >= GICR_IGROUPR0 && offset < GICD_ICACTIVER_END && offset % 0x80 == 0) {
        struct irq_bits b = cpu_bits(c);

        bits_write(&b, (unsigned)(offset - GICR_IGROUPR0) / 0x80, (uint32_t)value);
    } else if (offset >= GICR_IPRIORITYR0 && offset < GICR_IPRIORITYR0 + 32) {
        priority_write(&c->priority[offset - GICR_IPRIORITYR0], size, (uint32_t)value);
    } else if (offset == GICR_ICFGR1) {
        c->edge = (c->edge & 0xffffu) | (edge_from_icfgr((uint32_t)value) << 16);
    }
    /* ICFGR0 (SGIs are edge), IGRPMODR0, NSACR, reserved: WI. */
}

/* The vCPU whose redistributor frame `offset` (into the region) falls in, or NULL. */
static struct vcpu *redist_vcpu(struct domain *d, uint64_t offset)
{
    uint64_t index = offset / VGIC_GICR_STRIDE;

    return index < d->nr_vcpus && index < DOMAIN_MAX_VCPUS ? d->vcpus[index] : NULL;
}

static int redist_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
    struct vcpu *w = redist_vcpu(v->domain, offset);
    uint64_t frame = offset % VGIC_GICR_STRIDE;
    struct vgic_snapshot before;

    (void)ctx;
    if (!w || !size_ok(frame, size, redist_sizes(frame)))
        return -EINVAL;
    vgic_access_begin(v, &before);
    if (frame < GICR_SGI_BASE)
        *value = rd_read(w, frame, size);
    else
        *value = sgi_read(w, frame - GICR_SGI_BASE, size);
    vgic_access_end(v, &before);
    return 0;
}

static int redist_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
    struct vcpu *w = redist_vcpu(v->domain, offset);
    uint64_t frame = offset % VGIC_GICR_STRIDE;
    struct vgic_snapshot before;

    (void)ctx;
    if (!w || !size_ok(frame, size, redist_sizes(frame)))
        return -EINVAL;
    vgic_access_begin(v, &before);
    if (frame < GICR_SGI_BASE)
        rd_write(w, frame, value);
    else
        sgi_write(w, frame - GICR_SGI_BASE, size, value);
    vgic_access_end(v, &before);
    return 0;
}

const struct mmio_ops vgic_redist_ops = {"vGICv3 redistributors", redist_read, redist_write};
