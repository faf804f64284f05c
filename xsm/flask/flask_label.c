/*
 * Domain labels: security contexts to SIDs and back, and the initial SIDs of
 * domains that come without a seclabel (see xsm/xsm.h for the modes).
 *
 * The security server only says "invalid"; when a context is refused, this
 * file looks at its parts in the policy to say which one is wrong, so that a
 * boot-time domain with a mistyped seclabel gets a message worth reading.
 */
#include <flaxen/string.h>

#include "flask/flask.h"
#include "flask_internal.h"
#include "policydb.h"

#define FLASK_CONTEXT_MAX 4096 /* longer strings are refused outright */
#define FLASK_PART_MAX 128     /* longest user, role or type name looked up */

/*
 * Copies part `index` of a context (parts are separated by ':'; with to_end,
 * the part runs to the end: an MLS level has ':' in it) into buf, cut at
 * FLASK_PART_MAX bytes. False if the context has fewer parts.
 */
static bool context_part(const char *context, unsigned index, bool to_end, char *buf)
{
    const char *at = context;
    size_t len = 0;

    for (unsigned i = 0; i < index && at; i++) {
        at = strchr(at, ':');
        at = at ? at + 1 : NULL;
    }
    if (!at)
        return false;
    while (at[len] && (to_end || at[len] != ':') && len < FLASK_PART_MAX)
        len++;
    memcpy(buf, at, len);
    buf[len] = '\0';
    return true;
}

/* The value of a name in one symbol table, 0 if the name is unknown. */
static uint32_t lookup(const struct policydb *p, enum sym_kind kind, const char *name)
{
    return symtab_lookup(&p->symtab[kind], name);
}

/* Says why the policy refuses `context` (lock held, policy loaded). */
static void explain_context(const struct policydb *p, const char *context, char *err, size_t errlen)
{
    char user[FLASK_PART_MAX + 1], role[FLASK_PART_MAX + 1], type[FLASK_PART_MAX + 1];
    char level[FLASK_PART_MAX + 1];
    bool has_level = context_part(context, 3, true, level);
    uint32_t u, r, t;

    if (!context_part(context, 0, false, user) || !context_part(context, 1, false, role) ||
        !context_part(context, 2, false, type)) {
        flask_error(err, errlen, "'%s' is not a context (user:role:type%s)", context,
                    p->mls ? ":level" : "");
        return;
    }
    u = lookup(p, SYM_USERS, user);
    r = lookup(p, SYM_ROLES, role);
    t = lookup(p, SYM_TYPES, type);
    if (!u)
        flask_error(err, errlen, "'%s': the policy has no user '%s'", context, user);
    else if (!r)
        flask_error(err, errlen, "'%s': the policy has no role '%s'", context, role);
    else if (!t)
        flask_error(err, errlen, "'%s': the policy has no type '%s'", context, type);
    else if (p->types[t - 1].attribute)
        flask_error(err, errlen, "'%s': '%s' is an attribute, not a type", context, type);
    else if (r != OBJECT_R_VALUE && !ebitmap_get(&p->users[u - 1].roles, r - 1))
        flask_error(err, errlen, "'%s': user '%s' may not have role '%s'", context, user, role);
    else if (r != OBJECT_R_VALUE && !ebitmap_get(&p->roles[r - 1].types, t - 1))
        flask_error(err, errlen, "'%s': role '%s' may not have type '%s'", context, role, type);
    else if (p->mls && !has_level)
        flask_error(err, errlen, "'%s': the policy is MLS, the context needs a level", context);
    else if (!p->mls && has_level)
        flask_error(err, errlen, "'%s': the policy is not MLS, '%s' after the type is not allowed",
                    context, level);
    else
        flask_error(err, errlen, "'%s': MLS level '%s' unknown or not allowed for user '%s'",
                    context, level, user);
}

/* Lock held, policy loaded. */
static int context_to_sid_locked(const char *context, size_t len, uint32_t *sid, char *err,
                                 size_t errlen)
{
    int rc = ss_context_to_sid(flask_state.ss, context, len, sid);

    if (rc == -SS_ENOMEM) {
        flask_error(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (rc) {
        explain_context(ss_policy(flask_state.ss), context, err, errlen);
        return -EINVAL;
    }
    return 0;
}

int xsm_context_to_sid(const char *context, uint32_t *sid, char *err, size_t errlen)
{
    size_t len = strnlen(context, FLASK_CONTEXT_MAX + 1);
    int rc = -EINVAL;

    if (len > FLASK_CONTEXT_MAX) {
        flask_error(err, errlen, "context longer than %u bytes", FLASK_CONTEXT_MAX);
        return -EINVAL;
    }
    spin_lock(&flask_state.lock);
    if (!flask_state.started) {
        flask_error(err, errlen, "FLASK has not started");
    } else if (flask_state.mode == XSM_MODE_DISABLED) {
        *sid = XSM_SID_UNLABELED;
        rc = 0;
    } else if (!flask_state.ss) {
        flask_error(err, errlen, "no policy is loaded: domains with a seclabel are refused");
    } else {
        rc = context_to_sid_locked(context, len, sid, err, errlen);
    }
    spin_unlock(&flask_state.lock);
    return rc;
}

int xsm_initial_domain_sid(bool hardware_domain, uint32_t *sid)
{
    uint32_t want = hardware_domain ? SECINITSID_DOM0 : SECINITSID_DOMU;
    int rc = 0;

    spin_lock(&flask_state.lock);
    if (flask_state.ss && !ss_sid_is_valid(flask_state.ss, want))
        rc = -ENOENT;
    else
        *sid = want;
    spin_unlock(&flask_state.lock);
    return rc;
}

int xsm_sid_to_context(uint32_t sid, char *buf, size_t len)
{
    char *text = NULL;
    size_t text_len = 0;
    int rc = -ENOENT;

    if (len)
        buf[0] = '\0';
    spin_lock(&flask_state.lock);
    if (flask_state.ss && ss_sid_is_valid(flask_state.ss, sid)) {
        rc = ss_sid_to_context(flask_state.ss, sid, &text, &text_len);
        rc = rc == -SS_ENOMEM ? -ENOMEM : rc ? -ENOENT : 0;
    }
    spin_unlock(&flask_state.lock);
    if (rc)
        return rc;
    if (len) {
        size_t n = text_len < len ? text_len : len - 1;

        memcpy(buf, text, n);
        buf[n] = '\0';
    }
    ss_free(text); /* the string is ours: no FLASK state is involved */
    return text_len < len ? 0 : -ERANGE;
}
