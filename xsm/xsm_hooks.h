/*
 * The XSM hooks: one per hypercall sub-op, in one table that the code, the
 * FLASK module, the dummy module and docs/security/hooks.md are all made
 * from (xsm/hooks_table.c prints the document; tests compare it with the
 * committed copy, so the documentation cannot drift from the code).
 *
 * Every handler in xen/common/hypercall.c calls xsm_hook(id, subject,
 * target) after copying in and checking its arguments and before any lock,
 * allocation or effect; -EACCES goes back to the guest unchanged.
 *
 * Columns of XSM_HOOKS(X):
 *   id        the hook (enum xsm_hook_id: XSM_HOOK_<id>)
 *   hcall     the hypercall, as Xen names it
 *   subop     the sub-op constant, as the public headers name it
 *   rule      the dummy module's rule (Xen's XSM_HOOK / XSM_TARGET / XSM_PRIV ...)
 *   sclass    FLASK class (SECCLASS_*), 0 = no FLASK permission: see below
 *   perm      FLASK permission bit in that class
 *   tsid      whose SID the permission is checked against (enum xsm_target)
 *
 * A row with no FLASK permission (sclass 0) is an operation a domain does
 * only to itself and that Xen 4.17's FLASK never checks either (yielding,
 * blocking, shutting itself down, reading the version number): the hook is
 * still called, FLASK allows it without an AVC lookup, and hooks.md lists
 * it as such so an auditor sees every exemption.
 */
#ifndef FLAXEN_XSM_HOOKS_H
#define FLAXEN_XSM_HOOKS_H

#include <stdint.h>

#include <flask/av_permissions.h>
#include <flask/flask.h>

/* The dummy module's rules (Xen's xsm_default_action). */
enum xsm_rule {
    XSM_RULE_HOOK,   /* anyone */
    XSM_RULE_TARGET, /* the domain itself, or a privileged one */
    XSM_RULE_PRIV,   /* the hardware/control domain only */
};

/* Whose SID a FLASK check is against. */
enum xsm_target {
    XSM_TSID_NONE,     /* no FLASK check */
    XSM_TSID_XEN,      /* the hypervisor: initial SID "xen" */
    XSM_TSID_SECURITY, /* the security server: initial SID "security" */
    XSM_TSID_SELF,     /* the subject domain's own SID */
    XSM_TSID_TARGET,   /* the target domain's SID */
    XSM_TSID_OBJECT,   /* the SID of the object acted on (an event channel ...): xsm_hook_obj */
};

#define XSM_HOOKS(X)                                                                               \
    X(CONSOLE_WRITE, "console_io", "CONSOLEIO_write", XSM_RULE_PRIV, SECCLASS_XEN,                 \
      XEN__WRITECONSOLE, XSM_TSID_XEN)                                                             \
    X(CONSOLE_READ, "console_io", "CONSOLEIO_read", XSM_RULE_PRIV, SECCLASS_XEN, XEN__READCONSOLE, \
      XSM_TSID_XEN)                                                                                \
    X(SCHED_YIELD, "sched_op", "SCHEDOP_yield", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)                \
    X(SCHED_BLOCK, "sched_op", "SCHEDOP_block", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)                \
    X(SCHED_SHUTDOWN, "sched_op", "SCHEDOP_shutdown", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)          \
    X(SCHED_POLL, "sched_op", "SCHEDOP_poll", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)                  \
    X(VERSION_VERSION, "xen_version", "XENVER_version", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)        \
    X(VERSION_EXTRAVERSION, "xen_version", "XENVER_extraversion", XSM_RULE_HOOK, SECCLASS_VERSION, \
      VERSION__XEN_EXTRAVERSION, XSM_TSID_XEN)                                                     \
    X(VERSION_CAPABILITIES, "xen_version", "XENVER_capabilities", XSM_RULE_HOOK, SECCLASS_VERSION, \
      VERSION__XEN_CAPABILITIES, XSM_TSID_XEN)                                                     \
    X(VERSION_COMPILE_INFO, "xen_version", "XENVER_compile_info", XSM_RULE_HOOK, SECCLASS_VERSION, \
      VERSION__XEN_COMPILE_INFO, XSM_TSID_XEN)                                                     \
    X(VERSION_CHANGESET, "xen_version", "XENVER_changeset", XSM_RULE_HOOK, SECCLASS_VERSION,       \
      VERSION__XEN_CHANGESET, XSM_TSID_XEN)                                                        \
    X(VERSION_PLATFORM_PARAMETERS, "xen_version", "XENVER_platform_parameters", XSM_RULE_HOOK, 0,  \
      0, XSM_TSID_NONE)                                                                            \
    X(VERSION_GET_FEATURES, "xen_version", "XENVER_get_features", XSM_RULE_HOOK, 0, 0,             \
      XSM_TSID_NONE)                                                                               \
    X(VERSION_PAGESIZE, "xen_version", "XENVER_pagesize", XSM_RULE_HOOK, SECCLASS_VERSION,         \
      VERSION__XEN_PAGESIZE, XSM_TSID_XEN)                                                         \
    X(VERSION_GUEST_HANDLE, "xen_version", "XENVER_guest_handle", XSM_RULE_HOOK, SECCLASS_VERSION, \
      VERSION__XEN_GUEST_HANDLE, XSM_TSID_XEN)                                                     \
    X(VERSION_COMMANDLINE, "xen_version", "XENVER_commandline", XSM_RULE_PRIV, SECCLASS_VERSION,   \
      VERSION__XEN_COMMANDLINE, XSM_TSID_XEN)                                                      \
    X(VERSION_BUILD_ID, "xen_version", "XENVER_build_id", XSM_RULE_PRIV, SECCLASS_VERSION,         \
      VERSION__XEN_BUILD_ID, XSM_TSID_XEN)                                                         \
    X(EVTCHN_ALLOC_UNBOUND, "event_channel_op", "EVTCHNOP_alloc_unbound", XSM_RULE_TARGET,         \
      SECCLASS_EVENT, EVENT__CREATE, XSM_TSID_OBJECT)                                              \
    X(EVTCHN_BIND_INTERDOMAIN, "event_channel_op", "EVTCHNOP_bind_interdomain", XSM_RULE_HOOK,     \
      SECCLASS_EVENT, EVENT__CREATE, XSM_TSID_OBJECT)                                              \
    X(EVTCHN_BIND_VIRQ, "event_channel_op", "EVTCHNOP_bind_virq", XSM_RULE_HOOK, 0, 0,             \
      XSM_TSID_NONE)                                                                               \
    X(EVTCHN_BIND_IPI, "event_channel_op", "EVTCHNOP_bind_ipi", XSM_RULE_HOOK, 0, 0,               \
      XSM_TSID_NONE)                                                                               \
    X(EVTCHN_CLOSE, "event_channel_op", "EVTCHNOP_close", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)      \
    X(EVTCHN_SEND, "event_channel_op", "EVTCHNOP_send", XSM_RULE_HOOK, SECCLASS_EVENT,             \
      EVENT__SEND, XSM_TSID_OBJECT)                                                                \
    X(EVTCHN_STATUS, "event_channel_op", "EVTCHNOP_status", XSM_RULE_TARGET, SECCLASS_EVENT,       \
      EVENT__STATUS, XSM_TSID_OBJECT)                                                              \
    X(EVTCHN_BIND_VCPU, "event_channel_op", "EVTCHNOP_bind_vcpu", XSM_RULE_HOOK, 0, 0,             \
      XSM_TSID_NONE)                                                                               \
    X(EVTCHN_UNMASK, "event_channel_op", "EVTCHNOP_unmask", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)    \
    X(EVTCHN_RESET, "event_channel_op", "EVTCHNOP_reset", XSM_RULE_TARGET, SECCLASS_EVENT,         \
      EVENT__RESET, XSM_TSID_TARGET)                                                               \
    X(MEMORY_ADD_TO_PHYSMAP, "memory_op", "XENMEM_add_to_physmap", XSM_RULE_TARGET, SECCLASS_MMU,  \
      MMU__PHYSMAP, XSM_TSID_TARGET)                                                               \
    X(MEMORY_POPULATE_PHYSMAP, "memory_op", "XENMEM_populate_physmap", XSM_RULE_TARGET,            \
      SECCLASS_MMU, MMU__ADJUST, XSM_TSID_TARGET)                                                  \
    X(MEMORY_DECREASE_RESERVATION, "memory_op", "XENMEM_decrease_reservation", XSM_RULE_TARGET,    \
      SECCLASS_MMU, MMU__ADJUST, XSM_TSID_TARGET)                                                  \
    X(MEMORY_CURRENT_RESERVATION, "memory_op", "XENMEM_current_reservation", XSM_RULE_TARGET,      \
      SECCLASS_MMU, MMU__STAT, XSM_TSID_TARGET)                                                    \
    X(MEMORY_MAXIMUM_RESERVATION, "memory_op", "XENMEM_maximum_reservation", XSM_RULE_TARGET,      \
      SECCLASS_MMU, MMU__STAT, XSM_TSID_TARGET)                                                    \
    X(VCPU_REGISTER_VCPU_INFO, "vcpu_op", "VCPUOP_register_vcpu_info", XSM_RULE_HOOK, 0, 0,        \
      XSM_TSID_NONE)                                                                               \
    X(VCPU_IS_UP, "vcpu_op", "VCPUOP_is_up", XSM_RULE_HOOK, 0, 0, XSM_TSID_NONE)                   \
    X(HVM_SET_PARAM, "hvm_op", "HVMOP_set_param", XSM_RULE_TARGET, SECCLASS_HVM, HVM__SETPARAM,    \
      XSM_TSID_TARGET)                                                                             \
    X(HVM_GET_PARAM, "hvm_op", "HVMOP_get_param", XSM_RULE_TARGET, SECCLASS_HVM, HVM__GETPARAM,    \
      XSM_TSID_TARGET)                                                                             \
    X(VCPU_REGISTER_RUNSTATE, "vcpu_op", "VCPUOP_register_runstate_memory_area", XSM_RULE_HOOK, 0, \
      0, XSM_TSID_NONE)                                                                            \
    X(GRANT_MAP_REF, "grant_table_op", "GNTTABOP_map_grant_ref", XSM_RULE_HOOK, SECCLASS_GRANT,    \
      GRANT__MAP_READ, XSM_TSID_TARGET)                                                            \
    X(GRANT_UNMAP_REF, "grant_table_op", "GNTTABOP_unmap_grant_ref", XSM_RULE_HOOK,                \
      SECCLASS_GRANT, GRANT__UNMAP, XSM_TSID_TARGET)                                               \
    X(GRANT_SETUP_TABLE, "grant_table_op", "GNTTABOP_setup_table", XSM_RULE_TARGET,                \
      SECCLASS_GRANT, GRANT__SETUP, XSM_TSID_TARGET)                                               \
    X(GRANT_COPY, "grant_table_op", "GNTTABOP_copy", XSM_RULE_HOOK, SECCLASS_GRANT, GRANT__COPY,   \
      XSM_TSID_TARGET)                                                                             \
    X(GRANT_QUERY_SIZE, "grant_table_op", "GNTTABOP_query_size", XSM_RULE_TARGET, SECCLASS_GRANT,  \
      GRANT__QUERY, XSM_TSID_TARGET)                                                               \
    X(GRANT_SET_VERSION, "grant_table_op", "GNTTABOP_set_version", XSM_RULE_HOOK, 0, 0,            \
      XSM_TSID_NONE)                                                                               \
    X(GRANT_GET_VERSION, "grant_table_op", "GNTTABOP_get_version", XSM_RULE_TARGET,                \
      SECCLASS_GRANT, GRANT__QUERY, XSM_TSID_TARGET)                                               \
    X(DOMCTL_CREATEDOMAIN, "domctl", "XEN_DOMCTL_createdomain", XSM_RULE_PRIV, SECCLASS_DOMAIN,    \
      DOMAIN__CREATE, XSM_TSID_OBJECT)                                                             \
    X(DOMCTL_SETVCPUCONTEXT, "domctl", "XEN_DOMCTL_setvcpucontext", XSM_RULE_PRIV,                 \
      SECCLASS_DOMAIN, DOMAIN__SETVCPUCONTEXT, XSM_TSID_TARGET)                                    \
    X(DOMCTL_DESTROYDOMAIN, "domctl", "XEN_DOMCTL_destroydomain", XSM_RULE_PRIV, SECCLASS_DOMAIN,  \
      DOMAIN__DESTROY, XSM_TSID_TARGET)                                                            \
    X(DOMCTL_PAUSEDOMAIN, "domctl", "XEN_DOMCTL_pausedomain", XSM_RULE_PRIV, SECCLASS_DOMAIN,      \
      DOMAIN__PAUSE, XSM_TSID_TARGET)                                                              \
    X(DOMCTL_UNPAUSEDOMAIN, "domctl", "XEN_DOMCTL_unpausedomain", XSM_RULE_PRIV, SECCLASS_DOMAIN,  \
      DOMAIN__UNPAUSE, XSM_TSID_TARGET)                                                            \
    X(DOMCTL_GETDOMAININFO, "domctl", "XEN_DOMCTL_getdomaininfo", XSM_RULE_PRIV, SECCLASS_DOMAIN,  \
      DOMAIN__GETDOMAININFO, XSM_TSID_TARGET)                                                      \
    X(DOMCTL_MAX_MEM, "domctl", "XEN_DOMCTL_max_mem", XSM_RULE_PRIV, SECCLASS_DOMAIN,              \
      DOMAIN__SETDOMAINMAXMEM, XSM_TSID_TARGET)                                                    \
    X(DOMCTL_GETVCPUCONTEXT, "domctl", "XEN_DOMCTL_getvcpucontext", XSM_RULE_PRIV,                 \
      SECCLASS_DOMAIN, DOMAIN__GETVCPUCONTEXT, XSM_TSID_TARGET)                                    \
    X(DOMCTL_GETVCPUINFO, "domctl", "XEN_DOMCTL_getvcpuinfo", XSM_RULE_PRIV, SECCLASS_DOMAIN,      \
      DOMAIN__GETVCPUINFO, XSM_TSID_TARGET)                                                        \
    X(DOMCTL_MAX_VCPUS, "domctl", "XEN_DOMCTL_max_vcpus", XSM_RULE_PRIV, SECCLASS_DOMAIN,          \
      DOMAIN__MAX_VCPUS, XSM_TSID_TARGET)                                                          \
    X(DOMCTL_SET_TARGET, "domctl", "XEN_DOMCTL_set_target", XSM_RULE_PRIV, SECCLASS_DOMAIN2,       \
      DOMAIN2__MAKE_PRIV_FOR, XSM_TSID_TARGET)                                                     \
    X(DOMCTL_FLAXEN_SEAL, "domctl", "XEN_DOMCTL_flaxen_seal", XSM_RULE_PRIV, SECCLASS_FLAXEN,      \
      FLAXEN__SEAL, XSM_TSID_TARGET)                                                               \
    X(SYSCTL_READCONSOLE, "sysctl", "XEN_SYSCTL_readconsole", XSM_RULE_PRIV, SECCLASS_XEN,         \
      XEN__READCONSOLE, XSM_TSID_XEN)                                                              \
    X(SYSCTL_PHYSINFO, "sysctl", "XEN_SYSCTL_physinfo", XSM_RULE_PRIV, SECCLASS_XEN,               \
      XEN__PHYSINFO, XSM_TSID_XEN)                                                                 \
    X(SYSCTL_FLAXEN_ATTEST, "sysctl", "XEN_SYSCTL_flaxen_attest", XSM_RULE_PRIV, SECCLASS_FLAXEN,  \
      FLAXEN__ATTEST, XSM_TSID_XEN)                                                                \
    X(SYSCTL_GETDOMAININFOLIST, "sysctl", "XEN_SYSCTL_getdomaininfolist", XSM_RULE_PRIV,           \
      SECCLASS_DOMAIN, DOMAIN__GETDOMAININFO, XSM_TSID_TARGET)                                     \
    X(FLASK_LOAD, "xsm_op", "FLASK_LOAD", XSM_RULE_PRIV, SECCLASS_SECURITY, SECURITY__LOAD_POLICY, \
      XSM_TSID_SECURITY)                                                                           \
    X(FLASK_GETENFORCE, "xsm_op", "FLASK_GETENFORCE", XSM_RULE_PRIV, SECCLASS_SECURITY,            \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_SETENFORCE, "xsm_op", "FLASK_SETENFORCE", XSM_RULE_PRIV, SECCLASS_SECURITY,            \
      SECURITY__SETENFORCE, XSM_TSID_SECURITY)                                                     \
    X(FLASK_CONTEXT_TO_SID, "xsm_op", "FLASK_CONTEXT_TO_SID", XSM_RULE_PRIV, SECCLASS_SECURITY,    \
      SECURITY__CHECK_CONTEXT, XSM_TSID_SECURITY)                                                  \
    X(FLASK_SID_TO_CONTEXT, "xsm_op", "FLASK_SID_TO_CONTEXT", XSM_RULE_PRIV, SECCLASS_SECURITY,    \
      SECURITY__CHECK_CONTEXT, XSM_TSID_SECURITY)                                                  \
    X(FLASK_ACCESS, "xsm_op", "FLASK_ACCESS", XSM_RULE_PRIV, SECCLASS_SECURITY,                    \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_CREATE, "xsm_op", "FLASK_CREATE", XSM_RULE_PRIV, SECCLASS_SECURITY,                    \
      SECURITY__COMPUTE_CREATE, XSM_TSID_SECURITY)                                                 \
    X(FLASK_RELABEL, "xsm_op", "FLASK_RELABEL", XSM_RULE_PRIV, SECCLASS_SECURITY,                  \
      SECURITY__COMPUTE_RELABEL, XSM_TSID_SECURITY)                                                \
    X(FLASK_MEMBER, "xsm_op", "FLASK_MEMBER", XSM_RULE_PRIV, SECCLASS_SECURITY,                    \
      SECURITY__COMPUTE_MEMBER, XSM_TSID_SECURITY)                                                 \
    X(FLASK_POLICYVERS, "xsm_op", "FLASK_POLICYVERS", XSM_RULE_PRIV, SECCLASS_SECURITY,            \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_GETBOOL, "xsm_op", "FLASK_GETBOOL", XSM_RULE_PRIV, SECCLASS_SECURITY,                  \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_SETBOOL, "xsm_op", "FLASK_SETBOOL", XSM_RULE_PRIV, SECCLASS_SECURITY,                  \
      SECURITY__SETBOOL, XSM_TSID_SECURITY)                                                        \
    X(FLASK_COMMITBOOLS, "xsm_op", "FLASK_COMMITBOOLS", XSM_RULE_PRIV, SECCLASS_SECURITY,          \
      SECURITY__SETBOOL, XSM_TSID_SECURITY)                                                        \
    X(FLASK_MLS, "xsm_op", "FLASK_MLS", XSM_RULE_PRIV, SECCLASS_SECURITY, SECURITY__COMPUTE_AV,    \
      XSM_TSID_SECURITY)                                                                           \
    X(FLASK_GETAVC_THRESHOLD, "xsm_op", "FLASK_GETAVC_THRESHOLD", XSM_RULE_PRIV,                   \
      SECCLASS_SECURITY, SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                  \
    X(FLASK_SETAVC_THRESHOLD, "xsm_op", "FLASK_SETAVC_THRESHOLD", XSM_RULE_PRIV,                   \
      SECCLASS_SECURITY, SECURITY__SETSECPARAM, XSM_TSID_SECURITY)                                 \
    X(FLASK_AVC_HASHSTATS, "xsm_op", "FLASK_AVC_HASHSTATS", XSM_RULE_PRIV, SECCLASS_SECURITY,      \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_AVC_CACHESTATS, "xsm_op", "FLASK_AVC_CACHESTATS", XSM_RULE_PRIV, SECCLASS_SECURITY,    \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_ADD_OCONTEXT, "xsm_op", "FLASK_ADD_OCONTEXT", XSM_RULE_PRIV, SECCLASS_SECURITY,        \
      SECURITY__ADD_OCONTEXT, XSM_TSID_SECURITY)                                                   \
    X(FLASK_DEL_OCONTEXT, "xsm_op", "FLASK_DEL_OCONTEXT", XSM_RULE_PRIV, SECCLASS_SECURITY,        \
      SECURITY__DEL_OCONTEXT, XSM_TSID_SECURITY)                                                   \
    X(FLASK_DEVICETREE_LABEL, "xsm_op", "FLASK_DEVICETREE_LABEL", XSM_RULE_PRIV,                   \
      SECCLASS_SECURITY, SECURITY__ADD_OCONTEXT, XSM_TSID_SECURITY)                                \
    X(FLASK_DEVICETREE_UNLABEL, "xsm_op", "FLASK_DEVICETREE_LABEL, sid 0", XSM_RULE_PRIV,          \
      SECCLASS_SECURITY, SECURITY__DEL_OCONTEXT, XSM_TSID_SECURITY)                                \
    X(FLASK_GET_PEER_SID, "xsm_op", "FLASK_GET_PEER_SID", XSM_RULE_PRIV, SECCLASS_SECURITY,        \
      SECURITY__COMPUTE_AV, XSM_TSID_SECURITY)                                                     \
    X(FLASK_RELABEL_DOMAIN, "xsm_op", "FLASK_RELABEL_DOMAIN", XSM_RULE_PRIV, SECCLASS_DOMAIN2,     \
      DOMAIN2__RELABELTO, XSM_TSID_OBJECT)

enum xsm_hook_id {
#define XSM_HOOK_ENUM(id, hcall, subop, rule, sclass, perm, tsid) XSM_HOOK_##id,
    XSM_HOOKS(XSM_HOOK_ENUM)
#undef XSM_HOOK_ENUM
        XSM_HOOK_COUNT
};

/* One row of the table, for the modules and the document. */
struct xsm_hook_info {
    const char *name; /* "CONSOLE_WRITE" */
    const char *hypercall;
    const char *subop;
    enum xsm_rule rule;
    uint16_t sclass;
    uint32_t perm;
    enum xsm_target tsid;
};

extern const struct xsm_hook_info xsm_hook_table[XSM_HOOK_COUNT];

#endif
