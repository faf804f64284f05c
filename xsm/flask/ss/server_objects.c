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
