/*
 * Access vector tables: the type enforcement rules of a policy, keyed by
 * (source type, target type, class) with one entry per rule kind.
 */
#ifndef FLAXEN_SS_AVTAB_H
#define FLAXEN_SS_AVTAB_H

#include "reader.h"

#define AVTAB_ALLOWED 0x0001
#define AVTAB_AUDITALLOW 0x0002
#define AVTAB_AUDITDENY 0x0004
#define AVTAB_AV (AVTAB_ALLOWED | AVTAB_AUDITALLOW | AVTAB_AUDITDENY)
#define AVTAB_TRANSITION 0x0010
#define AVTAB_MEMBER 0x0020
#define AVTAB_CHANGE 0x0040
#define AVTAB_TYPE (AVTAB_TRANSITION | AVTAB_MEMBER | AVTAB_CHANGE)
#define AVTAB_XPERMS 0x0700
#define AVTAB_ENABLED 0x8000 /* a conditional rule that is in force */

#define AVTAB_NONE UINT32_MAX

struct avtab_entry {
    uint16_t stype, ttype, tclass, specified;
    uint32_t data;
    uint32_t next; /* next entry in the same hash chain, or AVTAB_NONE */
};

struct avtab {
    uint32_t count, capacity;
    struct avtab_entry *entries;
    uint32_t *slots; /* first entry of each chain */
    uint32_t mask;
    /* Optional index by (source type, class): entries of each pair are
     * order[by_source[(stype - 1) * nclasses + tclass - 1] .. next start). */
    uint32_t index_types, index_classes;
    uint32_t *by_source; /* index_types * index_classes + 1 offsets */
    uint32_t *order;
};

/* The most rules one table may hold. */
#define AVTAB_MAX (1u << 22)

int avtab_init(struct avtab *a, uint32_t capacity);
void avtab_destroy(struct avtab *a);
/* Appends an entry (the table must have room); returns its index. */
uint32_t avtab_insert(struct avtab *a, uint16_t stype, uint16_t ttype, uint16_t tclass,
                      uint16_t specified, uint32_t data);

/* The first entry with this key (any kind), or AVTAB_NONE. */
uint32_t avtab_find(const struct avtab *a, uint16_t stype, uint16_t ttype, uint16_t tclass);
/* The next entry after `index` with the same key, or AVTAB_NONE. */
uint32_t avtab_find_next(const struct avtab *a, uint32_t index);

/* The largest (types x classes) index built; larger policies use the hash only. */
#define AVTAB_INDEX_MAX (1u << 22)

/*
 * Builds the (source type, class) index once all entries are in. Returns 0,
 * or -SS_ENOMEM; without an index (also when too large) lookups use the hash.
 */
int avtab_build_index(struct avtab *a, uint32_t ntypes, uint32_t nclasses);

/* The entries of one (source type, class) pair: order[*first .. *end). */
static inline void avtab_slice(const struct avtab *a, uint32_t stype, uint32_t tclass,
                               uint32_t *first, uint32_t *end)
{
    uint32_t cell = (stype - 1) * a->index_classes + tclass - 1;

    *first = a->by_source[cell];
    *end = a->by_source[cell + 1];
}

#endif
