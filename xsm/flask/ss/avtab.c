/*
 * Hashed access vector tables.
 */
#include "avtab.h"

static uint32_t avtab_hash(uint16_t stype, uint16_t ttype, uint16_t tclass, uint32_t mask)
{
    uint32_t h = stype * 0x9E3779B1u;

    h ^= (ttype + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= tclass * 0xC2B2AE3Du;
    h ^= h >> 15;
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
