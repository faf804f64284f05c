/*
 * Delivery side of the virtual GICv3 (asm/vgic.h): the list registers of
 * the hardware's virtual CPU interface (Arm IHI 0069 chapter 6 and 12.4,
 * ICH_LR<n>_EL2), their save/restore with a vCPU, injection, the
 * maintenance interrupt and the guest's SGI generation (ICC_SGI1R_EL1).
 *
 * All hardware access goes through gic.h (gic_lr_read & co.), so this file
 * also builds on the host, against fake list registers, for unit tests.
 *
 * The model: while vCPU v is loaded on a CPU, the interrupts in its list
 * registers live there; everything else lives in the software pending and
 * active bits (struct vgic_cpu for SGIs/PPIs, struct vgic_dist for SPIs).
 * "Fold" moves every list register back into those bits and clears it;
 * "fill" picks what v should see (active interrupts first, then enabled
 * pending ones by priority, then INTID) and writes it into the list
 * registers. Every change is fold, update the bits, fill, under the
 * domain's vgic lock, on the CPU where v is loaded; other CPUs only touch
 * the bits and kick v (sched_vcpu_kick), whose CPU then refreshes at the
 * end of gic_handle_irqs. Interrupts that do not fit stay in the bits;
 * ICH_HCR_EL2.UIE asks for a maintenance interrupt once at most one list
 * register is still in use, and the refresh then moves more in.
 *
 * An SPI belongs to one vCPU while it is in that vCPU's list registers or
 * active on it (spi_owner), so it is never in two vCPUs' list registers.
 *
 * The virtual timer (PPI 27) is linked to the physical PPI 27 (ICH_LR.HW,
 * pINTID 27): vgic_vtimer_fired() records the link (vtimer_link) when EL2
 * acknowledged the physical one; the guest's deactivation of the virtual
 * interrupt then deactivates the physical one. A list register with HW = 1
 * cannot be active and pending at once, so while an unlinked instance of
 * PPI 27 is active the linked pending one waits in the bits, with an EOI
 * maintenance interrupt (ICH_LR.EOI) requested on the active one. On save
 * the link is cut: the physical interrupt is deactivated (the timer was
 * silenced by vtimer_save first), a linked pending instance is dropped (a
 * level interrupt: the restored timer raises it again if its condition
 * still holds) and a linked active one stays active in the bits.
 */
#include <asm/gic.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/mmio.h>
#include <flaxen/sched.h>
#include <flaxen/string.h>

_Static_assert(DOMAIN_MAX_VCPUS <= VGIC_MAX_VCPUS, "vgic_snapshot holds every vCPU");
_Static_assert(VGIC_NR_IRQS <= 64, "one 64-bit set per vCPU holds every INTID");
_Static_assert(VGIC_PPI_VTIMER == PPI_VIRT_TIMER, "the vtimer PPI is linked to itself");

#define BIT(intid) (1u << ((intid) % 32))

/* What a candidate list register holds. */
#define CAND_PENDING 1u
#define CAND_ACTIVE 2u
#define CAND_HW 4u  /* linked to the physical PPI 27 */
#define CAND_EOI 8u /* maintenance interrupt when the guest deactivates it */

struct lr_candidate {
    uint8_t intid;
    uint8_t priority;
    uint8_t flags;
};

static struct vgic_dist *dist_of(const struct vcpu *v)
{
    return &v->domain->arch.vgic;
}

static bool loaded_here(const struct vcpu *v)
{
    return v->arch.vgic.loaded_on == arch_cpu_id() + 1;
}

static unsigned lr_count(void)
{
    unsigned n = gic_nr_lrs();

    return n < VGIC_MAX_LRS ? n : VGIC_MAX_LRS;
}

static uint32_t *pending_bits(struct vcpu *v, unsigned intid)
{
    return intid < 32 ? &v->arch.vgic.pending : &dist_of(v)->pending[intid / 32];
}

static uint32_t *active_bits(struct vcpu *v, unsigned intid)
{
    return intid < 32 ? &v->arch.vgic.active : &dist_of(v)->active[intid / 32];
}

static bool is_group1(const struct vcpu *v, unsigned intid)
{
    uint32_t word = intid < 32 ? v->arch.vgic.group1 : dist_of(v)->group1[intid / 32];

    return (word & BIT(intid)) != 0;
}

static uint8_t priority_of(const struct vcpu *v, unsigned intid)
{
    if (intid < 32)
        return v->arch.vgic.priority[intid];
    return intid < VGIC_NR_IRQS ? dist_of(v)->priority[intid] : 0xff;
}

/* The INTIDs of a word whose group the distributor forwards (GICD_CTLR.EnableGrp0/1). */
static uint32_t group_enabled_mask(const struct vgic_dist *dist, uint32_t group1)
{
    uint32_t mask = 0;

    if (dist->ctlr & VGIC_CTLR_ENABLE_GRP1)
        mask |= group1;
    if (dist->ctlr & VGIC_CTLR_ENABLE_GRP0)
        mask |= ~group1;
    return mask;
}

/* Pending, enabled and in an enabled group, in the software state. */
static bool is_ready(struct vcpu *v, unsigned intid)
{
    const struct vgic_dist *dist = dist_of(v);
    uint32_t enabled = intid < 32 ? v->arch.vgic.enabled : dist->enabled[intid / 32];
    uint32_t group1 = intid < 32 ? v->arch.vgic.group1 : dist->group1[intid / 32];

    return (*pending_bits(v, intid) & enabled & group_enabled_mask(dist, group1) & BIT(intid)) != 0;
}

static struct vcpu *vcpu_by_affinity(struct domain *d, uint64_t affinity)
{
    for (unsigned i = 0; i < d->nr_vcpus && i < DOMAIN_MAX_VCPUS; i++) {
        struct vcpu *w = d->vcpus[i];

        if (w && (w->mpidr & MPIDR_HWID_MASK) == (affinity & MPIDR_HWID_MASK))
            return w;
    }
    return NULL;
}

/* Where SPI `intid` goes now: the vCPU holding it, else the one IROUTER names (or none). */
static struct vcpu *spi_target(struct domain *d, unsigned intid)
{
    unsigned owner = d->arch.vgic.spi_owner[intid];

    if (owner && owner <= d->nr_vcpus)
        return d->vcpus[owner - 1];
    return vcpu_by_affinity(d, d->arch.vgic.route[intid]);
}

/* Per vCPU, the INTIDs it could take now from the software state (lock held). */
static void snapshot(struct domain *d, struct vgic_snapshot *s)
{
    const struct vgic_dist *dist = &d->arch.vgic;

    for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++) {
        const struct vcpu *w = i < d->nr_vcpus ? d->vcpus[i] : NULL;
        const struct vgic_cpu *c = w ? &w->arch.vgic : NULL;

        s->ready[i] = c ? c->pending & c->enabled & group_enabled_mask(dist, c->group1) : 0;
    }
    for (unsigned word = 1; word < VGIC_NR_IRQS / 32; word++) {
        uint32_t ready = dist->pending[word] & dist->enabled[word] &
                         group_enabled_mask(dist, dist->group1[word]);

        for (unsigned bit = 0; ready; bit++, ready >>= 1) {
            struct vcpu *target = (ready & 1) ? spi_target(d, word * 32 + bit) : NULL;

            if (target && target->id < VGIC_MAX_VCPUS)
                s->ready[target->id] |= 1ull << (word * 32 + bit);
        }
    }
}

/* The vCPUs (bit = index) other than `self` that gained an interrupt to take. */
static uint32_t gained(struct domain *d, const struct vgic_snapshot *before,
                       const struct vcpu *self)
{
    struct vgic_snapshot after;
    uint32_t mask = 0;

    snapshot(d, &after);
    for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++)
        if (after.ready[i] & ~before->ready[i])
            mask |= 1u << i;
    return self ? mask & ~(1u << self->id) : mask;
}

/* v must fold and fill at its next exit (vgic_refresh): set before the kick that causes it. */
static void mark_for_refresh(struct vcpu *v)
{
    __atomic_store_n(&v->arch.vgic.refresh_needed, true, __ATOMIC_RELEASE);
}

static void kick_vcpus(struct domain *d, uint32_t mask)
{
    for (unsigned i = 0; i < d->nr_vcpus && i < VGIC_MAX_VCPUS; i++)
        if ((mask & (1u << i)) && d->vcpus[i]) {
            mark_for_refresh(d->vcpus[i]);
            sched_vcpu_kick(d->vcpus[i]);
        }
}

/* ---------------------------------------------------------------- fold */

static void fold_vtimer(struct vcpu *v, uint64_t state)
{
    struct vgic_cpu *c = &v->arch.vgic;

    if (state & ICH_LR_ACTIVE) {
        c->vtimer_link = VGIC_VTIMER_ACTIVE;
        c->active |= BIT(VGIC_PPI_VTIMER);
    } else if (state & ICH_LR_PENDING) {
        c->vtimer_link = VGIC_VTIMER_PENDING;
        c->pending |= BIT(VGIC_PPI_VTIMER);
    } else {
        c->vtimer_link = VGIC_VTIMER_UNLINKED; /* deactivated: the physical one with it */
    }
}

static void fold_one(struct vcpu *v, uint64_t lr)
{
    unsigned intid = (unsigned)(lr & ICH_LR_VINTID_MASK);
    uint64_t state = lr >> ICH_LR_STATE_SHIFT;

    if (intid >= VGIC_NR_IRQS)
        return;
    if (lr & ICH_LR_HW) {
        fold_vtimer(v, state);
        return;
    }
    if (state & ICH_LR_PENDING)
        *pending_bits(v, intid) |= BIT(intid);
    if (state & ICH_LR_ACTIVE)
        *active_bits(v, intid) |= BIT(intid);
    if (intid >= 32)
        dist_of(v)->spi_owner[intid] = (state & ICH_LR_ACTIVE) ? (uint8_t)(v->id + 1) : 0;
}

/* Moves the state of v's list registers (v loaded here) into the bits; clears them. */
static void lr_fold(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;

    for (unsigned n = 0; n < VGIC_MAX_LRS; n++) {
        if (!(c->lr_used & (1u << n)))
            continue;
        fold_one(v, gic_lr_read(n));
        gic_lr_write(n, 0);
    }
    c->lr_used = 0;
}

/* ---------------------------------------------------------------- fill */

/* The guest cleared the linked state through the distributor: release the physical PPI. */
static void vtimer_check_link(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    uint32_t bit = BIT(VGIC_PPI_VTIMER);

    if ((c->vtimer_link == VGIC_VTIMER_ACTIVE && !(c->active & bit)) ||
        (c->vtimer_link == VGIC_VTIMER_PENDING && !(c->pending & bit))) {
        gic_deactivate(PPI_VIRT_TIMER);
        c->vtimer_link = VGIC_VTIMER_UNLINKED;
    }
}

/* PPI 27 while it is linked: which list register it needs, if any. */
static uint8_t vtimer_flags(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    uint32_t bit = BIT(VGIC_PPI_VTIMER);

    if (c->vtimer_link == VGIC_VTIMER_ACTIVE) {
        c->pending &= ~bit; /* level-sensitive: its pending state comes from the timer */
        return CAND_ACTIVE | CAND_HW;
    }
    if (c->active & bit)
        return CAND_ACTIVE | CAND_EOI; /* an unlinked instance first */
    return is_ready(v, VGIC_PPI_VTIMER) ? CAND_PENDING | CAND_HW : 0;
}

/* Whether INTID `intid` needs one of v's list registers, and how (lock held). */
static bool candidate(struct vcpu *v, unsigned intid, struct lr_candidate *out)
{
    uint8_t flags = 0;

    if (intid >= 32 && spi_target(v->domain, intid) != v)
        return false;
    if (intid == VGIC_PPI_VTIMER)
        vtimer_check_link(v);
    if (intid == VGIC_PPI_VTIMER && v->arch.vgic.vtimer_link != VGIC_VTIMER_UNLINKED) {
        flags = vtimer_flags(v);
    } else {
        if (*active_bits(v, intid) & BIT(intid))
            flags |= CAND_ACTIVE;
        if (is_ready(v, intid))
            flags |= CAND_PENDING;
    }
    *out = (struct lr_candidate){(uint8_t)intid, priority_of(v, intid), flags};
    return flags != 0;
}

/* Active ones first (the guest must find them to deactivate them), then by priority, INTID. */
static bool goes_before(const struct lr_candidate *a, const struct lr_candidate *b)
{
    bool a_active = a->flags & CAND_ACTIVE, b_active = b->flags & CAND_ACTIVE;

    if (a_active != b_active)
        return a_active;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->intid < b->intid;
}

static unsigned collect(struct vcpu *v, struct lr_candidate cand[VGIC_NR_IRQS])
{
    unsigned nr = 0;

    for (unsigned intid = 0; intid < VGIC_NR_IRQS; intid++) {
        struct lr_candidate c;
        unsigned at = nr;

        if (!candidate(v, intid, &c))
            continue;
        while (at > 0 && goes_before(&c, &cand[at - 1])) {
            cand[at] = cand[at - 1];
            at--;
        }
        cand[at] = c;
        nr++;
    }
    return nr;
}

static void place(struct vcpu *v, unsigned n, const struct lr_candidate *cand)
{
    unsigned intid = cand->intid;
    uint64_t lr = intid | ((uint64_t)cand->priority << ICH_LR_PRIORITY_SHIFT), state = 0;

    if (is_group1(v, intid))
        lr |= ICH_LR_GROUP1;
    if (cand->flags & CAND_PENDING) {
        state |= ICH_LR_PENDING;
        *pending_bits(v, intid) &= ~BIT(intid);
    }
    if (cand->flags & CAND_ACTIVE) {
        state |= ICH_LR_ACTIVE;
        *active_bits(v, intid) &= ~BIT(intid);
    }
    if (cand->flags & CAND_HW)
        lr |= ICH_LR_HW | ((uint64_t)PPI_VIRT_TIMER << ICH_LR_PINTID_SHIFT);
    if (cand->flags & CAND_EOI)
        lr |= ICH_LR_EOI;
    if (intid >= 32)
        dist_of(v)->spi_owner[intid] = (uint8_t)(v->id + 1);
    gic_lr_write(n, lr | (state << ICH_LR_STATE_SHIFT));
    v->arch.vgic.lr_used |= (uint16_t)(1u << n);
}

/* Writes what v should see into its (empty) list registers and ICH_HCR_EL2 (v loaded here). */
static void lr_fill(struct vcpu *v)
{
    struct lr_candidate cand[VGIC_NR_IRQS];
    unsigned nr = collect(v, cand), max = lr_count();
    uint64_t hcr = ICH_HCR_EN;

    for (unsigned n = 0; n < nr && n < max; n++)
        place(v, n, &cand[n]);
    /* More than fit: a maintenance interrupt once at most one list register is left in use. */
    if (nr > max && max >= 2)
        hcr |= ICH_HCR_UIE;
    gic_hcr_write(hcr);
}

/* ---------------------------------------------------------------- interface */

void vgic_access_begin(struct vcpu *v, struct vgic_snapshot *before)
{
    spin_lock(&dist_of(v)->lock);
    snapshot(v->domain, before);
    if (loaded_here(v))
        lr_fold(v);
}

void vgic_access_end(struct vcpu *v, const struct vgic_snapshot *before)
{
    uint32_t kick;

    if (loaded_here(v))
        lr_fill(v);
    kick = gained(v->domain, before, v);
    spin_unlock(&dist_of(v)->lock);
    kick_vcpus(v->domain, kick);
}

static void refresh_now(struct vcpu *v)
{
    struct vgic_snapshot before;

    /* v->arch.vgic.loaded_on changes only on the CPU that loads or saves v: this one. */
    if (!v || !loaded_here(v))
        return;
    vgic_access_begin(v, &before);
    vgic_access_end(v, &before);
}

/*
 * Fast path on every exit: with no list register in use and nothing made pending for v by
 * another CPU since its last fill (mark_for_refresh, set before the kick that interrupts
 * this CPU), the list registers already match the software state.
 */
void vgic_refresh(struct vcpu *v)
{
    if (!v || !loaded_here(v))
        return;
    if (!__atomic_exchange_n(&v->arch.vgic.refresh_needed, false, __ATOMIC_ACQ_REL) &&
        !v->arch.vgic.lr_used)
        return;
    refresh_now(v);
}

void vgic_maintenance_interrupt(struct vcpu *v)
{
    refresh_now(v); /* the fold clears what raised it (ICH_MISR.U / EOI) */
}

int vgic_domain_init(struct domain *d)
{
    struct vgic_dist *dist = &d->arch.vgic;
    int rc;

    if (d->nr_vcpus == 0 || d->nr_vcpus > DOMAIN_MAX_VCPUS)
        return -EINVAL;
    memset(dist, 0, sizeof(*dist));
    dist->lock = (struct spinlock)SPINLOCK_INIT;
    for (unsigned word = 1; word < VGIC_NR_IRQS / 32; word++)
        dist->group1[word] = ~0u;
    rc = mmio_register(d, VGIC_GICD_BASE, VGIC_GICD_SIZE, &vgic_dist_ops, d);
    if (rc)
        return rc;
    return mmio_register(d, VGIC_GICR_BASE, VGIC_GICR_STRIDE * d->nr_vcpus, &vgic_redist_ops, d);
}

void vgic_vcpu_init(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;

    memset(c, 0, sizeof(*c));
    c->group1 = ~0u;
    c->edge = 0xffffu; /* SGIs are edge-triggered */
    c->sleeping = true;
    c->loaded_on = 0;
    c->vtimer_link = VGIC_VTIMER_UNLINKED;
    /* vmcr = 0: virtual PMR 0 and both groups off until the guest sets them. */
}

/* Cuts the vtimer link of v, which leaves this CPU (its timer already silenced). */
static void vtimer_unlink(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;

    if (c->vtimer_link == VGIC_VTIMER_UNLINKED)
        return;
    if (c->vtimer_link == VGIC_VTIMER_PENDING)
        c->pending &= ~BIT(VGIC_PPI_VTIMER);
    gic_deactivate(PPI_VIRT_TIMER);
    c->vtimer_link = VGIC_VTIMER_UNLINKED;
}

void vgic_save(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    struct vgic_snapshot before;
    uint32_t kick;

    spin_lock(&dist_of(v)->lock);
    snapshot(v->domain, &before);
    if (loaded_here(v)) {
        lr_fold(v);
        vtimer_unlink(v);
        gic_vif_save(c->ap0r, c->ap1r, &c->vmcr);
        gic_hcr_write(0);
        c->loaded_on = 0;
    }
    kick = gained(v->domain, &before, v);
    spin_unlock(&dist_of(v)->lock);
    kick_vcpus(v->domain, kick); /* SPIs it held that are now routed elsewhere */
}

void vgic_restore(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;

    spin_lock(&dist_of(v)->lock);
    gic_vif_restore(c->ap0r, c->ap1r, c->vmcr);
    c->loaded_on = arch_cpu_id() + 1;
    c->lr_used = 0;
    lr_fill(v);
    spin_unlock(&dist_of(v)->lock);
}

void vgic_vtimer_fired(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    bool linked = false;

    spin_lock(&dist_of(v)->lock);
    if (loaded_here(v)) {
        lr_fold(v);
        if (c->vtimer_link == VGIC_VTIMER_UNLINKED) {
            c->vtimer_link = VGIC_VTIMER_PENDING;
            c->pending |= BIT(VGIC_PPI_VTIMER);
            linked = true;
        }
        lr_fill(v);
    }
    spin_unlock(&dist_of(v)->lock);
    if (!linked)
        gic_deactivate(PPI_VIRT_TIMER);
}

int vgic_inject(struct vcpu *v, unsigned intid)
{
    struct domain *d = v->domain;
    struct vcpu *target;
    bool local, kick;

    if (intid >= VGIC_NR_IRQS)
        return -EINVAL;
    spin_lock(&d->arch.vgic.lock);
    target = intid < 32 ? v : spi_target(d, intid);
    local = target && loaded_here(target);
    if (local)
        lr_fold(target);
    *pending_bits(v, intid) |= BIT(intid);
    kick = target && !local && is_ready(target, intid);
    if (local)
        lr_fill(target);
    spin_unlock(&d->arch.vgic.lock);
    if (kick) {
        mark_for_refresh(target);
        sched_vcpu_kick(target);
    }
    return 0;
}

/* Whether the virtual CPU interface (ICH_VMCR_EL2) would signal INTID intid of v now. */
static bool vmcr_allows(const struct vcpu *v, unsigned intid, uint64_t vmcr)
{
    uint64_t group_enable = is_group1(v, intid) ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0;

    return (vmcr & group_enable) && priority_of(v, intid) < (uint8_t)(vmcr >> ICH_VMCR_VPMR_SHIFT);
}

bool vgic_has_pending(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    struct vgic_snapshot now;
    bool local, found = false;
    uint64_t ready, vmcr;

    spin_lock(&dist_of(v)->lock);
    local = loaded_here(v);
    if (local)
        lr_fold(v);
    vmcr = local ? gic_vmcr_read() : c->vmcr;
    snapshot(v->domain, &now);
    ready = now.ready[v->id];
    for (unsigned intid = 0; intid < VGIC_NR_IRQS && !found; intid++)
        found = (ready & (1ull << intid)) && vmcr_allows(v, intid, vmcr);
    /* A timer that fired but whose physical PPI has not reached EL2 yet. */
    if (!found && c->vtimer_link == VGIC_VTIMER_UNLINKED && (c->enabled & BIT(VGIC_PPI_VTIMER)) &&
        (group_enabled_mask(dist_of(v), c->group1) & BIT(VGIC_PPI_VTIMER)))
        found = vmcr_allows(v, VGIC_PPI_VTIMER, vmcr) && vtimer_pending(v);
    if (local)
        lr_fill(v);
    spin_unlock(&dist_of(v)->lock);
    return found;
}

uint32_t vgic_sgi_targets(const struct vcpu *sender, uint64_t value)
{
    const struct domain *d = sender->domain;
    uint64_t upper = (((value >> ICC_SGI1R_AFF3_SHIFT) & 0xff) << 32) |
                     (((value >> ICC_SGI1R_AFF2_SHIFT) & 0xff) << 16) |
                     (((value >> ICC_SGI1R_AFF1_SHIFT) & 0xff) << 8);
    unsigned range = (unsigned)(value >> ICC_SGI1R_RS_SHIFT) & 0xf;
    uint32_t targets = 0;

    for (unsigned i = 0; i < d->nr_vcpus && i < VGIC_MAX_VCPUS; i++) {
        const struct vcpu *w = d->vcpus[i];
        uint64_t affinity = w ? w->mpidr & MPIDR_HWID_MASK : 0;
        unsigned aff0 = (unsigned)(affinity & 0xff);

        if (!w || ((value & ICC_SGI1R_IRM) && w == sender))
            continue;
        if ((value & ICC_SGI1R_IRM) || ((affinity & ~0xffull) == upper && aff0 / 16 == range &&
                                        (value & ICC_SGI1R_TARGETS_MASK & (1ull << (aff0 % 16)))))
            targets |= 1u << i;
    }
    return targets;
}

bool vgic_sysreg_access(struct vcpu *v, uint32_t iss, struct cpu_regs *regs)
{
    unsigned op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
    unsigned crn = (iss >> 10) & 0xf, rt = (iss >> 5) & 0x1f, crm = (iss >> 1) & 0xf;
    uint64_t value;
    uint32_t targets;

    if (op0 != ICC_SGI_OP0 || op1 != ICC_SGI_OP1 || crn != ICC_SGI_CRN || crm != ICC_SGI_CRM)
        return false;
    if (op2 != ICC_SGI1R_OP2 && op2 != ICC_ASGI1R_OP2 && op2 != ICC_SGI0R_OP2)
        return false;
    if (iss & 1)
        return false; /* a read of a write-only register: UNDEFINED, the caller's default */
    /* SGI0R and ASGI1R are taken as SGI1R: one security state, the LR carries the group. */
    value = rt == 31 ? 0 : regs->x[rt];
    targets = vgic_sgi_targets(v, value);
    for (unsigned i = 0; i < v->domain->nr_vcpus && i < VGIC_MAX_VCPUS; i++)
        if (targets & (1u << i))
            vgic_inject(v->domain->vcpus[i], (unsigned)(value >> ICC_SGI1R_INTID_SHIFT) & 0xf);
    return true;
}
