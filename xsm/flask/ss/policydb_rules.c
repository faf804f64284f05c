/*
 * Binary policy loader: rules, conditionals, role rules, object contexts,
 * range transitions and the type-to-attribute map.
 */
#include "policydb_internal.h"

int policydb_read_level(struct policydb *p, struct reader *r, struct mls_level *l)
{
    (void)p;
    if (reader_u32(r, &l->sens))
        return -SS_EINVAL;
    return ebitmap_read(&l->cat, r);
}

int policydb_read_range(struct policydb *p, struct reader *r, struct mls_range *range)
{
    uint32_t n, sens[2];

    (void)p;
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n != 1 && n != 2)
        return reader_fail(r, "MLS range with %u levels", n);
    if (reader_u32s(r, sens, n))
        return -SS_EINVAL;
    range->level[0].sens = sens[0];
    range->level[1].sens = sens[n - 1];
    if (ebitmap_read(&range->level[0].cat, r))
        return -SS_EINVAL;
    if (n == 2)
        return ebitmap_read(&range->level[1].cat, r);
    return ebitmap_copy(&range->level[1].cat, &range->level[0].cat);
}

int policydb_read_context(struct policydb *p, struct reader *r, struct context *c)
{
    uint32_t w[3];

    if (reader_u32s(r, w, 3))
        return -SS_EINVAL;
    c->user = w[0];
    c->role = w[1];
    c->type = w[2];
    if (policydb_read_range(p, r, &c->range))
        return -SS_EINVAL;
    if (!context_is_valid(p, c))
        return reader_fail(r, "invalid context (user %u role %u type %u)", c->user, c->role,
                           c->type);
    return 0;
}

static bool type_in_range(const struct policydb *p, uint32_t t)
{
    return t >= 1 && t <= p->symtab[SYM_TYPES].nprim;
}

static bool class_in_range(const struct policydb *p, uint32_t c)
{
    return c >= 1 && c <= p->symtab[SYM_CLASSES].nprim;
}

static int count_spec(uint16_t specified)
{
    return __builtin_popcount(specified & (AVTAB_AV | AVTAB_TYPE));
}

/* Reads one rule's key and datum and checks them. */
static int read_rule(struct policydb *p, struct reader *r, uint16_t k[4], uint32_t *data,
                     bool conditional)
{
    if (reader_u16(r, &k[0]) || reader_u16(r, &k[1]) || reader_u16(r, &k[2]) ||
        reader_u16(r, &k[3]) || reader_u32(r, data))
        return -SS_EINVAL;
    if (!type_in_range(p, k[0]) || !type_in_range(p, k[1]) || !class_in_range(p, k[2]))
        return reader_fail(r, "rule names type %u, type %u, class %u out of range", k[0], k[1],
                           k[2]);
    if (k[3] & AVTAB_XPERMS)
        return reader_fail(r, "extended permission rules are not part of the Xen target");
    if (count_spec(k[3]) != 1 || (k[3] & ~(AVTAB_AV | AVTAB_TYPE | AVTAB_ENABLED)))
        return reader_fail(r, "rule kind 0x%x invalid", k[3]);
    if (!conditional && (k[3] & AVTAB_ENABLED))
        return reader_fail(r, "unconditional rule carries the conditional flag");
    k[3] &= (uint16_t)~AVTAB_ENABLED;
    if ((k[3] & AVTAB_TYPE) && (!type_in_range(p, *data) || p->types[*data - 1].attribute))
        return reader_fail(r, "type rule yields type %u, not a type", *data);
    return 0;
}

static bool has_rule(const struct avtab *a, const uint16_t k[4])
{
    for (uint32_t i = avtab_find(a, k[0], k[1], k[2]); i != AVTAB_NONE; i = avtab_find_next(a, i)) {
        if ((a->entries[i].specified & ~AVTAB_ENABLED) == k[3])
            return true;
    }
    return false;
}

static int read_te_rules(struct policydb *p, struct reader *r)
{
    uint32_t nel;
    int rc;

    r->what = "type enforcement rules";
    if (reader_u32(r, &nel))
        return -SS_EINVAL;
    if (nel == 0 || nel > AVTAB_MAX)
        return reader_fail(r, "%u rules (need 1..%u)", nel, AVTAB_MAX);
    if (nel > (r->len - r->pos) / 12)
        return reader_fail(r, "%u rules cannot fit in the rest of the policy", nel);
    rc = avtab_init(&p->te, nel);
    for (uint32_t i = 0; !rc && i < nel; i++) {
        uint16_t k[4];
        uint32_t data;

        rc = read_rule(p, r, k, &data, false);
        if (!rc && has_rule(&p->te, k))
            rc = reader_fail(r, "duplicate rule %u %u %u kind 0x%x", k[0], k[1], k[2], k[3]);
        if (!rc)
            avtab_insert(&p->te, k[0], k[1], k[2], k[3], data);
    }
    return rc;
}

/* Type rules in conditionals may not clash with each other or with unconditional ones. */
static int check_cond_type_rule(struct policydb *p, struct reader *r, const uint16_t k[4],
                                const struct cond_node *node, bool false_list)
{
    uint32_t found = AVTAB_NONE;

    if (!(k[3] & AVTAB_TYPE))
        return 0;
    if (has_rule(&p->te, k))
        return reader_fail(r, "conditional type rule also exists unconditionally");
    for (uint32_t i = avtab_find(&p->te_cond, k[0], k[1], k[2]); i != AVTAB_NONE;
         i = avtab_find_next(&p->te_cond, i)) {
        if ((p->te_cond.entries[i].specified & ~AVTAB_ENABLED) != k[3])
            continue;
        if (!false_list || found != AVTAB_NONE)
            return reader_fail(r, "conflicting conditional type rules");
        found = i;
    }
    if (found != AVTAB_NONE &&
        (found < node->first_true || found >= node->first_true + node->ntrue))
        return reader_fail(r, "conflicting conditional type rules");
    return 0;
}

static int read_cond_rules(struct policydb *p, struct reader *r, struct cond_node *node,
                           bool false_list)
{
    uint32_t n;

    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n > p->te_cond.capacity - p->te_cond.count)
        return reader_fail(r, "too many conditional rules");
    if (false_list) {
        node->first_false = p->te_cond.count;
        node->nfalse = n;
    } else {
        node->first_true = p->te_cond.count;
        node->ntrue = n;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint16_t k[4];
        uint32_t data;

        if (read_rule(p, r, k, &data, true) || check_cond_type_rule(p, r, k, node, false_list))
            return -SS_EINVAL;
        avtab_insert(&p->te_cond, k[0], k[1], k[2], k[3], data);
    }
    return 0;
}

static int read_cond_node(struct policydb *p, struct reader *r, struct cond_node *node)
{
    uint32_t w[2];

    if (reader_u32s(r, w, 2))
        return -SS_EINVAL;
    if (w[1] > 1024)
        return reader_fail(r, "conditional expression of %u nodes", w[1]);
    node->expr = policydb_alloc_array(w[1], sizeof(struct cond_expr));
    if (!node->expr)
        return -SS_ENOMEM;
    node->nexpr = w[1];
    for (uint32_t i = 0; i < w[1]; i++) {
        uint32_t e[2];

        if (reader_u32s(r, e, 2))
            return -SS_EINVAL;
        if (e[0] < COND_BOOL || e[0] > COND_NEQ)
            return reader_fail(r, "conditional operator %u unknown", e[0]);
        if (e[0] == COND_BOOL && (e[1] < 1 || e[1] > p->symtab[SYM_BOOLS].nprim))
            return reader_fail(r, "conditional names boolean %u out of range", e[1]);
        node->expr[i].op = e[0];
        node->expr[i].bool_value = e[1];
    }
    if (read_cond_rules(p, r, node, false))
        return -SS_EINVAL;
    return read_cond_rules(p, r, node, true);
}

static int read_conditionals(struct policydb *p, struct reader *r)
{
    uint32_t n;
    int rc;

    r->what = "conditional rules";
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n > 65536 || n > (r->len - r->pos) / 16)
        return reader_fail(r, "%u conditionals cannot fit in the policy", n);
    /* Every conditional rule takes at least 12 bytes; size the table from what is left. */
    rc = avtab_init(
        &p->te_cond,
        (uint32_t)((r->len - r->pos) / 12 < AVTAB_MAX ? (r->len - r->pos) / 12 : AVTAB_MAX));
    if (!rc) {
        p->cond = policydb_alloc_array(n, sizeof(struct cond_node));
        rc = p->cond ? 0 : -SS_ENOMEM;
    }
    for (uint32_t i = 0; !rc && i < n; i++) {
        rc = read_cond_node(p, r, &p->cond[i]);
        p->ncond = i + 1;
    }
    return rc;
}

static bool role_in_range(const struct policydb *p, uint32_t role)
{
    return role >= 1 && role <= p->symtab[SYM_ROLES].nprim;
}

static int read_role_rules(struct policydb *p, struct reader *r)
{
    uint32_t n, per = p->version >= 26 ? 4 : 3;

    r->what = "role transitions";
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n > (r->len - r->pos) / (4 * per))
        return reader_fail(r, "%u role transitions cannot fit in the policy", n);
    p->role_trans = policydb_alloc_array(n, sizeof(struct role_trans));
    if (!p->role_trans)
        return -SS_ENOMEM;
    p->nrole_trans = n;
    for (uint32_t i = 0; i < n; i++) {
        struct role_trans *t = &p->role_trans[i];
        uint32_t w[4] = {0, 0, 0, p->domain_class};

        if (reader_u32s(r, w, per))
            return -SS_EINVAL;
        t->role = w[0];
        t->type = w[1];
        t->new_role = w[2];
        t->tclass = w[3];
        if (!role_in_range(p, t->role) || !type_in_range(p, t->type) ||
            !role_in_range(p, t->new_role) || !class_in_range(p, t->tclass))
            return reader_fail(r, "role transition %u names a value out of range", i);
    }
    r->what = "role allow rules";
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n > (r->len - r->pos) / 8)
        return reader_fail(r, "%u role allow rules cannot fit in the policy", n);
    p->role_allow = policydb_alloc_array(n, sizeof(struct role_allow));
    if (!p->role_allow)
        return -SS_ENOMEM;
    p->nrole_allow = n;
    for (uint32_t i = 0; i < n; i++) {
        if (reader_u32(r, &p->role_allow[i].role) || reader_u32(r, &p->role_allow[i].new_role))
            return -SS_EINVAL;
        if (!role_in_range(p, p->role_allow[i].role) ||
            !role_in_range(p, p->role_allow[i].new_role))
            return reader_fail(r, "role allow rule %u names a role out of range", i);
    }
    return 0;
}

int policydb_read_rules(struct policydb *p, struct reader *r)
{
    uint32_t n;

    p->domain_class = policydb_class_value(p, "domain");
    if (p->domain_class)
        p->domain_transition = policydb_perm_bit(p, p->domain_class, "transition");
    if (read_te_rules(p, r) || read_conditionals(p, r) || read_role_rules(p, r))
        return -SS_EINVAL;
    if (p->version >= 25) {
        r->what = "filename transitions";
        if (reader_u32(r, &n))
            return -SS_EINVAL;
        if (n)
            return reader_fail(r, "%u filename transitions: not part of the Xen target", n);
    }
    return 0;
}

static int read_ocontext(struct policydb *p, struct reader *r, enum ocon_kind kind,
                         struct ocontext *o)
{
    uint32_t w[2];

    switch (kind) {
    case OCON_ISID:
    case OCON_PIRQ:
    case OCON_PCIDEVICE:
        if (reader_u32(r, &w[0]))
            return -SS_EINVAL;
        o->low = o->high = w[0];
        break;
    case OCON_IOPORT:
        if (reader_u32s(r, w, 2))
            return -SS_EINVAL;
        o->low = w[0];
        o->high = w[1];
        break;
    case OCON_IOMEM:
        if (p->version >= POLICYDB_VERSION_XEN_DEVICETREE) {
            if (reader_u64(r, &o->low) || reader_u64(r, &o->high))
                return -SS_EINVAL;
        } else {
            if (reader_u32s(r, w, 2))
                return -SS_EINVAL;
            o->low = w[0];
            o->high = w[1];
        }
        break;
    case OCON_DEVICETREE:
        if (reader_u32(r, &w[0]) || reader_string(r, w[0], &o->path))
            return -SS_EINVAL;
        break;
    default:
        return -SS_EINVAL;
    }
    if (o->low > o->high)
        return reader_fail(r, "object context range 0x%llx-0x%llx is inverted",
                           (unsigned long long)o->low, (unsigned long long)o->high);
    if (kind == OCON_ISID && o->low == 0)
        return reader_fail(r, "initial SID 0 is not valid");
    return policydb_read_context(p, r, &o->context);
}

int policydb_read_ocontexts(struct policydb *p, struct reader *r)
{
    static const char *const names[OCON_NUM] = {
        "initial SID contexts", "pirq contexts",      "ioport contexts",
        "iomem contexts",       "pcidevice contexts", "devicetree contexts",
    };
    uint32_t lists = p->version >= POLICYDB_VERSION_XEN_DEVICETREE ? 6 : 5;

    for (uint32_t k = 0; k < lists; k++) {
        struct ocontext_list *list = &p->ocon[k];
        uint32_t n;

        r->what = names[k];
        if (reader_u32(r, &n))
            return -SS_EINVAL;
        if (n > (r->len - r->pos) / 20)
            return reader_fail(r, "%u entries cannot fit in the policy", n);
        list->items = policydb_alloc_array(n, sizeof(struct ocontext));
        if (!list->items)
            return -SS_ENOMEM;
        for (uint32_t i = 0; i < n; i++) {
            list->count = i + 1;
            if (read_ocontext(p, r, (enum ocon_kind)k, &list->items[i]))
                return -SS_EINVAL;
        }
    }
    return 0;
}

static int read_range_transitions(struct policydb *p, struct reader *r)
{
    uint32_t n;

    r->what = "range transitions";
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n > (r->len - r->pos) / 24)
        return reader_fail(r, "%u range transitions cannot fit in the policy", n);
    if (n && !p->mls)
        return reader_fail(r, "range transitions in a policy without MLS");
    p->range_trans = policydb_alloc_array(n, sizeof(struct range_trans));
    if (!p->range_trans)
        return -SS_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        struct range_trans *t = &p->range_trans[i];

        p->nrange_trans = i + 1;
        if (reader_u32(r, &t->source_type) || reader_u32(r, &t->target_type) ||
            reader_u32(r, &t->tclass) || policydb_read_range(p, r, &t->range))
            return -SS_EINVAL;
        if (!type_in_range(p, t->source_type) || !type_in_range(p, t->target_type) ||
            !class_in_range(p, t->tclass))
            return reader_fail(r, "range transition %u names a value out of range", i);
        if (!policydb_level_is_valid(p, &t->range.level[0]) ||
            !policydb_level_is_valid(p, &t->range.level[1]) ||
            !mls_level_dom(&t->range.level[1], &t->range.level[0]))
            return reader_fail(r, "range transition %u has an invalid range", i);
        for (uint32_t j = 0; j < i; j++) {
            const struct range_trans *o = &p->range_trans[j];

            if (o->source_type == t->source_type && o->target_type == t->target_type &&
                o->tclass == t->tclass)
                return reader_fail(r, "duplicate range transition %u", i);
        }
    }
    return 0;
}

int policydb_read_tail(struct policydb *p, struct reader *r)
{
    uint32_t n, ntypes = p->symtab[SYM_TYPES].nprim;

    r->what = "genfs contexts";
    if (reader_u32(r, &n))
        return -SS_EINVAL;
    if (n)
        return reader_fail(r, "%u genfs contexts: not part of the Xen target", n);
    if (read_range_transitions(p, r))
        return -SS_EINVAL;
    r->what = "type attribute map";
    p->type_attr = policydb_alloc_array(ntypes, sizeof(struct ebitmap));
    if (!p->type_attr)
        return -SS_ENOMEM;
    for (uint32_t t = 0; t < ntypes; t++) {
        if (ebitmap_read(&p->type_attr[t], r))
            return -SS_EINVAL;
        if (policydb_check_bitmap(r, &p->type_attr[t], ntypes, "type attribute map"))
            return -SS_EINVAL;
        if (ebitmap_set(&p->type_attr[t], t, true))
            return -SS_ENOMEM;
    }
    return 0;
}
