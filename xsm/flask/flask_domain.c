/*
 * The SIDs a domain carries besides its own (Xen's domain_security_struct):
 * its "self" SID, the type_transition of its SID on itself in class domain,
 * which labels what a domain creates for itself (Xen: flask_domain_alloc_security
 * and flask_domain_create use security_transition_sid(sid, sid, SECCLASS_DOMAIN)).
 */
#include <flask/flask.h>

#include <flaxen/types.h>

#include "flask_internal.h"

int xsm_domain_self_sid(uint32_t sid, uint32_t *self_sid)
{
    int rc = 0;

    spin_lock(&flask_state.lock);
    if (!flask_state.ss)
        *self_sid = sid; /* no policy: no transitions */
    else if (ss_compute_sid(flask_state.ss, sid, sid, SECCLASS_DOMAIN, SS_COMPUTE_CREATE, self_sid))
        rc = -EINVAL;
    spin_unlock(&flask_state.lock);
    return rc;
}

int xsm_transition_sid(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t *out)
{
    int rc = 0;

    spin_lock(&flask_state.lock);
    if (!flask_state.ss)
        *out = ssid; /* no policy (or FLASK disabled): nothing to compute */
    else if (ss_compute_sid(flask_state.ss, ssid, tsid, tclass, SS_COMPUTE_CREATE, out))
        rc = -EINVAL;
    spin_unlock(&flask_state.lock);
    return rc;
}
