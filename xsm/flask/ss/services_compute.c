/*
 * Computed labels: type_transition (create), type_member and type_change.
 *
 * The new context starts from defaults (the domain class keeps the source's
 * role and type, other classes get object_r and the target's type; class
 * default_* statements override), then a matching type rule sets the type,
 * a role_transition sets the role (create only), and MLS rules set the range.
 */
#include "services_internal.h"

static const uint16_t kind_rule[] = {AVTAB_TRANSITION, AVTAB_MEMBER, AVTAB_CHANGE};

static uint32_t type_rule(const struct policydb *p, const struct context *sc,
                          const struct context *tc, uint32_t tclass, uint16_t rule)
{
    const struct avtab *a = &p->te;

    for (uint32_t i = avtab_find(a, (uint16_t)sc->type, (uint16_t)tc->type, (uint16_t)tclass);
         i != AVTAB_NONE; i = avtab_find_next(a, i)) {
        if (a->entries[i].specified == rule)
            return a->entries[i].data;
    }
    a = &p->te_cond;
    for (uint32_t i = avtab_find(a, (uint16_t)sc->type, (uint16_t)tc->type, (uint16_t)tclass);
         i != AVTAB_NONE; i = avtab_find_next(a, i)) {
        if (a->entries[i].specified == (rule | AVTAB_ENABLED))
            return a->entries[i].data;
    }
    return 0;
}

static void set_identity(const struct policydb *p, const struct class_datum *cls,
                         const struct context *sc, const struct context *tc, uint32_t tclass,
                         uint16_t rule, struct context *out)
{
    bool domain = tclass == p->domain_class;

    if (rule == AVTAB_MEMBER)
        out->user = tc->user;
    else
        out->user = cls && cls->default_user == DEFAULT_TARGET ? tc->user : sc->user;

    if (cls && cls->default_role == DEFAULT_SOURCE)
        out->role = sc->role;
    else if (cls && cls->default_role == DEFAULT_TARGET)
        out->role = tc->role;
    else
        out->role = domain ? sc->role : OBJECT_R_VALUE;

    if (cls && cls->default_type == DEFAULT_SOURCE)
        out->type = sc->type;
    else if (cls && cls->default_type == DEFAULT_TARGET)
        out->type = tc->type;
    else
        out->type = domain ? sc->type : tc->type;
}

/* default_range values as checkpolicy encodes them. */
enum {
    RANGE_SOURCE_LOW = 1,
    RANGE_SOURCE_HIGH,
    RANGE_SOURCE_LOW_HIGH,
    RANGE_TARGET_LOW,
    RANGE_TARGET_HIGH,
    RANGE_TARGET_LOW_HIGH
};

static int set_range_from(struct context *out, const struct mls_level *low,
                          const struct mls_level *high)
{
    mls_range_destroy(&out->range);
    if (mls_level_copy(&out->range.level[0], low) || mls_level_copy(&out->range.level[1], high))
        return -SS_ENOMEM;
    return 0;
}

static int default_range(uint32_t how, const struct context *sc, const struct context *tc,
                         struct context *out)
{
    const struct context *from = how >= RANGE_TARGET_LOW ? tc : sc;

    switch (how) {
    case RANGE_SOURCE_LOW:
    case RANGE_TARGET_LOW:
        return set_range_from(out, &from->range.level[0], &from->range.level[0]);
    case RANGE_SOURCE_HIGH:
    case RANGE_TARGET_HIGH:
        return set_range_from(out, &from->range.level[1], &from->range.level[1]);
    default:
        return set_range_from(out, &from->range.level[0], &from->range.level[1]);
    }
}

static int set_mls(const struct policydb *p, const struct class_datum *cls,
                   const struct context *sc, const struct context *tc, uint32_t tclass,
                   uint16_t rule, struct context *out)
{
    if (!p->mls)
        return 0;
    if (rule == AVTAB_MEMBER)
        return set_range_from(out, &sc->range.level[0], &sc->range.level[0]);
    if (rule == AVTAB_TRANSITION) {
        for (uint32_t i = 0; i < p->nrange_trans; i++) {
            const struct range_trans *t = &p->range_trans[i];

            if (t->source_type == sc->type && t->target_type == tc->type && t->tclass == tclass)
                return set_range_from(out, &t->range.level[0], &t->range.level[1]);
        }
        if (cls && cls->default_range >= RANGE_SOURCE_LOW &&
            cls->default_range <= RANGE_TARGET_LOW_HIGH)
            return default_range(cls->default_range, sc, tc, out);
    }
    if (tclass == p->domain_class)
        return set_range_from(out, &sc->range.level[0], &sc->range.level[1]);
    return set_range_from(out, &sc->range.level[0], &sc->range.level[0]);
}

int ss_context_compute(const struct policydb *p, const struct context *sc, const struct context *tc,
                       uint32_t tclass, enum ss_compute_kind kind, struct context *out)
{
    uint16_t rule = kind_rule[kind];
    const struct class_datum *cls = NULL;
    uint32_t type;
    int rc;

    context_init(out);
    if (tclass >= 1 && tclass <= p->symtab[SYM_CLASSES].nprim)
        cls = &p->classes[tclass - 1];
    set_identity(p, cls, sc, tc, tclass, rule, out);
    type = type_rule(p, sc, tc, tclass, rule);
    if (type)
        out->type = type;
    if (rule == AVTAB_TRANSITION) {
        for (uint32_t i = 0; i < p->nrole_trans; i++) {
            const struct role_trans *t = &p->role_trans[i];

            if (t->role == sc->role && t->type == tc->type && t->tclass == tclass) {
                out->role = t->new_role;
                break;
            }
        }
    }
    rc = set_mls(p, cls, sc, tc, tclass, rule, out);
    if (!rc && !context_is_valid(p, out))
        rc = -SS_EACCES;
    if (rc)
        context_destroy(out);
    return rc;
}
