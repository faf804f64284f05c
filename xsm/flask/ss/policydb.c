/*
 * Binary policy loader: header, symbol tables and the database's lifetime.
 *
 * Format facts (checkpolicy -t Xen, versions 24 and 30): a little-endian
 * stream of u32 words; magic 0xf97cff8c, the target string "XenFlask",
 * version, config flags, 8 symbol tables, then the rules (policydb_rules.c).
 */
#include "policydb_internal.h"

void *policydb_alloc_array(size_t count, size_t size)
{
    if (count == 0)
        count = 1;
    if (count > SS_ALLOC_MAX / size)
        return NULL;
    return ss_alloc(count * size);
}

static int read_header(struct policydb *p, struct reader *r)
{
    uint32_t w[2], cfg[4];
    char target[sizeof(POLICYDB_XEN_TARGET)];

    if (reader_u32s(r, w, 2))
        return -SS_EINVAL;
    if (w[0] != POLICYDB_MAGIC)
        return reader_fail(r, "bad magic 0x%08x: not a binary policy", w[0]);
    if (w[1] != sizeof(POLICYDB_XEN_TARGET) - 1 || r->len - r->pos < w[1])
        return reader_fail(r, "policy target is not XenFlask (an SELinux policy? build it with "
                              "checkpolicy -t Xen)");
    ss_memcpy(target, r->data + r->pos, w[1]);
    target[w[1]] = '\0';
    r->pos += w[1];
    if (ss_strcmp(target, POLICYDB_XEN_TARGET))
        return reader_fail(r, "policy target is not XenFlask (build it with checkpolicy -t Xen)");
    if (reader_u32s(r, cfg, 4))
        return -SS_EINVAL;
    p->version = cfg[0];
    if (cfg[0] != POLICYDB_VERSION_BOUNDARY && cfg[0] != POLICYDB_VERSION_XEN_DEVICETREE)
        return reader_fail(r, "policy version %u not supported (only 24 and 30)", cfg[0]);
    if (cfg[1] &
        ~(POLICYDB_CONFIG_MLS | POLICYDB_CONFIG_REJECT_UNKNOWN | POLICYDB_CONFIG_ALLOW_UNKNOWN))
        return reader_fail(r, "unknown configuration flags 0x%x", cfg[1]);
    if ((cfg[1] & POLICYDB_CONFIG_REJECT_UNKNOWN) && (cfg[1] & POLICYDB_CONFIG_ALLOW_UNKNOWN))
        return reader_fail(r, "handle_unknown is both reject and allow");
    p->mls = cfg[1] & POLICYDB_CONFIG_MLS;
    p->handle_unknown = (cfg[1] & POLICYDB_CONFIG_REJECT_UNKNOWN)  ? HANDLE_UNKNOWN_REJECT
                        : (cfg[1] & POLICYDB_CONFIG_ALLOW_UNKNOWN) ? HANDLE_UNKNOWN_ALLOW
                                                                   : HANDLE_UNKNOWN_DENY;
    if (cfg[2] != SYM_NUM)
        return reader_fail(r, "%u symbol tables, expected %u", cfg[2], SYM_NUM);
    if (cfg[3] != (p->version >= POLICYDB_VERSION_XEN_DEVICETREE ? 6u : 5u))
        return reader_fail(r, "%u object context lists for version %u", cfg[3], p->version);
    r->what = "policy capabilities";
    if (ebitmap_read(&p->policycaps, r))
        return -SS_EINVAL;
    r->what = "permissive types";
    return ebitmap_read(&p->permissive, r);
}

/* Reads a u32 length and then that many name bytes. */
static int read_name(struct reader *r, uint32_t len, char **name)
{
    return reader_string(r, len, name);
}

static int read_perms(struct reader *r, uint32_t nel, uint32_t nprim, char **names, uint32_t first)
{
    for (uint32_t i = 0; i < nel; i++) {
        uint32_t w[2];
        char *name;

        if (reader_u32s(r, w, 2) || read_name(r, w[0], &name))
            return -SS_EINVAL;
        if (w[1] < first || w[1] > nprim || names[w[1] - 1]) {
            reader_fail(r, "permission %s has bad or duplicate value %u", name, w[1]);
            ss_free(name);
            return -SS_EINVAL;
        }
        names[w[1] - 1] = name;
    }
    return 0;
}

static int check_perm_counts(struct reader *r, uint32_t nprim, uint32_t nel)
{
    if (nprim > PERMS_MAX || nel > nprim)
        return reader_fail(r, "%u permissions (%u names): at most %u", nprim, nel, PERMS_MAX);
    return 0;
}

static int read_common(struct policydb *p, struct reader *r)
{
    uint32_t w[4];
    char *name;
    struct common_datum *c;
    int rc;

    if (reader_u32s(r, w, 4) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    rc = symtab_add(&p->symtab[SYM_COMMONS], name, w[1], true);
    if (rc)
        return reader_fail(r, "common has bad or duplicate value %u", w[1]);
    c = &p->commons[w[1] - 1];
    if (check_perm_counts(r, w[2], w[3]))
        return -SS_EINVAL;
    c->nperms = w[2];
    return read_perms(r, w[3], w[2], c->perm_names, 1);
}

static int read_constraints(struct policydb *p, struct reader *r, uint32_t n,
                            struct constraint **out, bool allow_xtarget)
{
    struct constraint *cons = policydb_alloc_array(n, sizeof(*cons));

    *out = cons;
    if (!cons)
        return -SS_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w[2];

        if (reader_u32s(r, w, 2))
            return -SS_EINVAL;
        if (w[1] == 0 || w[1] > 4096)
            return reader_fail(r, "constraint with %u expression nodes", w[1]);
        cons[i].permissions = w[0];
        cons[i].expr = policydb_alloc_array(w[1], sizeof(struct constraint_expr));
        if (!cons[i].expr)
            return -SS_ENOMEM;
        cons[i].nexpr = w[1];
        for (uint32_t j = 0; j < w[1]; j++) {
            struct constraint_expr *e = &cons[i].expr[j];
            uint32_t x[3];

            if (reader_u32s(r, x, 3))
                return -SS_EINVAL;
            e->kind = x[0];
            e->attr = x[1];
            e->op = x[2];
            if (e->kind < CEXPR_NOT || e->kind > CEXPR_NAMES)
                return reader_fail(r, "constraint expression kind %u unknown", e->kind);
            if (e->kind != CEXPR_NAMES)
                continue;
            if (!allow_xtarget && (e->attr & CEXPR_XTARGET))
                return reader_fail(r, "constraint names a third context");
            if (ebitmap_read(&e->names, r))
                return -SS_EINVAL;
            if (p->version >= 29) {
                struct ebitmap types, negset;
                uint32_t flags;
                int rc = ebitmap_read(&types, r);

                if (!rc)
                    rc = ebitmap_read(&negset, r);
                ebitmap_destroy(&types);
                if (!rc)
                    ebitmap_destroy(&negset);
                if (rc || reader_u32(r, &flags))
                    return -SS_EINVAL;
            }
        }
    }
    return 0;
}

static int merge_common_perms(struct policydb *p, struct reader *r, struct class_datum *c,
                              const char *common_name)
{
    const struct common_datum *com;

    c->common = symtab_lookup(&p->symtab[SYM_COMMONS], common_name);
    if (!c->common)
        return reader_fail(r, "class uses unknown common %s", common_name);
    com = &p->commons[c->common - 1];
    if (com->nperms > c->nperms)
        return reader_fail(r, "class has fewer permissions than its common %s", common_name);
    for (uint32_t i = 0; i < com->nperms; i++) {
        if (!com->perm_names[i])
            continue;
        if (c->perm_names[i])
            return reader_fail(r, "class permission value %u clashes with common %s", i + 1,
                               common_name);
        c->perm_names[i] = ss_strndup(com->perm_names[i], ss_strlen(com->perm_names[i]));
        if (!c->perm_names[i])
            return -SS_ENOMEM;
    }
    return 0;
}

static int read_class(struct policydb *p, struct reader *r)
{
    uint32_t w[6];
    char *name, *common_name = NULL;
    struct class_datum *c;
    int rc;

    if (reader_u32s(r, w, 6) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    rc = symtab_add(&p->symtab[SYM_CLASSES], name, w[2], true);
    if (rc)
        return reader_fail(r, "class has bad or duplicate value %u", w[2]);
    c = &p->classes[w[2] - 1];
    if (check_perm_counts(r, w[3], w[4]))
        return -SS_EINVAL;
    c->nperms = w[3];
    if (w[1] && read_name(r, w[1], &common_name))
        return -SS_EINVAL;
    rc = read_perms(r, w[4], w[3], c->perm_names, 1);
    if (!rc && common_name)
        rc = merge_common_perms(p, r, c, common_name);
    ss_free(common_name);
    if (rc)
        return rc;
    c->nconstraints = w[5];
    if (w[5] > 4096)
        return reader_fail(r, "%u constraints on one class", w[5]);
    rc = read_constraints(p, r, w[5], &c->constraints, false);
    if (rc || reader_u32(r, &c->nvalidatetrans))
        return rc ? rc : -SS_EINVAL;
    if (c->nvalidatetrans > 4096)
        return reader_fail(r, "%u validatetrans rules on one class", c->nvalidatetrans);
    rc = read_constraints(p, r, c->nvalidatetrans, &c->validatetrans, true);
    if (rc)
        return rc;
    if (p->version >= 27) {
        uint32_t d[4];

        if (reader_u32s(r, d, 4))
            return -SS_EINVAL;
        c->default_user = d[0];
        c->default_role = d[1];
        c->default_range = d[2];
        c->default_type = d[3];
        if (d[0] > 2 || d[1] > 2 || d[2] > 6 || d[3] > 2)
            return reader_fail(r, "class has unknown default_* values");
    }
    return 0;
}

static int read_role(struct policydb *p, struct reader *r)
{
    uint32_t w[3];
    char *name;
    struct role_datum *role;
    bool object_r;

    if (reader_u32s(r, w, 3) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    object_r = !ss_strcmp(name, "object_r");
    if (symtab_add(&p->symtab[SYM_ROLES], name, w[1], true))
        return reader_fail(r, "role has bad or duplicate value %u", w[1]);
    if (object_r != (w[1] == OBJECT_R_VALUE))
        return reader_fail(r, "role object_r must have value 1");
    role = &p->roles[w[1] - 1];
    role->bounds = w[2];
    if (ebitmap_read(&role->dominates, r) || ebitmap_read(&role->types, r))
        return -SS_EINVAL;
    return 0;
}

static int read_type(struct policydb *p, struct reader *r)
{
    uint32_t w[4];
    char *name;
    bool primary;

    if (reader_u32s(r, w, 4) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    if (w[2] & ~(TYPE_PROPERTY_PRIMARY | TYPE_PROPERTY_ATTRIBUTE)) {
        ss_free(name);
        return reader_fail(r, "type has unknown properties 0x%x", w[2]);
    }
    primary = w[2] & TYPE_PROPERTY_PRIMARY;
    if (symtab_add(&p->symtab[SYM_TYPES], name, w[1], primary))
        return reader_fail(r, "type has bad or duplicate value %u", w[1]);
    if (!primary) {
        if (w[2] & TYPE_PROPERTY_ATTRIBUTE)
            return reader_fail(r, "type alias marked as attribute");
        return 0;
    }
    p->types[w[1] - 1].attribute = w[2] & TYPE_PROPERTY_ATTRIBUTE;
    p->types[w[1] - 1].bounds = w[3];
    return 0;
}

static int read_user(struct policydb *p, struct reader *r)
{
    uint32_t w[3];
    char *name;
    struct user_datum *u;

    if (reader_u32s(r, w, 3) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    if (symtab_add(&p->symtab[SYM_USERS], name, w[1], true))
        return reader_fail(r, "user has bad or duplicate value %u", w[1]);
    u = &p->users[w[1] - 1];
    u->bounds = w[2];
    if (ebitmap_read(&u->roles, r) || policydb_read_range(p, r, &u->range) ||
        policydb_read_level(p, r, &u->default_level))
        return -SS_EINVAL;
    return 0;
}

static int read_bool(struct policydb *p, struct reader *r)
{
    uint32_t w[3];
    char *name;

    if (reader_u32s(r, w, 3))
        return -SS_EINVAL;
    if (w[1] > 1)
        return reader_fail(r, "boolean state %u is not 0 or 1", w[1]);
    if (read_name(r, w[2], &name))
        return -SS_EINVAL;
    if (symtab_add(&p->symtab[SYM_BOOLS], name, w[0], true))
        return reader_fail(r, "boolean has bad or duplicate value %u", w[0]);
    p->bools[w[0] - 1].state = w[1];
    return 0;
}

static int read_sensitivity(struct policydb *p, struct reader *r)
{
    uint32_t w[2];
    char *name;
    struct mls_level level;
    struct level_datum *l;

    if (reader_u32s(r, w, 2) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    if (w[1] > 1) {
        ss_free(name);
        return reader_fail(r, "sensitivity alias flag %u", w[1]);
    }
    if (reader_u32(r, &level.sens) || ebitmap_read(&level.cat, r)) {
        ss_free(name);
        return -SS_EINVAL;
    }
    if (symtab_add(&p->symtab[SYM_LEVELS], name, level.sens, !w[1])) {
        ebitmap_destroy(&level.cat);
        return reader_fail(r, "sensitivity has bad or duplicate value %u", level.sens);
    }
    l = &p->levels[level.sens - 1];
    if (w[1]) {
        bool same = ebitmap_equal(&l->level.cat, &level.cat) || !l->level.sens;

        ebitmap_destroy(&level.cat);
        return same ? 0 : reader_fail(r, "sensitivity alias differs from its sensitivity");
    }
    ebitmap_destroy(&l->level.cat);
    l->level = level;
    return 0;
}

static int read_category(struct policydb *p, struct reader *r)
{
    uint32_t w[3];
    char *name;

    if (reader_u32s(r, w, 3) || read_name(r, w[0], &name))
        return -SS_EINVAL;
    if (w[2] > 1) {
        ss_free(name);
        return reader_fail(r, "category alias flag %u", w[2]);
    }
    if (symtab_add(&p->symtab[SYM_CATS], name, w[1], !w[2]))
        return reader_fail(r, "category has bad or duplicate value %u", w[1]);
    return 0;
}

static const char *const sym_names[SYM_NUM] = {
    "commons", "classes", "roles", "types", "users", "booleans", "sensitivities", "categories",
};

static int (*const sym_readers[SYM_NUM])(struct policydb *, struct reader *) = {
    read_common, read_class, read_role,        read_type,
    read_user,   read_bool,  read_sensitivity, read_category,
};

static int alloc_datums(struct policydb *p, enum sym_kind kind, uint32_t n)
{
    void **slot[SYM_NUM] = {
        (void **)&p->commons, (void **)&p->classes, (void **)&p->roles,  (void **)&p->types,
        (void **)&p->users,   (void **)&p->bools,   (void **)&p->levels, NULL,
    };
    static const size_t size[SYM_NUM] = {
        sizeof(struct common_datum), sizeof(struct class_datum),
        sizeof(struct role_datum),   sizeof(struct type_datum),
        sizeof(struct user_datum),   sizeof(struct bool_datum),
        sizeof(struct level_datum),  0,
    };

    if (!slot[kind])
        return 0;
    *slot[kind] = policydb_alloc_array(n, size[kind]);
    return *slot[kind] ? 0 : -SS_ENOMEM;
}

int policydb_read_symbols(struct policydb *p, struct reader *r)
{
    for (int kind = 0; kind < SYM_NUM; kind++) {
        uint32_t w[2];
        int rc;

        r->what = sym_names[kind];
        if (reader_u32s(r, w, 2))
            return -SS_EINVAL;
        if (w[0] > SYMTAB_MAX || w[1] > SYMTAB_MAX)
            return reader_fail(r, "%u values, %u names: too many", w[0], w[1]);
        rc = symtab_init(&p->symtab[kind], w[0], w[1]);
        if (!rc)
            rc = alloc_datums(p, kind, w[0]);
        for (uint32_t i = 0; !rc && i < w[1]; i++)
            rc = sym_readers[kind](p, r);
        if (rc)
            return rc;
        /* Sensitivity and category aliases take values of their own that carry no name. */
        for (uint32_t v = 1; kind != SYM_LEVELS && kind != SYM_CATS && v <= w[0]; v++) {
            if (!symtab_name(&p->symtab[kind], v))
                return reader_fail(r, "value %u has no name", v);
        }
    }
    return 0;
}

int policydb_read(struct policydb **out, const void *image, size_t len, struct ss_error *err)
{
    struct policydb *p = ss_alloc(sizeof(*p));
    struct reader r;
    int rc;

    *out = NULL;
    if (!p)
        return -SS_ENOMEM;
    reader_init(&r, image, len, err);
    rc = read_header(p, &r);
    if (!rc)
        rc = policydb_read_symbols(p, &r);
    if (!rc)
        rc = policydb_read_rules(p, &r);
    if (!rc)
        rc = policydb_read_ocontexts(p, &r);
    if (!rc)
        rc = policydb_read_tail(p, &r);
    if (!rc && r.pos != r.len) {
        r.what = "end of policy";
        rc = reader_fail(&r, "%zu unexpected bytes after the policy", r.len - r.pos);
    }
    if (!rc)
        rc = policydb_validate(p, &r);
    if (rc) {
        if (rc == -SS_ENOMEM && err && !r.failed)
            ss_error_set(err, "out of memory while loading the policy (in %s)", r.what);
        policydb_destroy(p);
        return rc;
    }
    policydb_evaluate_conds(p);
    *out = p;
    return 0;
}
