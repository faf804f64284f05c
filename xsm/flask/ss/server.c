/*
 * The security server's state: the loaded policy, the SID table, booleans.
 *
 * A policy load is prepare-then-commit: the new database, the new SID table
 * (initial SIDs from the new policy, every other SID converted by name) and
 * the carried-over boolean values are all built aside; only when every step
 * has succeeded are they swapped in, in one step that cannot fail.
 */
#include "services_internal.h"

struct ss_server *ss_create(void)
{
    struct ss_server *s = ss_alloc(sizeof(*s));

    if (s && sidtab_init(&s->sids)) {
        ss_free(s);
        return NULL;
    }
    return s;
}

void ss_destroy(struct ss_server *s)
{
    if (!s)
        return;
    policydb_destroy(s->policy);
    sidtab_destroy(&s->sids);
    ss_free(s->pending_bools);
    ss_free(s->unknown_perms);
    ss_free(s);
}

/* Expected permissions a class of the policy does not define (bit set = unknown). */
static int unknown_in_class(const struct policydb *p, uint32_t v, const struct ss_class_expect *e,
                            uint32_t *unknown, struct ss_error *err)
{
    *unknown = 0;
    for (uint32_t b = 0; b < 32 && e->perms[b]; b++) {
        const char *perm = v <= p->symtab[SYM_CLASSES].nprim ? policydb_perm_name(p, v, b) : NULL;

        if (!perm) {
            *unknown |= 1u << b;
        } else if (ss_strcmp(perm, e->perms[b])) {
            ss_error_set(err, "class %s permission %u is %s, the hypervisor expects %s", e->name, b,
                         perm, e->perms[b]);
            return -SS_EINVAL;
        }
    }
    return 0;
}

/*
 * Matches the policy's classes against the ones the caller compiled in. A
 * name in the wrong place refuses the policy; a class or permission the
 * policy lacks is "unknown" and handled as the policy's handle_unknown says:
 * reject refuses the policy, deny denies it, allow allows it.
 */
static int map_expected_classes(const struct policydb *p, const struct ss_class_expect *expect,
                                uint32_t **unknown_out, uint32_t *count, struct ss_error *err)
{
    uint32_t n = 0, *unknown;

    *unknown_out = NULL;
    *count = 0;
    while (expect && expect[n].name)
        n++;
    unknown = ss_alloc(sizeof(uint32_t) * (n + 1));
    if (!unknown)
        return -SS_ENOMEM;
    for (uint32_t v = 1; v <= n; v++) {
        const struct ss_class_expect *e = &expect[v - 1];
        const char *have = policydb_name(p, SYM_CLASSES, v);

        if (have && ss_strcmp(have, e->name)) {
            ss_error_set(err, "class %u is %s, the hypervisor expects %s", v, have, e->name);
            ss_free(unknown);
            return -SS_EINVAL;
        }
        if (unknown_in_class(p, v, e, &unknown[v], err)) {
            ss_free(unknown);
            return -SS_EINVAL;
        }
        if (unknown[v] && p->handle_unknown == HANDLE_UNKNOWN_REJECT) {
            ss_error_set(err, "the policy lacks %s %s and its handle_unknown is reject",
                         have ? "permissions of class" : "class", e->name);
            ss_free(unknown);
            return -SS_EINVAL;
        }
    }
    *unknown_out = unknown;
    *count = n;
    return 0;
}

/* Re-expresses a context of the old policy in the new one, by names. */
static int convert_context(const struct policydb *oldp, const struct policydb *newp,
                           const struct context *c, struct context *out, struct ss_error *err)
{
    char *text = context_to_string(oldp, c, NULL);
    int rc;

    if (!text)
        return -SS_ENOMEM;
    rc = context_from_string(newp, text, ss_strlen(text), out);
    if (rc == -SS_EINVAL)
        ss_error_set(err, "context %s in use is not valid in the new policy", text);
    ss_free(text);
    return rc;
}

static int build_sidtab(struct ss_server *s, const struct policydb *newp, struct sidtab *t,
                        uint32_t *first_dynamic, struct ss_error *err)
{
    const struct ocontext_list *isids = &newp->ocon[OCON_ISID];
    uint32_t first = s->first_dynamic_sid;
    int rc = sidtab_init(t);

    for (uint32_t i = 0; !rc && i < isids->count; i++) {
        if (isids->items[i].low >= SIDTAB_MAX ||
            (s->policy && isids->items[i].low >= s->first_dynamic_sid)) {
            ss_error_set(err, "initial SID %llu is out of range",
                         (unsigned long long)isids->items[i].low);
            rc = -SS_EINVAL;
        } else
            rc = sidtab_set(t, (uint32_t)isids->items[i].low, &isids->items[i].context);
        if (!s->policy && isids->items[i].low + 1 > first)
            first = (uint32_t)isids->items[i].low + 1;
    }
    if (!first)
        first = 1;
    /* Carry every dynamic SID over under its old number. */
    for (uint32_t sid = s->first_dynamic_sid; !rc && s->policy && sid <= s->sids.count; sid++) {
        const struct context *c = sidtab_search(&s->sids, sid);
        struct context converted;

        if (!c)
            continue;
        rc = convert_context(s->policy, newp, c, &converted, err);
        if (!rc) {
            rc = sidtab_set(t, sid, &converted);
            context_destroy(&converted);
        }
    }
    *first_dynamic = first;
    if (rc)
        sidtab_destroy(t);
    return rc;
}

/* Booleans keep their current value across a reload when the name survives. */
static void carry_bools(const struct policydb *oldp, struct policydb *newp)
{
    for (uint32_t v = 1; oldp && v <= oldp->symtab[SYM_BOOLS].nprim; v++) {
        uint32_t nv = symtab_lookup(&newp->symtab[SYM_BOOLS], policydb_name(oldp, SYM_BOOLS, v));

        if (nv)
            newp->bools[nv - 1].state = oldp->bools[v - 1].state;
    }
    policydb_evaluate_conds(newp);
}

int ss_load_policy(struct ss_server *s, const void *image, size_t len,
                   const struct ss_class_expect *expect, struct ss_error *err)
{
    struct policydb *newp;
    struct sidtab t;
    uint32_t first, nbools, *unknown = NULL, nexpected = 0;
    bool *pending;
    int rc;

    rc = policydb_read(&newp, image, len, err);
    if (rc)
        return rc;
    rc = map_expected_classes(newp, expect, &unknown, &nexpected, err);
    if (!rc && s->policy && s->policy->mls != newp->mls) {
        ss_error_set(err, "the new policy %s MLS; switching MLS on reload is refused",
                     newp->mls ? "enables" : "disables");
        rc = -SS_EINVAL;
    }
    if (!rc)
        rc = build_sidtab(s, newp, &t, &first, err);
    if (rc) {
        ss_free(unknown);
        policydb_destroy(newp);
        return rc;
    }
    nbools = newp->symtab[SYM_BOOLS].nprim;
    pending = ss_alloc(sizeof(bool) * (nbools ? nbools : 1));
    if (!pending) {
        ss_free(unknown);
        sidtab_destroy(&t);
        policydb_destroy(newp);
        ss_error_set(err, "out of memory");
        return -SS_ENOMEM;
    }
    /* Commit: nothing below can fail. */
    carry_bools(s->policy, newp);
    for (uint32_t i = 0; i < nbools; i++)
        pending[i] = newp->bools[i].state;
    policydb_destroy(s->policy);
    sidtab_destroy(&s->sids);
    ss_free(s->pending_bools);
    ss_free(s->unknown_perms);
    s->unknown_perms = unknown;
    s->nexpected = nexpected;
    s->policy = newp;
    s->sids = t;
    s->first_dynamic_sid = first;
    s->pending_bools = pending;
    s->seqno++;
    return 0;
}

bool ss_policy_loaded(const struct ss_server *s)
{
    return s->policy != NULL;
}

const struct policydb *ss_policy(const struct ss_server *s)
{
    return s->policy;
}

uint32_t ss_seqno(const struct ss_server *s)
{
    return s->seqno;
}

const uint32_t *ss_seqno_ref(const struct ss_server *s)
{
    return &s->seqno;
}

bool ss_mls_enabled(const struct ss_server *s)
{
    return s->policy && s->policy->mls;
}

int ss_policy_version(const struct ss_server *s)
{
    return s->policy ? (int)s->policy->version : 0;
}

int ss_context_to_sid(struct ss_server *s, const char *str, size_t len, uint32_t *sid)
{
    struct context c;
    int rc;

    if (!s->policy)
        return -SS_EINVAL;
    rc = context_from_string(s->policy, str, len, &c);
    if (rc)
        return rc;
    rc = sidtab_context_to_sid(&s->sids, &c, s->first_dynamic_sid, sid);
    context_destroy(&c);
    return rc;
}

int ss_sid_to_context(const struct ss_server *s, uint32_t sid, char **str, size_t *len)
{
    const struct context *c = s->policy ? sidtab_search(&s->sids, sid) : NULL;

    if (!c)
        return -SS_EINVAL;
    *str = context_to_string(s->policy, c, len);
    return *str ? 0 : -SS_ENOMEM;
}

bool ss_sid_is_valid(const struct ss_server *s, uint32_t sid)
{
    return s->policy && sidtab_search(&s->sids, sid);
}

/* A class the caller expects but the policy lacks: decided by handle_unknown alone. */
static void unknown_class_av(const struct ss_server *s, uint32_t tclass, struct ss_av_decision *avd)
{
    bool allow = s->policy->handle_unknown == HANDLE_UNKNOWN_ALLOW;

    avd->allowed = allow ? s->unknown_perms[tclass] : 0;
    avd->auditallow = 0;
    avd->auditdeny = 0xffffffffu;
    avd->flags = 0;
}

int ss_compute_av(const struct ss_server *s, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                  struct ss_av_decision *avd, struct ss_av_explain *why)
{
    const struct context *sc, *tc;
    uint32_t nclasses;

    if (!s->policy)
        return -SS_EINVAL;
    nclasses = s->policy->symtab[SYM_CLASSES].nprim;
    sc = sidtab_search(&s->sids, ssid);
    tc = sidtab_search(&s->sids, tsid);
    if (!sc || !tc || tclass < 1 || tclass > (nclasses > s->nexpected ? nclasses : s->nexpected))
        return -SS_EINVAL;
    if (why)
        ss_memset(why, 0, sizeof(*why));
    if (tclass > nclasses) {
        unknown_class_av(s, tclass, avd);
        if (why)
            why->te_denied = ~avd->allowed;
    } else {
        ss_context_av(s->policy, sc, tc, tclass, avd, why);
        if (tclass <= s->nexpected && s->policy->handle_unknown == HANDLE_UNKNOWN_ALLOW)
            avd->allowed |= s->unknown_perms[tclass];
    }
    avd->seqno = s->seqno;
    return 0;
}

int ss_compute_sid(struct ss_server *s, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                   enum ss_compute_kind kind, uint32_t *out)
{
    const struct context *sc, *tc;
    struct context c;
    int rc;

    if (!s->policy || kind > SS_COMPUTE_CHANGE)
        return -SS_EINVAL;
    sc = sidtab_search(&s->sids, ssid);
    tc = sidtab_search(&s->sids, tsid);
    if (!sc || !tc)
        return -SS_EINVAL;
    rc = ss_context_compute(s->policy, sc, tc, tclass, kind, &c);
    if (rc)
        return rc;
    rc = sidtab_context_to_sid(&s->sids, &c, s->first_dynamic_sid, out);
    context_destroy(&c);
    return rc;
}
