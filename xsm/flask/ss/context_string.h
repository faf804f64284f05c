/*
 * Security contexts to and from their SELinux string form.
 */
#ifndef FLAXEN_SS_CONTEXT_STRING_H
#define FLAXEN_SS_CONTEXT_STRING_H

#include "policydb.h"

/* A fresh string (ss_free it), or NULL when out of memory. */
char *context_to_string(const struct policydb *p, const struct context *c, size_t *len);

/*
 * Parses a context (at most len bytes, stopping at a NUL) and checks that the
 * policy accepts it. On failure out is left empty.
 */
int context_from_string(const struct policydb *p, const char *str, size_t len, struct context *out);

#endif
