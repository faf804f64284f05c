/*
 * Grant tables, version 1 (flaxen/grant_table.h).
 *
 * Every operation checks the guest's values (domain, reference, address,
 * offsets), then calls its XSM hook against the other domain, then acts
 * under grant_lock. A refusal by the hook is reported as Xen does: the
 * element's status is GNTST_permission_denied and nothing changed.
 *
 * Batches are processed GNTTAB_BATCH elements per hypercall; a longer one
 * is continued by restarting the hypercall with the rest (as console_io).
 */
#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/grant_table.h>
#include <flaxen/lib.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <flaxen/xmalloc.h>
#include <public/grant_table.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAX_ENTRIES (GNTTAB_MAX_FRAMES * ENTRIES_PER_FRAME)
#define GNTTAB_BATCH 16        /* elements per hypercall before it is continued */
#define GNTTAB_MAX_BATCH 4096u /* elements one grant_table_op may name (Flaxen's limit) */
#define IPA_LIMIT (1ull << 39) /* every domain's stage 2 (asm/p2m.h) */

struct maptrack {
    struct domain *granter; /* pinned while the mapping exists */
    grant_ref_t ref;
    uint64_t gpa;
    bool in_use;
    bool readonly;
};

struct grant_table {
    unsigned nr_frames;
    paddr_t frame_pa[GNTTAB_MAX_FRAMES];
    uint64_t frame_gfn[GNTTAB_MAX_FRAMES]; /* where the domain mapped it; 0 = nowhere */
    unsigned pins;                         /* mappings of this domain's pages elsewhere */
    uint16_t maps[MAX_ENTRIES];            /* of each entry: how many, and ... */
    uint16_t write_maps[MAX_ENTRIES];      /* ... how many writable */
    struct maptrack maptrack[GNTTAB_MAPTRACK];
};

static struct spinlock grant_lock = SPINLOCK_INIT;

int gnttab_domain_init(struct domain *d)
{
    d->grant = xmalloc(sizeof(struct grant_table));
    return d->grant ? 0 : -ENOMEM;
}

unsigned gnttab_pins(const struct domain *d)
{
    return d->grant ? __atomic_load_n(&d->grant->pins, __ATOMIC_ACQUIRE) : 0;
}

/* The entry for ref of d (lock held), or NULL beyond its table. */
static struct grant_entry_v1 *entry_of(struct domain *d, grant_ref_t ref)
{
    struct grant_table *gt = d->grant;

    if (ref >= gt->nr_frames * ENTRIES_PER_FRAME)
        return NULL;
    return (struct grant_entry_v1 *)arch_phys_to_virt(gt->frame_pa[ref / ENTRIES_PER_FRAME]) +
           ref % ENTRIES_PER_FRAME;
}

/* Grows d's table to `frames` frames (lock held). 0, -EINVAL, -ENOMEM. */
static int grow(struct domain *d, unsigned frames)
{
    struct grant_table *gt = d->grant;

    if (frames > GNTTAB_MAX_FRAMES)
        return -EINVAL;
    while (gt->nr_frames < frames) {
        if (alloc_pages(0, &gt->frame_pa[gt->nr_frames]))
            return -ENOMEM;
        memset(arch_phys_to_virt(gt->frame_pa[gt->nr_frames]), 0, PAGE_SIZE);
        gt->nr_frames++;
    }
    return 0;
}

int gnttab_seed(struct domain *d, uint32_t ref, uint16_t grantee, uint64_t gfn)
{
    struct grant_entry_v1 *e;
    int rc;

    if (ref >= GNTTAB_NR_RESERVED_ENTRIES || gfn == 0 || gfn >= (IPA_LIMIT >> PAGE_SHIFT))
        return -EINVAL;
    spin_lock(&grant_lock);
    rc = grow(d, 1);
    if (!rc) {
        e = entry_of(d, ref);
        e->domid = grantee;
        e->frame = (uint32_t)gfn;
        __atomic_store_n(&e->flags, (uint16_t)GTF_permit_access, __ATOMIC_RELEASE);
    }
    spin_unlock(&grant_lock);
    return rc;
}

int gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gfn)
{
    struct grant_table *gt = d->grant;
    int rc;

    if (idx >= GNTTAB_MAX_FRAMES || gfn == 0 || gfn >= (IPA_LIMIT >> PAGE_SHIFT))
        return -EINVAL;
    spin_lock(&grant_lock);
    rc = grow(d, (unsigned)idx + 1);
    if (!rc) {
        if (gt->frame_gfn[idx] && gt->frame_gfn[idx] != gfn)
            arch_domain_clear_page(d, gt->frame_gfn[idx] << PAGE_SHIFT, NULL);
        rc = arch_domain_set_page(d, gfn << PAGE_SHIFT, gt->frame_pa[idx], true, NULL);
        gt->frame_gfn[idx] = rc ? 0 : gfn;
    }
    spin_unlock(&grant_lock);
    return rc;
}

/* Undoes mapping m of mapper (lock held): stage 2, the entry's flags, the pin. */
static void unmap_locked(struct domain *mapper, struct maptrack *m)
{
    struct grant_table *gt = m->granter->grant;
    struct grant_entry_v1 *e = entry_of(m->granter, m->ref);

    arch_domain_clear_page(mapper, m->gpa, NULL);
    if (e && gt->maps[m->ref] && --gt->maps[m->ref] == 0)
        __atomic_fetch_and(&e->flags, (uint16_t)~GTF_reading, __ATOMIC_SEQ_CST);
    if (e && !m->readonly && gt->write_maps[m->ref] && --gt->write_maps[m->ref] == 0)
        __atomic_fetch_and(&e->flags, (uint16_t)~GTF_writing, __ATOMIC_SEQ_CST);
    if (__atomic_sub_fetch(&gt->pins, 1, __ATOMIC_ACQ_REL) == 0 &&
        __atomic_load_n(&m->granter->state, __ATOMIC_ACQUIRE) == DOMAIN_SHUTDOWN)
        sched_poke_idle_cpu(); /* the granter was waiting for this: free it now */
    memset(m, 0, sizeof(*m));
}

void gnttab_release_mappings(struct domain *d)
{
    if (!d->grant)
        return;
    spin_lock(&grant_lock);
    for (unsigned i = 0; i < GNTTAB_MAPTRACK; i++)
        if (d->grant->maptrack[i].in_use)
            unmap_locked(d, &d->grant->maptrack[i]);
    spin_unlock(&grant_lock);
}

void gnttab_domain_destroy(struct domain *d)
{
    if (!d->grant)
        return;
    gnttab_release_mappings(d);
    BUG_ON(d->grant->pins != 0);
    for (unsigned i = 0; i < d->grant->nr_frames; i++)
        BUG_ON(free_pages(d->grant->frame_pa[i], 0));
    xfree(d->grant);
    d->grant = NULL;
}

/* ---------------------------------------------------------------- map and unmap */

/*
 * The host page behind frame `gfn` of granter, if it is one of the
 * granter's own RAM pages (not a page it maps from elsewhere): 0 or -1.
 */
static int granted_page(struct domain *granter, uint64_t gfn, bool write, paddr_t *pa)
{
    if (gfn >= (IPA_LIMIT >> PAGE_SHIFT) ||
        arch_domain_translate(granter, gfn << PAGE_SHIFT, write, pa) ||
        !domain_owns_page(granter, *pa))
        return -1;
    return 0;
}

/* The granter side of a map (lock held): the page, flags and pins. GNTST_*. */
static int16_t map_locked(struct domain *mapper, struct domain *granter,
                          struct gnttab_map_grant_ref *op, unsigned slot)
{
    bool readonly = op->flags & GNTMAP_readonly;
    struct grant_entry_v1 *e = entry_of(granter, op->ref);
    struct grant_table *gt = granter->grant;
    struct maptrack *m = &mapper->grant->maptrack[slot];
    uint16_t flags;
    paddr_t pa;

    if (!e)
        return GNTST_bad_gntref;
    flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    if ((flags & GTF_type_mask) != GTF_permit_access || e->domid != mapper->id)
        return GNTST_permission_denied;
    if (!readonly && (flags & GTF_readonly))
        return GNTST_permission_denied;
    if (granted_page(granter, e->frame, !readonly, &pa))
        return GNTST_bad_page;
    if (arch_domain_set_page(mapper, op->host_addr, pa, !readonly, NULL))
        return GNTST_no_space;
    *m = (struct maptrack){.granter = granter,
                           .ref = op->ref,
                           .gpa = op->host_addr,
                           .in_use = true,
                           .readonly = readonly};
    gt->maps[op->ref]++;
    __atomic_fetch_or(&e->flags, (uint16_t)GTF_reading, __ATOMIC_SEQ_CST);
    if (!readonly) {
        gt->write_maps[op->ref]++;
        __atomic_fetch_or(&e->flags, (uint16_t)GTF_writing, __ATOMIC_SEQ_CST);
    }
    __atomic_add_fetch(&gt->pins, 1, __ATOMIC_ACQ_REL);
    op->handle = slot;
    op->dev_bus_addr = 0;
    return GNTST_okay;
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *mapper = v->domain, *granter;
    int16_t status = GNTST_no_space;
    unsigned slot;

    if (!(op->flags & GNTMAP_host_map) || (op->flags & (GNTMAP_device_map | GNTMAP_contains_pte)))
        return GNTST_general_error; /* only host mappings by guest-physical address */
    if (!IS_ALIGNED(op->host_addr, PAGE_SIZE) || op->host_addr == 0 || op->host_addr >= IPA_LIMIT)
        return GNTST_bad_virt_addr;
    granter = domain_get(op->dom, mapper);
    if (!granter)
        return GNTST_bad_domain;
    if (granter == mapper) {
        domain_put(granter);
        return GNTST_permission_denied; /* a domain does not map its own grants */
    }
    /* map_read always; map_write too unless read-only (osid2 = writable: Xen's flags). */
    if (xsm_hook_obj2(XSM_HOOK_GRANT_MAP_REF, mapper, granter, 0, !(op->flags & GNTMAP_readonly))) {
        domain_put(granter);
        return GNTST_permission_denied;
    }
    spin_lock(&grant_lock);
    for (slot = 0; slot < GNTTAB_MAPTRACK; slot++)
        if (!mapper->grant->maptrack[slot].in_use)
            break;
    if (slot < GNTTAB_MAPTRACK)
        status = map_locked(mapper, granter, op, slot);
    spin_unlock(&grant_lock);
    domain_put(granter);
    return status;
}

static int16_t unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
    struct domain *mapper = v->domain, *granter;
    struct maptrack m;
    int16_t status = GNTST_okay;

    if (op->handle >= GNTTAB_MAPTRACK)
        return GNTST_bad_handle;
    spin_lock(&grant_lock);
    m = mapper->grant->maptrack[op->handle];
    domid_t granter_id = m.in_use ? m.granter->id : DOMID_INVALID;
    spin_unlock(&grant_lock);
    if (!m.in_use || (op->host_addr && op->host_addr != m.gpa))
        return GNTST_bad_handle;
    /*
     * A reference by id (not the pointer read above: another vCPU could unmap meanwhile and
     * let the granter go); the mapping is checked to be the same one under the lock again.
     */
    granter = domain_get(granter_id, mapper);
    if (!granter)
        return GNTST_bad_handle;
    if (xsm_hook(XSM_HOOK_GRANT_UNMAP_REF, mapper, granter)) {
        domain_put(granter);
        return GNTST_permission_denied;
    }
    spin_lock(&grant_lock);
    if (!mapper->grant->maptrack[op->handle].in_use ||
        mapper->grant->maptrack[op->handle].granter != granter ||
        mapper->grant->maptrack[op->handle].gpa != m.gpa)
        status = GNTST_bad_handle;
    else
        unmap_locked(mapper, &mapper->grant->maptrack[op->handle]);
    spin_unlock(&grant_lock);
    domain_put(granter);
    return status;
}

/* ---------------------------------------------------------------- copy */

/*
 * One side of a copy: a granted page of another domain (with the grant's
 * permission) or a frame of the caller's own RAM. GNTST_*.
 */
static int16_t copy_side(struct domain *self, struct domain *other, const struct gnttab_copy_ptr *p,
                         bool gref, bool write, paddr_t *pa)
{
    if (!gref)
        return granted_page(self, p->u.gmfn, write, pa) ? GNTST_bad_page : GNTST_okay;
    struct grant_entry_v1 *e = entry_of(other, p->u.ref);
    uint16_t flags;

    if (!e)
        return GNTST_bad_gntref;
    flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    if ((flags & GTF_type_mask) != GTF_permit_access || e->domid != self->id ||
        (write && (flags & GTF_readonly)))
        return GNTST_permission_denied;
    return granted_page(other, e->frame, write, pa) ? GNTST_bad_page : GNTST_okay;
}

static int16_t copy_one(struct vcpu *v, struct gnttab_copy *op)
{
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    const struct gnttab_copy_ptr *remote = src_gref ? &op->source : &op->dest;
    struct domain *self = v->domain, *other;
    paddr_t src, dst;
    int16_t status;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    if (op->source.offset + (unsigned)op->len > PAGE_SIZE ||
        op->dest.offset + (unsigned)op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    /* Exactly one side is another domain's grant; the other is the caller's own frame. */
    if (src_gref == dst_gref || (src_gref ? op->dest.domid : op->source.domid) != DOMID_SELF)
        return GNTST_bad_copy_arg;
    other = domain_get(remote->domid, self);
    if (!other)
        return GNTST_bad_domain;
    if (other == self || xsm_hook(XSM_HOOK_GRANT_COPY, self, other)) {
        domain_put(other);
        return other == self ? GNTST_bad_domain : GNTST_permission_denied;
    }
    spin_lock(&grant_lock);
    status = copy_side(self, other, &op->source, src_gref, false, &src);
    if (status == GNTST_okay)
        status = copy_side(self, other, &op->dest, dst_gref, true, &dst);
    if (status == GNTST_okay)
        memmove((char *)arch_phys_to_virt(dst) + op->dest.offset,
                (const char *)arch_phys_to_virt(src) + op->source.offset, op->len);
    spin_unlock(&grant_lock);
    domain_put(other);
    return status;
}

/* ---------------------------------------------------------------- table set-up */

static int16_t setup_one(struct vcpu *v, struct gnttab_setup_table *op)
{
    struct domain *d = domain_get(op->dom, v->domain);
    int16_t status = GNTST_okay;

    if (!d)
        return GNTST_bad_domain;
    if (op->nr_frames > GNTTAB_MAX_FRAMES) {
        domain_put(d);
        return GNTST_general_error;
    }
    if (xsm_hook(XSM_HOOK_GRANT_SETUP_TABLE, v->domain, d)) {
        domain_put(d);
        return GNTST_permission_denied;
    }
    spin_lock(&grant_lock);
    if (grow(d, op->nr_frames))
        status = GNTST_general_error;
    spin_unlock(&grant_lock);
    for (unsigned i = 0; status == GNTST_okay && i < op->nr_frames; i++) {
        uint64_t gfn = d->grant->frame_gfn[i] ? d->grant->frame_gfn[i] : ~0ull;

        if (copy_to_guest(v, op->frame_list + i * sizeof(gfn), &gfn, sizeof(gfn)))
            status = GNTST_bad_virt_addr;
    }
    domain_put(d);
    return status;
}

static int16_t query_one(struct vcpu *v, struct gnttab_query_size *op)
{
    struct domain *d = domain_get(op->dom, v->domain);

    if (!d)
        return GNTST_bad_domain;
    if (xsm_hook(XSM_HOOK_GRANT_QUERY_SIZE, v->domain, d)) {
        domain_put(d);
        return GNTST_permission_denied;
    }
    spin_lock(&grant_lock);
    op->nr_frames = d->grant->nr_frames;
    spin_unlock(&grant_lock);
    op->max_nr_frames = GNTTAB_MAX_FRAMES;
    domain_put(d);
    return GNTST_okay;
}

/* ---------------------------------------------------------------- the hypercall */

/* Runs one element of type T at gva through fn and writes it back. */
#define GNTTAB_ELEMENT(T, fn, status_field)                                                        \
    static long element_##fn(struct vcpu *v, uint64_t gva)                                         \
    {                                                                                              \
        T op;                                                                                      \
        if (copy_from_guest(v, &op, gva, sizeof(op)))                                              \
            return -EFAULT;                                                                        \
        op.status_field = fn(v, &op);                                                              \
        return copy_to_guest(v, gva, &op, sizeof(op)) ? -EFAULT : 0;                               \
    }

GNTTAB_ELEMENT(struct gnttab_map_grant_ref, map_one, status)
GNTTAB_ELEMENT(struct gnttab_unmap_grant_ref, unmap_one, status)
GNTTAB_ELEMENT(struct gnttab_copy, copy_one, status)
GNTTAB_ELEMENT(struct gnttab_setup_table, setup_one, status)
GNTTAB_ELEMENT(struct gnttab_query_size, query_one, status)

static long set_version(struct vcpu *v, uint64_t gva)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(v, &op, gva, sizeof(op)))
        return -EFAULT;
    rc = xsm_hook(XSM_HOOK_GRANT_SET_VERSION, v->domain, v->domain);
    if (rc)
        return rc;
    rc = op.version == 1 ? 0 : -EINVAL; /* only version 1 is offered */
    op.version = 1;
    return copy_to_guest(v, gva, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t gva)
{
    struct gnttab_get_version op;
    struct domain *d;
    long rc;

    if (copy_from_guest(v, &op, gva, sizeof(op)))
        return -EFAULT;
    d = domain_get(op.dom, v->domain);
    if (!d)
        return -ESRCH;
    rc = xsm_hook(XSM_HOOK_GRANT_GET_VERSION, v->domain, d);
    domain_put(d);
    if (rc)
        return rc;
    op.version = 1;
    return copy_to_guest(v, gva, &op, sizeof(op)) ? -EFAULT : 0;
}

void do_grant_table_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                       struct hypercall_result *result)
{
    static const struct {
        long (*fn)(struct vcpu *, uint64_t);
        size_t size;
    } ops[] = {
        [GNTTABOP_map_grant_ref] = {element_map_one, sizeof(struct gnttab_map_grant_ref)},
        [GNTTABOP_unmap_grant_ref] = {element_unmap_one, sizeof(struct gnttab_unmap_grant_ref)},
        [GNTTABOP_setup_table] = {element_setup_one, sizeof(struct gnttab_setup_table)},
        [GNTTABOP_copy] = {element_copy_one, sizeof(struct gnttab_copy)},
        [GNTTABOP_query_size] = {element_query_one, sizeof(struct gnttab_query_size)},
        [GNTTABOP_set_version] = {set_version, 0},
        [GNTTABOP_get_version] = {get_version, 0},
    };
    uint64_t cmd = args[0], gva = args[1], count = (uint32_t)args[2];

    if (cmd >= ARRAY_SIZE(ops) || !ops[cmd].fn) {
        result->value = -ENOSYS;
        return;
    }
    if (!ops[cmd].size) { /* set/get_version: one structure, no count */
        result->value = ops[cmd].fn(v, gva);
        return;
    }
    /* setup_table and query_size take exactly one (Xen); batches are bounded. */
    if (((cmd == GNTTABOP_setup_table || cmd == GNTTABOP_query_size) && count != 1) ||
        count > GNTTAB_MAX_BATCH) {
        result->value = -EINVAL;
        return;
    }
    for (unsigned i = 0; i < count; i++) {
        if (i == GNTTAB_BATCH) {
            result->restart = true;
            result->args[0] = cmd;
            result->args[1] = gva + i * ops[cmd].size;
            result->args[2] = count - i;
            return;
        }
        result->value = ops[cmd].fn(v, gva + i * ops[cmd].size);
        if (result->value)
            return;
    }
}
