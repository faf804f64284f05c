/*
 * FLASK operations (xsm_op, public/xsm/flask_op.h) for dom0's tools, over
 * xencall. Like every hypercall buffer, the op and the strings it points at
 * must be written before the call (xencall.h).
 */
#ifndef FLAXEN_TOOLS_FLASKOP_H
#define FLAXEN_TOOLS_FLASKOP_H

#include <stdint.h>

#include "public/xsm/flask_op.h"

/* Sends *op as command cmd with the interface version: the result, or a negative errno. */
long flask_op(struct xen_flask_op *op, uint32_t cmd);

/* The SID of a security context (FLASK_CONTEXT_TO_SID): 0 or a negative errno. */
long flask_context_to_sid(const char *context, uint32_t *sid);

#endif
