/*
 * domctl and sysctl (public/domctl.h, public/sysctl.h; interface 0x15):
 * what a control domain does to other domains and asks of the hypervisor.
 *
 * Each command copies the structure in, checks the interface version, the
 * target domain and every value, calls its one XSM hook, acts, and copies
 * the structure back. A domain may not pause, unpause or destroy itself
 * through domctl (-EINVAL, as Xen).
 *
 * Commands of Xen's set that are not here return -ENOSYS. A domain built at
 * run time (createdomain, max_mem, populate_physmap, setvcpucontext) starts
 * at its first unpause.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/domctl.h>
#include <flaxen/format.h>
#include <flaxen/measured_boot.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>
#include <flaxen/seal.h>
#include <flaxen/smp.h>
#include <flaxen/string.h>
#include <flaxen/xmalloc.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

/* ---------------------------------------------------------------- domain facts */

/* getdomaininfo's answer for d (read without locks: a snapshot). */
static void fill_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    enum domain_state state = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
    unsigned online = 0, running = 0, blocked = 0;

    memset(info, 0, sizeof(*info));
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        enum vcpu_state vs = __atomic_load_n(&d->vcpus[i]->state, __ATOMIC_ACQUIRE);

        online += vs != VCPU_OFFLINE;
        running += vs == VCPU_RUNNING;
        blocked += vs == VCPU_BLOCKED;
    }
    info->domain = d->id;
    info->flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
    if (state == DOMAIN_DEAD)
        info->flags |= XEN_DOMINF_dying;
    if (state == DOMAIN_SHUTDOWN)
        info->flags |= XEN_DOMINF_shutdown |
                       ((d->shutdown_code & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift);
    if (__atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE) || state == DOMAIN_BUILDING)
        info->flags |= XEN_DOMINF_paused;
    if (running)
        info->flags |= XEN_DOMINF_running;
    if (online && blocked == online)
        info->flags |= XEN_DOMINF_blocked;
    info->tot_pages = domain_page_count(d);
    info->max_pages = d->max_pages ? d->max_pages : info->tot_pages;
    info->shared_info_frame = d->shared_info_gfn;
    info->nr_online_vcpus = online;
    info->max_vcpu_id = d->nr_vcpus - 1;
    info->ssidref = d->sid;
    info->gpaddr_bits = 39;
    info->arch_config.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
}

/* ---------------------------------------------------------------- domctl commands */

static long dom_getdomaininfo(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    long rc = xsm_hook(XSM_HOOK_DOMCTL_GETDOMAININFO, v->domain, d);

    if (!rc)
        fill_info(d, &op->u.getdomaininfo);
    return rc;
}

static long dom_pause(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    long rc;

    (void)op;
    if (d == v->domain)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_DOMCTL_PAUSEDOMAIN, v->domain, d);
    if (!rc)
        sched_domain_pause(d);
    return rc;
}

static long dom_unpause(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    long rc;

    (void)op;
    if (d == v->domain)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_DOMCTL_UNPAUSEDOMAIN, v->domain, d);
    if (rc)
        return rc;
    if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == DOMAIN_BUILDING) {
        /*
         * A domain built at run time starts here, and only once sealed: measured, labeled
         * from the manifest, its images and entry point set by the hypervisor (seal.c).
         * No caller, in no mode, starts an unsealed domain.
         */
        spin_lock(&d->lock);
        rc = d->sealed && !d->sealing ? 0 : -EPERM;
        spin_unlock(&d->lock);
        if (rc) {
            printk("domain %u (%s): not sealed: unpause by domain %u refused\n", d->id, d->name,
                   v->domain->id);
            return rc;
        }
        if (!d->boot_entry)
            return -EINVAL;
        rc = domain_start(d, d->boot_entry, d->boot_x0);
        if (!rc)
            printk("domain %u (%s): started by domain %u at %#lx\n", d->id, d->name, v->domain->id,
                   (unsigned long)d->boot_entry);
        return rc;
    }
    return sched_domain_unpause(d);
}

/* The domain is stopped as if it shut itself down, then freed by the scheduler's claim path. */
static long dom_destroy(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    long rc;

    (void)op;
    if (d == v->domain)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_DOMCTL_DESTROYDOMAIN, v->domain, d);
    if (!rc) {
        printk("domain %u (%s): destruction requested by domain %u\n", d->id, d->name,
               v->domain->id);
        domain_shutdown(d, SHUTDOWN_poweroff);
        while (__atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE))
            sched_domain_unpause(d); /* a paused domain still goes */
    }
    return rc;
}

static long dom_max_mem(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    uint64_t kb = op->u.max_mem.max_memkb;
    long rc;

    if (kb > (1ull << 40) || (kb << 10) >> PAGE_SHIFT < domain_page_count(d))
        return -EINVAL; /* no shrinking below what it has (no ballooning yet) */
    rc = xsm_hook(XSM_HOOK_DOMCTL_MAX_MEM, v->domain, d);
    if (!rc)
        d->max_pages = (kb << 10) >> PAGE_SHIFT;
    return rc;
}

static long dom_max_vcpus(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    long rc;

    if (op->u.max_vcpus.max != d->nr_vcpus)
        return -EINVAL; /* vCPUs are fixed when the domain is created */
    rc = xsm_hook(XSM_HOOK_DOMCTL_MAX_VCPUS, v->domain, d);
    return rc;
}

static long dom_getvcpuinfo(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_getvcpuinfo *info = &op->u.getvcpuinfo;
    struct vcpu *t;
    long rc;

    if (info->vcpu >= d->nr_vcpus)
        return -ENOENT;
    rc = xsm_hook(XSM_HOOK_DOMCTL_GETVCPUINFO, v->domain, d);
    if (rc)
        return rc;
    t = d->vcpus[info->vcpu];
    info->online = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != VCPU_OFFLINE;
    info->blocked = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == VCPU_BLOCKED;
    info->running = __atomic_load_n(&t->pcpu, __ATOMIC_ACQUIRE) >= 0;
    info->cpu = info->running ? (uint32_t)t->pcpu : 0;
    info->cpu_time = 0; /* not accounted */
    return 0;
}

/* Only of a paused domain (its vCPUs are off the CPUs and stay off), as Xen. */
static long dom_getvcpucontext(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    struct vcpu_guest_context ctx;
    long rc;

    if (op->u.vcpucontext.vcpu >= d->nr_vcpus)
        return -ENOENT;
    if (d == v->domain)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_DOMCTL_GETVCPUCONTEXT, v->domain, d);
    if (rc)
        return rc;
    if (!__atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE))
        return -EBUSY;
    memset(&ctx, 0, sizeof(ctx));
    arch_vcpu_get_context(d->vcpus[op->u.vcpucontext.vcpu], &ctx);
    return copy_to_guest(v, op->u.vcpucontext.ctxt, &ctx, sizeof(ctx)) ? -EFAULT : 0;
}

/*
 * A free domain id for createdomain with domain 0 ("pick one"): the next one
 * after the last picked, wrapping (as Xen), so an id is not reused at once.
 */
static domid_t free_domid(void)
{
    static domid_t rover;

    for (unsigned n = 0; n < DOMID_FIRST_RESERVED; n++) {
        domid_t id =
            (domid_t)(__atomic_add_fetch(&rover, 1, __ATOMIC_RELAXED) % DOMID_FIRST_RESERVED);
        struct domain *d = id ? domain_get(id, NULL) : NULL;

        if (id && !d)
            return id;
        if (d)
            domain_put(d);
    }
    return DOMID_INVALID;
}

/*
 * A new domain, paused and unlabeled no more: it carries ssidref (the
 * caller needs domain:create on it) and its self SID; no RAM (max_mem and
 * populate_physmap give it some), vCPUs offline until unpause starts vCPU 0
 * where setvcpucontext said.
 */
static long dom_createdomain(struct vcpu *v, struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    char name[16], context[XSM_ERROR_LEN];
    struct domain *d;
    uint32_t self_sid;
    domid_t id = op->domain ? op->domain : free_domid();
    long rc;

    if (c->max_vcpus == 0 || c->max_vcpus > DOMAIN_MAX_VCPUS || id >= DOMID_FIRST_RESERVED ||
        (c->flags & (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap)) !=
            (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap))
        return -EINVAL;
    if (xsm_sid_to_context(c->ssidref, context, sizeof(context)))
        return -EINVAL; /* not a SID the policy knows */
    rc = xsm_hook_obj(XSM_HOOK_DOMCTL_CREATEDOMAIN, v->domain, NULL, c->ssidref);
    if (rc)
        return rc;
    if (xsm_domain_self_sid(c->ssidref, &self_sid))
        return -EINVAL;
    format_snprintf(name, sizeof(name), "d%u", id);
    rc = domain_create(id, name, c->max_vcpus, &d);
    if (rc)
        return rc;
    d->sid = c->ssidref;
    d->self_sid = self_sid;
    printk("domain %u (%s): created by domain %u as %s, %u vCPUs\n", id, name, v->domain->id,
           context, c->max_vcpus);
    op->domain = id;
    return 0;
}

/* Where vCPU 0 of a domain not yet started begins (pc, x0, PSTATE: EL1 AArch64 only). */
static long dom_setvcpucontext(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    struct vcpu_guest_context ctx;
    uint64_t mode;
    long rc;

    if (op->u.vcpucontext.vcpu >= d->nr_vcpus)
        return -ENOENT;
    if (copy_from_guest(v, &ctx, op->u.vcpucontext.ctxt, sizeof(ctx)))
        return -EFAULT;
    mode = ctx.user_regs.cpsr & 0x1f; /* M[4:0]: EL1t 0b00100 or EL1h 0b00101 */
    if (op->u.vcpucontext.vcpu != 0 || (mode != 0x4 && mode != 0x5) ||
        !IS_ALIGNED(ctx.user_regs.pc64, 4))
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_DOMCTL_SETVCPUCONTEXT, v->domain, d);
    if (rc)
        return rc;
    spin_lock(&d->lock);
    if (d->state != DOMAIN_BUILDING || d->sealed || d->sealing) {
        rc = -EBUSY; /* the running context is the guest's own; a sealed one, the seal's */
    } else {
        d->boot_entry = ctx.user_regs.pc64;
        d->boot_x0 = ctx.user_regs.x[0];
    }
    spin_unlock(&d->lock);
    return rc;
}

static long dom_set_target(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
    struct domain *t = domain_get(op->u.set_target.target, v->domain), *old;
    long rc;

    if (!t)
        return -ESRCH;
    if (t == d) {
        domain_put(t);
        return -EINVAL;
    }
    /* make_priv_for on d, and (flask_hook_extra) set_as_target on t's SID. */
    rc = xsm_hook_obj2(XSM_HOOK_DOMCTL_SET_TARGET, v->domain, d, 0, t->sid);
    if (rc) {
        domain_put(t);
        return rc;
    }
    /* d keeps its reference to t until d is destroyed (the dummy module's device-model rule). */
    spin_lock(&d->lock);
    old = d->target;
    d->target = t;
    d->target_sid = t->sid;
    spin_unlock(&d->lock);
    if (old)
        domain_put(old);
    return 0;
}

void do_domctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    static long (*const cmds[])(struct vcpu *, struct domain *, struct xen_domctl *) = {
        [XEN_DOMCTL_destroydomain] = dom_destroy,
        [XEN_DOMCTL_pausedomain] = dom_pause,
        [XEN_DOMCTL_unpausedomain] = dom_unpause,
        [XEN_DOMCTL_getdomaininfo] = dom_getdomaininfo,
        [XEN_DOMCTL_max_mem] = dom_max_mem,
        [XEN_DOMCTL_getvcpucontext] = dom_getvcpucontext,
        [XEN_DOMCTL_getvcpuinfo] = dom_getvcpuinfo,
        [XEN_DOMCTL_max_vcpus] = dom_max_vcpus,
        [XEN_DOMCTL_set_target] = dom_set_target,
        [XEN_DOMCTL_setvcpucontext] = dom_setvcpucontext,
    };
    struct xen_domctl op;
    struct domain *d;

    if (copy_from_guest(v, &op, args[0], sizeof(op))) {
        result->value = -EFAULT;
        return;
    }
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION) {
        result->value = -EACCES; /* Xen's answer to a toolstack of another version */
        return;
    }
    if (op.cmd == XEN_DOMCTL_createdomain) {
        result->value = dom_createdomain(v, &op);
        if (!result->value && copy_to_guest(v, args[0], &op, sizeof(op)))
            result->value = -EFAULT;
        return;
    }
    if (op.cmd == XEN_DOMCTL_flaxen_seal) {
        d = domain_get(op.domain, v->domain);
        if (!d) {
            result->value = -ESRCH;
            return;
        }
        result->value = domctl_flaxen_seal(v, d, &op.u.flaxen_seal);
        domain_put(d);
        return;
    }
    if (op.cmd >= ARRAY_SIZE(cmds) || !cmds[op.cmd]) {
        result->value = -ENOSYS;
        return;
    }
    d = domain_get(op.domain, v->domain);
    if (!d) {
        result->value = -ESRCH;
        return;
    }
    result->value = cmds[op.cmd](v, d, &op);
    domain_put(d);
    if (!result->value && copy_to_guest(v, args[0], &op, sizeof(op)))
        result->value = -EFAULT;
}

/* ---------------------------------------------------------------- sysctl */

/* Where the last clearing read ended: older bytes are no longer shown. */
static uint64_t console_cleared_at;

/* The ring from the oldest byte kept (or from `index`), in chunks; clear empties it. */
static long sys_readconsole(struct vcpu *v, struct xen_sysctl *op)
{
    struct xen_sysctl_readconsole *rc = &op->u.readconsole;
    uint64_t total = console_total_bytes(),
             kept = total < CONSOLE_RING_SIZE ? total : CONSOLE_RING_SIZE;
    uint64_t oldest = total - kept, from = oldest, done = 0;
    char chunk[256];
    /* readconsole, and (flask_hook_extra) clearconsole when it clears. */
    long err = xsm_hook_obj2(XSM_HOOK_SYSCTL_READCONSOLE, v->domain, NULL, 0, rc->clear);

    if (err)
        return err;
    if (oldest < console_cleared_at)
        oldest = console_cleared_at < total ? console_cleared_at : total;
    from = oldest;
    if (rc->incremental && rc->index > oldest)
        from = rc->index < total ? rc->index : total;
    while (done < rc->count && from + done < total) {
        size_t want = rc->count - done < sizeof(chunk) ? rc->count - done : sizeof(chunk);
        size_t got = console_ring_read(chunk, want, from + done - oldest);

        if (!got)
            break;
        if (copy_to_guest(v, rc->buffer + done, chunk, got))
            return -EFAULT;
        done += got;
    }
    rc->count = (uint32_t)done;
    rc->index = (uint32_t)(from + done);
    if (rc->clear)
        console_cleared_at = from + done;
    return 0;
}

static long sys_physinfo(struct vcpu *v, struct xen_sysctl *op)
{
    struct xen_sysctl_physinfo *p = &op->u.physinfo;
    long rc = xsm_hook(XSM_HOOK_SYSCTL_PHYSINFO, v->domain, NULL);

    if (rc)
        return rc;
    memset(p, 0, sizeof(*p));
    p->threads_per_core = 1;
    p->nr_cpus = smp_online_count();
    p->cores_per_socket = p->nr_cpus;
    p->max_cpu_id = NR_CPUS - 1;
    p->nr_nodes = 1;
    p->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
    p->total_pages = page_alloc_total_count_global();
    p->free_pages = page_alloc_free_count_global();
    return 0;
}

/* Domains from first_domain on, each one the caller may see (Xen skips the others). */
static long sys_getdomaininfolist(struct vcpu *v, struct xen_sysctl *op)
{
    struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;

    for (uint32_t id = l->first_domain; n < l->max_domains; id++) {
        struct domain *d = domain_get_next((domid_t)id);

        if (!d)
            break;
        id = d->id;
        if (!xsm_hook(XSM_HOOK_SYSCTL_GETDOMAININFOLIST, v->domain, d)) {
            fill_info(d, &info);
            if (copy_to_guest(v, l->buffer + n * sizeof(info), &info, sizeof(info))) {
                domain_put(d);
                return -EFAULT;
            }
            n++;
        }
        domain_put(d);
    }
    l->num_domains = n;
    return 0;
}

/* Flaxen only: a TPM quote with the key and the event log (public/sysctl.h). */
static long sys_flaxen_attest(struct vcpu *v, struct xen_sysctl *op)
{
    struct xen_sysctl_flaxen_attest *a = &op->u.flaxen_attest;
    uint32_t lens[ATTEST_PARTS] = {0};
    size_t bound = ATTEST_FIXED_BYTES + measured_boot_log_len();
    size_t max = a->buffer_len > bound ? bound : a->buffer_len;
    uint8_t *out;
    long rc;

    if (a->pcr_mask == 0 || a->pcr_mask >> 24 || a->nonce_len == 0 ||
        a->nonce_len > sizeof(a->nonce) || a->pad)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_SYSCTL_FLAXEN_ATTEST, v->domain, NULL);
    if (rc)
        return rc;
    out = xmalloc(max ? max : 1);
    if (!out)
        return -ENOMEM;
    rc = measured_boot_attest(a->nonce, a->nonce_len, a->pcr_mask, out, max, lens);
    a->quote_len = lens[ATTEST_QUOTE];
    a->signature_len = lens[ATTEST_SIGNATURE];
    a->key_len = lens[ATTEST_KEY];
    a->log_len = lens[ATTEST_LOG];
    if (!rc && copy_to_guest(v, a->buffer, out,
                             (size_t)a->quote_len + a->signature_len + a->key_len + a->log_len))
        rc = -EFAULT;
    xfree(out);
    return rc;
}

void do_sysctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    struct xen_sysctl op;

    if (copy_from_guest(v, &op, args[0], sizeof(op))) {
        result->value = -EFAULT;
        return;
    }
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) {
        result->value = -EACCES;
        return;
    }
    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        result->value = sys_readconsole(v, &op);
        break;
    case XEN_SYSCTL_physinfo:
        result->value = sys_physinfo(v, &op);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        result->value = sys_getdomaininfolist(v, &op);
        break;
    case XEN_SYSCTL_flaxen_attest:
        result->value = sys_flaxen_attest(v, &op);
        break;
    default:
        result->value = -ENOSYS;
        return;
    }
    /* The lengths go back with -ENOBUFS too: the caller learns the size it needs. */
    if ((!result->value || result->value == -ENOBUFS) && copy_to_guest(v, args[0], &op, sizeof(op)))
        result->value = -EFAULT;
}
