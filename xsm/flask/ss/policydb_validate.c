/*
 * Whole-database checks after loading, lookups by name, and teardown.
 */
#include "policydb_internal.h"

int policydb_check_bitmap(struct reader *r, const struct ebitmap *e, uint32_t limit,
                          const char *what)
{
    uint32_t len = ebitmap_length(e);

    if (len > limit)
        return reader_fail(r, "%s names value %u, only %u exist", what, len, limit);
    return 0;
}

bool policydb_level_is_valid(const struct policydb *p, const struct mls_level *l)
{
    if (!policydb_name(p, SYM_LEVELS, l->sens))
        return false;
    return ebitmap_contains(&p->levels[l->sens - 1].level.cat, &l->cat);
}

/* Attribute/operator pairs a constraint may use, as checkpolicy writes them. */
static bool cexpr_attr_ok(const struct policydb *p, const struct constraint_expr *e)
{
    switch (e->attr) {
    case CEXPR_USER:
    case CEXPR_TYPE:
        return e->op == CEXPR_EQ || e->op == CEXPR_NEQ;
    case CEXPR_ROLE:
        return e->op >= CEXPR_EQ && e->op <= CEXPR_INCOMP;
    case CEXPR_L1L2:
    case CEXPR_L1H2:
    case CEXPR_H1L2:
    case CEXPR_H1H2:
    case CEXPR_L1H1:
    case CEXPR_L2H2:
        return p->mls && e->op >= CEXPR_EQ && e->op <= CEXPR_INCOMP;
    default:
        return false;
    }
}

static int check_cexpr_names(const struct policydb *p, struct reader *r,
                             const struct constraint_expr *e)
{
    uint32_t who = e->attr & ~(CEXPR_TARGET | CEXPR_XTARGET);
    enum sym_kind kind = who == CEXPR_USER ? SYM_USERS : who == CEXPR_ROLE ? SYM_ROLES : SYM_TYPES;

    if ((who != CEXPR_USER && who != CEXPR_ROLE && who != CEXPR_TYPE) ||
        (e->attr & CEXPR_TARGET && e->attr & CEXPR_XTARGET))
        return reader_fail(r, "constraint name set with selector 0x%x", e->attr);
    if (e->op != CEXPR_EQ && e->op != CEXPR_NEQ)
        return reader_fail(r, "constraint name set with operator %u", e->op);
    return policydb_check_bitmap(r, &e->names, p->symtab[kind].nprim, "constraint name set");
}

/* The stack discipline of an RPN expression: never pops what is not there. */
static int check_constraint(const struct policydb *p, struct reader *r, const struct constraint *c)
{
    int depth = 0;

    for (uint32_t i = 0; i < c->nexpr; i++) {
        const struct constraint_expr *e = &c->expr[i];

        switch (e->kind) {
        case CEXPR_NOT:
            if (depth < 1)
                return reader_fail(r, "constraint expression pops an empty stack");
            break;
        case CEXPR_AND:
        case CEXPR_OR:
            if (depth < 2)
                return reader_fail(r, "constraint expression pops an empty stack");
            depth--;
            break;
        case CEXPR_ATTR:
            if (!cexpr_attr_ok(p, e))
                return reader_fail(r, "constraint compares 0x%x with operator %u", e->attr, e->op);
            depth++;
            break;
        case CEXPR_NAMES:
            if (check_cexpr_names(p, r, e))
                return -SS_EINVAL;
            depth++;
            break;
        }
    }
    return 0;
}

static int validate_classes(struct policydb *p, struct reader *r)
{
    r->what = "classes";
    for (uint32_t v = 0; v < p->symtab[SYM_CLASSES].nprim; v++) {
        const struct class_datum *c = &p->classes[v];

        for (uint32_t i = 0; i < c->nconstraints; i++) {
            if (check_constraint(p, r, &c->constraints[i]))
                return -SS_EINVAL;
        }
        for (uint32_t i = 0; i < c->nvalidatetrans; i++) {
            if (check_constraint(p, r, &c->validatetrans[i]))
                return -SS_EINVAL;
        }
    }
    return 0;
}

static int validate_roles_types(struct policydb *p, struct reader *r)
{
    uint32_t nroles = p->symtab[SYM_ROLES].nprim, ntypes = p->symtab[SYM_TYPES].nprim;

    r->what = "roles";
    for (uint32_t v = 0; v < nroles; v++) {
        const struct role_datum *role = &p->roles[v];

        if (policydb_check_bitmap(r, &role->dominates, nroles, "role dominance") ||
            policydb_check_bitmap(r, &role->types, ntypes, "role types"))
            return -SS_EINVAL;
        if (role->bounds > nroles)
            return reader_fail(r, "role %u bounded by unknown role %u", v + 1, role->bounds);
    }
    r->what = "types";
    /* Unlike the other bitmaps, the permissive map's bit n stands for type value n. */
    if (policydb_check_bitmap(r, &p->permissive, ntypes + 1, "permissive types") ||
        ebitmap_get(&p->permissive, 0))
        return reader_fail(r, "permissive map names type value 0 or beyond %u", ntypes);
    for (uint32_t v = 0; v < ntypes; v++) {
        uint32_t b = p->types[v].bounds;

        if (b > ntypes || (b && (p->types[b - 1].attribute || p->types[v].attribute)))
            return reader_fail(r, "type %u has an invalid bound %u", v + 1, b);
        /* A chain of bounds must end: a loop would make decisions recurse forever. */
        for (uint32_t steps = 0; b; steps++) {
            if (steps >= ntypes)
                return reader_fail(r, "type %u is in a loop of type bounds", v + 1);
            b = p->types[b - 1].bounds;
        }
    }
    return 0;
}

static int validate_users_levels(struct policydb *p, struct reader *r)
{
    uint32_t nusers = p->symtab[SYM_USERS].nprim;

    r->what = "sensitivities";
    for (uint32_t v = 0; v < p->symtab[SYM_LEVELS].nprim; v++) {
        uint32_t cat;

        ebitmap_for_each(&p->levels[v].level.cat, cat)
        {
            if (!policydb_name(p, SYM_CATS, cat + 1))
                return reader_fail(r, "sensitivity %u allows category %u, which has no name", v + 1,
                                   cat + 1);
        }
    }
    if (p->mls && !p->symtab[SYM_LEVELS].nprim)
        return reader_fail(r, "MLS policy without sensitivities");
    r->what = "users";
    for (uint32_t v = 0; v < nusers; v++) {
        const struct user_datum *u = &p->users[v];

        if (policydb_check_bitmap(r, &u->roles, p->symtab[SYM_ROLES].nprim, "user roles"))
            return -SS_EINVAL;
        if (u->bounds > nusers)
            return reader_fail(r, "user %u bounded by unknown user %u", v + 1, u->bounds);
        if (!p->mls)
            continue;
        if (!policydb_level_is_valid(p, &u->range.level[0]) ||
            !policydb_level_is_valid(p, &u->range.level[1]) ||
            !mls_level_dom(&u->range.level[1], &u->range.level[0]))
            return reader_fail(r, "user %s has an invalid MLS range",
                               policydb_name(p, SYM_USERS, v + 1));
        if (!policydb_level_is_valid(p, &u->default_level))
            return reader_fail(r, "user %s has an invalid default level",
                               policydb_name(p, SYM_USERS, v + 1));
    }
    return 0;
}

static int validate_isids(struct policydb *p, struct reader *r)
{
    const struct ocontext_list *l = &p->ocon[OCON_ISID];

    r->what = "initial SID contexts";
    for (uint32_t i = 0; i < l->count; i++) {
        for (uint32_t j = 0; j < i; j++) {
            if (l->items[i].low == l->items[j].low)
                return reader_fail(r, "initial SID %llu has two contexts",
                                   (unsigned long long)l->items[i].low);
        }
    }
    return 0;
}

/* Lookup structures for fast decisions: attribute lists and rule indexes. */
static int build_indexes(struct policydb *p)
{
    uint32_t ntypes = p->symtab[SYM_TYPES].nprim, nclasses = p->symtab[SYM_CLASSES].nprim;
    uint32_t total = 0;

    p->attr_start = policydb_alloc_array(ntypes + 1, sizeof(uint32_t));
    for (uint32_t t = 0; p->attr_start && t < ntypes; t++)
        total += ebitmap_count(&p->type_attr[t]);
    p->attr_list = policydb_alloc_array(total, sizeof(uint32_t));
    if (!p->attr_start || !p->attr_list)
        return -SS_ENOMEM;
    total = 0;
    for (uint32_t t = 0; t < ntypes; t++) {
        uint32_t bit;

        p->attr_start[t] = total;
        ebitmap_for_each(&p->type_attr[t], bit) p->attr_list[total++] = bit + 1;
    }
    p->attr_start[ntypes] = total;
    if (avtab_build_index(&p->te, ntypes, nclasses) ||
        avtab_build_index(&p->te_cond, ntypes, nclasses))
        return -SS_ENOMEM;
    return 0;
}

int policydb_validate(struct policydb *p, struct reader *r)
{
    if (validate_classes(p, r) || validate_roles_types(p, r) || validate_users_levels(p, r) ||
        validate_isids(p, r))
        return -SS_EINVAL;
    return build_indexes(p);
}

uint32_t policydb_class_value(const struct policydb *p, const char *name)
{
    return symtab_lookup(&p->symtab[SYM_CLASSES], name);
}

uint32_t policydb_perm_bit(const struct policydb *p, uint32_t tclass, const char *name)
{
    const struct class_datum *c;

    if (tclass < 1 || tclass > p->symtab[SYM_CLASSES].nprim)
        return 0;
    c = &p->classes[tclass - 1];
    for (uint32_t i = 0; i < c->nperms; i++) {
        if (c->perm_names[i] && !ss_strcmp(c->perm_names[i], name))
            return 1u << i;
    }
    return 0;
}

const char *policydb_perm_name(const struct policydb *p, uint32_t tclass, uint32_t index)
{
    if (tclass < 1 || tclass > p->symtab[SYM_CLASSES].nprim || index >= PERMS_MAX)
        return NULL;
    return p->classes[tclass - 1].perm_names[index];
}

void policydb_destroy_constraints(struct constraint *c, uint32_t n)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < n; i++) {
        if (c[i].expr) {
            for (uint32_t j = 0; j < c[i].nexpr; j++)
                ebitmap_destroy(&c[i].expr[j].names);
        }
        ss_free(c[i].expr);
    }
    ss_free(c);
}

static void destroy_symbols(struct policydb *p)
{
    for (uint32_t i = 0; p->commons && i < p->symtab[SYM_COMMONS].nprim; i++) {
        for (uint32_t j = 0; j < PERMS_MAX; j++)
            ss_free(p->commons[i].perm_names[j]);
    }
    for (uint32_t i = 0; p->classes && i < p->symtab[SYM_CLASSES].nprim; i++) {
        struct class_datum *c = &p->classes[i];

        for (uint32_t j = 0; j < PERMS_MAX; j++)
            ss_free(c->perm_names[j]);
        /* A partly read class may have allocated more constraints than it filled. */
        policydb_destroy_constraints(c->constraints, c->nconstraints);
        policydb_destroy_constraints(c->validatetrans, c->nvalidatetrans);
    }
    for (uint32_t i = 0; p->roles && i < p->symtab[SYM_ROLES].nprim; i++) {
        ebitmap_destroy(&p->roles[i].dominates);
        ebitmap_destroy(&p->roles[i].types);
    }
    for (uint32_t i = 0; p->users && i < p->symtab[SYM_USERS].nprim; i++) {
        ebitmap_destroy(&p->users[i].roles);
        mls_range_destroy(&p->users[i].range);
        ebitmap_destroy(&p->users[i].default_level.cat);
    }
    for (uint32_t i = 0; p->levels && i < p->symtab[SYM_LEVELS].nprim; i++)
        ebitmap_destroy(&p->levels[i].level.cat);
    ss_free(p->commons);
    ss_free(p->classes);
    ss_free(p->roles);
    ss_free(p->types);
    ss_free(p->users);
    ss_free(p->bools);
    ss_free(p->levels);
}

void policydb_destroy(struct policydb *p)
{
    uint32_t ntypes;

    if (!p)
        return;
    ntypes = p->symtab[SYM_TYPES].nprim;
    destroy_symbols(p);
    for (int k = 0; k < SYM_NUM; k++)
        symtab_destroy(&p->symtab[k]);
    ebitmap_destroy(&p->policycaps);
    ebitmap_destroy(&p->permissive);
    avtab_destroy(&p->te);
    avtab_destroy(&p->te_cond);
    for (uint32_t i = 0; p->cond && i < p->ncond; i++)
        ss_free(p->cond[i].expr);
    ss_free(p->cond);
    ss_free(p->role_trans);
    ss_free(p->role_allow);
    for (uint32_t i = 0; p->range_trans && i < p->nrange_trans; i++)
        mls_range_destroy(&p->range_trans[i].range);
    ss_free(p->range_trans);
    for (int k = 0; k < OCON_NUM; k++) {
        for (uint32_t i = 0; i < p->ocon[k].count; i++) {
            ss_free(p->ocon[k].items[i].path);
            context_destroy(&p->ocon[k].items[i].context);
        }
        ss_free(p->ocon[k].items);
    }
    for (uint32_t i = 0; p->type_attr && i < ntypes; i++)
        ebitmap_destroy(&p->type_attr[i]);
    ss_free(p->type_attr);
    ss_free(p->attr_start);
    ss_free(p->attr_list);
    ss_free(p);
}
