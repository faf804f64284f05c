/*
 * Symbol tables: the names of one symbol kind (classes, roles, types, ...),
 * their values, and a hash from name to value.
 *
 * Values run from 1 to nprim. Several names may share a value (aliases);
 * each value has one primary name, the one printed in contexts.
 */
#ifndef FLAXEN_SS_SYMTAB_H
#define FLAXEN_SS_SYMTAB_H

#include "ss_platform.h"

struct symtab {
    uint32_t nprim;  /* values 1..nprim */
    uint32_t nnames; /* names added so far */
    uint32_t capacity;
    char **names;         /* every name, owned */
    uint32_t *values;     /* the value of names[i] */
    const char **primary; /* by value - 1: the primary name, or NULL */
    uint32_t *hash;       /* open addressing: index into names + 1, 0 = empty */
    uint32_t hash_mask;
};

/* The most values or names one table may hold. */
#define SYMTAB_MAX 65535u

int symtab_init(struct symtab *s, uint32_t nprim, uint32_t nnames);
void symtab_destroy(struct symtab *s);

/*
 * Adds a name (ownership passes to the table, also on failure). A primary
 * name claims its value, which must not have one already. Returns 0,
 * -SS_EEXIST for a duplicate name or value, -SS_EINVAL for a value out of range.
 */
int symtab_add(struct symtab *s, char *name, uint32_t value, bool primary);

/* The value of a name, 0 if none. */
uint32_t symtab_lookup(const struct symtab *s, const char *name);

/* The primary name of a value, or NULL. */
static inline const char *symtab_name(const struct symtab *s, uint32_t value)
{
    return value >= 1 && value <= s->nprim ? s->primary[value - 1] : NULL;
}

#endif
