/* FLASK operations for dom0's tools (flaskop.h). */
#include <errno.h>
#include <string.h>

#include "flaskop.h"
#include "xencall.h"

#define XSM_OP 27 /* the xsm_op hypercall */

long flask_op(struct xen_flask_op *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xencall(XSM_OP, (unsigned long)op, 0, 0, 0, 0);
}

long flask_context_to_sid(const char *context, uint32_t *sid)
{
    static struct xen_flask_op op;
    static char text[4096];
    long rc;

    if (strlen(context) >= sizeof(text))
        return -ENAMETOOLONG;
    strcpy(text, context);
    memset(&op, 0, sizeof(op));
    op.u.sid_context.context = (uint64_t)(uintptr_t)text;
    op.u.sid_context.size = (uint32_t)strlen(text) + 1;
    rc = flask_op(&op, FLASK_CONTEXT_TO_SID);
    *sid = op.u.sid_context.sid;
    return rc;
}
