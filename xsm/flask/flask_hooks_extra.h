/*
 * FLASK checks beyond a hook row's one permission (xsm/xsm.h, xsm_hook_obj):
 * Xen's compound checks, e.g. binding an event channel checks the channel
 * and the peer domain. Called only after the row's own check passed.
 */
#ifndef FLAXEN_FLASK_HOOKS_EXTRA_H
#define FLAXEN_FLASK_HOOKS_EXTRA_H

#include <stdint.h>

#include <xsm/xsm_hooks.h>

struct domain;

/*
 * 0 when every further check of hook `id` passes, else the first refusal
 * (-EACCES). osid/osid2 are the object SIDs given to xsm_hook_obj2.
 */
int flask_hook_extra(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                     uint32_t osid, uint32_t osid2);

#endif
