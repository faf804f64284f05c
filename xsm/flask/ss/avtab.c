/*
 * Hashed access vector tables.
 */
#include "avtab.h"

static uint32_t avtab_hash(uint16_t stype, uint16_t ttype, uint16_t tclass, uint32_t mask)
{
    uint32_t h = ((uint32_t)stype << 16 | ttype) ^ (uint32_t)tclass * 0x9E3779B1u;

    /* A full avalanche, so that small tables spread keys that differ in one field. */
    h ^= h >> 16;
    h *= 0x7FEB352Du;
    h ^= h >> 15;
    h *= 0x846CA68Bu;
    h ^= h >> 16;
    return h & mask;
}

int avtab_init(struct avtab *a, uint32_t capacity)
{
    uint32_t slots = 16;

    ss_memset(a, 0, sizeof(*a));
    if (capacity > AVTAB_MAX)
        return -SS_EINVAL;
    while (slots < capacity && slots < (1u << 20))
        slots *= 2;
    a->entries = ss_alloc(sizeof(struct avtab_entry) * (capacity ? capacity : 1));
    a->slots = ss_alloc(sizeof(uint32_t) * slots);
    if (!a->entries || !a->slots) {
        avtab_destroy(a);
        return -SS_ENOMEM;
    }
    ss_memset(a->slots, 0xff, sizeof(uint32_t) * slots);
    a->capacity = capacity;
    a->mask = slots - 1;
    return 0;
}

void avtab_destroy(struct avtab *a)
{
    ss_free(a->entries);
    ss_free(a->slots);
    ss_free(a->by_source);
    ss_free(a->order);
    ss_memset(a, 0, sizeof(*a));
}

uint32_t avtab_insert(struct avtab *a, uint16_t stype, uint16_t ttype, uint16_t tclass,
                      uint16_t specified, uint32_t data)
{
    uint32_t index = a->count++;
    uint32_t slot = avtab_hash(stype, ttype, tclass, a->mask);
    struct avtab_entry *e = &a->entries[index];

    e->stype = stype;
    e->ttype = ttype;
    e->tclass = tclass;
    e->specified = specified;
    e->data = data;
    e->next = a->slots[slot];
    a->slots[slot] = index;
    return index;
}

static uint32_t scan(const struct avtab *a, uint32_t index, uint16_t stype, uint16_t ttype,
                     uint16_t tclass)
{
    while (index != AVTAB_NONE) {
        const struct avtab_entry *e = &a->entries[index];

        if (e->stype == stype && e->ttype == ttype && e->tclass == tclass)
            return index;
        index = e->next;
    }
    return AVTAB_NONE;
}

uint32_t avtab_find(const struct avtab *a, uint16_t stype, uint16_t ttype, uint16_t tclass)
{
    if (!a->slots)
        return AVTAB_NONE;
    return scan(a, a->slots[avtab_hash(stype, ttype, tclass, a->mask)], stype, ttype, tclass);
}

uint32_t avtab_find_next(const struct avtab *a, uint32_t index)
{
    const struct avtab_entry *e = &a->entries[index];

    return scan(a, e->next, e->stype, e->ttype, e->tclass);
}

int avtab_build_index(struct avtab *a, uint32_t ntypes, uint32_t nclasses)
{
    uint64_t cells = (uint64_t)ntypes * nclasses;
    uint32_t *fill;

    if (!cells || cells > AVTAB_INDEX_MAX)
        return 0;
    a->by_source = ss_alloc(sizeof(uint32_t) * (size_t)(cells + 1));
    a->order = ss_alloc(sizeof(uint32_t) * (a->count ? a->count : 1));
    fill = ss_alloc(sizeof(uint32_t) * (size_t)cells);
    if (!a->by_source || !a->order || !fill) {
        ss_free(a->by_source);
        ss_free(a->order);
        ss_free(fill);
        a->by_source = a->order = NULL;
        return -SS_ENOMEM;
    }
    /* Counting sort of the entries by (source type, class). */
    for (uint32_t i = 0; i < a->count; i++)
        a->by_source[(a->entries[i].stype - 1) * nclasses + a->entries[i].tclass]++;
    for (uint64_t c = 1; c <= cells; c++)
        a->by_source[c] += a->by_source[c - 1];
    for (uint32_t i = 0; i < a->count; i++) {
        uint32_t cell = (a->entries[i].stype - 1) * nclasses + a->entries[i].tclass - 1;

        a->order[a->by_source[cell] + fill[cell]++] = i;
    }
    ss_free(fill);
    a->index_types = ntypes;
    a->index_classes = nclasses;
    return 0;
}
