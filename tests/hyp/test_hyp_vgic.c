/*
 * Host tests of the virtual GICv3: the distributor/redistributor register
 * model (xen/arch/arm64/vgic_emul.c) through its MMIO handlers, and the
 * delivery side (xen/arch/arm64/vgic.c: list registers, injection, SGI
 * generation, the virtual timer link) against fake list registers.
 *
 * The fake arch's arch_cpu_id() is 0, so a vCPU is "loaded here" when its
 * vgic.loaded_on is 1 (vgic_restore sets it).
 */
#include <string.h>

#include <asm/gic.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

#include <flaxen/domain.h>
#include <flaxen/mmio.h>
#include <flaxen/sched.h>

#include "unit.h"

/* ---------------------------------------------------------------- fakes */

static struct {
    uint64_t lr[VGIC_MAX_LRS];
    unsigned nr_lrs;
    uint64_t hcr;
    uint64_t vmcr;
    uint32_t ap0r[4], ap1r[4];
    unsigned deactivations;
    unsigned last_deactivated;
    uint32_t kicked; /* bit = vCPU id */
    unsigned kicks;
    bool vtimer_fired;
    unsigned nr_regions;
    uint64_t region_base[4], region_size[4];
    const struct mmio_ops *region_ops[4];
} fake;

unsigned gic_nr_lrs(void)
{
    return fake.nr_lrs;
}

uint64_t gic_lr_read(unsigned n)
{
    return n < VGIC_MAX_LRS ? fake.lr[n] : 0;
}

void gic_lr_write(unsigned n, uint64_t value)
{
    if (n < VGIC_MAX_LRS)
        fake.lr[n] = value;
}

void gic_hcr_write(uint64_t value)
{
    fake.hcr = value;
}

uint64_t gic_vmcr_read(void)
{
    return fake.vmcr;
}

void gic_vif_save(uint32_t ap0r[4], uint32_t ap1r[4], uint64_t *vmcr)
{
    memcpy(ap0r, fake.ap0r, sizeof(fake.ap0r));
    memcpy(ap1r, fake.ap1r, sizeof(fake.ap1r));
    *vmcr = fake.vmcr;
}

void gic_vif_restore(const uint32_t ap0r[4], const uint32_t ap1r[4], uint64_t vmcr)
{
    memcpy(fake.ap0r, ap0r, sizeof(fake.ap0r));
    memcpy(fake.ap1r, ap1r, sizeof(fake.ap1r));
    fake.vmcr = vmcr;
}

void gic_deactivate(unsigned intid)
{
    fake.deactivations++;
    fake.last_deactivated = intid;
}

void sched_vcpu_kick(struct vcpu *v)
{
    fake.kicked |= 1u << v->id;
    fake.kicks++;
}

bool vtimer_pending(const struct vcpu *v)
{
    (void)v;
    return fake.vtimer_fired;
}

int mmio_register(struct domain *d, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                  void *ctx)
{
    (void)d;
    (void)ctx;
    if (fake.nr_regions == 4)
        return -ENOMEM;
    fake.region_base[fake.nr_regions] = base;
    fake.region_size[fake.nr_regions] = size;
    fake.region_ops[fake.nr_regions++] = ops;
    return 0;
}

/* ---------------------------------------------------------------- helpers */

#define SGI_BASE 0x10000
#define MPIDR2                                                                                     \
    ((1ull << 32) | (3u << 16) | (1u << 8) | 0x12u) /* Aff3 1, Aff2 3, Aff1 1, Aff0 18             \
                                                     */

static struct domain dom;
static struct vcpu vcpus[3];

static const uint64_t test_mpidr[3] = {0x0, 0x1, MPIDR2};

static void setup(unsigned nr)
{
    memset(&fake, 0, sizeof(fake));
    fake.nr_lrs = 4;
    memset(&dom, 0, sizeof(dom));
    memset(vcpus, 0, sizeof(vcpus));
    dom.nr_vcpus = nr;
    for (unsigned i = 0; i < nr; i++) {
        vcpus[i].domain = &dom;
        vcpus[i].id = i;
        vcpus[i].mpidr = test_mpidr[i];
        dom.vcpus[i] = &vcpus[i];
    }
    vgic_domain_init(&dom);
    for (unsigned i = 0; i < nr; i++)
        vgic_vcpu_init(&vcpus[i]);
}

static int dread(struct vcpu *v, uint64_t offset, unsigned size, uint64_t *value)
{
    return vgic_dist_ops.read(v, &dom, offset, size, value);
}

static int dwrite(struct vcpu *v, uint64_t offset, unsigned size, uint64_t value)
{
    return vgic_dist_ops.write(v, &dom, offset, size, value);
}

static int rread(struct vcpu *v, uint64_t offset, unsigned size, uint64_t *value)
{
    return vgic_redist_ops.read(v, &dom, offset, size, value);
}

static int rwrite(struct vcpu *v, uint64_t offset, unsigned size, uint64_t value)
{
    return vgic_redist_ops.write(v, &dom, offset, size, value);
}

/* A read that must succeed; 0xbad on failure (a value no register here holds). */
static uint64_t d32(uint64_t offset)
{
    uint64_t value = 0;

    return dread(&vcpus[0], offset, 4, &value) ? 0xbad : value;
}

static uint64_t r32(unsigned vcpu, uint64_t offset)
{
    uint64_t value = 0;

    return rread(&vcpus[0], vcpu * VGIC_GICR_STRIDE + offset, 4, &value) ? 0xbad : value;
}

static uint64_t lr_state(uint64_t lr)
{
    return lr >> ICH_LR_STATE_SHIFT;
}

static unsigned lr_intid(uint64_t lr)
{
    return (unsigned)(lr & ICH_LR_VINTID_MASK);
}

/* The list register holding INTID intid (valid state), or -1. */
static int find_lr(unsigned intid)
{
    for (unsigned n = 0; n < fake.nr_lrs; n++)
        if (lr_state(fake.lr[n]) && lr_intid(fake.lr[n]) == intid)
            return (int)n;
    return -1;
}

/* What the guest does on ICC_EOIR1 with EOImode 0: the LR goes invalid. */
static void guest_eoi(unsigned intid)
{
    int n = find_lr(intid);

    if (n >= 0)
        fake.lr[n] &= ~(3ull << ICH_LR_STATE_SHIFT);
}

/* What the guest does on ICC_IAR1: pending -> active. */
static void guest_ack(unsigned intid)
{
    int n = find_lr(intid);

    if (n >= 0)
        fake.lr[n] =
            (fake.lr[n] & ~(3ull << ICH_LR_STATE_SHIFT)) | (ICH_LR_ACTIVE << ICH_LR_STATE_SHIFT);
}

static void enable_dist(void)
{
    dwrite(&vcpus[0], 0x0, 4, VGIC_CTLR_ENABLE_GRP1);
}

/* ---------------------------------------------------------------- distributor */

static void test_domain_init_registers_regions(struct unit *u)
{
    setup(3);
    UNIT_CHECK_EQ(u, fake.nr_regions, 2);
    UNIT_CHECK_EQ(u, fake.region_base[0], VGIC_GICD_BASE);
    UNIT_CHECK_EQ(u, fake.region_size[0], VGIC_GICD_SIZE);
    UNIT_CHECK(u, fake.region_ops[0] == &vgic_dist_ops);
    UNIT_CHECK_EQ(u, fake.region_base[1], VGIC_GICR_BASE);
    UNIT_CHECK_EQ(u, fake.region_size[1], 3 * VGIC_GICR_STRIDE);
    UNIT_CHECK(u, fake.region_ops[1] == &vgic_redist_ops);
    dom.nr_vcpus = 0;
    UNIT_CHECK_EQ(u, vgic_domain_init(&dom), -EINVAL);
    dom.nr_vcpus = DOMAIN_MAX_VCPUS + 1;
    UNIT_CHECK_EQ(u, vgic_domain_init(&dom), -EINVAL);
}

static void test_dist_ctlr(struct unit *u)
{
    setup(1);
    UNIT_CHECK_EQ(u, d32(0x0), VGIC_CTLR_ARE | VGIC_CTLR_DS); /* RWP 0, groups off */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x0, 4, 0xffffffff), 0);
    UNIT_CHECK_EQ(u, d32(0x0),
                  VGIC_CTLR_ARE | VGIC_CTLR_DS | VGIC_CTLR_ENABLE_GRP0 | VGIC_CTLR_ENABLE_GRP1);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x0, 4, 0), 0);
    UNIT_CHECK_EQ(u, d32(0x0), VGIC_CTLR_ARE | VGIC_CTLR_DS); /* ARE stays: RAO/WI */
}

static void test_dist_id_registers(struct unit *u)
{
    uint64_t typer;

    setup(1);
    typer = d32(0x4);
    UNIT_CHECK_EQ(u, typer & 0x1f, VGIC_NR_IRQS / 32 - 1); /* ITLinesNumber */
    UNIT_CHECK_EQ(u, (typer >> 19) & 0x1f, 9);             /* IDbits: 10-bit INTIDs */
    UNIT_CHECK_EQ(u, (typer >> 17) & 1, 0);                /* LPIS */
    UNIT_CHECK_EQ(u, (typer >> 16) & 1, 0);                /* MBIS */
    UNIT_CHECK_EQ(u, (typer >> 25) & 1, 1);                /* No1N */
    UNIT_CHECK_EQ(u, (typer >> 10) & 1, 0);                /* SecurityExtn */
    UNIT_CHECK_EQ(u, d32(0x8), 0x46000000);                /* IIDR */
    UNIT_CHECK_EQ(u, d32(0xc), 0);                         /* TYPER2 */
    UNIT_CHECK_EQ(u, (d32(0xffe8) >> 4) & 0xf, 3);         /* PIDR2.ArchRev */
    UNIT_CHECK_EQ(u, d32(0xfff0), 0x0d);
    UNIT_CHECK_EQ(u, d32(0xfffc), 0xb1);
}

/* IS/IC pairs of one bank: set, read through both, clear, word 0 and word 2 RAZ/WI. */
static void check_set_clear(struct unit *u, uint64_t set, uint64_t clear)
{
    UNIT_CHECK_EQ(u, d32(set + 4), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], set + 4, 4, 0x80000101), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], set + 4, 4, 0x00000010), 0);
    UNIT_CHECK_EQ(u, d32(set + 4), 0x80000111);
    UNIT_CHECK_EQ(u, d32(clear + 4), 0x80000111);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], clear + 4, 4, 0x80000001), 0);
    UNIT_CHECK_EQ(u, d32(set + 4), 0x110);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], set, 4, 0xffffffff), 0); /* SGI/PPI copy: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(set), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], set + 8, 4, 0xffffffff), 0); /* beyond our SPIs */
    UNIT_CHECK_EQ(u, d32(set + 8), 0);
    UNIT_CHECK_EQ(u, d32(clear + 0x7c), 0);
}

static void test_dist_enable_pending_active(struct unit *u)
{
    setup(1);
    check_set_clear(u, 0x100, 0x180); /* ISENABLER / ICENABLER */
    UNIT_CHECK_EQ(u, dom.arch.vgic.enabled[1], 0x110);
    check_set_clear(u, 0x200, 0x280); /* ISPENDR / ICPENDR */
    UNIT_CHECK_EQ(u, dom.arch.vgic.pending[1], 0x110);
    check_set_clear(u, 0x300, 0x380); /* ISACTIVER / ICACTIVER */
    UNIT_CHECK_EQ(u, dom.arch.vgic.active[1], 0x110);
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.enabled | vcpus[0].arch.vgic.pending, 0);
}

static void test_dist_group_and_modifiers(struct unit *u)
{
    setup(1);
    UNIT_CHECK_EQ(u, d32(0x84), 0xffffffff); /* SPIs start in group 1 */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x84, 4, 0x0000ff00), 0);
    UNIT_CHECK_EQ(u, d32(0x84), 0x0000ff00);
    UNIT_CHECK_EQ(u, d32(0x80), 0);                               /* banked copy: RAZ/WI */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0xd04, 4, 0xffffffff), 0); /* IGRPMODR: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(0xd04), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0xe08, 4, 0xffffffff), 0); /* NSACR: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(0xe08), 0);
}

static void test_dist_priority_bytes(struct unit *u)
{
    uint64_t value = 0;

    setup(1);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x400 + 33, 1, 0xa5), 0);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x400 + 33, 1, &value), 0);
    UNIT_CHECK_EQ(u, value, 0xa0); /* 5 implemented bits */
    UNIT_CHECK_EQ(u, d32(0x420), 0x0000a000);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x43c, 4, 0x11223344), 0);
    UNIT_CHECK_EQ(u, d32(0x43c), 0x10203040);
    UNIT_CHECK_EQ(u, dom.arch.vgic.priority[63], 0x10);
    UNIT_CHECK_EQ(u, dom.arch.vgic.priority[60], 0x40);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x404, 4, 0xffffffff), 0); /* SGI/PPI copies: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(0x404), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x440, 1, 0xff), 0); /* INTID 64: not implemented */
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x440, 1, &value), 0);
    UNIT_CHECK_EQ(u, value, 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x800 + 40, 1, 0xff), 0); /* ITARGETSR: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(0x828), 0);
}

static void test_dist_icfgr(struct unit *u)
{
    setup(1);
    UNIT_CHECK_EQ(u, d32(0xc08), 0); /* SPIs start level-sensitive */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0xc08, 4, 0xffffffff), 0);
    UNIT_CHECK_EQ(u, d32(0xc08), 0xaaaaaaaa); /* only the odd bits exist */
    UNIT_CHECK_EQ(u, dom.arch.vgic.edge[1], 0x0000ffff);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0xc0c, 4, 0x00000008), 0); /* INTID 49 edge */
    UNIT_CHECK_EQ(u, d32(0xc0c), 0x8);
    UNIT_CHECK_EQ(u, dom.arch.vgic.edge[1], 0x0002ffff);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0xc04, 4, 0xffffffff), 0); /* PPIs here: RAZ/WI */
    UNIT_CHECK_EQ(u, d32(0xc04), 0);
    UNIT_CHECK_EQ(u, d32(0xc10), 0);
}

static void test_dist_irouter(struct unit *u)
{
    uint64_t value = 0;

    setup(1);
    /* 64-bit: Aff3 in [39:32], Aff2..0 in [23:0]; IRM (bit 31) and RES0 bits dropped. */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6000 + 8 * 40, 8, 0xffffff0180030112ull), 0);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x6000 + 8 * 40, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, 0x0000000100030112ull);
    UNIT_CHECK_EQ(u, d32(0x6000 + 8 * 40), 0x00030112);
    UNIT_CHECK_EQ(u, d32(0x6000 + 8 * 40 + 4), 0x1);
    /* 32-bit halves. */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6000 + 8 * 63 + 4, 4, 0x02), 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6000 + 8 * 63, 4, 0x00000001), 0);
    UNIT_CHECK_EQ(u, dom.arch.vgic.route[63], 0x0000000200000001ull);
    /* SGI/PPI and unimplemented INTIDs: RAZ/WI. */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6000 + 8 * 31, 8, 0x1), 0);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x6000 + 8 * 31, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, 0);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6000 + 8 * 64, 8, 0x1), 0);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x6000 + 8 * 64, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, 0);
    /* An 8-byte access must be 8-byte aligned. */
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x6000 + 8 * 40 + 4, 8, &value), -EINVAL);
}

static void test_dist_reserved_raz_wi(struct unit *u)
{
    static const uint64_t offsets[] = {0x10,   0x14,   0x40,   0x48,   0x50,   0x7c,
                                       0xf00,  0xf10,  0xf20,  0x2000, 0x5ffc, 0x7fe0,
                                       0xa000, 0xc000, 0xffcc, 0xffd0};
    struct vgic_dist saved;

    setup(1);
    dwrite(&vcpus[0], 0x104, 4, 0x5);
    saved = dom.arch.vgic;
    for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        UNIT_CHECK_EQ(u, dwrite(&vcpus[0], offsets[i], 4, 0xffffffff), 0);
        UNIT_CHECK_EQ(u, d32(offsets[i]), 0);
    }
    saved.lock = dom.arch.vgic.lock; /* taken and released by every access */
    UNIT_CHECK(u, memcmp(&saved, &dom.arch.vgic, sizeof(saved)) == 0);
}

static void test_dist_bad_sizes(struct unit *u)
{
    struct vgic_dist saved;
    uint64_t value = 0;

    setup(1);
    saved = dom.arch.vgic;
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x0, 1, 0x3), -EINVAL);      /* CTLR: 32-bit only */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x104, 2, 0xffff), -EINVAL); /* no halfwords */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x104, 8, 0xffff), -EINVAL);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x106, 4, 0xffff), -EINVAL); /* misaligned */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x420, 8, ~0ull), -EINVAL);  /* priorities: 1 or 4 */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x422, 2, 0xffff), -EINVAL);
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x6100, 1, 0xff), -EINVAL); /* IROUTER: 4 or 8 */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x10000, 4, 0), -EINVAL);   /* outside the frame */
    UNIT_CHECK_EQ(u, dwrite(&vcpus[0], 0x104, 3, 0), -EINVAL);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0x4, 8, &value), -EINVAL);
    UNIT_CHECK_EQ(u, dread(&vcpus[0], 0xffe8, 1, &value), -EINVAL);
    UNIT_CHECK(u, memcmp(&saved, &dom.arch.vgic, sizeof(saved)) == 0);
}

/* ---------------------------------------------------------------- redistributors */

static void test_redist_typer(struct unit *u)
{
    uint64_t value = 0;

    setup(3);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 0x8, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, 0x0000000000000000ull); /* affinity 0, processor 0, not last */
    UNIT_CHECK_EQ(u, rread(&vcpus[0], VGIC_GICR_STRIDE + 0x8, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, (1ull << 32) | (1u << 8));
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 2 * VGIC_GICR_STRIDE + 0x8, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, (0x01030112ull << 32) | (2u << 8) | (1u << 4)); /* Last */
    UNIT_CHECK_EQ(u, r32(2, 0x8), (2u << 8) | (1u << 4));
    UNIT_CHECK_EQ(u, r32(2, 0xc), 0x01030112);
    UNIT_CHECK_EQ(u, r32(1, 0x4), 0x46000000);        /* IIDR */
    UNIT_CHECK_EQ(u, (r32(1, 0xffe8) >> 4) & 0xf, 3); /* PIDR2.ArchRev */
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 0x8, 2, &value), -EINVAL);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 0xc, 8, &value), -EINVAL);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 3 * VGIC_GICR_STRIDE, 4, &value), -EINVAL); /* no vCPU 3 */
}

static void test_redist_ctlr_waker_lpi(struct unit *u)
{
    uint64_t value = 0;

    setup(2);
    UNIT_CHECK_EQ(u, r32(1, 0x0), 0); /* GICR_CTLR: no LPIs, RWP 0 */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], VGIC_GICR_STRIDE, 4, 0x1), 0);
    UNIT_CHECK_EQ(u, r32(1, 0x0), 0);
    UNIT_CHECK_EQ(u, r32(1, 0x14), 0x6); /* ProcessorSleep | ChildrenAsleep */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], VGIC_GICR_STRIDE + 0x14, 4, 0), 0);
    UNIT_CHECK_EQ(u, r32(1, 0x14), 0);
    UNIT_CHECK(u, !vcpus[1].arch.vgic.sleeping);
    UNIT_CHECK(u, vcpus[0].arch.vgic.sleeping);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], VGIC_GICR_STRIDE + 0x14, 4, 0x2), 0);
    UNIT_CHECK_EQ(u, r32(1, 0x14), 0x6);
    /* PROPBASER / PENDBASER: 64-bit RAZ/WI. */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], 0x70, 8, ~0ull), 0);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], 0x70, 8, &value), 0);
    UNIT_CHECK_EQ(u, value, 0);
    UNIT_CHECK_EQ(u, r32(0, 0x10), 0); /* STATUSR */
    UNIT_CHECK_EQ(u, r32(0, 0x8000), 0);
}

static void test_redist_sgi_frame(struct unit *u)
{
    struct vgic_cpu *c = &vcpus[1].arch.vgic;
    uint64_t base = VGIC_GICR_STRIDE + SGI_BASE, value = 0;

    setup(2);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x80), 0xffffffff); /* IGROUPR0 */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x80, 4, 0x0000ffff), 0);
    UNIT_CHECK_EQ(u, c->group1, 0x0000ffff);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x100, 4, 0x88000002), 0); /* ISENABLER0 */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x180, 4, 0x80000000), 0); /* ICENABLER0 */
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x100), 0x08000002);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x180), 0x08000002);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x200, 4, 0x3), 0); /* ISPENDR0 */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x280, 4, 0x1), 0); /* ICPENDR0 */
    UNIT_CHECK_EQ(u, c->pending, 0x2);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x300, 4, 0x30), 0); /* ISACTIVER0 */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x380, 4, 0x10), 0); /* ICACTIVER0 */
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x300), 0x20);
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.enabled | vcpus[0].arch.vgic.pending, 0);
    /* IPRIORITYR0-7, bytes and words. */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x400 + 27, 1, 0x87), 0);
    UNIT_CHECK_EQ(u, c->priority[27], 0x80);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x41c, 4, 0xf8f0e8e0), 0);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], base + 0x41f, 1, &value), 0);
    UNIT_CHECK_EQ(u, value, 0xf8);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x418), 0x80000000);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x420), 0); /* past IPRIORITYR7 */
    /* ICFGR0: SGIs edge, read-only; ICFGR1: PPIs configurable. */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0xc00, 4, 0), 0);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0xc00), 0xaaaaaaaa);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0xc04), 0);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0xc04, 4, 0x80000002), 0); /* PPIs 16 and 31 */
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0xc04), 0x80000002);
    UNIT_CHECK_EQ(u, c->edge, 0x8001ffff);
    /* IGRPMODR0, NSACR, other banks: RAZ/WI. */
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0xd00, 4, ~0u), 0);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0xd00), 0);
    UNIT_CHECK_EQ(u, rwrite(&vcpus[0], base + 0x104, 4, ~0u), 0);
    UNIT_CHECK_EQ(u, r32(1, SGI_BASE + 0x104), 0);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], base + 0x100, 1, &value), -EINVAL);
    UNIT_CHECK_EQ(u, rread(&vcpus[0], base + 0x400, 8, &value), -EINVAL);
}

/* ---------------------------------------------------------------- delivery and kicks */

static void test_enable_kicks_routed_vcpu(struct unit *u)
{
    setup(3);
    enable_dist();
    dwrite(&vcpus[0], 0x6000 + 8 * 40, 8, MPIDR2); /* SPI 40 -> vCPU 2 */
    UNIT_CHECK_EQ(u, vgic_inject(&vcpus[0], 40), 0);
    UNIT_CHECK_EQ(u, fake.kicks, 0); /* disabled: nothing to take */
    dwrite(&vcpus[0], 0x104, 4, 1u << 8);
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 2);
    fake.kicked = 0;
    dwrite(&vcpus[0], 0x6000 + 8 * 40, 8, 0x1); /* re-routed to vCPU 1 */
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 1);
    fake.kicked = 0;
    dwrite(&vcpus[0], 0x104, 4, 1u << 8); /* nothing new */
    UNIT_CHECK_EQ(u, fake.kicked, 0);
}

static void test_group_enable_gates_delivery(struct unit *u)
{
    setup(2);
    dwrite(&vcpus[0], 0x6000 + 8 * 33, 8, 0x1);
    dwrite(&vcpus[0], 0x104, 4, 1u << 1);
    vgic_inject(&vcpus[0], 33);
    UNIT_CHECK_EQ(u, fake.kicks, 0); /* GICD_CTLR.EnableGrp1 off */
    dwrite(&vcpus[0], 0x84, 4, 0);   /* SPI 33 to group 0 */
    enable_dist();
    UNIT_CHECK_EQ(u, fake.kicks, 0); /* group 1 on, but it is in group 0 */
    dwrite(&vcpus[0], 0x0, 4, VGIC_CTLR_ENABLE_GRP0);
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 1);
}

static void test_inject_checks(struct unit *u)
{
    setup(2);
    enable_dist();
    UNIT_CHECK_EQ(u, vgic_inject(&vcpus[0], VGIC_NR_IRQS), -EINVAL);
    UNIT_CHECK_EQ(u, vgic_inject(&vcpus[0], 1020), -EINVAL);
    dwrite(&vcpus[0], 0x6000 + 8 * 50, 8, 0x7); /* no such vCPU */
    dwrite(&vcpus[0], 0x104, 4, 1u << 18);
    UNIT_CHECK_EQ(u, vgic_inject(&vcpus[1], 50), 0);
    UNIT_CHECK_EQ(u, fake.kicks, 0);
    UNIT_CHECK(u, dom.arch.vgic.pending[1] & (1u << 18));
    rwrite(&vcpus[1], VGIC_GICR_STRIDE + SGI_BASE + 0x100, 4, 1u << 31);
    UNIT_CHECK_EQ(u, vgic_inject(&vcpus[1], VGIC_PPI_EVTCHN), 0);
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 1);
    UNIT_CHECK_EQ(u, vcpus[1].arch.vgic.pending, 1u << 31);
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.pending, 0);
}

/* ---------------------------------------------------------------- SGI generation */

static uint64_t sgi1r(unsigned intid, uint64_t aff3, uint64_t aff2, uint64_t aff1, unsigned rs,
                      uint16_t targets)
{
    return targets | (aff1 << 16) | ((uint64_t)intid << 24) | (aff2 << 32) | ((uint64_t)rs << 44) |
           (aff3 << 48);
}

static void test_sgi_target_decoding(struct unit *u)
{
    setup(3);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(1, 0, 0, 0, 0, 0x3)), 0x3);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(1, 0, 0, 0, 0, 0x2)), 0x2);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(1, 0, 0, 0, 0, 0xfffc)), 0);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(1, 0, 0, 1, 0, 0x3)), 0); /* Aff1 1 */
    /* vCPU 2: Aff3 1, Aff2 3, Aff1 1, Aff0 18 = RS 1, bit 2. */
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(5, 1, 3, 1, 1, 1u << 2)), 0x4);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(5, 1, 3, 1, 0, 1u << 2)), 0); /* RS 0 */
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(5, 0, 3, 1, 1, 1u << 2)), 0); /* Aff3 */
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], sgi1r(5, 1, 2, 1, 1, 1u << 2)), 0); /* Aff2 */
    /* IRM = 1: every vCPU but the sender, whatever the rest says. */
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[1], ICC_SGI1R_IRM | 0x1), 0x5);
    UNIT_CHECK_EQ(u, vgic_sgi_targets(&vcpus[0], ICC_SGI1R_IRM), 0x6);
}

/* The ISS of a trapped MSR (write) to S3_0_C12_C11_<op2> from x<rt>. */
static uint32_t iss_msr(unsigned op2, unsigned rt, bool read)
{
    return (3u << 20) | (op2 << 17) | (0u << 14) | (12u << 10) | (rt << 5) | (11u << 1) |
           (read ? 1u : 0u);
}

static void test_sgi_sysreg_trap(struct unit *u)
{
    struct cpu_regs regs;

    setup(3);
    enable_dist();
    for (unsigned i = 0; i < 3; i++)
        rwrite(&vcpus[0], i * VGIC_GICR_STRIDE + SGI_BASE + 0x100, 4, 0xffff);
    memset(&regs, 0, sizeof(regs));
    regs.x[5] = sgi1r(3, 0, 0, 0, 0, 0x2);
    UNIT_CHECK(u, vgic_sysreg_access(&vcpus[0], iss_msr(5, 5, false), &regs));
    UNIT_CHECK_EQ(u, vcpus[1].arch.vgic.pending, 1u << 3);
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.pending, 0);
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 1);
    regs.x[7] = ICC_SGI1R_IRM | (9ull << 24);
    UNIT_CHECK(u, vgic_sysreg_access(&vcpus[2], iss_msr(6, 7, false), &regs)); /* ASGI1R */
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.pending, 1u << 9);
    UNIT_CHECK_EQ(u, vcpus[1].arch.vgic.pending, (1u << 3) | (1u << 9));
    UNIT_CHECK_EQ(u, vcpus[2].arch.vgic.pending, 0);
    regs.x[1] = sgi1r(15, 1, 3, 1, 1, 1u << 2);
    UNIT_CHECK(u, vgic_sysreg_access(&vcpus[0], iss_msr(7, 1, false), &regs)); /* SGI0R */
    UNIT_CHECK_EQ(u, vcpus[2].arch.vgic.pending, 1u << 15);
    /* xzr: value 0, no targets; a read: not handled (UNDEFINED); other registers: not ours. */
    UNIT_CHECK(u, vgic_sysreg_access(&vcpus[0], iss_msr(5, 31, false), &regs));
    UNIT_CHECK(u, !vgic_sysreg_access(&vcpus[0], iss_msr(5, 5, true), &regs));
    UNIT_CHECK(u, !vgic_sysreg_access(&vcpus[0], iss_msr(1, 5, false), &regs)); /* ICC_DIR */
    UNIT_CHECK(u, !vgic_sysreg_access(&vcpus[0], (3u << 20) | (4u << 10) | (6u << 1), &regs));
    UNIT_CHECK_EQ(u, vcpus[0].arch.vgic.pending, 1u << 9);
}

/* ---------------------------------------------------------------- list registers */

static void test_restore_fills_by_priority(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(1);
    enable_dist();
    rwrite(v, SGI_BASE + 0x100, 4, 0xffffffff);
    rwrite(v, SGI_BASE + 0x400, 4, 0x80a0c0e0); /* SGI 0..3: e0 c0 a0 80 */
    rwrite(v, SGI_BASE + 0x200, 4, 0xb);        /* SGIs 0, 1, 3 pending */
    rwrite(v, SGI_BASE + 0x300, 4, 0x4);        /* SGI 2 active */
    vgic_restore(v);
    UNIT_CHECK_EQ(u, fake.hcr, ICH_HCR_EN);
    UNIT_CHECK_EQ(u, lr_intid(fake.lr[0]), 2); /* active first */
    UNIT_CHECK_EQ(u, lr_state(fake.lr[0]), ICH_LR_ACTIVE);
    UNIT_CHECK_EQ(u, lr_intid(fake.lr[1]), 3); /* then priority 0x80, 0xc0, 0xe0 */
    UNIT_CHECK_EQ(u, lr_intid(fake.lr[2]), 1);
    UNIT_CHECK_EQ(u, lr_intid(fake.lr[3]), 0);
    UNIT_CHECK_EQ(u, lr_state(fake.lr[1]), ICH_LR_PENDING);
    UNIT_CHECK_EQ(u, (fake.lr[1] >> ICH_LR_PRIORITY_SHIFT) & 0xff, 0x80);
    UNIT_CHECK(u, fake.lr[1] & ICH_LR_GROUP1);
    UNIT_CHECK(u, !(fake.lr[1] & ICH_LR_HW));
    UNIT_CHECK_EQ(u, v->arch.vgic.pending | v->arch.vgic.active, 0); /* all in the LRs */
    /* The guest's own read folds the list registers first: the true state. */
    UNIT_CHECK_EQ(u, r32(0, SGI_BASE + 0x200), 0xb);
    UNIT_CHECK_EQ(u, r32(0, SGI_BASE + 0x300), 0x4);
}

static void test_overflow_uses_underflow_interrupt(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(1);
    enable_dist();
    dwrite(v, 0x104, 4, 0x3f);
    vgic_restore(v);
    for (unsigned i = 32; i < 38; i++)
        vgic_inject(v, i); /* loaded here: straight into the LRs */
    UNIT_CHECK_EQ(u, fake.kicks, 0);
    UNIT_CHECK_EQ(u, fake.hcr, ICH_HCR_EN | ICH_HCR_UIE);
    for (unsigned n = 0; n < 4; n++)
        UNIT_CHECK_EQ(u, lr_intid(fake.lr[n]), 32 + n);
    UNIT_CHECK_EQ(u, dom.arch.vgic.pending[1], 0x30); /* 36, 37 wait */
    for (unsigned i = 32; i < 35; i++) {
        guest_ack(i);
        guest_eoi(i);
    }
    vgic_maintenance_interrupt(v);
    UNIT_CHECK_EQ(u, fake.hcr, ICH_HCR_EN);
    UNIT_CHECK(u, find_lr(35) >= 0 && find_lr(36) >= 0 && find_lr(37) >= 0);
    UNIT_CHECK_EQ(u, dom.arch.vgic.pending[1], 0);
    UNIT_CHECK_EQ(u, dom.arch.vgic.spi_owner[32], 0);
    UNIT_CHECK_EQ(u, dom.arch.vgic.spi_owner[37], 1);
}

static void test_save_folds_and_spi_ownership(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(2);
    enable_dist();
    dwrite(v, 0x104, 4, 0x3);
    vgic_restore(v);
    vgic_inject(v, 32);
    vgic_inject(v, 33);
    guest_ack(32);
    fake.vmcr = 0xf0000002;
    fake.ap1r[0] = 0x1;
    vgic_save(v);
    UNIT_CHECK_EQ(u, fake.hcr, 0);
    UNIT_CHECK_EQ(u, fake.lr[0] | fake.lr[1], 0);
    UNIT_CHECK_EQ(u, v->arch.vgic.loaded_on, 0);
    UNIT_CHECK_EQ(u, v->arch.vgic.vmcr, 0xf0000002);
    UNIT_CHECK_EQ(u, v->arch.vgic.ap1r[0], 0x1);
    UNIT_CHECK_EQ(u, dom.arch.vgic.active[1], 0x1);
    UNIT_CHECK_EQ(u, dom.arch.vgic.pending[1], 0x2);
    UNIT_CHECK_EQ(u, dom.arch.vgic.spi_owner[32], 1); /* active on vCPU 0 */
    UNIT_CHECK_EQ(u, dom.arch.vgic.spi_owner[33], 0);
    /* Re-routing both to vCPU 1: the pending one moves, the active one stays with vCPU 0. */
    fake.kicked = 0;
    dwrite(&vcpus[0], 0x6000 + 8 * 32, 8, 0x1);
    dwrite(&vcpus[0], 0x6000 + 8 * 33, 8, 0x1);
    UNIT_CHECK_EQ(u, fake.kicked, 1u << 1);
    memset(fake.lr, 0, sizeof(fake.lr));
    vgic_restore(v);
    UNIT_CHECK_EQ(u, lr_intid(fake.lr[0]), 32);
    UNIT_CHECK_EQ(u, lr_state(fake.lr[0]), ICH_LR_ACTIVE);
    UNIT_CHECK_EQ(u, find_lr(33), -1);
    UNIT_CHECK_EQ(u, fake.vmcr, 0xf0000002);
    guest_eoi(32);
    vgic_refresh(v);
    UNIT_CHECK_EQ(u, dom.arch.vgic.spi_owner[32], 0);
    UNIT_CHECK_EQ(u, find_lr(32), -1);
}

static void test_same_intid_pending_while_active(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(1);
    enable_dist();
    rwrite(v, SGI_BASE + 0x100, 4, 1u << 31);
    vgic_restore(v);
    vgic_inject(v, 31);
    guest_ack(31);
    vgic_inject(v, 31); /* again while the guest handles it */
    UNIT_CHECK_EQ(u, find_lr(31), 0);
    UNIT_CHECK_EQ(u, lr_state(fake.lr[0]), ICH_LR_ACTIVE | ICH_LR_PENDING);
    UNIT_CHECK_EQ(u, find_lr(31), 0);
    UNIT_CHECK_EQ(u, fake.lr[1], 0); /* never twice in the LRs */
}

/* ---------------------------------------------------------------- the virtual timer link */

static void test_vtimer_link_lifecycle(struct unit *u)
{
    struct vcpu *v = &vcpus[0];
    int n;

    setup(1);
    enable_dist();
    rwrite(v, SGI_BASE + 0x100, 4, 1u << VGIC_PPI_VTIMER);
    vgic_restore(v);
    vgic_vtimer_fired(v);
    n = find_lr(27);
    UNIT_CHECK(u, n >= 0);
    UNIT_CHECK(u, n >= 0 && (fake.lr[n] & ICH_LR_HW));
    UNIT_CHECK_EQ(u, n >= 0 ? (fake.lr[n] >> ICH_LR_PINTID_SHIFT) & 0x1fff : 0, 27);
    UNIT_CHECK_EQ(u, n >= 0 ? lr_state(fake.lr[n]) : 0, ICH_LR_PENDING);
    UNIT_CHECK_EQ(u, fake.deactivations, 0); /* the guest deactivates it */
    /* The guest takes it and deactivates it: the link is gone, nothing for us to do. */
    guest_ack(27);
    guest_eoi(27);
    vgic_refresh(v);
    UNIT_CHECK_EQ(u, v->arch.vgic.vtimer_link, VGIC_VTIMER_UNLINKED);
    UNIT_CHECK_EQ(u, fake.deactivations, 0);
    UNIT_CHECK_EQ(u, find_lr(27), -1);
    /* Fired again, then the vCPU is switched out before the guest took it. */
    vgic_vtimer_fired(v);
    vgic_save(v);
    UNIT_CHECK_EQ(u, fake.deactivations, 1);
    UNIT_CHECK_EQ(u, fake.last_deactivated, 27);
    UNIT_CHECK_EQ(u, v->arch.vgic.pending & (1u << 27), 0); /* level: the timer says again */
    UNIT_CHECK_EQ(u, v->arch.vgic.vtimer_link, VGIC_VTIMER_UNLINKED);
}

static void test_vtimer_active_across_switch(struct unit *u)
{
    struct vcpu *v = &vcpus[0];
    int n;

    setup(1);
    enable_dist();
    rwrite(v, SGI_BASE + 0x100, 4, 1u << VGIC_PPI_VTIMER);
    vgic_restore(v);
    vgic_vtimer_fired(v);
    guest_ack(27);
    vgic_save(v); /* switched out in the guest's timer handler */
    UNIT_CHECK_EQ(u, fake.deactivations, 1);
    UNIT_CHECK_EQ(u, v->arch.vgic.active, 1u << 27);
    vgic_restore(v);
    n = find_lr(27);
    UNIT_CHECK(u, n >= 0 && !(fake.lr[n] & ICH_LR_HW)); /* unlinked now */
    UNIT_CHECK_EQ(u, n >= 0 ? lr_state(fake.lr[n]) : 0, ICH_LR_ACTIVE);
    /* The timer fires again before the guest finished: the linked instance waits. */
    vgic_vtimer_fired(v);
    n = find_lr(27);
    UNIT_CHECK(u, n >= 0 && (fake.lr[n] & ICH_LR_EOI) && !(fake.lr[n] & ICH_LR_HW));
    UNIT_CHECK_EQ(u, fake.hcr & ICH_HCR_UIE, 0);
    UNIT_CHECK_EQ(u, fake.deactivations, 1);
    /* The guest deactivates the old one (EOI maintenance): the linked one goes in. */
    guest_eoi(27);
    vgic_maintenance_interrupt(v);
    n = find_lr(27);
    UNIT_CHECK(u, n >= 0 && (fake.lr[n] & ICH_LR_HW));
    UNIT_CHECK_EQ(u, n >= 0 ? lr_state(fake.lr[n]) : 0, ICH_LR_PENDING);
}

static void test_vtimer_cleared_by_guest_releases_physical(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(1);
    enable_dist();
    rwrite(v, SGI_BASE + 0x100, 4, 1u << VGIC_PPI_VTIMER);
    vgic_restore(v);
    vgic_vtimer_fired(v);
    rwrite(v, SGI_BASE + 0x280, 4, 1u << 27); /* ICPENDR0 */
    UNIT_CHECK_EQ(u, fake.deactivations, 1);
    UNIT_CHECK_EQ(u, v->arch.vgic.vtimer_link, VGIC_VTIMER_UNLINKED);
    UNIT_CHECK_EQ(u, find_lr(27), -1);
    /* Disabled at the vGIC: the physical one stays active (no storm) and waits. */
    rwrite(v, SGI_BASE + 0x180, 4, 1u << 27);
    vgic_vtimer_fired(v);
    UNIT_CHECK_EQ(u, find_lr(27), -1);
    UNIT_CHECK_EQ(u, fake.deactivations, 1);
    rwrite(v, SGI_BASE + 0x100, 4, 1u << 27);
    UNIT_CHECK(u, find_lr(27) >= 0 && (fake.lr[find_lr(27)] & ICH_LR_HW));
    /* Not loaded here: the physical interrupt is let go at once. */
    vgic_save(v);
    UNIT_CHECK_EQ(u, fake.deactivations, 2);
    vgic_vtimer_fired(v);
    UNIT_CHECK_EQ(u, fake.deactivations, 3);
}

/* ---------------------------------------------------------------- WFI wake-up */

static void test_has_pending(struct unit *u)
{
    struct vcpu *v = &vcpus[0];

    setup(1);
    enable_dist();
    v->arch.vgic.vmcr = ICH_VMCR_VENG1 | (0xf0ull << ICH_VMCR_VPMR_SHIFT);
    rwrite(v, SGI_BASE + 0x200, 4, 1u << 5); /* pending, but disabled */
    UNIT_CHECK(u, !vgic_has_pending(v));
    rwrite(v, SGI_BASE + 0x100, 4, 1u << 5);
    UNIT_CHECK(u, vgic_has_pending(v));
    rwrite(v, SGI_BASE + 0x405, 1, 0xf0); /* priority not above the PMR */
    UNIT_CHECK(u, !vgic_has_pending(v));
    rwrite(v, SGI_BASE + 0x405, 1, 0x80);
    v->arch.vgic.vmcr &= ~ICH_VMCR_VENG1;
    UNIT_CHECK(u, !vgic_has_pending(v));
    v->arch.vgic.vmcr |= ICH_VMCR_VENG1;
    /* Loaded: the state in the list registers and the live VMCR count. */
    vgic_restore(v);
    UNIT_CHECK(u, find_lr(5) >= 0);
    UNIT_CHECK(u, vgic_has_pending(v));
    UNIT_CHECK(u, find_lr(5) >= 0);
    guest_ack(5);
    UNIT_CHECK(u, !vgic_has_pending(v));
    /* A fired timer whose physical PPI has not been taken yet. */
    fake.vtimer_fired = true;
    UNIT_CHECK(u, !vgic_has_pending(v)); /* PPI 27 disabled */
    rwrite(v, SGI_BASE + 0x100, 4, 1u << 27);
    UNIT_CHECK(u, vgic_has_pending(v));
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_domain_init_registers_regions),
    UNIT_CASE(test_dist_ctlr),
    UNIT_CASE(test_dist_id_registers),
    UNIT_CASE(test_dist_enable_pending_active),
    UNIT_CASE(test_dist_group_and_modifiers),
    UNIT_CASE(test_dist_priority_bytes),
    UNIT_CASE(test_dist_icfgr),
    UNIT_CASE(test_dist_irouter),
    UNIT_CASE(test_dist_reserved_raz_wi),
    UNIT_CASE(test_dist_bad_sizes),
    UNIT_CASE(test_redist_typer),
    UNIT_CASE(test_redist_ctlr_waker_lpi),
    UNIT_CASE(test_redist_sgi_frame),
    UNIT_CASE(test_enable_kicks_routed_vcpu),
    UNIT_CASE(test_group_enable_gates_delivery),
    UNIT_CASE(test_inject_checks),
    UNIT_CASE(test_sgi_target_decoding),
    UNIT_CASE(test_sgi_sysreg_trap),
    UNIT_CASE(test_restore_fills_by_priority),
    UNIT_CASE(test_overflow_uses_underflow_interrupt),
    UNIT_CASE(test_save_folds_and_spi_ownership),
    UNIT_CASE(test_same_intid_pending_while_active),
    UNIT_CASE(test_vtimer_link_lifecycle),
    UNIT_CASE(test_vtimer_active_across_switch),
    UNIT_CASE(test_vtimer_cleared_by_guest_releases_physical),
    UNIT_CASE(test_has_pending),
    {0},
};
