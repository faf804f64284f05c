/*
 * Booleans and the labels of hardware objects.
 */
#include "services_internal.h"

uint32_t ss_bool_count(const struct ss_server *s)
{
    return s->policy ? s->policy->symtab[SYM_BOOLS].nprim : 0;
}

const char *ss_bool_name(const struct ss_server *s, uint32_t index)
{
    return index < ss_bool_count(s) ? policydb_name(s->policy, SYM_BOOLS, index + 1) : NULL;
}

int ss_bool_lookup(const struct ss_server *s, const char *name, uint32_t *index)
{
    uint32_t v = s->policy ? symtab_lookup(&s->policy->symtab[SYM_BOOLS], name) : 0;

    if (!v)
        return -SS_ENOENT;
    *index = v - 1;
    return 0;
}

int ss_bool_get(const struct ss_server *s, uint32_t index, bool *active, bool *pending)
{
    if (index >= ss_bool_count(s))
        return -SS_ENOENT;
    if (active)
        *active = s->policy->bools[index].state;
    if (pending)
        *pending = s->pending_bools[index];
    return 0;
}

int ss_bool_set_pending(struct ss_server *s, uint32_t index, bool value)
{
    if (index >= ss_bool_count(s))
        return -SS_ENOENT;
    s->pending_bools[index] = value;
    return 0;
}

int ss_bool_commit(struct ss_server *s)
{
    uint32_t n = ss_bool_count(s);

    if (!s->policy)
        return -SS_EINVAL;
    for (uint32_t i = 0; i < n; i++)
        s->policy->bools[i].state = s->pending_bools[i];
    policydb_evaluate_conds(s->policy);
    s->seqno++;
    return 0;
}

static int object_sid(struct ss_server *s, enum ocon_kind kind, uint64_t low, uint64_t high,
                      const char *path, uint32_t fallback, uint32_t *sid)
{
    const struct ocontext_list *list;

    if (!s->policy)
        return -SS_EINVAL;
    list = &s->policy->ocon[kind];
    for (uint32_t i = 0; i < list->count; i++) {
        const struct ocontext *o = &list->items[i];
        bool match = path ? !ss_strcmp(o->path, path) : (o->low <= low && high <= o->high);

        if (match)
            return sidtab_context_to_sid(&s->sids, &o->context, s->first_dynamic_sid, sid);
    }
    *sid = fallback;
    return 0;
}

int ss_pirq_sid(struct ss_server *s, uint32_t pirq, uint32_t *sid)
{
    return object_sid(s, OCON_PIRQ, pirq, pirq, NULL, SS_ISID_IRQ, sid);
}

int ss_ioport_sid(struct ss_server *s, uint32_t low, uint32_t high, uint32_t *sid)
{
    if (low > high)
        return -SS_EINVAL;
    return object_sid(s, OCON_IOPORT, low, high, NULL, SS_ISID_IOPORT, sid);
}

int ss_iomem_sid(struct ss_server *s, uint64_t low_pfn, uint64_t high_pfn, uint32_t *sid)
{
    if (low_pfn > high_pfn)
        return -SS_EINVAL;
    return object_sid(s, OCON_IOMEM, low_pfn, high_pfn, NULL, SS_ISID_IOMEM, sid);
}

int ss_pcidevice_sid(struct ss_server *s, uint32_t sbdf, uint32_t *sid)
{
    return object_sid(s, OCON_PCIDEVICE, sbdf, sbdf, NULL, SS_ISID_DEVICE, sid);
}

int ss_devicetree_sid(struct ss_server *s, const char *path, uint32_t *sid)
{
    if (!path)
        return -SS_EINVAL;
    return object_sid(s, OCON_DEVICETREE, 0, 0, path, SS_ISID_DEVICE, sid);
}

uint32_t ss_class_value(const struct ss_server *s, const char *name)
{
    return s->policy ? policydb_class_value(s->policy, name) : 0;
}

const char *ss_class_name(const struct ss_server *s, uint32_t tclass)
{
    return s->policy ? policydb_name(s->policy, SYM_CLASSES, tclass) : NULL;
}

const char *ss_perm_name(const struct ss_server *s, uint32_t tclass, uint32_t bit_index)
{
    return s->policy ? policydb_perm_name(s->policy, tclass, bit_index) : NULL;
}

uint32_t ss_perm_bit(const struct ss_server *s, uint32_t tclass, const char *name)
{
    return s->policy ? policydb_perm_bit(s->policy, tclass, name) : 0;
}

/* The list of one of Xen's run-time kinds, or NULL. */
static struct ocontext_list *runtime_list(struct ss_server *s, uint32_t kind, uint64_t low,
                                          uint64_t high)
{
    if (!s->policy || low > high || kind < OCON_PIRQ || kind > OCON_PCIDEVICE)
        return NULL;
    return &s->policy->ocon[kind];
}

/* Append an entry with a copy of context `c`; `path` (owned, may be NULL) goes with it. */
static int append_entry(struct ocontext_list *list, uint64_t low, uint64_t high, char *path,
                        const struct context *c)
{
    struct ocontext *items = ss_alloc((list->count + 1) * sizeof(*items));

    if (!items)
        return -SS_ENOMEM;
    items[list->count] = (struct ocontext){.low = low, .high = high, .path = path};
    if (context_copy(&items[list->count].context, c)) {
        ss_free(items);
        return -SS_ENOMEM;
    }
    for (uint32_t i = 0; i < list->count; i++)
        items[i] = list->items[i]; /* the entries move; their contents stay theirs */
    ss_free(list->items);
    list->items = items;
    list->count++;
    return 0;
}

int ss_ocontext_add(struct ss_server *s, uint32_t kind, uint64_t low, uint64_t high, uint32_t sid)
{
    struct ocontext_list *list = runtime_list(s, kind, low, high);
    const struct context *c = sidtab_search(&s->sids, sid);

    if (!list || !c)
        return -SS_EINVAL;
    for (uint32_t i = 0; i < list->count; i++) {
        const struct ocontext *o = &list->items[i];

        if (o->low == low && o->high == high && context_equal(&o->context, c))
            return 0; /* already so */
        if (o->low <= high && low <= o->high)
            return -SS_EEXIST;
    }
    return append_entry(list, low, high, NULL, c);
}

int ss_devicetree_label(struct ss_server *s, const char *path, uint32_t sid)
{
    struct ocontext_list *list;
    const struct context *c = NULL;
    size_t len;
    char *copy;
    int rc;

    if (!s->policy || !path || !path[0])
        return -SS_EINVAL;
    if (sid && !(c = sidtab_search(&s->sids, sid)))
        return -SS_EINVAL;
    list = &s->policy->ocon[OCON_DEVICETREE];
    for (uint32_t i = 0; i < list->count; i++) {
        struct ocontext *o = &list->items[i];

        if (ss_strcmp(o->path, path))
            continue;
        if (sid)
            return -SS_EEXIST; /* relabelling takes a removal first, as in Xen */
        context_destroy(&o->context);
        ss_free(o->path);
        list->items[i] = list->items[--list->count];
        return 0;
    }
    if (!sid)
        return -SS_ENOENT;
    len = ss_strlen(path) + 1;
    copy = ss_alloc(len);
    if (!copy)
        return -SS_ENOMEM;
    ss_memcpy(copy, path, len);
    rc = append_entry(list, 0, 0, copy, c);
    if (rc)
        ss_free(copy);
    return rc;
}

int ss_ocontext_del(struct ss_server *s, uint32_t kind, uint64_t low, uint64_t high)
{
    struct ocontext_list *list = runtime_list(s, kind, low, high);

    if (!list)
        return -SS_EINVAL;
    for (uint32_t i = 0; i < list->count; i++) {
        struct ocontext *o = &list->items[i];

        if (o->low == low && o->high == high) {
            context_destroy(&o->context);
            ss_free(o->path);
            list->items[i] = list->items[--list->count];
            return 0;
        }
    }
    return -SS_ENOENT;
}
