/*
 * Host tests of the hypercall table and the first hypercalls
 * (xen/common/hypercall.c): unknown numbers and sub-ops, bad guest
 * pointers, console_io continuation and rate limit, sched_op, xen_version.
 *
 * Guest memory is a host buffer addressed from GUEST_VA; copy_from_guest /
 * copy_to_guest fail outside it (or inside a "hole"), as the real
 * translation does for unmapped pages.
 */
#include <stdio.h>
#include <string.h>

#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/hypercall.h>
#include <flaxen/sched.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#include "fake_arch.h"
#include "unit.h"

#define GUEST_VA 0x10000ull
#define GUEST_LEN 0x4000ull

static unsigned char guest_mem[GUEST_LEN];
static uint64_t hole_start, hole_end; /* [start, end) faults as if unmapped */
static int yields, blocks, shutdowns;
static int xsm_answer; /* what the fake xsm_hook says */
static int xsm_calls;
static enum xsm_hook_id xsm_last;
static unsigned last_shutdown;

static bool accessible(uint64_t gva, size_t len)
{
    if (gva < GUEST_VA || len > GUEST_LEN || gva - GUEST_VA > GUEST_LEN - len)
        return false;
    return !(gva < hole_end && hole_start < gva + len);
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    (void)v;
    if (!accessible(gva, len))
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GUEST_VA), len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    (void)v;
    if (!accessible(gva, len))
        return -EFAULT;
    memcpy(guest_mem + (gva - GUEST_VA), src, len);
    return 0;
}

int xsm_hook(enum xsm_hook_id id, const struct domain *subject, const struct domain *target)
{
    (void)subject;
    (void)target;
    xsm_calls++;
    xsm_last = id;
    return xsm_answer;
}

void sched_vcpu_yield(struct vcpu *v)
{
    (void)v;
    yields++;
}

static uint64_t last_block_deadline;

void sched_vcpu_block(struct vcpu *v, uint64_t deadline_ns)
{
    (void)v;
    last_block_deadline = deadline_ns;
    blocks++;
}

/* SCHEDOP_poll's view of the ports: a programmable answer. */
static long poll_answer;
static int poll_checks, poll_dones;

long evtchn_poll_check(struct vcpu *v, const uint32_t *ports, unsigned n, bool arm)
{
    (void)v;
    (void)arm;
    poll_checks++;
    for (unsigned i = 0; i < n; i++)
        if (ports[i] >= 1024)
            return -EINVAL;
    return poll_answer;
}

void evtchn_poll_done(struct vcpu *v)
{
    (void)v;
    poll_dones++;
}

/* SCHEDOP_block sleeps until the vCPU's own timer at the latest, as WFI does. */
uint64_t arch_vcpu_timer_deadline(const struct vcpu *v)
{
    (void)v;
    return 123456789;
}

void domain_shutdown(struct domain *d, unsigned code)
{
    (void)d;
    shutdowns++;
    last_shutdown = code;
}

/* The event-channel, vCPU and memory hypercalls have their own test (test_hyp_evtchn). */
void do_event_channel_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                         struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_vcpu_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_grant_table_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                       struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_domctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_sysctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_xsm_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                  struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

void do_hvm_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS], struct hypercall_result *result)
{
    (void)v;
    (void)args;
    result->value = -ENOSYS;
}

static struct domain dom;
static struct vcpu vcpu0;

static struct vcpu *fresh_vcpu(void)
{
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu0, 0, sizeof(vcpu0));
    dom.id = 3;
    vcpu0.domain = &dom;
    memset(guest_mem, 0, sizeof(guest_mem));
    hole_start = hole_end = 0;
    yields = blocks = shutdowns = 0;
    xsm_answer = 0;
    xsm_calls = 0;
    fake_time_ns = 1000;
    return &vcpu0;
}

static long call(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                 struct hypercall_result *r)
{
    const uint64_t args[HYPERCALL_ARGS] = {a0, a1, a2, 0, 0};

    hypercall_dispatch(v, nr, args, r);
    return r->value;
}

/* Runs a hypercall to completion, following continuations like the guest would. */
static long call_to_end(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                        unsigned *rounds)
{
    struct hypercall_result r;

    *rounds = 0;
    call(v, nr, a0, a1, a2, &r);
    for (++*rounds; r.restart && *rounds < 100000; ++*rounds)
        call(v, nr, r.args[0], r.args[1], r.args[2], &r);
    return r.value;
}

/* The last console line printed, from the ring. */
static void last_line(char *buf, size_t size)
{
    static char ring[CONSOLE_RING_SIZE + 1];
    size_t n = console_ring_read(ring, CONSOLE_RING_SIZE, 0), end, start;

    ring[n] = '\0';
    end = n && ring[n - 1] == '\n' ? n - 1 : n;
    start = end;
    while (start && ring[start - 1] != '\n')
        start--;
    snprintf(buf, size, "%.*s", (int)(end - start), ring + start);
}

static void test_unknown_numbers(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;

    UNIT_CHECK_EQ(u, call(v, 1000, 0, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, UINT64_MAX, 0, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_COUNT, 0, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_mmu_update, 0, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, 99, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, 99, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, 99, 0, 0, &r), -ENOSYS);
    UNIT_CHECK(u, !r.restart);
}

static void test_console_write_lines(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    char line[200];

    memcpy(guest_mem, "hello\nwor", 9);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, 9, GUEST_VA, &r), 0);
    last_line(line, sizeof(line));
    UNIT_CHECK(u, strcmp(line, "(d3) hello") == 0);
    memcpy(guest_mem, "ld\x01\n", 4);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, 4, GUEST_VA, &r), 0);
    last_line(line, sizeof(line));
    UNIT_CHECK_MSG(u, strcmp(line, "(d3) world?") == 0, "got '%s'", line);
}

static void test_console_write_faults(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    unsigned rounds;

    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, 10, 0x5000, &r), -EFAULT);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, 16, GUEST_VA + GUEST_LEN - 8, &r),
                  -EFAULT);
    /* A long write whose tail is unmapped fails once it gets there. */
    hole_start = GUEST_VA + 1000;
    hole_end = GUEST_VA + 2000;
    memset(guest_mem, 'x', sizeof(guest_mem));
    UNIT_CHECK_EQ(u, call_to_end(v, XEN_HC_console_io, CONSOLEIO_write, 3000, GUEST_VA, &rounds),
                  -EFAULT);
    UNIT_CHECK(u, rounds >= 2);
    /* The count is 32 bits: the upper half of x1 is ignored. */
    hole_start = hole_end = 0;
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, (1ull << 32) | 4, GUEST_VA, &r),
                  0);
    UNIT_CHECK(u, !r.restart);
}

static void test_console_write_continues(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    unsigned rounds;

    memset(guest_mem, 'y', sizeof(guest_mem));
    UNIT_CHECK_EQ(
        u, call_to_end(v, XEN_HC_console_io, CONSOLEIO_write, GUEST_LEN, GUEST_VA, &rounds), 0);
    UNIT_CHECK_MSG(u, rounds > 1 && rounds <= GUEST_LEN / 64, "%u rounds", rounds);
    /* A huge count over valid memory stops with -EFAULT at the end of it, in bounded rounds. */
    UNIT_CHECK_EQ(u,
                  call_to_end(v, XEN_HC_console_io, CONSOLEIO_write, 0xffffffff, GUEST_VA, &rounds),
                  -EFAULT);
    UNIT_CHECK(u, rounds < 100000);
}

static void test_console_rate_limit(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    unsigned rounds;
    char line[200];

    for (size_t i = 0; i < GUEST_LEN; i++)
        guest_mem[i] = (i % 64 == 63) ? '\n' : 'z';
    for (int i = 0; i < 40; i++) /* 40 x 16 KiB: well over the burst */
        UNIT_CHECK_EQ(
            u, call_to_end(v, XEN_HC_console_io, CONSOLEIO_write, GUEST_LEN, GUEST_VA, &rounds), 0);
    UNIT_CHECK_MSG(u, dom.console_dropped > 0, "nothing dropped");
    fake_time_ns += 2000000000ull; /* two seconds later the budget is back */
    memcpy(guest_mem, "back\n", 5);
    UNIT_CHECK_EQ(u, call_to_end(v, XEN_HC_console_io, CONSOLEIO_write, 5, GUEST_VA, &rounds), 0);
    last_line(line, sizeof(line));
    UNIT_CHECK_MSG(u, strcmp(line, "(d3) back") == 0, "got '%s'", line);
    UNIT_CHECK_EQ(u, dom.console_dropped, 0);
}

static void test_sched_op(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    struct sched_shutdown s = {SHUTDOWN_crash};

    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_yield, 0, 0, &r), 0);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_block, 0, 0, &r), 0);
    UNIT_CHECK_EQ(u, yields, 1);
    UNIT_CHECK_EQ(u, blocks, 1);
    UNIT_CHECK_EQ(u, last_block_deadline, 123456789);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_shutdown, 0x5000, 0, &r), -EFAULT);
    UNIT_CHECK_EQ(u, shutdowns, 0);
    s.reason = SHUTDOWN_MAX + 1;
    memcpy(guest_mem, &s, sizeof(s));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_shutdown, GUEST_VA, 0, &r), -EINVAL);
    UNIT_CHECK_EQ(u, shutdowns, 0);
    s.reason = SHUTDOWN_crash;
    memcpy(guest_mem, &s, sizeof(s));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_shutdown, GUEST_VA, 0, &r), 0);
    UNIT_CHECK_EQ(u, shutdowns, 1);
    UNIT_CHECK_EQ(u, last_shutdown, SHUTDOWN_crash);
}

/* SCHEDOP_poll: bad counts and ports refused; a pending port returns at once; else it blocks. */
static void test_sched_poll(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    struct sched_poll p = {.ports = GUEST_VA + 64, .nr_ports = 2, .timeout = 0};
    uint32_t ports[2] = {3, 5};
    int blocks_before = blocks;

    memcpy(guest_mem, &p, sizeof(p));
    memcpy(guest_mem + 64, ports, sizeof(ports));
    poll_answer = 1;
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_poll, GUEST_VA, 0, &r), 0);
    UNIT_CHECK_EQ(u, blocks, blocks_before); /* pending: no wait */
    poll_answer = 0;
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_poll, GUEST_VA, 0, &r), 0);
    UNIT_CHECK_EQ(u, blocks, blocks_before + 1);
    UNIT_CHECK_EQ(u, last_block_deadline, 123456789); /* no timeout: its own timer */
    p.nr_ports = 129;
    memcpy(guest_mem, &p, sizeof(p));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_poll, GUEST_VA, 0, &r), -EINVAL);
    p.nr_ports = 2;
    ports[1] = 5000;
    memcpy(guest_mem, &p, sizeof(p));
    memcpy(guest_mem + 64, ports, sizeof(ports));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_poll, GUEST_VA, 0, &r), -EINVAL);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_poll, 0x5000, 0, &r), -EFAULT);
    UNIT_CHECK_EQ(u, blocks, blocks_before + 1);
}

static void test_xen_version(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    struct xen_feature_info fi = {0, 0};
    char extra[sizeof(xen_extraversion_t)];

    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_version, 0, 0, &r), (4 << 16) | 17);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_pagesize, 0, 0, &r), 4096);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_extraversion, 0x5000, 0, &r), -EFAULT);
    UNIT_CHECK_EQ(
        u, call(v, XEN_HC_xen_version, XENVER_capabilities, GUEST_VA + GUEST_LEN - 100, 0, &r),
        -EFAULT);
    memset(guest_mem, 0x55, 64);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_extraversion, GUEST_VA, 0, &r), 0);
    memcpy(extra, guest_mem, sizeof(extra));
    UNIT_CHECK(u, strcmp(extra, "-flaxen") == 0);
    UNIT_CHECK_EQ(u, guest_mem[sizeof(extra)], 0x55); /* nothing written past the buffer */
    memcpy(guest_mem, &fi, sizeof(fi));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_get_features, GUEST_VA, 0, &r), 0);
    memcpy(&fi, guest_mem, sizeof(fi));
    UNIT_CHECK(u, fi.submap & (1u << XENFEAT_auto_translated_physmap));
    UNIT_CHECK(u, !(fi.submap & (1u << XENFEAT_dom0)));
    dom.is_hardware = true;
    memset(&fi, 0, sizeof(fi));
    memcpy(guest_mem, &fi, sizeof(fi));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_get_features, GUEST_VA, 0, &r), 0);
    memcpy(&fi, guest_mem, sizeof(fi));
    UNIT_CHECK(u, fi.submap & (1u << XENFEAT_dom0));
}

/* A refusing hook: -EACCES back, nothing done, exactly one hook call per sub-op. */
static void test_hooks_refuse_before_effect(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    struct sched_shutdown s = {SHUTDOWN_poweroff};
    uint64_t printed = console_total_bytes();

    xsm_answer = -EACCES;
    memcpy(guest_mem, "denied\n", 7);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, CONSOLEIO_write, 7, GUEST_VA, &r), -EACCES);
    UNIT_CHECK(u, !r.restart);
    UNIT_CHECK_EQ(u, xsm_last, XSM_HOOK_CONSOLE_WRITE);
    UNIT_CHECK_EQ(u, console_total_bytes(), printed);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_yield, 0, 0, &r), -EACCES);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_block, 0, 0, &r), -EACCES);
    memcpy(guest_mem, &s, sizeof(s));
    UNIT_CHECK_EQ(u, call(v, XEN_HC_sched_op, SCHEDOP_shutdown, GUEST_VA, 0, &r), -EACCES);
    UNIT_CHECK_EQ(u, yields + blocks + shutdowns, 0);
    memset(guest_mem, 0x77, 64);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_extraversion, GUEST_VA, 0, &r), -EACCES);
    UNIT_CHECK_EQ(u, xsm_last, XSM_HOOK_VERSION_EXTRAVERSION);
    UNIT_CHECK_EQ(u, guest_mem[0], 0x77); /* nothing copied out */
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_version, 0, 0, &r), -EACCES);
    UNIT_CHECK_EQ(u, xsm_calls, 6);
    /* Unknown sub-ops are refused as unknown before any hook. */
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, 99, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_console_io, 99, 0, 0, &r), -ENOSYS);
    UNIT_CHECK_EQ(u, xsm_calls, 6);
}

static void test_xen_version_boot_facts(struct unit *u)
{
    struct vcpu *v = fresh_vcpu();
    struct hypercall_result r;
    struct xen_compile_info info;

    hypercall_boot_init("flask=enforcing dom0_mem=64M");
    memset(guest_mem, 0x33, 1100);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_commandline, GUEST_VA, 0, &r), 0);
    UNIT_CHECK(u, strcmp((char *)guest_mem, "flask=enforcing dom0_mem=64M") == 0);
    UNIT_CHECK_EQ(u, guest_mem[1023], 0);    /* zero-padded to xen_commandline_t */
    UNIT_CHECK_EQ(u, guest_mem[1024], 0x33); /* and not one byte further */
    UNIT_CHECK_EQ(
        u, call(v, XEN_HC_xen_version, XENVER_commandline, GUEST_VA + GUEST_LEN - 512, 0, &r),
        -EFAULT);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_compile_info, GUEST_VA, 0, &r), 0);
    memcpy(&info, guest_mem, sizeof(info));
    UNIT_CHECK(u, strcmp(info.compile_by, "flaxen") == 0);
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_build_id, GUEST_VA, 0, &r), -ENODATA);
    xsm_answer = -EACCES; /* the hook comes first */
    UNIT_CHECK_EQ(u, call(v, XEN_HC_xen_version, XENVER_build_id, GUEST_VA, 0, &r), -EACCES);
    UNIT_CHECK_EQ(u, xsm_last, XSM_HOOK_VERSION_BUILD_ID);
    hypercall_boot_init(NULL);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_xen_version_boot_facts),
    UNIT_CASE(test_hooks_refuse_before_effect),
    UNIT_CASE(test_unknown_numbers),
    UNIT_CASE(test_console_write_lines),
    UNIT_CASE(test_console_write_faults),
    UNIT_CASE(test_console_write_continues),
    UNIT_CASE(test_console_rate_limit),
    UNIT_CASE(test_sched_op),
    UNIT_CASE(test_sched_poll),
    UNIT_CASE(test_xen_version),
    {0},
};
