/*
 * FLASK at boot: the flask= mode from the command line, the boot policy
 * loaded into the security server, and what was loaded, on the console.
 *
 * The class and permission numbering the hypervisor's hooks use is generated
 * from flask/policy (build/include/flask/); the security server is told to
 * expect exactly that, so a policy built from other definitions is refused
 * (or handled as its handle_unknown says) instead of silently mismatched.
 */
#include <flaxen/console.h>
#include <flaxen/format.h>
#include <flaxen/lib.h>
#include <flaxen/string.h>

#include "flask/flask.h"
#include "flask/flask_names.h"
#include "flask_internal.h"
#include "policydb.h"

struct flask_state flask_state;

void flask_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!errlen)
        return;
    va_start(ap, fmt);
    format_vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const struct {
    const char *name;
    enum xsm_mode mode;
} flask_modes[] = {
    {"enforcing", XSM_MODE_ENFORCING},
    {"permissive", XSM_MODE_PERMISSIVE},
    {"disabled", XSM_MODE_DISABLED},
};

static const char *mode_name(enum xsm_mode mode)
{
    for (unsigned i = 0; i < ARRAY_SIZE(flask_modes); i++)
        if (flask_modes[i].mode == mode)
            return flask_modes[i].name;
    return "?";
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The value of the last "flask" word (after '=', empty without one), or NULL. */
static const char *find_flask_word(const char *cmdline, size_t *value_len)
{
    const char *found = NULL;
    const char *at = cmdline;

    if (!cmdline)
        return NULL;
    while (*at) {
        const char *end = at;

        while (*end && !is_space(*end))
            end++;
        if (end - at >= 5 && !strncmp(at, "flask", 5) && (end - at == 5 || at[5] == '=')) {
            found = end - at == 5 ? end : at + 6;
            *value_len = (size_t)(end - found);
        }
        at = end;
        while (*at && is_space(*at))
            at++;
    }
    return found;
}

int xsm_parse_cmdline(const char *cmdline, enum xsm_mode *mode, char *err, size_t errlen)
{
    char shown[40];
    size_t len = 0;
    const char *value = find_flask_word(cmdline, &len);

    *mode = XSM_MODE_ENFORCING;
    if (!value)
        return 0;
    for (unsigned i = 0; i < ARRAY_SIZE(flask_modes); i++) {
        if (strlen(flask_modes[i].name) == len && !strncmp(flask_modes[i].name, value, len)) {
            *mode = flask_modes[i].mode;
            return 0;
        }
    }
    if (len > sizeof(shown) - 4) {
        memcpy(shown, value, sizeof(shown) - 4);
        memcpy(shown + sizeof(shown) - 4, "...", 4);
    } else {
        memcpy(shown, value, len);
        shown[len] = '\0';
    }
    flask_error(err, errlen,
                "flask=%s on the command line: unknown mode (enforcing, permissive or disabled)",
                shown);
    return -EINVAL;
}

/* Classes and permissions in the numbering of build/include/flask/flask.h. */
static struct ss_class_expect flask_expect[SECCLASS_NUM + 1];

static const struct ss_class_expect *expected_classes(void)
{
    for (unsigned v = 1; v <= SECCLASS_NUM; v++) {
        flask_expect[v - 1].name = flask_class_names[v];
        flask_expect[v - 1].perms = flask_perm_names[v];
    }
    return flask_expect; /* entry SECCLASS_NUM stays zero: the end */
}

static const char *unknown_name(enum handle_unknown h)
{
    switch (h) {
    case HANDLE_UNKNOWN_ALLOW:
        return "allowed";
    case HANDLE_UNKNOWN_REJECT:
        return "rejected";
    default:
        return "denied";
    }
}

/* Prints "Flask: initial SID NAME = CONTEXT" (lock held). */
static void report_initial_sid(struct ss_server *s, const char *name, uint32_t sid)
{
    char *text;
    size_t len;

    if (ss_sid_to_context(s, sid, &text, &len) == 0) {
        printk("Flask: initial SID %s = %s\n", name, text);
        ss_free(text);
    }
}

static void report_policy(struct ss_server *s, size_t len)
{
    const struct policydb *p = ss_policy(s);
    uint32_t types = 0, attributes = 0;

    for (uint32_t v = 1; v <= p->symtab[SYM_TYPES].nprim; v++) {
        if (p->types[v - 1].attribute)
            attributes++;
        else
            types++;
    }
    printk("Flask: policy version %d (%zu bytes), MLS %s, unknown permissions %s\n",
           ss_policy_version(s), len, p->mls ? "on" : "off", unknown_name(p->handle_unknown));
    printk("Flask: %u classes, %u types, %u attributes, %u roles, %u users, %u booleans\n",
           p->symtab[SYM_CLASSES].nprim, types, attributes, p->symtab[SYM_ROLES].nprim,
           p->symtab[SYM_USERS].nprim, ss_bool_count(s));
    report_initial_sid(s, "dom0", SECINITSID_DOM0);
    report_initial_sid(s, "domU", SECINITSID_DOMU);
}

static int load_policy(enum xsm_mode mode, const void *policy, size_t len, char *err, size_t errlen)
{
    struct ss_error ss_err = {{0}};
    struct ss_server *s = ss_create();
    int rc;

    if (!s) {
        flask_error(err, errlen, "out of memory for the security server");
        return -ENOMEM;
    }
    rc = ss_load_policy(s, policy, len, expected_classes(), &ss_err);
    if (rc) {
        flask_error(err, errlen, "the policy (%zu bytes) was refused: %s (error %d)", len,
                    ss_err.msg[0] ? ss_err.msg : "no reason given", rc);
        ss_destroy(s);
        return rc == -SS_ENOMEM ? -ENOMEM : -EINVAL;
    }
    if (!ss_sid_is_valid(s, SECINITSID_DOM0) || !ss_sid_is_valid(s, SECINITSID_DOMU)) {
        flask_error(err, errlen, "the policy gives no context to the initial SID %s",
                    ss_sid_is_valid(s, SECINITSID_DOM0) ? "domU" : "dom0");
        ss_destroy(s);
        return -EINVAL;
    }
    BUG_ON(avc_init(&flask_state.avc, s));
    avc_set_audit(&flask_state.avc, flask_audit_line, NULL);
    avc_set_enforcing(&flask_state.avc, mode == XSM_MODE_ENFORCING);
    flask_state.ss = s;
    report_policy(s, len);
    return 0;
}

int flask_reload_policy(const void *image, size_t len, char *err, size_t errlen)
{
    struct ss_error ss_err = {{0}};
    int rc;

    spin_lock(&flask_state.lock);
    if (!flask_state.ss || flask_state.mode == XSM_MODE_DISABLED) {
        spin_unlock(&flask_state.lock);
        flask_error(err, errlen, "no policy was loaded at boot (FLASK %s)",
                    flask_state.mode == XSM_MODE_DISABLED ? "disabled" : "without a policy");
        return -EINVAL;
    }
    rc = ss_load_policy(flask_state.ss, image, len, expected_classes(), &ss_err);
    if (!rc && (!ss_sid_is_valid(flask_state.ss, SECINITSID_DOM0) ||
                !ss_sid_is_valid(flask_state.ss, SECINITSID_DOMU)))
        BUG_ON(1); /* the old policy had them; conversion keeps them or refuses the load */
    if (!rc)
        avc_flush(&flask_state.avc);
    spin_unlock(&flask_state.lock);
    if (rc) {
        flask_error(err, errlen, "%s (error %d)", ss_err.msg[0] ? ss_err.msg : "no reason given",
                    rc);
        return rc == -SS_ENOMEM ? -ENOMEM : -EINVAL;
    }
    return 0;
}

int flask_set_enforcing(uint32_t enforcing)
{
    int rc = 0;

    spin_lock(&flask_state.lock);
    if (!flask_state.started || flask_state.mode == XSM_MODE_DISABLED) {
        rc = -EINVAL;
    } else {
        flask_state.mode = enforcing ? XSM_MODE_ENFORCING : XSM_MODE_PERMISSIVE;
        if (flask_state.ss)
            avc_set_enforcing(&flask_state.avc, enforcing);
    }
    spin_unlock(&flask_state.lock);
    return rc;
}

/* Lock held: what the mode does with the policy module (see xsm.h). */
static int start_mode(enum xsm_mode mode, const void *policy, size_t len, char *err, size_t errlen)
{
    bool have_policy = policy && len;

    if (mode == XSM_MODE_DISABLED) {
        if (have_policy)
            printk("Flask: disabled: the policy module (%zu bytes) is ignored\n", len);
        return 0;
    }
    if (have_policy)
        return load_policy(mode, policy, len, err, errlen);
    if (mode == XSM_MODE_ENFORCING) {
        flask_error(err, errlen,
                    "enforcing mode needs a policy: pass one as a boot module "
                    "(\"xen,xsm-policy\"), or boot with flask=permissive");
        return -EINVAL;
    }
    printk("Flask: WARNING: permissive mode without a policy: every check is refused until a "
           "policy is loaded, and domains with a seclabel are refused\n");
    return 0;
}

int xsm_boot_init(enum xsm_mode mode, const void *policy, size_t len, char *err, size_t errlen)
{
    int rc = -EBUSY;

    if (mode != XSM_MODE_ENFORCING && mode != XSM_MODE_PERMISSIVE && mode != XSM_MODE_DISABLED) {
        flask_error(err, errlen, "unknown mode %d", (int)mode);
        return -EINVAL;
    }
    spin_lock(&flask_state.lock);
    if (flask_state.started)
        flask_error(err, errlen, "FLASK was already started");
    else
        rc = start_mode(mode, policy, len, err, errlen);
    if (!rc) {
        flask_state.mode = mode;
        flask_state.started = true;
        printk("Flask: mode %s%s\n", mode_name(mode),
               mode != XSM_MODE_DISABLED && !flask_state.ss ? " (no policy)" : "");
    }
    spin_unlock(&flask_state.lock);
    return rc;
}

enum xsm_mode xsm_mode(void)
{
    enum xsm_mode mode;

    spin_lock(&flask_state.lock);
    mode = flask_state.started ? flask_state.mode : XSM_MODE_ENFORCING;
    spin_unlock(&flask_state.lock);
    return mode;
}
