/*
 * Symbol tables with a name hash.
 */
#include "symtab.h"

static uint32_t hash_name(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    while (*name) {
        h ^= (unsigned char)*name++;
        h *= 16777619u;
    }
    return h;
}

int symtab_init(struct symtab *s, uint32_t nprim, uint32_t nnames)
{
    uint32_t slots = 8;

    ss_memset(s, 0, sizeof(*s));
    if (nprim > SYMTAB_MAX || nnames > SYMTAB_MAX)
        return -SS_EINVAL;
    while (slots < 2 * nnames)
        slots *= 2;
    s->names = ss_alloc(sizeof(char *) * (nnames ? nnames : 1));
    s->values = ss_alloc(sizeof(uint32_t) * (nnames ? nnames : 1));
    s->primary = ss_alloc(sizeof(char *) * (nprim ? nprim : 1));
    s->hash = ss_alloc(sizeof(uint32_t) * slots);
    if (!s->names || !s->values || !s->primary || !s->hash) {
        symtab_destroy(s);
        return -SS_ENOMEM;
    }
    s->nprim = nprim;
    s->capacity = nnames;
    s->hash_mask = slots - 1;
    return 0;
}

void symtab_destroy(struct symtab *s)
{
    if (s->names) {
        for (uint32_t i = 0; i < s->nnames; i++)
            ss_free(s->names[i]);
    }
    ss_free(s->names);
    ss_free(s->values);
    ss_free(s->primary);
    ss_free(s->hash);
    ss_memset(s, 0, sizeof(*s));
}

static uint32_t *find_slot(const struct symtab *s, const char *name)
{
    uint32_t i = hash_name(name) & s->hash_mask;

    for (;;) {
        uint32_t *slot = &s->hash[i];

        if (!*slot || !ss_strcmp(s->names[*slot - 1], name))
            return slot;
        i = (i + 1) & s->hash_mask;
    }
}

int symtab_add(struct symtab *s, char *name, uint32_t value, bool primary)
{
    uint32_t *slot;

    if (s->nnames >= s->capacity || value < 1 || value > s->nprim) {
        ss_free(name);
        return -SS_EINVAL;
    }
    slot = find_slot(s, name);
    if (*slot || (primary && s->primary[value - 1])) {
        ss_free(name);
        return -SS_EEXIST;
    }
    s->names[s->nnames] = name;
    s->values[s->nnames] = value;
    s->nnames++;
    *slot = s->nnames;
    if (primary)
        s->primary[value - 1] = name;
    return 0;
}

uint32_t symtab_lookup(const struct symtab *s, const char *name)
{
    const uint32_t *slot;

    if (!s->hash)
        return 0;
    slot = find_slot(s, name);
    return *slot ? s->values[*slot - 1] : 0;
}
