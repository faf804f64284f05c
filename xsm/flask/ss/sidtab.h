/*
 * The SID table: small integers that name security contexts.
 */
#ifndef FLAXEN_SS_SIDTAB_H
#define FLAXEN_SS_SIDTAB_H

#include "policydb.h"

struct sidtab {
    uint32_t count; /* entries used: SIDs 1..count */
    uint32_t capacity;
    struct context *contexts; /* by SID - 1; a zero user marks an unused slot */
    uint32_t *chain;          /* next SID in the same hash bucket, 0 = end */
    uint32_t *buckets;        /* first SID of each bucket, 0 = empty */
};

#define SIDTAB_BUCKETS 512
#define SIDTAB_MAX (1u << 16)

int sidtab_init(struct sidtab *t);
void sidtab_destroy(struct sidtab *t);

/* Sets the context of a fixed SID (initial SIDs); replaces what was there. */
int sidtab_set(struct sidtab *t, uint32_t sid, const struct context *c);
/* The SID of a context, allocating one above `first_dynamic` if new. */
int sidtab_context_to_sid(struct sidtab *t, const struct context *c, uint32_t first_dynamic,
                          uint32_t *sid);
/* The context of a SID, or NULL. */
const struct context *sidtab_search(const struct sidtab *t, uint32_t sid);

#endif
