/*
 * Event channels, Xen's 2-level ABI (flaxen/event_channel.h; public ABI in
 * public/event_channel.h and the shared_info layout in public/xen.h).
 *
 * One lock guards every domain's ports (evtchn_lock): an interdomain
 * channel links two domains, and a single lock makes linking, sending and
 * unlinking at destruction trivially consistent. The hypercalls copy their
 * argument in, look at the channel under the lock (its SID, its state),
 * call their XSM hook without the lock, then take the lock again and act
 * only if the channel is still the one that was checked (same state and
 * SID), else -EINVAL. Pointers to another domain stored in a channel stay
 * valid because a domain unlinks all its channels, under the lock, before
 * it is freed.
 */
#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/event_channel.h>
#include <flaxen/lib.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <flaxen/xmalloc.h>
#include <public/xen.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

_Static_assert(EVTCHN_MAX_PORTS <= EVTCHN_2L_NR_CHANNELS, "ports fit the 2-level ABI");
_Static_assert(sizeof(struct shared_info) <= PAGE_SIZE, "shared_info fits a page");

#define WORD_BITS (sizeof(xen_ulong_t) * 8)

static struct spinlock evtchn_lock = SPINLOCK_INIT;

int evtchn_domain_init(struct domain *d)
{
    d->evtchn = xmalloc_array(EVTCHN_MAX_PORTS, sizeof(struct evtchn));
    if (!d->evtchn)
        return -ENOMEM;
    memset(d->evtchn, 0, EVTCHN_MAX_PORTS * sizeof(struct evtchn));
    if (alloc_pages(0, &d->shared_info_pa)) {
        xfree(d->evtchn);
        d->evtchn = NULL;
        return -ENOMEM;
    }
    d->shared_info = arch_phys_to_virt(d->shared_info_pa);
    memset(d->shared_info, 0, PAGE_SIZE);
    return 0;
}

/* ---------------------------------------------------------------- delivery (lock held) */

/* The vcpu_info events for v are reported in, or NULL (a vCPU > 0 that registered none). */
static struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
    if (v->vcpu_info)
        return v->vcpu_info;
    return v->id < XEN_LEGACY_MAX_VCPUS ? &v->domain->shared_info->vcpu_info[v->id] : NULL;
}

/* Selector bit `word` and the upcall flag of v; the PPI when the flag was clear. */
static void notify_vcpu(struct vcpu *v, unsigned word)
{
    struct vcpu_info *vi = vcpu_info_of(v);

    if (!vi)
        return;
    if (__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << word, __ATOMIC_SEQ_CST) & (1ull << word))
        return;
    if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        arch_vcpu_raise_irq(v, EVTCHN_UPCALL_PPI);
}

/* Marks port of d pending and notifies its vCPU unless the port is masked. */
static void deliver(struct domain *d, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    unsigned word = port / WORD_BITS;
    xen_ulong_t bit = 1ull << (port % WORD_BITS);
    unsigned vcpu = d->evtchn[port].notify_vcpu;

    if (__atomic_fetch_or(&si->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
        return;
    for (unsigned i = 0; i < d->nr_vcpus; i++) /* SCHEDOP_poll waits even on masked ports */
        if (__atomic_load_n(&d->vcpus[i]->polling, __ATOMIC_ACQUIRE))
            sched_vcpu_wake(d->vcpus[i]);
    if (__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)
        return;
    if (vcpu < d->nr_vcpus)
        notify_vcpu(d->vcpus[vcpu], word);
}

static bool port_valid(evtchn_port_t port)
{
    return port > 0 && port < EVTCHN_MAX_PORTS;
}

/* The lowest free port of d, or 0 when there is none. */
static evtchn_port_t port_alloc(struct domain *d)
{
    for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++)
        if (d->evtchn[p].state == ECS_FREE)
            return p;
    return 0;
}

/* Frees port of d; the other end of an interdomain channel becomes unbound (Xen). */
static void port_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = &d->evtchn[port];
    unsigned word = port / WORD_BITS;

    if (chn->state == ECS_INTERDOMAIN) {
        struct evtchn *peer = &chn->u.inter.dom->evtchn[chn->u.inter.port];

        if (peer != chn) {
            peer->state = ECS_UNBOUND;
            peer->u.unbound_remote = d->id;
        }
    } else if (chn->state == ECS_VIRQ && chn->u.virq < ARRAY_SIZE(d->virq_port)) {
        d->virq_port[chn->u.virq] = 0;
    }
    memset(chn, 0, sizeof(*chn));
    __atomic_fetch_and(&d->shared_info->evtchn_pending[word], ~(1ull << (port % WORD_BITS)),
                       __ATOMIC_SEQ_CST);
}

void evtchn_domain_destroy(struct domain *d)
{
    if (d->evtchn) {
        spin_lock(&evtchn_lock);
        for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++)
            if (d->evtchn[p].state != ECS_FREE)
                port_close(d, p);
        spin_unlock(&evtchn_lock);
        xfree(d->evtchn);
        d->evtchn = NULL;
    }
    if (d->shared_info) {
        BUG_ON(free_pages(d->shared_info_pa, 0));
        d->shared_info = NULL;
    }
}

void evtchn_send_virq(struct domain *d, unsigned virq)
{
    spin_lock(&evtchn_lock);
    if (virq < ARRAY_SIZE(d->virq_port) && d->virq_port[virq])
        deliver(d, d->virq_port[virq]);
    spin_unlock(&evtchn_lock);
}

long evtchn_poll_check(struct vcpu *v, const uint32_t *ports, unsigned n, bool arm)
{
    struct shared_info *si = v->domain->shared_info;
    long rc = 0;

    spin_lock(&evtchn_lock);
    for (unsigned i = 0; i < n && rc >= 0; i++) {
        if (ports[i] >= EVTCHN_MAX_PORTS)
            rc = -EINVAL;
        else if (__atomic_load_n(&si->evtchn_pending[ports[i] / WORD_BITS], __ATOMIC_SEQ_CST) &
                 (1ull << (ports[i] % WORD_BITS)))
            rc = 1;
    }
    if (rc == 0 && arm)
        __atomic_store_n(&v->polling, true, __ATOMIC_RELEASE);
    spin_unlock(&evtchn_lock);
    return rc;
}

void evtchn_poll_done(struct vcpu *v)
{
    __atomic_store_n(&v->polling, false, __ATOMIC_RELEASE);
}

long evtchn_peer_sid(struct domain *d, uint32_t port, uint32_t *sid)
{
    long rc = -EINVAL;

    spin_lock(&evtchn_lock);
    if (port_valid(port) && d->evtchn[port].state == ECS_INTERDOMAIN) {
        const struct evtchn *chn = &d->evtchn[port];

        *sid = chn->u.inter.dom->evtchn[chn->u.inter.port].sid;
        rc = 0;
    }
    spin_unlock(&evtchn_lock);
    return rc;
}

/* ---------------------------------------------------------------- sub-ops */

/* Copies the sub-op's structure in; -EFAULT when it cannot. */
static long copy_in(struct vcpu *v, void *s, uint64_t gva, size_t len)
{
    return copy_from_guest(v, s, gva, len) ? -EFAULT : 0;
}

static long copy_out(struct vcpu *v, uint64_t gva, const void *s, size_t len)
{
    return copy_to_guest(v, gva, s, len) ? -EFAULT : 0;
}

/* The state and SID of port of d, under the lock; false for a bad or free port. */
static bool port_snapshot(struct domain *d, evtchn_port_t port, struct evtchn *out)
{
    bool ok;

    spin_lock(&evtchn_lock);
    ok = port_valid(port) && d->evtchn[port].state != ECS_FREE;
    if (ok)
        *out = d->evtchn[port];
    spin_unlock(&evtchn_lock);
    return ok;
}

long evtchn_alloc_unbound(struct domain *actor, struct domain *d, struct domain *r)
{
    uint32_t sid;
    evtchn_port_t port;
    long rc;

    if (xsm_transition_sid(d->sid, r->sid, SECCLASS_EVENT, &sid))
        return -EINVAL;
    rc = xsm_hook_obj2(XSM_HOOK_EVTCHN_ALLOC_UNBOUND, actor, d, sid, r->sid);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    port = port_alloc(d);
    if (port)
        d->evtchn[port] =
            (struct evtchn){.state = ECS_UNBOUND, .sid = sid, .u.unbound_remote = r->id};
    spin_unlock(&evtchn_lock);
    return port ? (long)port : -ENOSPC;
}

static long op_alloc_unbound(struct vcpu *v, uint64_t gva)
{
    struct evtchn_alloc_unbound a;
    struct domain *d, *r;
    long rc = copy_in(v, &a, gva, sizeof(a));

    if (rc)
        return rc;
    d = domain_get(a.dom, v->domain);
    r = domain_get(a.remote_dom, v->domain);
    if (!d || !r) {
        rc = -ESRCH;
    } else {
        rc = evtchn_alloc_unbound(v->domain, d, r);
        if (rc > 0) {
            a.port = (evtchn_port_t)rc;
            rc = copy_out(v, gva, &a, sizeof(a));
        }
    }
    if (d)
        domain_put(d);
    if (r)
        domain_put(r);
    return rc;
}

/* Links a new port of l to rport of r, which r offered to l; the new port, or -errno. */
static long bind_locked(struct domain *l, struct domain *r, evtchn_port_t rport,
                        const struct evtchn *checked, uint32_t sid)
{
    struct evtchn *rchn = &r->evtchn[rport];
    evtchn_port_t lport;

    if (rchn->state != ECS_UNBOUND || rchn->u.unbound_remote != l->id || rchn->sid != checked->sid)
        return -EINVAL;
    lport = port_alloc(l);
    if (!lport)
        return -ENOSPC;
    l->evtchn[lport] = (struct evtchn){.state = ECS_INTERDOMAIN, .sid = sid};
    l->evtchn[lport].u.inter.dom = r;
    l->evtchn[lport].u.inter.port = rport;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.inter.dom = l;
    rchn->u.inter.port = lport;
    /* Events sent while the remote port was unbound are not lost (Xen does the same). */
    deliver(l, lport);
    return lport;
}

static long op_bind_interdomain(struct vcpu *v, uint64_t gva)
{
    struct evtchn_bind_interdomain b;
    struct domain *l = v->domain, *r;
    struct evtchn rchn;
    uint32_t sid;
    long rc = copy_in(v, &b, gva, sizeof(b));

    if (rc)
        return rc;
    r = domain_get(b.remote_dom, l);
    if (!r)
        return -ESRCH;
    if (!port_snapshot(r, b.remote_port, &rchn) || rchn.state != ECS_UNBOUND ||
        rchn.u.unbound_remote != l->id)
        rc = -EINVAL;
    else if (xsm_transition_sid(l->sid, r->sid, SECCLASS_EVENT, &sid))
        rc = -EINVAL;
    else
        rc = xsm_hook_obj2(XSM_HOOK_EVTCHN_BIND_INTERDOMAIN, l, r, sid, rchn.sid);
    if (!rc) {
        spin_lock(&evtchn_lock);
        rc = bind_locked(l, r, b.remote_port, &rchn, sid);
        spin_unlock(&evtchn_lock);
        if (rc > 0) {
            b.local_port = (evtchn_port_t)rc;
            rc = copy_out(v, gva, &b, sizeof(b));
        }
    }
    domain_put(r);
    return rc;
}

static long op_bind_virq(struct vcpu *v, uint64_t gva)
{
    struct evtchn_bind_virq b;
    struct domain *d = v->domain;
    long rc = copy_in(v, &b, gva, sizeof(b));

    if (rc)
        return rc;
    if (b.virq >= ARRAY_SIZE(d->virq_port) || b.vcpu >= d->nr_vcpus)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_EVTCHN_BIND_VIRQ, d, d);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    if (d->virq_port[b.virq]) {
        rc = -EEXIST;
    } else {
        b.port = port_alloc(d);
        if (!b.port) {
            rc = -ENOSPC;
        } else {
            d->evtchn[b.port] = (struct evtchn){.state = ECS_VIRQ,
                                                .notify_vcpu = (uint16_t)b.vcpu,
                                                .sid = XSM_SID_UNLABELED,
                                                .u.virq = b.virq};
            d->virq_port[b.virq] = b.port;
        }
    }
    spin_unlock(&evtchn_lock);
    return rc ? rc : copy_out(v, gva, &b, sizeof(b));
}

static long op_bind_ipi(struct vcpu *v, uint64_t gva)
{
    struct evtchn_bind_ipi b;
    struct domain *d = v->domain;
    long rc = copy_in(v, &b, gva, sizeof(b));

    if (rc)
        return rc;
    if (b.vcpu >= d->nr_vcpus)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_EVTCHN_BIND_IPI, d, d);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    b.port = port_alloc(d);
    if (b.port)
        d->evtchn[b.port] =
            (struct evtchn){.state = ECS_IPI, .notify_vcpu = (uint16_t)b.vcpu, .sid = d->sid};
    spin_unlock(&evtchn_lock);
    return b.port ? copy_out(v, gva, &b, sizeof(b)) : -ENOSPC;
}

static long op_close(struct vcpu *v, uint64_t gva)
{
    struct evtchn_close c;
    struct domain *d = v->domain;
    long rc = copy_in(v, &c, gva, sizeof(c));

    if (rc)
        return rc;
    if (!port_valid(c.port))
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_EVTCHN_CLOSE, d, d);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    if (d->evtchn[c.port].state == ECS_FREE)
        rc = -EINVAL;
    else
        port_close(d, c.port);
    spin_unlock(&evtchn_lock);
    return rc;
}

static long op_send(struct vcpu *v, uint64_t gva)
{
    struct evtchn_send s;
    struct domain *d = v->domain;
    struct evtchn chn;
    long rc = copy_in(v, &s, gva, sizeof(s));

    if (rc)
        return rc;
    if (!port_snapshot(d, s.port, &chn))
        return -EINVAL;
    if (chn.state == ECS_VIRQ)
        return -EINVAL; /* only the hypervisor raises a VIRQ */
    rc = xsm_hook_obj(XSM_HOOK_EVTCHN_SEND, d, NULL, chn.sid);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    if (d->evtchn[s.port].state != chn.state || d->evtchn[s.port].sid != chn.sid)
        rc = -EINVAL;
    else if (chn.state == ECS_INTERDOMAIN)
        deliver(d->evtchn[s.port].u.inter.dom, d->evtchn[s.port].u.inter.port);
    else if (chn.state == ECS_IPI)
        deliver(d, s.port);
    /* ECS_UNBOUND: nobody listens yet; success, as in Xen. */
    spin_unlock(&evtchn_lock);
    return rc;
}

static long op_status(struct vcpu *v, uint64_t gva)
{
    static const uint32_t status_of[] = {
        [ECS_FREE] = EVTCHNSTAT_closed,
        [ECS_UNBOUND] = EVTCHNSTAT_unbound,
        [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
        [ECS_VIRQ] = EVTCHNSTAT_virq,
        [ECS_IPI] = EVTCHNSTAT_ipi,
    };
    struct evtchn_status st;
    struct evtchn chn = {0};
    struct domain *d;
    long rc = copy_in(v, &st, gva, sizeof(st));

    if (rc)
        return rc;
    d = domain_get(st.dom, v->domain);
    if (!d)
        return -ESRCH;
    if (!port_valid(st.port)) {
        rc = -EINVAL;
    } else {
        bool used = port_snapshot(d, st.port, &chn);

        /* A closed port has no SID of its own: the check is against the domain's. */
        rc = xsm_hook_obj(XSM_HOOK_EVTCHN_STATUS, v->domain, d, used ? chn.sid : d->sid);
    }
    if (!rc) {
        memset(&st.u, 0, sizeof(st.u));
        st.status = status_of[chn.state];
        st.vcpu = chn.notify_vcpu;
        if (chn.state == ECS_UNBOUND)
            st.u.unbound.dom = chn.u.unbound_remote;
        else if (chn.state == ECS_VIRQ)
            st.u.virq = chn.u.virq;
        else if (chn.state == ECS_INTERDOMAIN) {
            spin_lock(&evtchn_lock);
            if (d->evtchn[st.port].state == ECS_INTERDOMAIN) {
                st.u.interdomain.dom = d->evtchn[st.port].u.inter.dom->id;
                st.u.interdomain.port = d->evtchn[st.port].u.inter.port;
            }
            spin_unlock(&evtchn_lock);
        }
        rc = copy_out(v, gva, &st, sizeof(st));
    }
    domain_put(d);
    return rc;
}

static long op_bind_vcpu(struct vcpu *v, uint64_t gva)
{
    struct evtchn_bind_vcpu b;
    struct domain *d = v->domain;
    long rc = copy_in(v, &b, gva, sizeof(b));

    if (rc)
        return rc;
    if (!port_valid(b.port) || b.vcpu >= d->nr_vcpus)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_EVTCHN_BIND_VCPU, d, d);
    if (rc)
        return rc;
    spin_lock(&evtchn_lock);
    if (d->evtchn[b.port].state == ECS_FREE || d->evtchn[b.port].state == ECS_IPI)
        rc = -EINVAL;
    else
        d->evtchn[b.port].notify_vcpu = (uint16_t)b.vcpu;
    spin_unlock(&evtchn_lock);
    return rc;
}

static long op_unmask(struct vcpu *v, uint64_t gva)
{
    struct evtchn_unmask u;
    struct domain *d = v->domain;
    long rc = copy_in(v, &u, gva, sizeof(u));
    unsigned word;
    xen_ulong_t bit;

    if (rc)
        return rc;
    if (!port_valid(u.port))
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_EVTCHN_UNMASK, d, d);
    if (rc)
        return rc;
    word = u.port / WORD_BITS;
    bit = 1ull << (u.port % WORD_BITS);
    spin_lock(&evtchn_lock);
    /* Unmasking a pending port notifies its vCPU now (Xen's 2-level unmask). */
    if ((__atomic_fetch_and(&d->shared_info->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST) & bit) &&
        (__atomic_load_n(&d->shared_info->evtchn_pending[word], __ATOMIC_SEQ_CST) & bit) &&
        d->evtchn[u.port].notify_vcpu < d->nr_vcpus)
        notify_vcpu(d->vcpus[d->evtchn[u.port].notify_vcpu], word);
    spin_unlock(&evtchn_lock);
    return 0;
}

static long op_reset(struct vcpu *v, uint64_t gva)
{
    struct evtchn_reset r;
    struct domain *d;
    long rc = copy_in(v, &r, gva, sizeof(r));

    if (rc)
        return rc;
    d = domain_get(r.dom, v->domain);
    if (!d)
        return -ESRCH;
    rc = xsm_hook(XSM_HOOK_EVTCHN_RESET, v->domain, d);
    if (!rc) {
        spin_lock(&evtchn_lock);
        for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++)
            if (d->evtchn[p].state != ECS_FREE)
                port_close(d, p);
        spin_unlock(&evtchn_lock);
    }
    domain_put(d);
    return rc;
}

void do_event_channel_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                         struct hypercall_result *result)
{
    static long (*const ops[])(struct vcpu *, uint64_t) = {
        [EVTCHNOP_bind_interdomain] = op_bind_interdomain,
        [EVTCHNOP_bind_virq] = op_bind_virq,
        [EVTCHNOP_close] = op_close,
        [EVTCHNOP_send] = op_send,
        [EVTCHNOP_status] = op_status,
        [EVTCHNOP_alloc_unbound] = op_alloc_unbound,
        [EVTCHNOP_bind_ipi] = op_bind_ipi,
        [EVTCHNOP_bind_vcpu] = op_bind_vcpu,
        [EVTCHNOP_unmask] = op_unmask,
        [EVTCHNOP_reset] = op_reset,
    };

    /* FIFO ABI (init_control, expand_array, set_priority) and PIRQs: not offered. */
    if (args[0] >= ARRAY_SIZE(ops) || !ops[args[0]]) {
        result->value = -ENOSYS;
        return;
    }
    result->value = ops[args[0]](v, args[1]);
}
