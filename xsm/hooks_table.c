/*
 * The hook table as data (xsm/xsm_hooks.h), shared by the modules and the
 * generator of docs/security/hooks.md.
 */
#include <xsm/xsm_hooks.h>

const struct xsm_hook_info xsm_hook_table[XSM_HOOK_COUNT] = {
#define XSM_HOOK_ROW(id, hcall, sub, r, sc, p, t)                                                  \
    [XSM_HOOK_##id] = {.name = #id,                                                                \
                       .hypercall = hcall,                                                         \
                       .subop = sub,                                                               \
                       .rule = r,                                                                  \
                       .sclass = sc,                                                               \
                       .perm = p,                                                                  \
                       .tsid = t},
    XSM_HOOKS(XSM_HOOK_ROW)
#undef XSM_HOOK_ROW
};
