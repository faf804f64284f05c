/*
 * xsm_op (hypercall 27): Xen's FLASK operations, interface version 1, with
 * Xen's command numbers and structures (public/xsm/flask_op.h).
 *
 * Every command copies its structure (and any string or policy) in with a
 * bounded size, then calls its one XSM hook (class `security` against the
 * security server's initial SID, with the permission Xen checks for it),
 * then works on the security server under the FLASK lock, then copies the
 * answer out after the lock is dropped. Commands Xen answers without any
 * check (getenforce, policyvers, mls, getbool, the AVC statistics and
 * threshold, get_peer_sid) are checked here too: they read the security
 * server's state, so they need `security:compute_av`.
 *
 * Not offered (-ENOSYS, and no hook since there is no sub-op): the
 * withdrawn USER and DISABLE. Run-time object contexts (ADD/DEL_OCONTEXT,
 * DEVICETREE_LABEL) live in the loaded policy: a LOAD replaces them.
 */
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/event_channel.h>
#include <flaxen/hypercall.h>
#include <flaxen/string.h>
#include <flaxen/xmalloc.h>
#include <public/xsm/flask_op.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#include "flask_internal.h"
#include "flask_op.h"

#define FLASK_POLICY_MAX (4u << 20) /* bytes of a policy LOAD may pass */
#define FLASK_STRING_MAX 4096u      /* contexts and boolean names, NUL included */

/* A guest string of `size` bytes (NUL not required) into a fresh NUL-terminated buffer. */
static long copy_string_in(struct vcpu *v, uint64_t gva, uint32_t size, char **out)
{
    char *s;

    if (size == 0 || size > FLASK_STRING_MAX)
        return -EINVAL;
    s = xmalloc(size + 1);
    if (!s)
        return -ENOMEM;
    if (copy_from_guest(v, s, gva, size)) {
        xfree(s);
        return -EFAULT;
    }
    s[size] = '\0';
    *out = s;
    return 0;
}

/* ---------------------------------------------------------------- policy and mode */

static long op_load(struct vcpu *v, struct xen_flask_op *op)
{
    char err[XSM_ERROR_LEN];
    void *image;
    long rc;

    if (op->u.load.size == 0 || op->u.load.size > FLASK_POLICY_MAX)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_FLASK_LOAD, v->domain, NULL);
    if (rc)
        return rc;
    image = xmalloc(op->u.load.size);
    if (!image)
        return -ENOMEM;
    if (copy_from_guest(v, image, op->u.load.buffer, op->u.load.size)) {
        xfree(image);
        return -EFAULT;
    }
    rc = flask_reload_policy(image, op->u.load.size, err, sizeof(err));
    xfree(image);
    if (rc)
        printk("Flask: domain %u: policy load refused, the old one stays: %s\n", v->domain->id,
               err);
    else
        printk("Flask: domain %u loaded a new policy (%u bytes)\n", v->domain->id, op->u.load.size);
    return rc;
}

static long op_getenforce(struct vcpu *v, struct xen_flask_op *op)
{
    long rc = xsm_hook(XSM_HOOK_FLASK_GETENFORCE, v->domain, NULL);

    (void)op;
    return rc ? rc : xsm_mode() == XSM_MODE_ENFORCING;
}

static long op_setenforce(struct vcpu *v, struct xen_flask_op *op)
{
    long rc;

    if (op->u.enforce.enforcing > 1)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_FLASK_SETENFORCE, v->domain, NULL);
    if (rc)
        return rc;
    rc = flask_set_enforcing(op->u.enforce.enforcing);
    if (!rc)
        printk("Flask: domain %u set the mode to %s\n", v->domain->id,
               op->u.enforce.enforcing ? "enforcing" : "permissive");
    return rc;
}

static long op_policyvers(struct vcpu *v, struct xen_flask_op *op)
{
    long rc = xsm_hook(XSM_HOOK_FLASK_POLICYVERS, v->domain, NULL);

    (void)op;
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss ? ss_policy_version(flask_state.ss) : -EINVAL;
    spin_unlock(&flask_state.lock);
    return rc;
}

static long op_mls(struct vcpu *v, struct xen_flask_op *op)
{
    long rc = xsm_hook(XSM_HOOK_FLASK_MLS, v->domain, NULL);

    (void)op;
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss ? ss_mls_enabled(flask_state.ss) : -EINVAL;
    spin_unlock(&flask_state.lock);
    return rc;
}

/* ---------------------------------------------------------------- contexts and decisions */

static long op_context_to_sid(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_sid_context *a = &op->u.sid_context;
    char *context;
    long rc = copy_string_in(v, a->context, a->size, &context);

    if (rc)
        return rc;
    rc = xsm_hook(XSM_HOOK_FLASK_CONTEXT_TO_SID, v->domain, NULL);
    if (!rc)
        rc = xsm_context_to_sid(context, &a->sid, NULL, 0);
    xfree(context);
    return rc;
}

static long op_sid_to_context(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_sid_context *a = &op->u.sid_context;
    char *context = xmalloc(FLASK_STRING_MAX);
    long rc = xsm_hook(XSM_HOOK_FLASK_SID_TO_CONTEXT, v->domain, NULL);
    size_t len;

    if (!context)
        return -ENOMEM;
    if (!rc)
        rc = xsm_sid_to_context(a->sid, context, FLASK_STRING_MAX);
    if (rc == -ENOENT)
        rc = -EINVAL; /* an unknown SID */
    if (!rc) {
        len = strlen(context) + 1; /* the size needed, NUL included, as Xen reports it */
        if (len > a->size)
            rc = -ERANGE;
        else if (copy_to_guest(v, a->context, context, len))
            rc = -EFAULT;
        a->size = (uint32_t)len;
    }
    xfree(context);
    return rc;
}

/* ACCESS, CREATE, RELABEL, MEMBER: the server's answer for two SIDs and a class. */
static long op_compute(struct vcpu *v, struct xen_flask_op *op, enum xsm_hook_id hook)
{
    struct xen_flask_access *a = &op->u.access;
    struct xen_flask_transition *t = &op->u.transition;
    struct ss_av_decision avd;
    long rc = xsm_hook(hook, v->domain, NULL);

    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    if (!flask_state.ss) {
        rc = -EINVAL;
    } else if (hook == XSM_HOOK_FLASK_ACCESS) {
        rc = ss_compute_av(flask_state.ss, a->ssid, a->tsid, a->tclass, &avd, NULL) ? -EINVAL : 0;
        if (!rc) {
            a->allowed = avd.allowed & a->req;
            a->audit_allow = avd.auditallow;
            a->audit_deny = avd.auditdeny;
            a->seqno = avd.seqno;
        }
    } else {
        enum ss_compute_kind kind = hook == XSM_HOOK_FLASK_CREATE   ? SS_COMPUTE_CREATE
                                    : hook == XSM_HOOK_FLASK_MEMBER ? SS_COMPUTE_MEMBER
                                                                    : SS_COMPUTE_CHANGE;

        rc = ss_compute_sid(flask_state.ss, t->ssid, t->tsid, t->tclass, kind, &t->newsid) ? -EINVAL
                                                                                           : 0;
    }
    spin_unlock(&flask_state.lock);
    return rc;
}

/* ---------------------------------------------------------------- booleans */

/* The boolean's index: by number, or (bool_id ~0) by the name the guest passes. */
static long bool_index(struct vcpu *v, struct xen_flask_boolean *b, uint32_t *index)
{
    char *name;
    long rc;

    if (b->bool_id != 0xffffffffu) {
        *index = b->bool_id;
        return 0;
    }
    rc = copy_string_in(v, b->name, b->size, &name);
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss && !ss_bool_lookup(flask_state.ss, name, index) ? 0 : -ENOENT;
    spin_unlock(&flask_state.lock);
    xfree(name);
    return rc;
}

static long op_getbool(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_boolean *b = &op->u.boolean;
    char name[256];
    bool active = false, pending = false;
    uint32_t index;
    long rc = bool_index(v, b, &index);
    size_t len = 0;

    if (rc)
        return rc;
    rc = xsm_hook(XSM_HOOK_FLASK_GETBOOL, v->domain, NULL);
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss && !ss_bool_get(flask_state.ss, index, &active, &pending) ? 0 : -ENOENT;
    if (!rc) {
        strlcpy(name, ss_bool_name(flask_state.ss, index), sizeof(name));
        len = strlen(name);
    }
    spin_unlock(&flask_state.lock);
    if (rc)
        return rc;
    b->enforcing = active;
    b->pending = pending;
    if (b->bool_id != 0xffffffffu && b->size) { /* by number: the name goes back too */
        if (b->size < len + 1)
            rc = -ERANGE;
        else if (copy_to_guest(v, b->name, name, len + 1))
            rc = -EFAULT;
    }
    b->bool_id = index;
    b->size = (uint32_t)len;
    return rc;
}

static long op_setbool(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_boolean *b = &op->u.boolean;
    uint32_t index;
    long rc = bool_index(v, b, &index);

    if (rc)
        return rc;
    if (b->new_value > 1)
        return -EINVAL;
    rc = xsm_hook(XSM_HOOK_FLASK_SETBOOL, v->domain, NULL);
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss && !ss_bool_set_pending(flask_state.ss, index, b->new_value) ? 0 : -ENOENT;
    if (!rc && b->commit)
        rc = ss_bool_commit(flask_state.ss) ? -EINVAL : 0; /* the AVC sees the new seqno */
    spin_unlock(&flask_state.lock);
    if (!rc)
        printk("Flask: domain %u set boolean %u to %u%s\n", v->domain->id, index, b->new_value,
               b->commit ? " (committed)" : " (pending)");
    b->bool_id = index;
    return rc;
}

static long op_commitbools(struct vcpu *v, struct xen_flask_op *op)
{
    long rc = xsm_hook(XSM_HOOK_FLASK_COMMITBOOLS, v->domain, NULL);

    (void)op;
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    rc = flask_state.ss && !ss_bool_commit(flask_state.ss) ? 0 : -EINVAL;
    spin_unlock(&flask_state.lock);
    if (!rc)
        printk("Flask: domain %u committed the pending booleans\n", v->domain->id);
    return rc;
}

/* ---------------------------------------------------------------- the AVC */

static long op_avc(struct vcpu *v, struct xen_flask_op *op, enum xsm_hook_id hook)
{
    long rc;

    if (hook == XSM_HOOK_FLASK_SETAVC_THRESHOLD && op->u.setavc_threshold.threshold == 0)
        return -EINVAL;
    if (hook == XSM_HOOK_FLASK_AVC_CACHESTATS && op->u.cache_stats.cpu != 0)
        return -ENOENT; /* one AVC for all CPUs: its totals are CPU 0's */
    rc = xsm_hook(hook, v->domain, NULL);
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    if (!flask_state.ss) {
        rc = -EINVAL;
    } else if (hook == XSM_HOOK_FLASK_GETAVC_THRESHOLD) {
        rc = avc_get_threshold(&flask_state.avc);
    } else if (hook == XSM_HOOK_FLASK_SETAVC_THRESHOLD) {
        avc_set_threshold(&flask_state.avc, op->u.setavc_threshold.threshold);
    } else if (hook == XSM_HOOK_FLASK_AVC_HASHSTATS) {
        struct avc_hash_stats h;

        avc_get_hash_stats(&flask_state.avc, &h);
        op->u.hash_stats = (struct xen_flask_hash_stats){h.entries, h.buckets_used, h.buckets_total,
                                                         h.max_chain_len};
    } else {
        struct avc_stats s;
        struct xen_flask_cache_stats *c = &op->u.cache_stats;

        avc_get_stats(&flask_state.avc, &s);
        c->lookups = (uint32_t)s.lookups;
        c->hits = (uint32_t)s.hits;
        c->misses = (uint32_t)s.misses;
        c->allocations = (uint32_t)s.allocations;
        c->reclaims = (uint32_t)s.reclaims;
        c->frees = (uint32_t)s.frees;
    }
    spin_unlock(&flask_state.lock);
    return rc;
}

/* ---------------------------------------------------------------- hardware labels */

/* The guest's errno for a security server result. */
static long ss_errno(long rc)
{
    switch (rc) {
    case 0:
        return 0;
    case -SS_EEXIST:
        return -EEXIST;
    case -SS_ENOENT:
        return -ENOENT;
    case -SS_ENOMEM:
        return -ENOMEM;
    default:
        return -EINVAL;
    }
}

/* ADD/DEL_OCONTEXT: a run-time label for IRQs, I/O ports, memory frames or PCI devices. */
static long op_ocontext(struct vcpu *v, struct xen_flask_op *op, bool add)
{
    struct xen_flask_ocontext *o = &op->u.ocontext;
    long rc;

    if (o->ocon < FLASK_OCON_PIRQ || o->ocon > FLASK_OCON_DEVICE || o->low > o->high)
        return -EINVAL;
    rc = xsm_hook(add ? XSM_HOOK_FLASK_ADD_OCONTEXT : XSM_HOOK_FLASK_DEL_OCONTEXT, v->domain, NULL);
    if (rc)
        return rc;
    spin_lock(&flask_state.lock);
    if (!flask_state.ss)
        rc = -EINVAL;
    else if (add)
        rc = ss_ocontext_add(flask_state.ss, o->ocon, o->low, o->high, o->sid);
    else
        rc = ss_ocontext_del(flask_state.ss, o->ocon, o->low, o->high);
    spin_unlock(&flask_state.lock);
    return ss_errno(rc);
}

/*
 * DEVICETREE_LABEL: label a device-tree node by its path (sid 0 removes the
 * label). The path is at most FLASK_STRING_MAX bytes, its NUL included.
 */
static long op_devicetree_label(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_devicetree_label *d = &op->u.devicetree_label;
    enum xsm_hook_id hook =
        d->sid ? XSM_HOOK_FLASK_DEVICETREE_LABEL : XSM_HOOK_FLASK_DEVICETREE_UNLABEL;
    char *path;
    long rc = copy_string_in(v, d->path, d->length, &path);

    if (rc)
        return rc;
    rc = xsm_hook(hook, v->domain, NULL);
    if (!rc) {
        spin_lock(&flask_state.lock);
        rc = flask_state.ss ? ss_devicetree_label(flask_state.ss, path, d->sid) : -SS_EINVAL;
        spin_unlock(&flask_state.lock);
        rc = ss_errno(rc);
    }
    xfree(path);
    return rc;
}

/* ---------------------------------------------------------------- domains and channels */

static long op_get_peer_sid(struct vcpu *v, struct xen_flask_op *op)
{
    long rc = xsm_hook(XSM_HOOK_FLASK_GET_PEER_SID, v->domain, NULL);

    return rc ? rc : evtchn_peer_sid(v->domain, op->u.peersid.evtchn, &op->u.peersid.sid);
}

static long op_relabel_domain(struct vcpu *v, struct xen_flask_op *op)
{
    struct xen_flask_relabel *r = &op->u.relabel;
    struct domain *d;
    uint32_t self_sid;
    long rc;

    if (r->domid > 0xffff)
        return -ESRCH;
    d = domain_get((domid_t)r->domid, v->domain);
    if (!d)
        return -ESRCH;
    /* relabelfrom/relabelto (or relabelself) and the domain's transition (flask_hook_extra). */
    rc = xsm_hook_obj2(XSM_HOOK_FLASK_RELABEL_DOMAIN, v->domain, d, r->sid, d == v->domain);
    if (!rc)
        rc = xsm_domain_self_sid(r->sid, &self_sid);
    if (!rc) {
        printk("Flask: domain %u relabeled domain %u (SID %u -> %u)\n", v->domain->id, d->id,
               d->sid, r->sid);
        d->sid = r->sid;
        d->self_sid = self_sid;
    }
    domain_put(d);
    return rc;
}

/* ---------------------------------------------------------------- the hypercall */

void do_xsm_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    struct xen_flask_op op;
    long rc;

    /* flask=disabled: the dummy module has no xsm_op, as in Xen. */
    if (xsm_mode() == XSM_MODE_DISABLED) {
        result->value = -ENOSYS;
        return;
    }
    if (copy_from_guest(v, &op, args[0], sizeof(op))) {
        result->value = -EFAULT;
        return;
    }
    if (op.interface_version != XEN_FLASK_INTERFACE_VERSION) {
        result->value = -ENOSYS; /* Xen's answer to another interface version */
        return;
    }
    switch (op.cmd) {
    case FLASK_LOAD:
        rc = op_load(v, &op);
        break;
    case FLASK_GETENFORCE:
        rc = op_getenforce(v, &op);
        break;
    case FLASK_SETENFORCE:
        rc = op_setenforce(v, &op);
        break;
    case FLASK_CONTEXT_TO_SID:
        rc = op_context_to_sid(v, &op);
        break;
    case FLASK_SID_TO_CONTEXT:
        rc = op_sid_to_context(v, &op);
        break;
    case FLASK_ACCESS:
        rc = op_compute(v, &op, XSM_HOOK_FLASK_ACCESS);
        break;
    case FLASK_CREATE:
        rc = op_compute(v, &op, XSM_HOOK_FLASK_CREATE);
        break;
    case FLASK_RELABEL:
        rc = op_compute(v, &op, XSM_HOOK_FLASK_RELABEL);
        break;
    case FLASK_MEMBER:
        rc = op_compute(v, &op, XSM_HOOK_FLASK_MEMBER);
        break;
    case FLASK_POLICYVERS:
        rc = op_policyvers(v, &op);
        break;
    case FLASK_GETBOOL:
        rc = op_getbool(v, &op);
        break;
    case FLASK_SETBOOL:
        rc = op_setbool(v, &op);
        break;
    case FLASK_COMMITBOOLS:
        rc = op_commitbools(v, &op);
        break;
    case FLASK_MLS:
        rc = op_mls(v, &op);
        break;
    case FLASK_GETAVC_THRESHOLD:
        rc = op_avc(v, &op, XSM_HOOK_FLASK_GETAVC_THRESHOLD);
        break;
    case FLASK_SETAVC_THRESHOLD:
        rc = op_avc(v, &op, XSM_HOOK_FLASK_SETAVC_THRESHOLD);
        break;
    case FLASK_AVC_HASHSTATS:
        rc = op_avc(v, &op, XSM_HOOK_FLASK_AVC_HASHSTATS);
        break;
    case FLASK_AVC_CACHESTATS:
        rc = op_avc(v, &op, XSM_HOOK_FLASK_AVC_CACHESTATS);
        break;
    case FLASK_ADD_OCONTEXT:
        rc = op_ocontext(v, &op, true);
        break;
    case FLASK_DEL_OCONTEXT:
        rc = op_ocontext(v, &op, false);
        break;
    case FLASK_DEVICETREE_LABEL:
        rc = op_devicetree_label(v, &op);
        break;
    case FLASK_GET_PEER_SID:
        rc = op_get_peer_sid(v, &op);
        break;
    case FLASK_RELABEL_DOMAIN:
        rc = op_relabel_domain(v, &op);
        break;
    default:
        result->value = -ENOSYS;
        return;
    }
    /* The structure goes back whatever happened: sizes and ids are reported on errors too. */
    if (copy_to_guest(v, args[0], &op, sizeof(op)) && rc >= 0)
        rc = -EFAULT;
    result->value = rc;
}
