/*
 * State shared by the hypervisor side of FLASK (flask_boot.c, flask_label.c,
 * flask_check.c): one security server, its AVC, the mode, the audit rate
 * limit, and the one lock that serialises all of them (see xsm/xsm.h for the
 * lock order).
 */
#ifndef FLAXEN_FLASK_INTERNAL_H
#define FLAXEN_FLASK_INTERNAL_H

#include <flaxen/spinlock.h>
#include <xsm/xsm.h>

#include "avc.h"

struct flask_state {
    struct spinlock lock;
    bool started;         /* xsm_boot_init succeeded */
    enum xsm_mode mode;   /* valid once started */
    struct ss_server *ss; /* NULL until a policy is loaded */
    struct avc avc;       /* initialised with ss */
    /* Audit lines: at most FLASK_AUDIT_BURST per window, the rest counted. */
    bool window_open;
    uint64_t window_start_ns;
    uint32_t window_lines;
    uint64_t suppressed;
    uint32_t audit_burst; /* 0 = FLASK_AUDIT_BURST */
};

#define FLASK_AUDIT_BURST 20
#define FLASK_AUDIT_WINDOW_NS 5000000000ull

extern struct flask_state flask_state;

/* Formats a message into err (errlen bytes; nothing when errlen is 0). */
void flask_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Replaces the policy at run time (xsm_op LOAD): the same checks as the boot
 * policy; on any error the old policy stays in force with every SID, and
 * the reason is in err. The AVC forgets every old decision. Takes the lock.
 */
int flask_reload_policy(const void *image, size_t len, char *err, size_t errlen);

/* Enforcing (1) or permissive (0) from now on. -EINVAL when FLASK is disabled. Takes the lock. */
int flask_set_enforcing(uint32_t enforcing);

/* The AVC's audit sink (flask_check.c): prints `line`, rate-limited. Lock held. */
void flask_audit_line(void *ctx, const char *line);

#endif
