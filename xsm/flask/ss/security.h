/*
 * The FLASK security server's interface.
 *
 * A server holds at most one policy and the SID table that names contexts
 * under it. It makes decisions from explicit inputs (SIDs, class values) and
 * touches nothing outside itself; callers provide mutual exclusion.
 *
 * Decisions follow libsepol's semantics exactly: type enforcement with
 * attributes and conditional rules, then constraints (including MLS), then
 * the role check on domain transitions, then type bounds.
 */
#ifndef FLAXEN_SS_SECURITY_H
#define FLAXEN_SS_SECURITY_H

#include "ss_platform.h"

struct ss_server;
struct policydb;

/* A class the caller expects at a fixed value with fixed permission bits. */
struct ss_class_expect {
    const char *name;
    const char *const *perms; /* NULL-terminated, in bit order */
};

struct ss_av_decision {
    uint32_t allowed;
    uint32_t auditallow;
    uint32_t auditdeny;
    uint32_t seqno;
    uint32_t flags;
};

#define SS_AVD_PERMISSIVE 1u /* the source type is permissive: log, do not deny */

/* Why permissions were denied (for tools that explain decisions). */
struct ss_av_explain {
    uint32_t te_denied;            /* no allow rule */
    uint32_t constraint_denied;    /* removed by a constraint */
    uint32_t rbac_denied;          /* role change without a role allow rule */
    uint32_t bounds_denied;        /* beyond the bounding type's permissions */
    uint32_t constraint_index[32]; /* for each denied bit: which constraint (0-based) */
};

enum ss_compute_kind { SS_COMPUTE_CREATE, SS_COMPUTE_MEMBER, SS_COMPUTE_CHANGE };

struct ss_server *ss_create(void);
void ss_destroy(struct ss_server *s);

/*
 * Loads or replaces the policy: everything is parsed, validated and every
 * existing SID converted before anything changes; on any error the old
 * policy and every SID stay as they were. `expect` (NULL-terminated, may
 * be NULL) lists classes that must come first, in order, with these exact
 * permission names and bits (extra classes and permissions may follow).
 * Expected classes or permissions the policy does not define at all are
 * handled by the policy's handle_unknown: reject refuses the policy, deny
 * denies them, allow allows them.
 */
int ss_load_policy(struct ss_server *s, const void *image, size_t len,
                   const struct ss_class_expect *expect, struct ss_error *err);
bool ss_policy_loaded(const struct ss_server *s);
const struct policydb *ss_policy(const struct ss_server *s);
uint32_t ss_seqno(const struct ss_server *s);
/* Where the sequence number lives, so a cache can compare it with one load. */
const uint32_t *ss_seqno_ref(const struct ss_server *s);
bool ss_mls_enabled(const struct ss_server *s);
int ss_policy_version(const struct ss_server *s);

/* SIDs: 1..N are the initial SIDs of the policy; larger ones are allocated on demand. */
int ss_context_to_sid(struct ss_server *s, const char *str, size_t len, uint32_t *sid);
/* A fresh NUL-terminated string (ss_free it) and its length without the NUL. */
int ss_sid_to_context(const struct ss_server *s, uint32_t sid, char **str, size_t *len);
bool ss_sid_is_valid(const struct ss_server *s, uint32_t sid);

int ss_compute_av(const struct ss_server *s, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                  struct ss_av_decision *avd, struct ss_av_explain *why);
int ss_compute_sid(struct ss_server *s, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                   enum ss_compute_kind kind, uint32_t *out);

/* Booleans, by index 0..count-1 (value order). Pending values take effect on commit. */
uint32_t ss_bool_count(const struct ss_server *s);
const char *ss_bool_name(const struct ss_server *s, uint32_t index);
int ss_bool_lookup(const struct ss_server *s, const char *name, uint32_t *index);
int ss_bool_get(const struct ss_server *s, uint32_t index, bool *active, bool *pending);
int ss_bool_set_pending(struct ss_server *s, uint32_t index, bool value);
/* Applies every pending value at once; the sequence number moves on. */
int ss_bool_commit(struct ss_server *s);

/*
 * Labels of hardware from the policy's object contexts: the SID of the entry
 * that covers the whole of [low, high], else the initial SID for that kind of
 * object (irq, ioport, iomem or device).
 */
int ss_pirq_sid(struct ss_server *s, uint32_t pirq, uint32_t *sid);
int ss_ioport_sid(struct ss_server *s, uint32_t low, uint32_t high, uint32_t *sid);
int ss_iomem_sid(struct ss_server *s, uint64_t low_pfn, uint64_t high_pfn, uint32_t *sid);
int ss_pcidevice_sid(struct ss_server *s, uint32_t sbdf, uint32_t *sid);
int ss_devicetree_sid(struct ss_server *s, const char *path, uint32_t *sid);

/*
 * Run-time labels of hardware (xsm_op ADD/DEL_OCONTEXT), in Xen's numbering
 * of kinds: 1 pirq, 2 ioport, 3 iomem, 4 PCI device. add: [low, high] gets
 * the context of `sid`; the same entry again is accepted, an overlapping
 * one is refused (-SS_EEXIST). del: removes the entry with exactly that
 * range (-SS_ENOENT when there is none). Such entries belong to the loaded
 * policy: a policy load replaces them with the new policy's.
 */
int ss_ocontext_add(struct ss_server *s, uint32_t kind, uint64_t low, uint64_t high, uint32_t sid);
int ss_ocontext_del(struct ss_server *s, uint32_t kind, uint64_t low, uint64_t high);

/*
 * xsm_op DEVICETREE_LABEL: sid != 0 labels the device-tree node `path`
 * (-SS_EEXIST when it has a label already, even the same one); sid 0 removes
 * its label (-SS_ENOENT when it has none). Like the entries above, these
 * belong to the loaded policy.
 */
int ss_devicetree_label(struct ss_server *s, const char *path, uint32_t sid);

/* Initial SIDs the Xen target uses for unlabeled hardware. */
#define SS_ISID_UNLABELED 6
#define SS_ISID_IOPORT 8
#define SS_ISID_IOMEM 9
#define SS_ISID_IRQ 10
#define SS_ISID_DEVICE 11

/* Name lookups for tools and audit lines. */
uint32_t ss_class_value(const struct ss_server *s, const char *name);
const char *ss_class_name(const struct ss_server *s, uint32_t tclass);
const char *ss_perm_name(const struct ss_server *s, uint32_t tclass, uint32_t bit_index);
uint32_t ss_perm_bit(const struct ss_server *s, uint32_t tclass, const char *name);

#endif
