/*
 * The hypercall table and the first hypercalls a test guest needs:
 * console_io, sched_op and xen_version (Xen's public ABI: xen.h, sched.h,
 * version.h; errno values from errno.h).
 *
 * Each handler validates and copies in its arguments first, then calls its
 * sub-op's XSM hook (xsm/xsm_hooks.h), before any lock or effect; a refusal
 * (-EACCES) goes back to the guest and nothing else happens.
 *
 * console_io writes are processed in chunks; a long write is continued by
 * restarting the hypercall with the remaining count and buffer (as Xen
 * does), so no hypercall runs for long. Output is rate-limited per domain.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/domctl.h>
#include <flaxen/event_channel.h>
#include <flaxen/grant_table.h>
#include <flaxen/hypercall.h>
#include <flaxen/sched.h>
#include <flaxen/string.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#define CONSOLE_CHUNK 128
#define CONSOLE_BURST_BYTES 65536
#define CONSOLE_REFILL_PER_S 16384
#define FLAXEN_XEN_MAJOR 4
#define FLAXEN_XEN_MINOR 17

/* The hypervisor command line, for XENVER_commandline (hypercall_boot_init). */
static const char *hypercall_commandline = "";

void hypercall_boot_init(const char *cmdline)
{
    hypercall_commandline = cmdline ? cmdline : "";
}

typedef void hypercall_fn(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                          struct hypercall_result *result);

/* ---------------------------------------------------------------- console_io */

static void console_flush_line(struct domain *d)
{
    if (!d->console_len)
        return;
    d->console_line[d->console_len] = '\0';
    printk("(d%u) %s\n", d->id, d->console_line);
    d->console_len = 0;
}

/* Refills the domain's byte budget; returns whether `len` more bytes may be printed. */
static bool console_take_tokens(struct domain *d, uint64_t len)
{
    uint64_t now = arch_time_ns();

    if (!d->console_refill_ns) {
        d->console_tokens = CONSOLE_BURST_BYTES;
    } else if (now > d->console_refill_ns) {
        uint64_t add = (now - d->console_refill_ns) / (1000000000ull / CONSOLE_REFILL_PER_S);

        d->console_tokens += add;
        if (d->console_tokens > CONSOLE_BURST_BYTES)
            d->console_tokens = CONSOLE_BURST_BYTES;
    }
    d->console_refill_ns = now;
    if (d->console_tokens < len)
        return false;
    d->console_tokens -= len;
    return true;
}

static void console_put(struct domain *d, const char *buf, unsigned len)
{
    if (!console_take_tokens(d, len)) {
        d->console_dropped += len;
        return;
    }
    if (d->console_dropped) {
        console_flush_line(d);
        printk("(d%u) [%lu bytes of console output dropped: rate limit]\n", d->id,
               (unsigned long)d->console_dropped);
        d->console_dropped = 0;
    }
    for (unsigned i = 0; i < len; i++) {
        char c = buf[i];

        if (c == '\n' || d->console_len == sizeof(d->console_line) - 1) {
            console_flush_line(d);
            if (c == '\n')
                continue;
        }
        if (c == '\r')
            continue;
        d->console_line[d->console_len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
    }
}

static void do_console_io(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                          struct hypercall_result *result)
{
    uint64_t cmd = args[0], count = (uint32_t)args[1], buffer = args[2];
    struct domain *d = v->domain;
    char chunk[CONSOLE_CHUNK];
    unsigned len;

    if (cmd != CONSOLEIO_write && cmd != CONSOLEIO_read) {
        result->value = -ENOSYS;
        return;
    }
    result->value =
        xsm_hook(cmd == CONSOLEIO_write ? XSM_HOOK_CONSOLE_WRITE : XSM_HOOK_CONSOLE_READ, d, NULL);
    if (result->value || cmd == CONSOLEIO_read)
        return; /* refused, or a read: no console input yet, 0 bytes */
    if (count == 0)
        return;
    len = count < CONSOLE_CHUNK ? (unsigned)count : CONSOLE_CHUNK;
    if (copy_from_guest(v, chunk, buffer, len)) {
        result->value = -EFAULT;
        return;
    }
    spin_lock(&d->lock);
    console_put(d, chunk, len);
    spin_unlock(&d->lock);
    if (count > len) {
        result->restart = true;
        result->args[0] = cmd;
        result->args[1] = count - len;
        result->args[2] = buffer + len;
    }
}

/* ---------------------------------------------------------------- sched_op */

#define POLL_MAX_PORTS 128 /* Xen's limit */

/*
 * SCHEDOP_poll: returns at once when one of the ports is pending, else
 * blocks until an event reaches the domain, its virtual timer fires or
 * `timeout` (absolute, in ns of the hypervisor's clock; 0 = none) passes;
 * the scheduler drops the polling mark when it wakes. The hypercall returns 0 either
 * way (the guest looks at its ports again), as in Xen.
 */
static long sched_poll(struct vcpu *v, uint64_t gva)
{
    struct sched_poll p;
    uint32_t ports[POLL_MAX_PORTS];
    long rc;

    if (copy_from_guest(v, &p, gva, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    if (p.nr_ports && copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
        return -EFAULT;
    rc = evtchn_poll_check(v, ports, p.nr_ports, false);
    if (rc < 0)
        return rc;
    rc = xsm_hook(XSM_HOOK_SCHED_POLL, v->domain, v->domain);
    if (rc)
        return rc;
    if (evtchn_poll_check(v, ports, p.nr_ports, true) == 0 &&
        (!p.timeout || p.timeout > arch_time_ns())) {
        uint64_t timer = arch_vcpu_timer_deadline(v); /* its own timer ends the wait too */

        sched_vcpu_block(v, !p.timeout ? timer : !timer || p.timeout < timer ? p.timeout : timer);
        return 0;
    }
    evtchn_poll_done(v);
    return 0;
}

static void do_sched_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                        struct hypercall_result *result)
{
    struct sched_shutdown shutdown;

    switch (args[0]) {
    case SCHEDOP_yield:
        result->value = xsm_hook(XSM_HOOK_SCHED_YIELD, v->domain, v->domain);
        if (!result->value)
            sched_vcpu_yield(v);
        return;
    case SCHEDOP_block:
        result->value = xsm_hook(XSM_HOOK_SCHED_BLOCK, v->domain, v->domain);
        if (!result->value) /* as WFI: its own virtual timer wakes it too */
            sched_vcpu_block(v, arch_vcpu_timer_deadline(v));
        return;
    case SCHEDOP_shutdown:
        if (copy_from_guest(v, &shutdown, args[1], sizeof(shutdown))) {
            result->value = -EFAULT;
            return;
        }
        if (shutdown.reason > SHUTDOWN_MAX) {
            result->value = -EINVAL;
            return;
        }
        result->value = xsm_hook(XSM_HOOK_SCHED_SHUTDOWN, v->domain, v->domain);
        if (!result->value)
            domain_shutdown(v->domain, shutdown.reason);
        return;
    case SCHEDOP_poll:
        result->value = sched_poll(v, args[1]);
        return;
    default:
        result->value = -ENOSYS;
        return;
    }
}

/* ---------------------------------------------------------------- xen_version */

static void version_copy_out(struct vcpu *v, uint64_t gva, const void *data, size_t len,
                             struct hypercall_result *result)
{
    result->value = copy_to_guest(v, gva, data, len) ? -EFAULT : 0;
}

static void version_string(struct vcpu *v, uint64_t gva, const char *text, size_t size,
                           struct hypercall_result *result)
{
    char buf[64];

    /* Strings longer than buf are written in pieces: zero padding up to `size`. */
    for (size_t done = 0; done < size && !result->value; done += sizeof(buf)) {
        size_t len = strlen(text), piece = size - done < sizeof(buf) ? size - done : sizeof(buf);

        memset(buf, 0, sizeof(buf));
        if (done < len)
            memcpy(buf, text + done, len - done < piece ? len - done : piece);
        version_copy_out(v, gva + done, buf, piece, result);
    }
}

static uint32_t version_features(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
                 (1u << XENFEAT_ARM_SMCCC_supported) | (1u << XENFEAT_not_direct_mapped);

    return d->is_hardware ? f | (1u << XENFEAT_dom0) : f;
}

/* The hook of each implemented XENVER_* command; -1 for the others. */
static int version_hook(uint64_t cmd)
{
    switch (cmd) {
    case XENVER_version:
        return XSM_HOOK_VERSION_VERSION;
    case XENVER_extraversion:
        return XSM_HOOK_VERSION_EXTRAVERSION;
    case XENVER_capabilities:
        return XSM_HOOK_VERSION_CAPABILITIES;
    case XENVER_changeset:
        return XSM_HOOK_VERSION_CHANGESET;
    case XENVER_platform_parameters:
        return XSM_HOOK_VERSION_PLATFORM_PARAMETERS;
    case XENVER_get_features:
        return XSM_HOOK_VERSION_GET_FEATURES;
    case XENVER_pagesize:
        return XSM_HOOK_VERSION_PAGESIZE;
    case XENVER_guest_handle:
        return XSM_HOOK_VERSION_GUEST_HANDLE;
    case XENVER_compile_info:
        return XSM_HOOK_VERSION_COMPILE_INFO;
    case XENVER_commandline:
        return XSM_HOOK_VERSION_COMMANDLINE;
    case XENVER_build_id:
        return XSM_HOOK_VERSION_BUILD_ID;
    default:
        return -1;
    }
}

static void do_xen_version(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                           struct hypercall_result *result)
{
    uint64_t gva = args[1];
    int hook = version_hook(args[0]);

    if (hook < 0) {
        result->value = -ENOSYS;
        return;
    }
    result->value = xsm_hook((enum xsm_hook_id)hook, v->domain, NULL);
    if (result->value)
        return;
    switch (args[0]) {
    case XENVER_version:
        result->value = (FLAXEN_XEN_MAJOR << 16) | FLAXEN_XEN_MINOR;
        return;
    case XENVER_pagesize:
        result->value = PAGE_SIZE;
        return;
    case XENVER_extraversion:
        version_string(v, gva, "-flaxen", sizeof(xen_extraversion_t), result);
        return;
    case XENVER_capabilities:
        version_string(v, gva, "xen-3.0-aarch64", sizeof(xen_capabilities_info_t), result);
        return;
    case XENVER_changeset:
        version_string(v, gva, "flaxen", sizeof(xen_changeset_info_t), result);
        return;
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = {.virt_start = 0x200000};

        version_copy_out(v, gva, &p, sizeof(p), result);
        return;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;

        if (copy_from_guest(v, &fi, gva, sizeof(fi))) {
            result->value = -EFAULT;
            return;
        }
        fi.submap = fi.submap_idx == 0 ? version_features(v->domain) : 0;
        version_copy_out(v, gva, &fi, sizeof(fi), result);
        return;
    }
    case XENVER_guest_handle: {
        uint8_t handle[16] = {0};

        version_copy_out(v, gva, handle, sizeof(handle), result);
        return;
    }
    case XENVER_compile_info: {
        /* Nothing that changes from build to build of the same sources (reproducible). */
        struct xen_compile_info info = {.compiler = "gcc (aarch64, freestanding)",
                                        .compile_by = "flaxen",
                                        .compile_domain = "",
                                        .compile_date = ""};

        version_copy_out(v, gva, &info, sizeof(info), result);
        return;
    }
    case XENVER_commandline:
        version_string(v, gva, hypercall_commandline, sizeof(xen_commandline_t), result);
        return;
    case XENVER_build_id:
        result->value = -ENODATA; /* the image is linked without a build ID */
        return;
    default:
        result->value = -ENOSYS;
        return;
    }
}

/* ---------------------------------------------------------------- the table */

static hypercall_fn *const hypercall_table[XEN_HC_COUNT] = {
    [XEN_HC_xen_version] = do_xen_version,
    [XEN_HC_console_io] = do_console_io,
    [XEN_HC_sched_op] = do_sched_op,
    [XEN_HC_memory_op] = do_memory_op,
    [XEN_HC_vcpu_op] = do_vcpu_op,
    [XEN_HC_event_channel_op] = do_event_channel_op,
    [XEN_HC_grant_table_op] = do_grant_table_op,
    [XEN_HC_domctl] = do_domctl,
    [XEN_HC_sysctl] = do_sysctl,
    [XEN_HC_xsm_op] = do_xsm_op,
    [XEN_HC_hvm_op] = do_hvm_op,
};

void hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_ARGS],
                        struct hypercall_result *result)
{
    *result = (struct hypercall_result){0};
    if (nr >= XEN_HC_COUNT || !hypercall_table[nr]) {
        result->value = -ENOSYS;
        return;
    }
    hypercall_table[nr](v, args, result);
}
