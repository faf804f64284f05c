/*
 * Shared between the parts of the policy loader (not for other users).
 */
#ifndef FLAXEN_SS_POLICYDB_INTERNAL_H
#define FLAXEN_SS_POLICYDB_INTERNAL_H

#include "policydb.h"

/* Allocates count zeroed elements, refusing sizes the loader never needs. */
void *policydb_alloc_array(size_t count, size_t size);

int policydb_read_level(struct policydb *p, struct reader *r, struct mls_level *l);
int policydb_read_range(struct policydb *p, struct reader *r, struct mls_range *range);
/* Reads a context and checks that the policy accepts it. */
int policydb_read_context(struct policydb *p, struct reader *r, struct context *c);

int policydb_read_symbols(struct policydb *p, struct reader *r);
int policydb_read_rules(struct policydb *p, struct reader *r);
int policydb_read_ocontexts(struct policydb *p, struct reader *r);
int policydb_read_tail(struct policydb *p, struct reader *r);
/* Cross-checks that need the whole database. */
int policydb_validate(struct policydb *p, struct reader *r);

/* Checks that every set bit of a bitmap names a value in 1..limit. */
int policydb_check_bitmap(struct reader *r, const struct ebitmap *e, uint32_t limit,
                          const char *what);
/* A valid MLS level: known sensitivity, categories allowed for it. */
bool policydb_level_is_valid(const struct policydb *p, const struct mls_level *l);

void policydb_destroy_constraints(struct constraint *c, uint32_t n);

#endif
