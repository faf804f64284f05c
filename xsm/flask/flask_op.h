/*
 * xsm_op, hypercall 27 (flask_op.c): Xen's FLASK operations.
 */
#ifndef FLAXEN_FLASK_OP_H
#define FLAXEN_FLASK_OP_H

#include <flaxen/hypercall.h>

struct vcpu;

/* Declared in xsm/xsm.h (the core's only view of XSM); HYPERCALL_ARGS is 5. */
_Static_assert(HYPERCALL_ARGS == 5, "xsm.h declares do_xsm_op with 5 arguments");

#endif
