/*
 * Security contexts, MLS levels and ranges, and conditional evaluation.
 */
#include "policydb_internal.h"

bool mls_level_eq(const struct mls_level *a, const struct mls_level *b)
{
    return a->sens == b->sens && ebitmap_equal(&a->cat, &b->cat);
}

bool mls_level_dom(const struct mls_level *a, const struct mls_level *b)
{
    return a->sens >= b->sens && ebitmap_contains(&a->cat, &b->cat);
}

bool mls_range_contains(const struct mls_range *outer, const struct mls_range *inner)
{
    return mls_level_dom(&inner->level[0], &outer->level[0]) &&
           mls_level_dom(&outer->level[1], &inner->level[1]);
}

int mls_level_copy(struct mls_level *dst, const struct mls_level *src)
{
    dst->sens = src->sens;
    return ebitmap_copy(&dst->cat, &src->cat);
}

int mls_range_copy(struct mls_range *dst, const struct mls_range *src)
{
    if (mls_level_copy(&dst->level[0], &src->level[0]))
        return -SS_ENOMEM;
    if (mls_level_copy(&dst->level[1], &src->level[1])) {
        ebitmap_destroy(&dst->level[0].cat);
        return -SS_ENOMEM;
    }
    return 0;
}

void mls_range_destroy(struct mls_range *r)
{
    ebitmap_destroy(&r->level[0].cat);
    ebitmap_destroy(&r->level[1].cat);
}

void context_init(struct context *c)
{
    ss_memset(c, 0, sizeof(*c));
}

void context_destroy(struct context *c)
{
    mls_range_destroy(&c->range);
    context_init(c);
}

int context_copy(struct context *dst, const struct context *src)
{
    dst->user = src->user;
    dst->role = src->role;
    dst->type = src->type;
    return mls_range_copy(&dst->range, &src->range);
}

bool context_equal(const struct context *a, const struct context *b)
{
    return a->user == b->user && a->role == b->role && a->type == b->type &&
           mls_level_eq(&a->range.level[0], &b->range.level[0]) &&
           mls_level_eq(&a->range.level[1], &b->range.level[1]);
}

static bool mls_context_is_valid(const struct policydb *p, const struct context *c)
{
    if (!p->mls)
        return true;
    if (!mls_level_dom(&c->range.level[1], &c->range.level[0]))
        return false;
    if (!policydb_level_is_valid(p, &c->range.level[0]) ||
        !policydb_level_is_valid(p, &c->range.level[1]))
        return false;
    if (c->role == OBJECT_R_VALUE)
        return true;
    return mls_range_contains(&p->users[c->user - 1].range, &c->range);
}

bool context_is_valid(const struct policydb *p, const struct context *c)
{
    if (c->role < 1 || c->role > p->symtab[SYM_ROLES].nprim)
        return false;
    if (c->user < 1 || c->user > p->symtab[SYM_USERS].nprim)
        return false;
    if (c->type < 1 || c->type > p->symtab[SYM_TYPES].nprim || p->types[c->type - 1].attribute)
        return false;
    if (c->role != OBJECT_R_VALUE) {
        if (!ebitmap_get(&p->roles[c->role - 1].types, c->type - 1))
            return false;
        if (!ebitmap_get(&p->users[c->user - 1].roles, c->role - 1))
            return false;
    }
    return mls_context_is_valid(p, c);
}

/*
 * Evaluates a conditional expression in reverse Polish notation. The result
 * is the bottom of the stack; an expression that runs off either end of the
 * stack is undefined (-1), and then none of the conditional's rules apply.
 */
static int cond_evaluate(const struct policydb *p, const struct cond_node *node)
{
    int stack[COND_MAXDEPTH];
    int sp = -1;

    stack[0] = -1;
    for (uint32_t i = 0; i < node->nexpr; i++) {
        const struct cond_expr *e = &node->expr[i];

        if (e->op == COND_BOOL) {
            if (sp == COND_MAXDEPTH - 1)
                return -1;
            stack[++sp] = p->bools[e->bool_value - 1].state;
            continue;
        }
        if (e->op == COND_NOT) {
            if (sp < 0)
                return -1;
            stack[sp] = !stack[sp];
            continue;
        }
        if (sp < 1)
            return -1;
        sp--;
        switch (e->op) {
        case COND_OR:
            stack[sp] |= stack[sp + 1];
            break;
        case COND_AND:
            stack[sp] &= stack[sp + 1];
            break;
        case COND_XOR:
            stack[sp] ^= stack[sp + 1];
            break;
        case COND_EQ:
            stack[sp] = stack[sp] == stack[sp + 1];
            break;
        default: /* COND_NEQ; the loader admits no other operator */
            stack[sp] = stack[sp] != stack[sp + 1];
            break;
        }
    }
    return stack[0];
}

static void set_enabled(struct avtab *a, uint32_t first, uint32_t n, bool on)
{
    for (uint32_t i = first; i < first + n; i++) {
        if (on)
            a->entries[i].specified |= AVTAB_ENABLED;
        else
            a->entries[i].specified &= (uint16_t)~AVTAB_ENABLED;
    }
}

void policydb_evaluate_conds(struct policydb *p)
{
    for (uint32_t i = 0; i < p->ncond; i++) {
        struct cond_node *node = &p->cond[i];

        node->state = cond_evaluate(p, node);
        set_enabled(&p->te_cond, node->first_true, node->ntrue, node->state > 0);
        set_enabled(&p->te_cond, node->first_false, node->nfalse, node->state == 0);
    }
}
