/*
 * Hook coverage: every hypercall sub-op the hypervisor implements, called by a domain whose
 * label the policy grants nothing but console output (tests/policy/policies/coverage.conf).
 *
 * The list of sub-ops is the hypervisor's own hook table (xsm/xsm_hooks.h): one row per
 * implemented sub-op. For each row this file must define cov_<ID>(), which makes that call
 * with arguments good enough to pass every check made before the hook, and CHECKs that a
 * refusal changed nothing the guest can see. A new row without its cov_ function does not
 * compile, so no sub-op goes untested.
 *
 * Rows with a FLASK permission must come back -EACCES; rows the table exempts (sclass 0:
 * things a domain does only to itself, listed in docs/security/hooks.md) must not. The
 * console line "cov NAME: call" is printed before each call and "cov NAME: = RESULT" after
 * it, so tests/guest/checks/coverage.sh can count the hypervisor's AVC lines in between:
 * exactly one for a checked row, none for an exempt one.
 *
 * Bootargs: role=coverage (the default), role=target [wait_ms=N] (stays up as the domain that
 * cross-domain sub-ops act on) or role=silent. A silent domain (label with no
 * permission at all) makes one console write, which must be refused, and shuts down with
 * SHUTDOWN_poweroff if it was (SHUTDOWN_crash if it was not): it covers CONSOLE_WRITE,
 * which the coverage domain itself needs.
 */
#include "guest.h"

#include <xsm/xsm_hooks.h>

typedef long cov_fn(void);

/* A buffer the hypervisor must leave alone when it refuses. */
static uint8_t cov_buffer[4096] __attribute__((aligned(4096)));

static void cov_fill(void)
{
    for (unsigned int i = 0; i < sizeof(cov_buffer); i++)
        cov_buffer[i] = 0xa5;
}

static void cov_check_untouched(const char *what)
{
    for (unsigned int i = 0; i < sizeof(cov_buffer); i++)
        CHECK_MSG(cov_buffer[i] == 0xa5, "%s wrote byte %u after a refusal", what, i);
}

static void cov_read_at(void *address)
{
    (void)*(volatile uint32_t *)address;
}

/* A xen_version sub-op that writes into the buffer when allowed. */
static long cov_version(unsigned int command, const char *what)
{
    cov_fill();
    long result = xen_version(command, cov_buffer);
    if (result == -XEN_EACCES)
        cov_check_untouched(what);
    return result;
}

/* ---------------------------------------------------------------- console_io */

/* Covered by the silent domain (the coverage domain must be able to report). */
static long cov_CONSOLE_WRITE(void)
{
    return 0;
}

static long cov_CONSOLE_READ(void)
{
    cov_fill();
    long result = hypercall3(XEN_HC_console_io, CONSOLEIO_read, 16, (unsigned long)cov_buffer);
    cov_check_untouched("CONSOLEIO_read");
    return result;
}

/* ---------------------------------------------------------------- sched_op */

static long cov_SCHED_YIELD(void)
{
    return sched_yield();
}

/* Blocks until the virtual timer, armed 1 ms ahead, wakes the vCPU. */
static long cov_SCHED_BLOCK(void)
{
    CHECK(gic_irq_enable(TIMER_VIRTUAL_PPI));
    timer_set_compare(timer_count() + timer_ticks_from_us(1000));
    timer_set_control(CNTV_CTL_ENABLE);
    long result = sched_block();
    timer_set_control(0);
    gic_irq_disable(TIMER_VIRTUAL_PPI);
    return result;
}

/* Polls port 1 (nothing pending) until the virtual timer, armed 1 ms ahead, ends the wait. */
static long cov_SCHED_POLL(void)
{
    static uint32_t ports[1] = {1};
    static struct sched_poll p;
    p = (struct sched_poll){.ports = (uint64_t)(uintptr_t)ports, .nr_ports = 1, .timeout = 0};
    CHECK(gic_irq_enable(TIMER_VIRTUAL_PPI));
    timer_set_compare(timer_count() + timer_ticks_from_us(1000));
    timer_set_control(CNTV_CTL_ENABLE);
    long result = hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (unsigned long)&p);
    timer_set_control(0);
    gic_irq_disable(TIMER_VIRTUAL_PPI);
    return result;
}

/*
 * Exempt, and the domain's own shutdown at the end of the run shows it works. Here only
 * a bad reason, which is refused with -EINVAL before the hook (and so without an AVC line).
 */
static long cov_SCHED_SHUTDOWN(void)
{
    static struct sched_shutdown bad = {.reason = 0x7fffffff};
    long result = hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, (unsigned long)&bad);
    CHECK_EQ(result, -XEN_EINVAL);
    return 0;
}

/* ---------------------------------------------------------------- xen_version */

static long cov_VERSION_VERSION(void)
{
    return xen_version(XENVER_version, 0);
}

static long cov_VERSION_EXTRAVERSION(void)
{
    return cov_version(XENVER_extraversion, "XENVER_extraversion");
}

static long cov_VERSION_CAPABILITIES(void)
{
    return cov_version(XENVER_capabilities, "XENVER_capabilities");
}

static long cov_VERSION_COMPILE_INFO(void)
{
    return cov_version(XENVER_compile_info, "XENVER_compile_info");
}

static long cov_VERSION_CHANGESET(void)
{
    return cov_version(XENVER_changeset, "XENVER_changeset");
}

static long cov_VERSION_PLATFORM_PARAMETERS(void)
{
    return xen_version(XENVER_platform_parameters, cov_buffer);
}

static long cov_VERSION_GET_FEATURES(void)
{
    static struct xen_feature_info info = {.submap_idx = 0};
    return xen_version(XENVER_get_features, &info);
}

static long cov_VERSION_PAGESIZE(void)
{
    return xen_version(XENVER_pagesize, 0);
}

static long cov_VERSION_GUEST_HANDLE(void)
{
    return cov_version(XENVER_guest_handle, "XENVER_guest_handle");
}

static long cov_VERSION_COMMANDLINE(void)
{
    return cov_version(XENVER_commandline, "XENVER_commandline");
}

static long cov_VERSION_BUILD_ID(void)
{
    static uint32_t request[8] __attribute__((aligned(16))) = {16};
    return xen_version(XENVER_build_id, request);
}

/* ---------------------------------------------------------------- event_channel_op */

/* The domain cross-domain sub-ops act on (bootargs peer=N: the target domain). */
static domid_t cov_peer(void)
{
    uint64_t peer;
    CHECK(guest_bootarg_u64("peer", 3, &peer));
    return (domid_t)peer;
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_event_channel_op, cmd, (unsigned long)arg);
}

static evtchn_port_t cov_virq_port, cov_ipi_port;

static long cov_EVTCHN_ALLOC_UNBOUND(void)
{
    static struct evtchn_alloc_unbound a;
    a = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = cov_peer(), .port = 0xa5a5};
    long result = evtchn_op(EVTCHNOP_alloc_unbound, &a);
    if (result == -XEN_EACCES)
        CHECK_EQ(a.port, 0xa5a5);
    return result;
}

/*
 * The target domain offers its port 1 to this one (role=target). Until it has, the call is
 * refused with -EINVAL before the hook (no AVC line); then it reaches the hook.
 */
static long cov_EVTCHN_BIND_INTERDOMAIN(void)
{
    static struct evtchn_bind_interdomain b;
    long result = -XEN_EINVAL;
    for (unsigned int tries = 0; tries < 2000 && result == -XEN_EINVAL; tries++) {
        b = (struct evtchn_bind_interdomain){
            .remote_dom = cov_peer(), .remote_port = 1, .local_port = 0xa5a5};
        result = evtchn_op(EVTCHNOP_bind_interdomain, &b);
        if (result == -XEN_EINVAL)
            timer_delay_us(1000);
    }
    if (result == -XEN_EACCES)
        CHECK_EQ(b.local_port, 0xa5a5);
    return result;
}

static long cov_EVTCHN_BIND_VIRQ(void)
{
    static struct evtchn_bind_virq b = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    long result = evtchn_op(EVTCHNOP_bind_virq, &b);
    cov_virq_port = b.port;
    return result;
}

static long cov_EVTCHN_BIND_IPI(void)
{
    static struct evtchn_bind_ipi b = {.vcpu = 0};
    long result = evtchn_op(EVTCHNOP_bind_ipi, &b);
    cov_ipi_port = b.port;
    return result;
}

static long cov_EVTCHN_CLOSE(void)
{
    static struct evtchn_bind_ipi b = {.vcpu = 0};
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_ipi, &b), 0);
    static struct evtchn_close c;
    c.port = b.port;
    return evtchn_op(EVTCHNOP_close, &c);
}

static long cov_EVTCHN_SEND(void)
{
    static struct evtchn_send s;
    s.port = cov_ipi_port;
    return evtchn_op(EVTCHNOP_send, &s);
}

static long cov_EVTCHN_STATUS(void)
{
    static struct evtchn_status st;
    st = (struct evtchn_status){.dom = DOMID_SELF, .port = cov_ipi_port, .status = 0xa5a5};
    long result = evtchn_op(EVTCHNOP_status, &st);
    if (result == -XEN_EACCES)
        CHECK_EQ(st.status, 0xa5a5);
    return result;
}

static long cov_EVTCHN_BIND_VCPU(void)
{
    static struct evtchn_bind_vcpu b;
    b = (struct evtchn_bind_vcpu){.port = cov_virq_port, .vcpu = 0};
    return evtchn_op(EVTCHNOP_bind_vcpu, &b);
}

static long cov_EVTCHN_UNMASK(void)
{
    static struct evtchn_unmask u;
    u.port = cov_virq_port;
    return evtchn_op(EVTCHNOP_unmask, &u);
}

static long cov_EVTCHN_RESET(void)
{
    static struct evtchn_reset r;
    r.dom = cov_peer();
    return evtchn_op(EVTCHNOP_reset, &r);
}

/* ---------------------------------------------------------------- memory_op */

/* shared_info over a page of this domain's RAM: refused, the page keeps its bytes. */
static long cov_MEMORY_ADD_TO_PHYSMAP(void)
{
    static struct xen_add_to_physmap x;
    cov_fill();
    x = (struct xen_add_to_physmap){.domid = DOMID_SELF,
                                    .space = XENMAPSPACE_shared_info,
                                    .idx = 0,
                                    .gpfn = (uint64_t)(uintptr_t)cov_buffer >> 12};
    long result = hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);
    if (result == -XEN_EACCES)
        cov_check_untouched("XENMEM_add_to_physmap");
    return result;
}

/* One page above its RAM: refused, and nothing appears there. */
static long cov_reservation(unsigned int cmd)
{
    static uint64_t gfns[1] = {0x50000};
    static struct xen_memory_reservation r;
    r = (struct xen_memory_reservation){
        .extent_start = (uint64_t)(uintptr_t)gfns, .nr_extents = 1, .domid = DOMID_SELF};
    return hypercall2(XEN_HC_memory_op, cmd, (unsigned long)&r);
}

static long cov_MEMORY_POPULATE_PHYSMAP(void)
{
    long result = cov_reservation(XENMEM_populate_physmap);
    if (result == -XEN_EACCES) {
        expect_data_abort(cov_read_at, 0x50000000ull, false);
    }
    return result;
}

static long cov_MEMORY_DECREASE_RESERVATION(void)
{
    return cov_reservation(XENMEM_decrease_reservation);
}

static long cov_MEMORY_CURRENT_RESERVATION(void)
{
    static domid_t self = DOMID_SELF;
    return hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (unsigned long)&self);
}

static long cov_MEMORY_MAXIMUM_RESERVATION(void)
{
    static domid_t self = DOMID_SELF;
    return hypercall2(XEN_HC_memory_op, XENMEM_maximum_reservation, (unsigned long)&self);
}

/* ---------------------------------------------------------------- vcpu_op */

static struct vcpu_info cov_vcpu_info[4096 / sizeof(struct vcpu_info)]
    __attribute__((aligned(4096)));

static long cov_VCPU_REGISTER_VCPU_INFO(void)
{
    static struct vcpu_register_vcpu_info r;
    r = (struct vcpu_register_vcpu_info){.mfn = (uint64_t)(uintptr_t)cov_vcpu_info >> 12};
    return hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (unsigned long)&r);
}

static long cov_HVM_SET_PARAM(void)
{
    static struct xen_hvm_param p;
    p = (struct xen_hvm_param){.domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN};
    return hypercall2(XEN_HC_hvm_op, HVMOP_set_param, (unsigned long)&p);
}

static long cov_HVM_GET_PARAM(void)
{
    static struct xen_hvm_param p;
    p = (struct xen_hvm_param){.domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN};
    return hypercall2(XEN_HC_hvm_op, HVMOP_get_param, (unsigned long)&p);
}

static struct vcpu_runstate_info cov_runstate;

static long cov_VCPU_REGISTER_RUNSTATE(void)
{
    static struct vcpu_register_runstate_memory_area r;
    r.addr = (uint64_t)(uintptr_t)&cov_runstate;
    return hypercall3(XEN_HC_vcpu_op, VCPUOP_register_runstate_memory_area, 0, (unsigned long)&r);
}

static long cov_VCPU_IS_UP(void)
{
    long result = hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 0, 0);
    CHECK_EQ(result, 1);
    return result;
}

/* ---------------------------------------------------------------- grant_table_op */

#define COV_MAP_ADDR 0x60000000ull /* an unused guest-physical address for grant mappings */

static long grant_op(unsigned int cmd, void *arg, unsigned int count)
{
    return hypercall3(XEN_HC_grant_table_op, cmd, (unsigned long)arg, count);
}

/* A refused element reports GNTST_permission_denied: counted as -EACCES here. */
static long grant_status(long result, int16_t status)
{
    if (result)
        return result;
    return status == GNTST_permission_denied ? -XEN_EACCES : status;
}

/*
 * The policy lets the coverage domain map the target's grant read-only (map_read), so that
 * an unmap can reach its hook at all; a writable mapping needs map_write as well: refused.
 */
static long cov_GRANT_MAP_REF(void)
{
    static struct gnttab_map_grant_ref m;
    m = (struct gnttab_map_grant_ref){
        .host_addr = COV_MAP_ADDR, .flags = GNTMAP_host_map, .ref = 0, .dom = cov_peer()};
    return grant_status(grant_op(GNTTABOP_map_grant_ref, &m, 1), m.status);
}

/* Maps the target's grant 0 read-only (allowed; retried until the target has granted it). */
static long cov_GRANT_UNMAP_REF(void)
{
    static struct gnttab_map_grant_ref m;
    static struct gnttab_unmap_grant_ref u;
    for (unsigned int tries = 0; tries < 2000; tries++) {
        m = (struct gnttab_map_grant_ref){.host_addr = COV_MAP_ADDR + 0x1000,
                                          .flags = GNTMAP_host_map | GNTMAP_readonly,
                                          .ref = 0,
                                          .dom = cov_peer()};
        CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &m, 1), 0);
        if (m.status == GNTST_okay)
            break;
        timer_delay_us(1000);
    }
    CHECK_EQ(m.status, GNTST_okay);
    u = (struct gnttab_unmap_grant_ref){.host_addr = COV_MAP_ADDR + 0x1000, .handle = m.handle};
    long result = grant_status(grant_op(GNTTABOP_unmap_grant_ref, &u, 1), u.status);
    if (result == -XEN_EACCES) /* still mapped: the page reads as the target's */
        CHECK_EQ(*(volatile uint32_t *)(uintptr_t)(COV_MAP_ADDR + 0x1000), 0x7a7a7a7a);
    return result;
}

static long cov_GRANT_SETUP_TABLE(void)
{
    static struct gnttab_setup_table st;
    static uint64_t frames[1];
    st = (struct gnttab_setup_table){
        .dom = DOMID_SELF, .nr_frames = 1, .frame_list = (uint64_t)(uintptr_t)frames};
    return grant_status(grant_op(GNTTABOP_setup_table, &st, 1), st.status);
}

static long cov_GRANT_COPY(void)
{
    static struct gnttab_copy c;
    cov_fill();
    c = (struct gnttab_copy){
        .source = {.u.ref = 0, .domid = cov_peer(), .offset = 0},
        .dest = {.u.gmfn = (uint64_t)(uintptr_t)cov_buffer >> 12, .domid = DOMID_SELF},
        .len = 64,
        .flags = GNTCOPY_source_gref};
    long result = grant_status(grant_op(GNTTABOP_copy, &c, 1), c.status);
    if (result == -XEN_EACCES)
        cov_check_untouched("GNTTABOP_copy");
    return result;
}

static long cov_GRANT_QUERY_SIZE(void)
{
    static struct gnttab_query_size q;
    q = (struct gnttab_query_size){.dom = DOMID_SELF, .nr_frames = 0xa5a5};
    long result = grant_status(grant_op(GNTTABOP_query_size, &q, 1), q.status);
    if (result == -XEN_EACCES)
        CHECK_EQ(q.nr_frames, 0xa5a5);
    return result;
}

static long cov_GRANT_SET_VERSION(void)
{
    static struct gnttab_set_version sv = {.version = 1};
    return grant_op(GNTTABOP_set_version, &sv, 1);
}

static long cov_GRANT_GET_VERSION(void)
{
    static struct gnttab_get_version gv;
    gv = (struct gnttab_get_version){.dom = DOMID_SELF, .version = 0xa5a5};
    long result = grant_op(GNTTABOP_get_version, &gv, 1);
    if (result == -XEN_EACCES)
        CHECK_EQ(gv.version, 0xa5a5);
    return result;
}

/* ---------------------------------------------------------------- domctl and sysctl */

static struct xen_domctl cov_domctl;

/* domctl `cmd` on the target domain, with the union zeroed unless `fill` sets it. */
static long domctl(uint32_t cmd, domid_t dom, void (*fill)(struct xen_domctl *))
{
    memset(&cov_domctl, 0, sizeof(cov_domctl));
    cov_domctl.cmd = cmd;
    cov_domctl.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    cov_domctl.domain = dom;
    if (fill)
        fill(&cov_domctl);
    return hypercall1(XEN_HC_domctl, (unsigned long)&cov_domctl);
}

static void fill_createdomain(struct xen_domctl *d)
{
    d->u.createdomain.ssidref = 12; /* the initial SID domU: target_t here */
    d->u.createdomain.max_vcpus = 1;
    d->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
}

static long cov_DOMCTL_CREATEDOMAIN(void)
{
    return domctl(XEN_DOMCTL_createdomain, 0, fill_createdomain);
}

static void fill_setvcpucontext(struct xen_domctl *d)
{
    static struct vcpu_guest_context ctx;
    ctx.user_regs.pc64 = 0x40000000;
    ctx.user_regs.cpsr = 0x3c5;
    d->u.vcpucontext.vcpu = 0;
    d->u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctx;
}

static long cov_DOMCTL_SETVCPUCONTEXT(void)
{
    return domctl(XEN_DOMCTL_setvcpucontext, cov_peer(), fill_setvcpucontext);
}

static long cov_DOMCTL_DESTROYDOMAIN(void)
{
    return domctl(XEN_DOMCTL_destroydomain, cov_peer(), NULL);
}

static long cov_DOMCTL_PAUSEDOMAIN(void)
{
    return domctl(XEN_DOMCTL_pausedomain, cov_peer(), NULL);
}

static long cov_DOMCTL_UNPAUSEDOMAIN(void)
{
    return domctl(XEN_DOMCTL_unpausedomain, cov_peer(), NULL);
}

static long cov_DOMCTL_GETDOMAININFO(void)
{
    long result = domctl(XEN_DOMCTL_getdomaininfo, cov_peer(), NULL);
    if (result == -XEN_EACCES)
        CHECK_EQ(cov_domctl.u.getdomaininfo.tot_pages, 0); /* nothing written back */
    return result;
}

static void fill_max_mem(struct xen_domctl *d)
{
    d->u.max_mem.max_memkb = 1u << 20;
}

static long cov_DOMCTL_MAX_MEM(void)
{
    return domctl(XEN_DOMCTL_max_mem, cov_peer(), fill_max_mem);
}

static void fill_vcpucontext(struct xen_domctl *d)
{
    cov_fill();
    d->u.vcpucontext.vcpu = 0;
    d->u.vcpucontext.ctxt = (uint64_t)(uintptr_t)cov_buffer;
}

static long cov_DOMCTL_GETVCPUCONTEXT(void)
{
    long result = domctl(XEN_DOMCTL_getvcpucontext, cov_peer(), fill_vcpucontext);
    if (result == -XEN_EACCES)
        cov_check_untouched("XEN_DOMCTL_getvcpucontext");
    return result;
}

static long cov_DOMCTL_GETVCPUINFO(void)
{
    return domctl(XEN_DOMCTL_getvcpuinfo, cov_peer(), NULL);
}

static void fill_max_vcpus(struct xen_domctl *d)
{
    d->u.max_vcpus.max = 1;
}

static long cov_DOMCTL_MAX_VCPUS(void)
{
    return domctl(XEN_DOMCTL_max_vcpus, cov_peer(), fill_max_vcpus);
}

static void fill_set_target(struct xen_domctl *d)
{
    d->u.set_target.target = 1; /* this domain as the peer's device model's guest */
}

static void fill_seal(struct xen_domctl *d)
{
    static const char name[] = "sealed";
    memcpy(d->u.flaxen_seal.name, name, sizeof(name));
    d->u.flaxen_seal.image = (uint64_t)(uintptr_t)cov_buffer;
    d->u.flaxen_seal.image_size = 4096;
    d->u.flaxen_seal.ssidref = 12; /* the initial SID domU: target_t here */
}

static long cov_DOMCTL_FLAXEN_SEAL(void)
{
    return domctl(XEN_DOMCTL_flaxen_seal, cov_peer(), fill_seal);
}

static long cov_DOMCTL_SET_TARGET(void)
{
    return domctl(XEN_DOMCTL_set_target, cov_peer(), fill_set_target);
}

static struct xen_sysctl cov_sysctl;

static long sysctl(uint32_t cmd)
{
    cov_sysctl.cmd = cmd;
    cov_sysctl.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(XEN_HC_sysctl, (unsigned long)&cov_sysctl);
}

static long cov_SYSCTL_READCONSOLE(void)
{
    memset(&cov_sysctl, 0, sizeof(cov_sysctl));
    cov_fill();
    cov_sysctl.u.readconsole.buffer = (uint64_t)(uintptr_t)cov_buffer;
    cov_sysctl.u.readconsole.count = sizeof(cov_buffer);
    long result = sysctl(XEN_SYSCTL_readconsole);
    if (result == -XEN_EACCES)
        cov_check_untouched("XEN_SYSCTL_readconsole");
    return result;
}

static long cov_SYSCTL_PHYSINFO(void)
{
    memset(&cov_sysctl, 0, sizeof(cov_sysctl));
    return sysctl(XEN_SYSCTL_physinfo);
}

static long cov_SYSCTL_FLAXEN_ATTEST(void)
{
    memset(&cov_sysctl, 0, sizeof(cov_sysctl));
    cov_sysctl.u.flaxen_attest.pcr_mask = 1u << 10;
    cov_sysctl.u.flaxen_attest.nonce_len = 20;
    cov_sysctl.u.flaxen_attest.buffer = (uint64_t)(uintptr_t)cov_buffer;
    cov_sysctl.u.flaxen_attest.buffer_len = 64;
    return sysctl(XEN_SYSCTL_flaxen_attest);
}

/* Xen leaves out the domains the caller may not see: an empty list here means refused. */
static long cov_SYSCTL_GETDOMAININFOLIST(void)
{
    memset(&cov_sysctl, 0, sizeof(cov_sysctl));
    cov_fill();
    cov_sysctl.u.getdomaininfolist.first_domain = cov_peer();
    cov_sysctl.u.getdomaininfolist.max_domains = 1;
    cov_sysctl.u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)cov_buffer;
    long result = sysctl(XEN_SYSCTL_getdomaininfolist);
    if (result == 0 && cov_sysctl.u.getdomaininfolist.num_domains == 0) {
        cov_check_untouched("XEN_SYSCTL_getdomaininfolist");
        return -XEN_EACCES;
    }
    return result;
}

/* ---------------------------------------------------------------- xsm_op */

static struct xen_flask_op cov_flask;

/* xsm_op `cmd` with the union zeroed unless `fill` sets it. */
static long flask_op(uint32_t cmd, void (*fill)(struct xen_flask_op *))
{
    memset(&cov_flask, 0, sizeof(cov_flask));
    cov_flask.cmd = cmd;
    cov_flask.interface_version = XEN_FLASK_INTERFACE_VERSION;
    if (fill)
        fill(&cov_flask);
    return hypercall1(XEN_HC_xsm_op, (unsigned long)&cov_flask);
}

static void fill_load(struct xen_flask_op *op)
{
    cov_fill();
    op->u.load.buffer = (uint64_t)(uintptr_t)cov_buffer;
    op->u.load.size = 64;
}

static void fill_enforce(struct xen_flask_op *op)
{
    op->u.enforce.enforcing = 1;
}

static void fill_context(struct xen_flask_op *op)
{
    static const char context[] = "system_u:system_r:coverage_t";
    op->u.sid_context.context = (uint64_t)(uintptr_t)context;
    op->u.sid_context.size = sizeof(context);
}

static void fill_sid(struct xen_flask_op *op)
{
    cov_fill();
    op->u.sid_context.sid = 1;
    op->u.sid_context.context = (uint64_t)(uintptr_t)cov_buffer;
    op->u.sid_context.size = sizeof(cov_buffer);
}

static void fill_access(struct xen_flask_op *op)
{
    op->u.access = (struct xen_flask_access){.ssid = 1, .tsid = 1, .tclass = 1, .req = 1};
}

static void fill_transition(struct xen_flask_op *op)
{
    op->u.transition = (struct xen_flask_transition){.ssid = 1, .tsid = 1, .tclass = 1};
}

static void fill_bool(struct xen_flask_op *op)
{
    op->u.boolean.bool_id = 0;
    op->u.boolean.new_value = 0;
}

static void fill_threshold(struct xen_flask_op *op)
{
    op->u.setavc_threshold.threshold = 512;
}

static void fill_peer(struct xen_flask_op *op)
{
    op->u.peersid.evtchn = 1;
}

static void fill_relabel(struct xen_flask_op *op)
{
    op->u.relabel.domid = DOMID_SELF;
    op->u.relabel.sid = 1;
}

static long cov_FLASK_LOAD(void)
{
    return flask_op(FLASK_LOAD, fill_load);
}

static long cov_FLASK_GETENFORCE(void)
{
    return flask_op(FLASK_GETENFORCE, NULL);
}

static long cov_FLASK_SETENFORCE(void)
{
    return flask_op(FLASK_SETENFORCE, fill_enforce);
}

static long cov_FLASK_CONTEXT_TO_SID(void)
{
    long result = flask_op(FLASK_CONTEXT_TO_SID, fill_context);
    if (result == -XEN_EACCES)
        CHECK_EQ(cov_flask.u.sid_context.sid, 0);
    return result;
}

static long cov_FLASK_SID_TO_CONTEXT(void)
{
    long result = flask_op(FLASK_SID_TO_CONTEXT, fill_sid);
    if (result == -XEN_EACCES)
        cov_check_untouched("FLASK_SID_TO_CONTEXT");
    return result;
}

static long cov_FLASK_ACCESS(void)
{
    long result = flask_op(FLASK_ACCESS, fill_access);
    if (result == -XEN_EACCES)
        CHECK_EQ(cov_flask.u.access.allowed, 0);
    return result;
}

static long cov_FLASK_CREATE(void)
{
    return flask_op(FLASK_CREATE, fill_transition);
}

static long cov_FLASK_RELABEL(void)
{
    return flask_op(FLASK_RELABEL, fill_transition);
}

static long cov_FLASK_MEMBER(void)
{
    return flask_op(FLASK_MEMBER, fill_transition);
}

static long cov_FLASK_POLICYVERS(void)
{
    return flask_op(FLASK_POLICYVERS, NULL);
}

static long cov_FLASK_GETBOOL(void)
{
    return flask_op(FLASK_GETBOOL, fill_bool);
}

static long cov_FLASK_SETBOOL(void)
{
    return flask_op(FLASK_SETBOOL, fill_bool);
}

static long cov_FLASK_COMMITBOOLS(void)
{
    return flask_op(FLASK_COMMITBOOLS, NULL);
}

static long cov_FLASK_MLS(void)
{
    return flask_op(FLASK_MLS, NULL);
}

static long cov_FLASK_GETAVC_THRESHOLD(void)
{
    return flask_op(FLASK_GETAVC_THRESHOLD, NULL);
}

static long cov_FLASK_SETAVC_THRESHOLD(void)
{
    return flask_op(FLASK_SETAVC_THRESHOLD, fill_threshold);
}

static long cov_FLASK_AVC_HASHSTATS(void)
{
    return flask_op(FLASK_AVC_HASHSTATS, NULL);
}

static long cov_FLASK_AVC_CACHESTATS(void)
{
    return flask_op(FLASK_AVC_CACHESTATS, NULL);
}

static void fill_ocontext(struct xen_flask_op *op)
{
    op->u.ocontext =
        (struct xen_flask_ocontext){.ocon = FLASK_OCON_PIRQ, .sid = 1, .low = 200, .high = 200};
}

static long cov_FLASK_ADD_OCONTEXT(void)
{
    return flask_op(FLASK_ADD_OCONTEXT, fill_ocontext);
}

static long cov_FLASK_DEL_OCONTEXT(void)
{
    return flask_op(FLASK_DEL_OCONTEXT, fill_ocontext);
}

static void fill_dt_label(struct xen_flask_op *op)
{
    static const char path[] = "/soc/coverage@0";
    op->u.devicetree_label = (struct xen_flask_devicetree_label){
        .sid = 1, .length = sizeof(path), .path = (uint64_t)(uintptr_t)path};
}

static void fill_dt_unlabel(struct xen_flask_op *op)
{
    fill_dt_label(op);
    op->u.devicetree_label.sid = 0;
}

static long cov_FLASK_DEVICETREE_LABEL(void)
{
    return flask_op(FLASK_DEVICETREE_LABEL, fill_dt_label);
}

static long cov_FLASK_DEVICETREE_UNLABEL(void)
{
    return flask_op(FLASK_DEVICETREE_LABEL, fill_dt_unlabel);
}

static long cov_FLASK_GET_PEER_SID(void)
{
    return flask_op(FLASK_GET_PEER_SID, fill_peer);
}

static long cov_FLASK_RELABEL_DOMAIN(void)
{
    return flask_op(FLASK_RELABEL_DOMAIN, fill_relabel);
}

/* ---------------------------------------------------------------- the table */

struct cov_case {
    const char *name;
    bool checked; /* the row has a FLASK permission */
    cov_fn *fn;
};

static const struct cov_case cov_cases[] = {
#define COV_ROW(id, hcall, subop, rule, sclass, perm, tsid) {#id, (sclass) != 0, cov_##id},
    XSM_HOOKS(COV_ROW)
#undef COV_ROW
};

_Static_assert(sizeof(cov_cases) / sizeof(cov_cases[0]) == XSM_HOOK_COUNT,
               "one coverage case per hook");

/*
 * The silent domain's console is refused from its first (zero-length) write on, so the
 * library prints nothing for it; its verdict is its shutdown reason (a failed CHECK
 * crashes the domain instead of powering it off), which the scenario requires.
 */
GUEST_TEST_XEN(every_sub_op_is_checked)
{
    if (guest_bootarg_is("role", "silent")) {
        CHECK_EQ(xen_console_write("x", 1), -XEN_EACCES);
        return;
    }
    if (guest_bootarg_is("role", "target")) {
        /*
         * What cross-domain sub-ops act on: offers its port 1 to the coverage domain (d1), so
         * that binding to it reaches the hook, then stays up for wait_ms (yielding).
         */
        static struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = 1};
        CHECK_EQ(hypercall2(XEN_HC_event_channel_op, EVTCHNOP_alloc_unbound, (unsigned long)&a), 0);
        CHECK_EQ(a.port, 1);
        /* ... and grants it one page (grant 0, filled with 0x7a) for the grant sub-ops. */
        static uint8_t frame[4096] __attribute__((aligned(4096)));
        static uint32_t granted[1024] __attribute__((aligned(4096)));
        static struct xen_add_to_physmap x;
        for (unsigned int i = 0; i < 1024; i++)
            granted[i] = 0x7a7a7a7a;
        x = (struct xen_add_to_physmap){.domid = DOMID_SELF,
                                        .space = XENMAPSPACE_grant_table,
                                        .idx = 0,
                                        .gpfn = (uint64_t)(uintptr_t)frame >> 12};
        CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x), 0);
        struct grant_entry_v1 *entry = (struct grant_entry_v1 *)frame;
        entry->domid = 1;
        entry->frame = (uint32_t)((uintptr_t)granted >> 12);
        __atomic_store_n(&entry->flags, GTF_permit_access, __ATOMIC_SEQ_CST);
        uint64_t wait_ms;
        CHECK(guest_bootarg_u64("wait_ms", 20000, &wait_ms));
        uint64_t end = timer_count() + timer_ticks_from_us(wait_ms * 1000);
        while (timer_count() < end)
            sched_yield();
        return;
    }
    if (!gic_init())
        CHECK_MSG(false, "gic_init: %s", gic_error());
    for (unsigned int i = 0; i < XSM_HOOK_COUNT; i++) {
        const struct cov_case *c = &cov_cases[i];
        printf("cov %s: call\n", c->name);
        long result = c->fn();
        printf("cov %s: = %ld (%s)\n", c->name, result, c->checked ? "checked" : "exempt");
        if (i == XSM_HOOK_CONSOLE_WRITE)
            continue; /* the silent domain's */
        if (c->checked)
            CHECK_MSG(result == -XEN_EACCES, "%s: %ld, expected -EACCES", c->name, result);
        else
            CHECK_MSG(result != -XEN_EACCES, "%s: refused, but it is exempt", c->name);
    }
    printf("cov: %u sub-ops\n", (unsigned int)XSM_HOOK_COUNT);
}
