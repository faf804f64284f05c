/*
 * The security server's decisions: access vectors and computed labels.
 *
 * compute_av follows libsepol's order: TE rules over the attribute closure
 * of both types (unconditional and enabled conditional rules), then every
 * constraint of the class whose permissions are still allowed, then the role
 * check on domain transitions, then type bounds.
 */
#include "services_internal.h"

/* Folds one rule into a decision (kind without the conditional flag). */
static inline void te_apply(struct ss_av_decision *avd, uint16_t kind, uint32_t data)
{
    if (kind == AVTAB_ALLOWED)
        avd->allowed |= data;
    else if (kind == AVTAB_AUDITALLOW)
        avd->auditallow |= data;
    else if (kind == AVTAB_AUDITDENY)
        avd->auditdeny &= data;
}

static void te_rules(const struct policydb *p, const struct avtab *a, uint16_t s, uint16_t t,
                     uint16_t tclass, bool conditional, struct ss_av_decision *avd)
{
    for (uint32_t i = avtab_find(a, s, t, tclass); i != AVTAB_NONE; i = avtab_find_next(a, i)) {
        const struct avtab_entry *e = &a->entries[i];
        uint16_t kind = e->specified;

        if (conditional) {
            if (!(kind & AVTAB_ENABLED))
                continue;
            kind &= (uint16_t)~AVTAB_ENABLED;
        }
        te_apply(avd, kind, e->data);
    }
    (void)p;
}

/* The rules of one table whose source is `s` and whose target is one of T's attributes. */
static void te_indexed(const struct avtab *a, uint32_t s, const struct ebitmap *tattr,
                       uint32_t tclass, bool conditional, struct ss_av_decision *avd)
{
    uint32_t k, end;

    avtab_slice(a, s, tclass, &k, &end);
    for (; k < end; k++) {
        const struct avtab_entry *e = &a->entries[a->order[k]];
        uint16_t kind = e->specified;

        if (!ebitmap_get(tattr, e->ttype - 1u))
            continue;
        if (conditional) {
            if (!(kind & AVTAB_ENABLED))
                continue;
            kind &= (uint16_t)~AVTAB_ENABLED;
        }
        te_apply(avd, kind, e->data);
    }
}

static void te_decision(const struct policydb *p, const struct context *sc,
                        const struct context *tc, uint32_t tclass, struct ss_av_decision *avd)
{
    const struct ebitmap *sattr = &p->type_attr[sc->type - 1];
    const struct ebitmap *tattr = &p->type_attr[tc->type - 1];
    uint32_t i, j;

    if (p->te.by_source) {
        /* Indexed: walk the rules of each source attribute and test the target's set. */
        for (uint32_t k = p->attr_start[sc->type - 1]; k < p->attr_start[sc->type]; k++) {
            te_indexed(&p->te, p->attr_list[k], tattr, tclass, false, avd);
            if (p->te_cond.count && p->te_cond.by_source)
                te_indexed(&p->te_cond, p->attr_list[k], tattr, tclass, true, avd);
        }
        return;
    }
    ebitmap_for_each(sattr, i)
    {
        ebitmap_for_each(tattr, j)
        {
            te_rules(p, &p->te, (uint16_t)(i + 1), (uint16_t)(j + 1), (uint16_t)tclass, false, avd);
            if (p->te_cond.count)
                te_rules(p, &p->te_cond, (uint16_t)(i + 1), (uint16_t)(j + 1), (uint16_t)tclass,
                         true, avd);
        }
    }
}

/* One comparison of a constraint between the source and target contexts. */
static bool cexpr_attr(const struct policydb *p, const struct constraint_expr *e,
                       const struct context *sc, const struct context *tc)
{
    const struct mls_level *l1, *l2;

    switch (e->attr) {
    case CEXPR_USER:
        return (e->op == CEXPR_EQ) == (sc->user == tc->user);
    case CEXPR_TYPE:
        return (e->op == CEXPR_EQ) == (sc->type == tc->type);
    case CEXPR_ROLE: {
        const struct ebitmap *d1 = &p->roles[sc->role - 1].dominates;
        const struct ebitmap *d2 = &p->roles[tc->role - 1].dominates;

        switch (e->op) {
        case CEXPR_EQ:
            return sc->role == tc->role;
        case CEXPR_NEQ:
            return sc->role != tc->role;
        case CEXPR_DOM:
            return ebitmap_get(d1, tc->role - 1);
        case CEXPR_DOMBY:
            return ebitmap_get(d2, sc->role - 1);
        default:
            return !ebitmap_get(d1, tc->role - 1) && !ebitmap_get(d2, sc->role - 1);
        }
    }
    case CEXPR_L1L2:
        l1 = &sc->range.level[0], l2 = &tc->range.level[0];
        break;
    case CEXPR_L1H2:
        l1 = &sc->range.level[0], l2 = &tc->range.level[1];
        break;
    case CEXPR_H1L2:
        l1 = &sc->range.level[1], l2 = &tc->range.level[0];
        break;
    case CEXPR_H1H2:
        l1 = &sc->range.level[1], l2 = &tc->range.level[1];
        break;
    case CEXPR_L1H1:
        l1 = &sc->range.level[0], l2 = &sc->range.level[1];
        break;
    default: /* CEXPR_L2H2; the loader admits nothing else */
        l1 = &tc->range.level[0], l2 = &tc->range.level[1];
        break;
    }
    switch (e->op) {
    case CEXPR_EQ:
        return mls_level_eq(l1, l2);
    case CEXPR_NEQ:
        return !mls_level_eq(l1, l2);
    case CEXPR_DOM:
        return mls_level_dom(l1, l2);
    case CEXPR_DOMBY:
        return mls_level_dom(l2, l1);
    default:
        return !mls_level_dom(l1, l2) && !mls_level_dom(l2, l1);
    }
}

static bool cexpr_names(const struct constraint_expr *e, const struct context *sc,
                        const struct context *tc, const struct context *xc)
{
    const struct context *c = (e->attr & CEXPR_TARGET) ? tc : (e->attr & CEXPR_XTARGET) ? xc : sc;
    uint32_t value = (e->attr & CEXPR_USER) ? c->user : (e->attr & CEXPR_ROLE) ? c->role : c->type;
    bool in = ebitmap_get(&e->names, value - 1);

    return e->op == CEXPR_EQ ? in : !in;
}

bool ss_constraint_holds(const struct policydb *p, const struct constraint *con,
                         const struct context *sc, const struct context *tc,
                         const struct context *xc)
{
    bool stack[CEXPR_MAXDEPTH] = {false};
    int sp = -1;

    for (uint32_t i = 0; i < con->nexpr; i++) {
        const struct constraint_expr *e = &con->expr[i];

        switch (e->kind) {
        case CEXPR_NOT:
            stack[sp] = !stack[sp];
            break;
        case CEXPR_AND:
            sp--;
            stack[sp] = stack[sp] && stack[sp + 1];
            break;
        case CEXPR_OR:
            sp--;
            stack[sp] = stack[sp] || stack[sp + 1];
            break;
        default:
            /* Deeper than the evaluation stack: the reference refuses the access. */
            if (sp == CEXPR_MAXDEPTH - 1)
                return false;
            stack[++sp] =
                e->kind == CEXPR_ATTR ? cexpr_attr(p, e, sc, tc) : cexpr_names(e, sc, tc, xc);
            break;
        }
    }
    return stack[0];
}

static void apply_constraints(const struct policydb *p, const struct context *sc,
                              const struct context *tc, uint32_t tclass, struct ss_av_decision *avd,
                              struct ss_av_explain *why)
{
    const struct class_datum *cls = &p->classes[tclass - 1];

    for (uint32_t i = 0; i < cls->nconstraints; i++) {
        const struct constraint *con = &cls->constraints[i];
        uint32_t removed;

        if (!(con->permissions & avd->allowed) || ss_constraint_holds(p, con, sc, tc, NULL))
            continue;
        removed = con->permissions & avd->allowed;
        avd->allowed &= ~con->permissions;
        if (!why)
            continue;
        why->constraint_denied |= removed;
        for (uint32_t b = 0; b < 32; b++) {
            if (removed & (1u << b))
                why->constraint_index[b] = i;
        }
    }
}

static void apply_role_allow(const struct policydb *p, const struct context *sc,
                             const struct context *tc, uint32_t tclass, struct ss_av_decision *avd,
                             struct ss_av_explain *why)
{
    uint32_t trans = p->domain_transition;

    if (tclass != p->domain_class || !(avd->allowed & trans) || sc->role == tc->role)
        return;
    for (uint32_t i = 0; i < p->nrole_allow; i++) {
        if (p->role_allow[i].role == sc->role && p->role_allow[i].new_role == tc->role)
            return;
    }
    avd->allowed &= ~trans;
    if (why)
        why->rbac_denied |= trans;
}

void ss_context_av(const struct policydb *p, const struct context *sc, const struct context *tc,
                   uint32_t tclass, struct ss_av_decision *avd, struct ss_av_explain *why)
{
    uint32_t sbound = p->types[sc->type - 1].bounds;

    avd->allowed = 0;
    avd->auditallow = 0;
    avd->auditdeny = 0xffffffffu;
    avd->flags = ebitmap_get(&p->permissive, sc->type) ? SS_AVD_PERMISSIVE : 0;
    te_decision(p, sc, tc, tclass, avd);
    if (why) {
        ss_memset(why, 0, sizeof(*why));
        why->te_denied = ~avd->allowed;
    }
    apply_constraints(p, sc, tc, tclass, avd, why);
    apply_role_allow(p, sc, tc, tclass, avd, why);
    if (sbound) {
        /* A bounded type may do no more than its parent (with the target's parent too). */
        struct context lo_s = *sc, lo_t = *tc;
        struct ss_av_decision lo;
        uint32_t masked;

        lo_s.type = sbound;
        if (p->types[tc->type - 1].bounds)
            lo_t.type = p->types[tc->type - 1].bounds;
        ss_context_av(p, &lo_s, &lo_t, tclass, &lo, NULL);
        masked = avd->allowed & ~lo.allowed;
        avd->allowed &= ~masked;
        if (why)
            why->bounds_denied |= masked;
    }
}
