/*
 * xsm_op (hypercall 27) with FLASK: the operations Xen's flask-* tools use,
 * interface version 1. Command numbers and structure layouts are Xen's
 * (public/xsm/flask_op.h) so those tools work unchanged; every operation here
 * is checked by its own permission (see docs/security/hooks.md).
 */
#ifndef FLAXEN_PUBLIC_FLASK_OP_H
#define FLAXEN_PUBLIC_FLASK_OP_H

#include "../xen.h"

#define XEN_FLASK_INTERFACE_VERSION 1

#define FLASK_LOAD 1
#define FLASK_GETENFORCE 2
#define FLASK_SETENFORCE 3
#define FLASK_CONTEXT_TO_SID 4
#define FLASK_SID_TO_CONTEXT 5
#define FLASK_ACCESS 6
#define FLASK_CREATE 7
#define FLASK_RELABEL 8
#define FLASK_USER 9 /* withdrawn by Xen; answered -ENOSYS */
#define FLASK_POLICYVERS 10
#define FLASK_GETBOOL 11
#define FLASK_SETBOOL 12
#define FLASK_COMMITBOOLS 13
#define FLASK_MLS 14
#define FLASK_DISABLE 15 /* withdrawn by Xen; answered -ENOSYS */
#define FLASK_GETAVC_THRESHOLD 16
#define FLASK_SETAVC_THRESHOLD 17
#define FLASK_AVC_HASHSTATS 18
#define FLASK_AVC_CACHESTATS 19
#define FLASK_MEMBER 20
#define FLASK_ADD_OCONTEXT 21
#define FLASK_DEL_OCONTEXT 22
#define FLASK_GET_PEER_SID 23
#define FLASK_RELABEL_DOMAIN 24
#define FLASK_DEVICETREE_LABEL 25

/* Object-context kinds for FLASK_ADD/DEL_OCONTEXT. */
#define FLASK_OCON_ISID 0
#define FLASK_OCON_PIRQ 1
#define FLASK_OCON_IOPORT 2
#define FLASK_OCON_IOMEM 3  /* page frame numbers */
#define FLASK_OCON_DEVICE 4 /* PCI segment:bus:device.function */

struct xen_flask_load {
    xen_guest_handle_t buffer;
    uint32_t size;
};

struct xen_flask_setenforce {
    uint32_t enforcing;
};

struct xen_flask_sid_context {
    uint32_t sid;               /* in or out */
    uint32_t size;              /* in: buffer size incl. NUL; out: needed size */
    xen_guest_handle_t context; /* char buffer */
};

struct xen_flask_access {
    uint32_t ssid, tsid, tclass, req;                 /* in */
    uint32_t allowed, audit_allow, audit_deny, seqno; /* out */
};

struct xen_flask_transition {
    uint32_t ssid, tsid, tclass; /* in */
    uint32_t newsid;             /* out */
};

struct xen_flask_boolean {
    uint32_t bool_id;  /* in/out; 0xffffffff = look up by name */
    uint8_t enforcing; /* out: the value in force */
    uint8_t pending;   /* out: the value set but not yet committed */
    uint8_t new_value; /* in (SETBOOL) */
    uint8_t commit;    /* in (SETBOOL): apply now instead of pending */
    uint32_t size;     /* in: name buffer size; out (GETBOOL): name length */
    xen_guest_handle_t name;
};

struct xen_flask_setavc_threshold {
    uint32_t threshold;
};

struct xen_flask_hash_stats {
    uint32_t entries, buckets_used, buckets_total, max_chain_len;
};

struct xen_flask_cache_stats {
    uint32_t cpu;                                                 /* in */
    uint32_t lookups, hits, misses, allocations, reclaims, frees; /* out */
};

struct xen_flask_ocontext {
    uint32_t ocon, sid;
    uint64_t low, high;
};

struct xen_flask_peersid {
    uint32_t evtchn; /* in: an interdomain port of the caller */
    uint32_t sid;    /* out */
};

struct xen_flask_relabel {
    uint32_t domid, sid;
};

struct xen_flask_devicetree_label {
    uint32_t sid;    /* 0 = remove the label */
    uint32_t length; /* of path, incl. NUL */
    xen_guest_handle_t path;
};

struct xen_flask_op {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xen_flask_load load;
        struct xen_flask_setenforce enforce;
        struct xen_flask_sid_context sid_context;
        struct xen_flask_access access;
        struct xen_flask_transition transition;
        struct xen_flask_boolean boolean;
        struct xen_flask_setavc_threshold setavc_threshold;
        struct xen_flask_hash_stats hash_stats;
        struct xen_flask_cache_stats cache_stats;
        struct xen_flask_ocontext ocontext;
        struct xen_flask_peersid peersid;
        struct xen_flask_relabel relabel;
        struct xen_flask_devicetree_label devicetree_label;
    } u;
};

_Static_assert(sizeof(struct xen_flask_load) == 16, "flask load ABI");
_Static_assert(sizeof(struct xen_flask_sid_context) == 16, "flask sid_context ABI");
_Static_assert(sizeof(struct xen_flask_access) == 32, "flask access ABI");
_Static_assert(sizeof(struct xen_flask_transition) == 16, "flask transition ABI");
_Static_assert(sizeof(struct xen_flask_boolean) == 24, "flask boolean ABI");
_Static_assert(__builtin_offsetof(struct xen_flask_boolean, name) == 16, "flask boolean ABI");
_Static_assert(sizeof(struct xen_flask_cache_stats) == 28, "flask cache_stats ABI");
_Static_assert(sizeof(struct xen_flask_ocontext) == 24, "flask ocontext ABI");
_Static_assert(sizeof(struct xen_flask_devicetree_label) == 16, "flask devicetree_label ABI");
_Static_assert(__builtin_offsetof(struct xen_flask_op, u) == 8, "flask op ABI");
_Static_assert(sizeof(struct xen_flask_op) == 40, "flask op ABI");

#endif
