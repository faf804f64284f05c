/*
 * The access check behind every FLASK hook, and where its audit lines go.
 *
 * Audit lines can be provoked by guests (every denied hypercall makes one),
 * so they are rate-limited: at most FLASK_AUDIT_BURST lines (flask_audit_burst=N
 * on the command line) per window of FLASK_AUDIT_WINDOW_NS; the rest are
 * counted, and the first line of a later
 * window is preceded by "Flask: N AVC lines suppressed". The lines themselves
 * are printed exactly as the AVC builds them (SELinux's format, which
 * audit2allow reads); one longer than a console line is printed in pieces.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/string.h>

#include "flask_internal.h"

/* printk cuts at CONSOLE_LINE_MAX - 1 bytes: long lines go out in pieces, the last with '\n'. */
static void print_line(const char *line)
{
    char piece[CONSOLE_LINE_MAX - 1];
    size_t len = strlen(line), at = 0;

    do {
        size_t n = len - at < sizeof(piece) - 2 ? len - at : sizeof(piece) - 2;

        memcpy(piece, line + at, n);
        at += n;
        if (at == len)
            piece[n++] = '\n';
        piece[n] = '\0';
        printk("%s", piece);
    } while (at < len);
}

/* Lock held: true if one more line may go out now. */
static bool audit_allowed(struct flask_state *st)
{
    uint64_t now = arch_time_ns();

    if (!st->window_open || now - st->window_start_ns >= FLASK_AUDIT_WINDOW_NS) {
        if (st->suppressed)
            printk("Flask: %llu AVC lines suppressed\n", (unsigned long long)st->suppressed);
        st->window_open = true;
        st->window_start_ns = now;
        st->window_lines = 0;
        st->suppressed = 0;
    }
    if (st->window_lines >= (st->audit_burst ? st->audit_burst : FLASK_AUDIT_BURST)) {
        st->suppressed++;
        return false;
    }
    st->window_lines++;
    return true;
}

void xsm_set_audit_burst(uint32_t lines)
{
    spin_lock(&flask_state.lock);
    flask_state.audit_burst = lines;
    spin_unlock(&flask_state.lock);
}

void flask_audit_line(void *ctx, const char *line)
{
    (void)ctx;
    if (audit_allowed(&flask_state))
        print_line(line);
}

int xsm_has_perm(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t requested,
                 const struct avc_audit_data *audit)
{
    int rc;

    if (!requested)
        return -EINVAL;
    spin_lock(&flask_state.lock);
    if (!flask_state.started || flask_state.mode == XSM_MODE_DISABLED)
        rc = -EACCES; /* never fail open: see xsm.h */
    else if (!flask_state.ss)
        rc = -EACCES; /* no policy yet: nothing but the boot path is allowed (xsm.h) */
    else
        rc = avc_has_perm(&flask_state.avc, ssid, tsid, tclass, requested, audit);
    spin_unlock(&flask_state.lock);
    if (rc == -SS_EINVAL)
        return -EINVAL;
    return rc ? -EACCES : 0;
}
