/*
 * The security module as the hypervisor core sees it (Xen's XSM): the boot
 * mode, the boot policy, domain labels and the access check. Today the only
 * implementation is FLASK (xsm/flask/flask_*.c); the hook table arrives with
 * the hypercalls.
 *
 * Modes (flask= on the hypervisor command line, Xen's values):
 *
 *   enforcing (default)  A policy module is required. No policy, or one that
 *                        fails to load, is an error: the caller stops the
 *                        boot (fail closed). Denied checks return -EACCES.
 *   permissive           Checks are computed and denials logged, then allowed.
 *                        With a policy: as enforcing, except denials are
 *                        allowed; a policy that fails to load is still an
 *                        error (a broken policy the operator passed must not
 *                        go unnoticed). Without a policy (Xen 4.17 boots so):
 *                        the boot goes on and a warning says so, but unlike
 *                        Xen nothing but the boot path is allowed: every
 *                        check is refused (silently: there is nothing to
 *                        compute an audit line from) until a policy is
 *                        loaded, domains get only the fixed initial SIDs, and
 *                        a domain that asks for a seclabel is refused
 *                        (xsm_context_to_sid fails).
 *   disabled             FLASK is off; a policy module is ignored (and said
 *                        so). The hook layer applies the dummy module's
 *                        rules (the privileged domain may, others may not)
 *                        and must not call xsm_has_perm, which denies if it
 *                        is called anyway (never fail open). Labels are
 *                        accepted and meaningless: xsm_context_to_sid gives
 *                        XSM_SID_UNLABELED, xsm_initial_domain_sid the
 *                        initial SIDs.
 *
 * SIDs 1..13 are the initial SIDs of flask/policy/initial_sids (numbers
 * generated into build/include/flask/flask.h); larger ones name the contexts
 * looked up since the policy was loaded.
 *
 * Locking: every function takes the one FLASK lock (security server + AVC);
 * lock order: FLASK lock -> heap lock -> page allocator lock; the console
 * lock is a leaf under all of them. Call none of these with a heap or
 * console lock held.
 */
#ifndef FLAXEN_XSM_H
#define FLAXEN_XSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xsm_mode { XSM_MODE_ENFORCING, XSM_MODE_PERMISSIVE, XSM_MODE_DISABLED };

/* The initial SID "unlabeled" (flask/policy/initial_sids). */
#define XSM_SID_UNLABELED 6u

/* How long a message buffer should be for the functions below (longer is fine). */
#define XSM_ERROR_LEN 256

/* Subject, target and object of a check, for the audit line (xsm/flask/avc.h). */
struct avc_audit_data;

/*
 * Finds flask=VALUE in the hypervisor command line (space-separated words;
 * the last flask= wins; absent = enforcing). VALUE is enforcing, permissive
 * or disabled; anything else (including Xen's "late", not supported) sets
 * enforcing, returns -EINVAL and says what was found in `err` (errlen bytes,
 * always NUL-terminated): the caller stops the boot.
 */
int xsm_parse_cmdline(const char *cmdline, enum xsm_mode *mode, char *err, size_t errlen);

/*
 * Starts FLASK in `mode` with the boot policy (`policy`, len bytes; NULL or
 * 0 = none), as the mode table above says, and prints what was loaded (policy
 * version, counts of classes, types, roles, users, booleans, MLS, the handling
 * of unknown permissions, the contexts of dom0 and domU, the mode). Returns 0;
 * or -EINVAL / -ENOMEM / -EBUSY (already started) with the reason in `err`:
 * the caller stops the boot. The policy bytes are only read during the call.
 * The classes and permissions must be those of flask/policy (numbering
 * generated from the same files), or the load is refused unless the policy's
 * handle_unknown says otherwise.
 */
int xsm_boot_init(enum xsm_mode mode, const void *policy, size_t len, char *err, size_t errlen);

/*
 * The SID of a security context string (a domain's seclabel). Returns 0;
 * -EINVAL with a message naming the part the policy does not know (user,
 * role, type, MLS level) or the combination it does not allow, or saying
 * that no policy is loaded; -ENOMEM. errlen may be 0 (no message).
 */
int xsm_context_to_sid(const char *context, uint32_t *sid, char *err, size_t errlen);

/*
 * The initial SID of a domain without a seclabel: "dom0" for the hardware
 * domain, "domU" otherwise. Returns 0, or -ENOENT when the loaded policy does
 * not define that initial SID.
 */
int xsm_initial_domain_sid(bool hardware_domain, uint32_t *sid);

/*
 * The context string of a SID into buf (len bytes, always NUL-terminated
 * when len > 0). Returns 0; -ENOENT (unknown SID, or no policy: buf is
 * empty); -ERANGE (buf too short: the start of the context is there).
 */
int xsm_sid_to_context(uint32_t sid, char *buf, size_t len);

/*
 * May ssid do every permission in `requested` to tsid of class tclass
 * (SECCLASS_* and <CLASS>__<PERM> bits from build/include/flask/)? Returns 0
 * (allowed, or permissive), -EACCES (denied; also when FLASK is disabled or
 * could not decide while enforcing) or -EINVAL (requested is 0: a caller
 * bug). Denials and audited grants print one line in SELinux's AVC format,
 * exactly as the AVC builds it, rate-limited: a burst of lines, then
 * silence counted and reported as "N lines suppressed" when lines resume.
 * audit may be NULL.
 */
int xsm_has_perm(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t requested,
                 const struct avc_audit_data *audit);

/*
 * How many AVC lines may be printed in one audit window (5 s) before the
 * rest are counted and reported as suppressed; 20 unless the command line
 * says flask_audit_burst=N (tests that provoke many denials on purpose).
 */
void xsm_set_audit_burst(uint32_t lines);

/*
 * Pages the security server and the AVC hold (a heap of their own). They
 * grow as labels are looked up and policies reloaded and belong to no
 * domain: the leak check at the last domain's end counts them apart.
 */
uint64_t xsm_memory_pages(void);

/* The mode xsm_boot_init started (enforcing before it ran). */
enum xsm_mode xsm_mode(void);

/*
 * With flask_selfcheck=labels|ratelimit on the command line, prints what the
 * loaded policy says about a few labels and decisions (flask_selfcheck.c, for
 * tests/system/flask_boot.sh); otherwise does nothing.
 */
void xsm_boot_selfcheck(const char *cmdline);

/*
 * The hook every hypercall sub-op calls before any effect (xsm_dispatch.c):
 * 0 = go ahead, -EACCES = refused (FLASK logged the denial). `subject` is
 * the calling domain, `target` the domain acted on (or NULL). The hook ids
 * and what each checks are in xsm/xsm_hooks.h.
 */
enum xsm_hook_id;
struct domain;
int xsm_hook(enum xsm_hook_id id, const struct domain *subject, const struct domain *target);

/*
 * xsm_hook for a sub-op that acts on an object with its own SID (an event
 * channel, a grant's owner ...): rows whose tsid is XSM_TSID_OBJECT check
 * against `osid` (0 = none: refused). Hooks that need more than the row's
 * one check (Xen's compound checks) do the rest in flask_hook_extra
 * (xsm/flask/flask_hooks_extra.c) after the row's check passed; the first
 * denial ends the hook, so a refused call logs one AVC line.
 */
int xsm_hook_obj(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                 uint32_t osid);

/*
 * xsm_hook_obj with a second object SID for compound checks that involve
 * two objects (binding to another domain's event channel checks the new
 * channel and the remote one): osid2 is passed to flask_hook_extra.
 */
int xsm_hook_obj2(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                  uint32_t osid, uint32_t osid2);

/*
 * The SID of an object of class tclass that ssid creates in relation to
 * tsid: the policy's type_transition (ssid itself when there is none, or no
 * policy). Event channels get theirs from (creator, peer). 0 or -EINVAL.
 */
int xsm_transition_sid(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t *out);

/*
 * A domain's "self" SID: the policy's type_transition of its SID on itself
 * in class domain (the SID itself when there is none, or no policy). 0 or
 * -EINVAL when the security server cannot compute it.
 */
int xsm_domain_self_sid(uint32_t sid, uint32_t *self_sid);

/*
 * xsm_op, hypercall 27: Xen's FLASK operations (xsm/flask/flask_op.c);
 * args[0] is the guest virtual address of a struct xen_flask_op.
 */
struct vcpu;
struct hypercall_result;
void do_xsm_op(struct vcpu *v, const uint64_t args[5], struct hypercall_result *result);

#endif
