/*
 * Shared inside the security server (not for other users).
 */
#ifndef FLAXEN_SS_SERVICES_INTERNAL_H
#define FLAXEN_SS_SERVICES_INTERNAL_H

#include "context_string.h"
#include "security.h"
#include "sidtab.h"

struct ss_server {
    struct policydb *policy; /* NULL until a policy is loaded */
    struct sidtab sids;
    uint32_t first_dynamic_sid;
    uint32_t seqno;
    bool *pending_bools;     /* by boolean value - 1 */
    uint32_t nexpected;      /* classes the caller compiled in (ss_class_expect) */
    uint32_t *unknown_perms; /* by class value: expected permissions the policy lacks */
};

/* The access decision for two contexts (no SIDs involved). */
void ss_context_av(const struct policydb *p, const struct context *sc, const struct context *tc,
                   uint32_t tclass, struct ss_av_decision *avd, struct ss_av_explain *why);

/* Evaluates one constraint; xc is the third context of a validatetrans rule, or NULL. */
bool ss_constraint_holds(const struct policydb *p, const struct constraint *con,
                         const struct context *sc, const struct context *tc,
                         const struct context *xc);

/* The label computed for a new object or a relabel (libsepol's compute_sid). */
int ss_context_compute(const struct policydb *p, const struct context *sc, const struct context *tc,
                       uint32_t tclass, enum ss_compute_kind kind, struct context *out);

#endif
