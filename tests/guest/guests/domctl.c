/*
 * domctl and sysctl between domains (issue 4, scenarios 2 and 5; policy
 * tests/policy/policies/domctl.conf, scenario hyp-domctl.scenario).
 *
 * role=ctl (domain 1): reads domain 2's information, pauses it (nested), reads its vCPU
 *   context and vCPU state while paused, unpauses it, raises its memory limit, reads host
 *   facts, the hypervisor console and the domain list, and finally destroys it.
 * role=victim (domain 2): counts in a loop until it is destroyed.
 * role=attacker (domain 3): tries the same on domain 2 and on the console: -EACCES and one
 *   AVC line each, and domain 2 keeps running.
 */
#include "guest.h"
#include "sealed_image.h"

static struct xen_domctl dc;
static struct xen_sysctl sc;
static uint8_t buffer[8192] __attribute__((aligned(4096)));

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return hypercall1(XEN_HC_domctl, (unsigned long)&dc);
}

static long sysctl(uint32_t cmd)
{
    sc.cmd = cmd;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(XEN_HC_sysctl, (unsigned long)&sc);
}

static bool gone(domid_t id)
{
    uint64_t end = timer_count() + timer_ticks_from_us(20000000);
    while (domctl(XEN_DOMCTL_getdomaininfo, id) == 0 && timer_count() < end)
        sched_yield();
    return domctl(XEN_DOMCTL_getdomaininfo, id) == -XEN_ESRCH;
}

/* createdomain with the label newdom_t (its SID asked of the security server). */
static domid_t create(void)
{
    static struct xen_flask_op fop;
    static const char label[] = "system_u:system_r:newdom_t";
    memset(&fop, 0, sizeof(fop));
    fop.cmd = FLASK_CONTEXT_TO_SID;
    fop.interface_version = XEN_FLASK_INTERFACE_VERSION;
    fop.u.sid_context.context = (uint64_t)(uintptr_t)label;
    fop.u.sid_context.size = sizeof(label);
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&fop), 0);
    memset(&dc, 0, sizeof(dc));
    dc.u.createdomain.ssidref = fop.u.sid_context.sid;
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    CHECK_EQ(domctl(XEN_DOMCTL_createdomain, 0), 0);
    domid_t id = dc.domain;
    CHECK(id >= 3 && id < DOMID_FIRST_RESERVED);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, id), 0);
    CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);
    CHECK_EQ(dc.u.getdomaininfo.ssidref, fop.u.sid_context.sid);
    CHECK_EQ(dc.u.getdomaininfo.tot_pages, 0);
    return id;
}

static long seal(domid_t id, const char *name, uint32_t ssidref)
{
    sealed_image_request(&dc, name, ssidref);
    return domctl(XEN_DOMCTL_flaxen_seal, id);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    return guest_random(&rng);
}

/* A value for a seal field: small, any, an address in this domain's RAM, unmapped, huge. */
static uint64_t random_field(void)
{
    uint64_t r = next_random(), base, size;
    switch (r % 5) {
    case 0:
        return r >> 56;
    case 1:
        return r;
    case 2:
        CHECK(guest_ram_range(&base, &size));
        return base + (r >> 8) % size;
    case 3:
        return guest_unmapped_address() + (r & 0xfff);
    default:
        return UINT64_MAX - (r & 0xff);
    }
}

/*
 * 500 seals with random fields (never this guest's copy of the image with its exact size,
 * so none can succeed): each one answers an error code, and the domain stays unsealed.
 */
static void random_seals(domid_t id, uint32_t label)
{
    unsigned refused = 0;
    for (unsigned i = 0; i < 500; i++) {
        memset(&dc, 0, sizeof(dc));
        uint64_t r = next_random();
        if ((r & 3) < 2)
            memcpy(dc.u.flaxen_seal.name, "sealed", 7);
        else if ((r & 3) == 2)
            memcpy(dc.u.flaxen_seal.name, "nosuch", 7);
        else
            for (unsigned k = 0; k < sizeof(dc.u.flaxen_seal.name); k++)
                dc.u.flaxen_seal.name[k] = (char)(next_random() >> 56);
        uint64_t real = (uint64_t)(sealed_image_end - sealed_image);
        /* Often plausible, so the calls get past the first checks to the copy and compare. */
        dc.u.flaxen_seal.image = (r & 4) ? (uint64_t)(uintptr_t)sealed_image : random_field();
        dc.u.flaxen_seal.image_size = (r & 8) ? 64 + (next_random() % 200) : random_field();
        if (dc.u.flaxen_seal.image == (uint64_t)(uintptr_t)sealed_image &&
            dc.u.flaxen_seal.image_size == real)
            dc.u.flaxen_seal.image_size++; /* never the one good seal */
        if (r & 16) {
            dc.u.flaxen_seal.ramdisk = random_field();
            dc.u.flaxen_seal.ramdisk_size = (r & 32) ? next_random() % 65536 : random_field();
        }
        static char text[600];
        for (unsigned k = 0; k < sizeof(text); k++)
            text[k] = (char)(' ' + next_random() % 95);
        dc.u.flaxen_seal.cmdline = (r & 256) ? (uint64_t)(uintptr_t)text : random_field();
        dc.u.flaxen_seal.cmdline_len = (r & 64) ? next_random() % 600 : (uint32_t)random_field();
        dc.u.flaxen_seal.ssidref = (r & 128) ? label : (uint32_t)random_field();
        long rc = domctl(XEN_DOMCTL_flaxen_seal, id);
        CHECK_MSG(rc < 0 && rc > -4096, "random seal %u: %ld", i, rc);
        refused++;
    }
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, id), -XEN_EPERM); /* still unsealed */
    printf("[guest] domctl: %u random seals refused\n", refused);
}

/*
 * The seal: refused for random fields, for a name the manifest does not list and for a label
 * other than the manifest's; then done, and not twice; afterwards the builder can change
 * neither the entry point nor the memory.
 */
static void seal_domain(domid_t id)
{
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, id), 0);
    uint32_t label = dc.u.getdomaininfo.ssidref;
    random_seals(id, label);
    CHECK_EQ(seal(id, "nosuch", label), -XEN_EACCES);
    CHECK_EQ(seal(id, "sealed-other", label), -XEN_EACCES); /* the manifest gives victim_t */
    CHECK_EQ(seal(id, "bad name", label), -XEN_EINVAL);
    CHECK_EQ(seal(id, "sealed", 0), -XEN_EINVAL); /* no label asked for */
    sealed_image_request(&dc, "sealed", label);
    dc.u.flaxen_seal.flags = 1u << 2; /* no such request */
    CHECK_EQ(domctl(XEN_DOMCTL_flaxen_seal, id), -XEN_EINVAL);
    CHECK_EQ(seal(id, "sealed", label), 0);
    CHECK_EQ(seal(id, "sealed", label), -XEN_EBUSY);
    static struct vcpu_guest_context ctx;
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctx;
    ctx.user_regs.pc64 = 0x40001000;
    ctx.user_regs.cpsr = 0x3c5;
    CHECK_EQ(domctl(XEN_DOMCTL_setvcpucontext, id), -XEN_EBUSY);
    static uint64_t gfn[1] = {0x40400};
    static struct xen_memory_reservation r;
    r = (struct xen_memory_reservation){
        .extent_start = (uint64_t)(uintptr_t)gfn, .nr_extents = 1, .extent_order = 0, .domid = id};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_populate_physmap, (unsigned long)&r), 0);
    printf("[guest] domctl: domain %u sealed\n", id);
}

/*
 * Domains built at run time: one destroyed before it ever ran; one given 4 MiB of RAM,
 * refused an unpause until it is sealed with the image build/guest/sealed.bin (listed in the
 * scenario's manifest as "sealed"), then unpaused: it prints a line and powers off.
 */
static long hvm_param(unsigned op, domid_t id, uint32_t index, uint64_t *value)
{
    static struct xen_hvm_param p;
    p = (struct xen_hvm_param){.domid = id, .index = index, .value = *value};
    long rc = hypercall2(XEN_HC_hvm_op, op, (unsigned long)&p);
    *value = p.value;
    return rc;
}

/*
 * HVM parameters, as a toolstack sets them for the domain it builds: the ring and channel
 * parameters only by another domain (-EPERM for itself), others -EINVAL, and only on a
 * domain the policy allows (hvm:setparam / getparam).
 */
static void hvm_params(domid_t built)
{
    uint64_t v = 7;

    CHECK_EQ(hvm_param(HVMOP_set_param, built, HVM_PARAM_STORE_EVTCHN, &v), 0);
    v = 0;
    CHECK_EQ(hvm_param(HVMOP_get_param, built, HVM_PARAM_STORE_EVTCHN, &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(hvm_param(HVMOP_set_param, built, HVM_PARAM_MONITOR_RING_PFN, &v), 0);
    CHECK_EQ(hvm_param(HVMOP_set_param, built, 3, &v), -XEN_EINVAL);
    CHECK_EQ(hvm_param(HVMOP_get_param, built, HVM_NR_PARAMS, &v), -XEN_EINVAL);
    CHECK_EQ(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v), -XEN_EPERM);
    v = 5;
    CHECK_EQ(hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v), 0);
    CHECK_EQ(v, 0); /* nobody set it: no xenstore channel */
    CHECK_EQ(hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_MONITOR_RING_PFN, &v), -XEN_EPERM);
    CHECK_EQ(hvm_param(HVMOP_get_param, 999, HVM_PARAM_STORE_EVTCHN, &v), -XEN_ESRCH);
    CHECK_EQ(hypercall2(XEN_HC_hvm_op, 99, 0), -XEN_ENOSYS);
}

static void build_domains(void)
{
    domid_t a = create();
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, a), 0);
    CHECK_MSG(gone(a), "domain %u was not destroyed", a);

    domid_t b = create();
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, b), -XEN_EPERM); /* not sealed */
    hvm_params(b);
    dc.u.max_mem.max_memkb = 4096 + 4; /* the kernel's 2 MiB slot, the device tree's, a page */
    CHECK_EQ(domctl(XEN_DOMCTL_max_mem, b), 0);
    static uint64_t gfn[2] = {0x40000, 0x40200};
    static struct xen_memory_reservation r;
    r = (struct xen_memory_reservation){
        .extent_start = (uint64_t)(uintptr_t)gfn, .nr_extents = 2, .extent_order = 9, .domid = b};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_populate_physmap, (unsigned long)&r), 2);
    static struct vcpu_guest_context ctx;
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctx;
    ctx.user_regs.pc64 = 0x40000000;
    ctx.user_regs.cpsr = 0x3c9; /* EL2h: refused */
    CHECK_EQ(domctl(XEN_DOMCTL_setvcpucontext, b), -XEN_EINVAL);
    ctx.user_regs.cpsr = 0x3c5; /* EL1h, interrupts masked */
    CHECK_EQ(domctl(XEN_DOMCTL_setvcpucontext, b), 0);
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, b), -XEN_EPERM); /* RAM and entry: still unsealed */
    seal_domain(b);
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, b), 0);
    CHECK_MSG(gone(b), "domain %u did not end", b);
    printf("[guest] domctl: built domains %u and %u at run time\n", a, b);
}

static void role_ctl(void)
{
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    struct xen_domctl_getdomaininfo *info = &dc.u.getdomaininfo;
    CHECK_EQ(info->domain, 2);
    CHECK_EQ(info->tot_pages, 8192);
    CHECK_EQ(info->nr_online_vcpus, 1);
    CHECK_EQ(info->max_vcpu_id, 0);
    CHECK(info->ssidref != 0);
    CHECK(!(info->flags & (XEN_DOMINF_paused | XEN_DOMINF_dying | XEN_DOMINF_shutdown)));
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 0x7777), -XEN_ESRCH);
    dc.interface_version = 0x14;
    CHECK_EQ(hypercall1(XEN_HC_domctl, (unsigned long)&dc), -XEN_EACCES); /* other version */
    CHECK_EQ(domctl(1234, 2), -XEN_ENOSYS);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_EINVAL);

    /* Paused twice, it stays paused until unpaused twice. */
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, 2), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, 2), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);
    CHECK(!(dc.u.getdomaininfo.flags & XEN_DOMINF_running));
    static struct vcpu_guest_context ctx;
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpucontext.vcpu = 0;
    dc.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctx;
    CHECK_EQ(domctl(XEN_DOMCTL_getvcpucontext, 2), 0);
    CHECK_MSG(ctx.user_regs.pc64 >= 0x40000000 && ctx.user_regs.pc64 < 0x42000000,
              "domain 2's pc %llx is not in its RAM", (unsigned long long)ctx.user_regs.pc64);
    CHECK(ctx.flags & VGCF_online);
    dc.u.vcpucontext.vcpu = 5;
    CHECK_EQ(domctl(XEN_DOMCTL_getvcpucontext, 2), -XEN_ENOENT);
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getvcpuinfo, 2), 0);
    CHECK_EQ(dc.u.getvcpuinfo.online, 1);
    CHECK_EQ(dc.u.getvcpuinfo.running, 0);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, 2), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, 2), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, 2), -XEN_EINVAL);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK(!(dc.u.getdomaininfo.flags & XEN_DOMINF_paused));
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getvcpucontext, 2), -XEN_EBUSY); /* only while paused */

    /* A memory limit, never below what it has. */
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = 65536;
    CHECK_EQ(domctl(XEN_DOMCTL_max_mem, 2), 0);
    dc.u.max_mem.max_memkb = 1024;
    CHECK_EQ(domctl(XEN_DOMCTL_max_mem, 2), -XEN_EINVAL);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK_EQ(dc.u.getdomaininfo.max_pages, 16384);

    /* RAM for it, as a builder gives it (populate), and back (decrease). */
    static uint64_t gfns[3] = {0x50000, 0x50001, 0x40000};
    static struct xen_memory_reservation r;
    r = (struct xen_memory_reservation){
        .extent_start = (uint64_t)(uintptr_t)gfns, .nr_extents = 3, .domid = 2};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_populate_physmap, (unsigned long)&r), 2);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK_EQ(dc.u.getdomaininfo.tot_pages, 8194); /* the third is its own RAM already */
    static domid_t victim = 2;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (unsigned long)&victim),
             8194);
    r.nr_extents = 2;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_decrease_reservation, (unsigned long)&r), 2);
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_decrease_reservation, (unsigned long)&r), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), 0);
    CHECK_EQ(dc.u.getdomaininfo.tot_pages, 8192);
    r.extent_order = 10;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_populate_physmap, (unsigned long)&r), -XEN_EINVAL);

    /* Host facts, the console, the domain list. */
    memset(&sc, 0, sizeof(sc));
    CHECK_EQ(sysctl(XEN_SYSCTL_physinfo), 0);
    CHECK_EQ(sc.u.physinfo.nr_cpus, 2);
    CHECK(sc.u.physinfo.total_pages > sc.u.physinfo.free_pages);
    CHECK(sc.u.physinfo.free_pages > 0);
    memset(&sc, 0, sizeof(sc));
    sc.u.readconsole.buffer = (uint64_t)(uintptr_t)buffer;
    sc.u.readconsole.count = sizeof(buffer) - 1;
    CHECK_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    CHECK(sc.u.readconsole.count > 100);
    buffer[sc.u.readconsole.count] = 0;
    bool found = false;
    for (uint32_t i = 0; i + 6 < sc.u.readconsole.count && !found; i++)
        found = !memcmp(buffer + i, "Flask:", 6);
    CHECK_MSG(found, "the console ring has no Flask: line");
    memset(&sc, 0, sizeof(sc));
    sc.u.getdomaininfolist.first_domain = 0;
    sc.u.getdomaininfolist.max_domains = 8;
    sc.u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)buffer;
    CHECK_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), 0);
    CHECK_MSG(sc.u.getdomaininfolist.num_domains >= 2, "%u domains listed",
              sc.u.getdomaininfolist.num_domains);
    CHECK_EQ(((struct xen_domctl_getdomaininfo *)buffer)[0].domain, 1);
    CHECK_EQ(((struct xen_domctl_getdomaininfo *)buffer)[1].domain, 2);

    build_domains();

    /* Let domain 3 try its attacks first, then destroy domain 2 and wait until it is gone. */
    timer_delay_us(1500000);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, 2), 0);
    uint64_t end = timer_count() + timer_ticks_from_us(20000000);
    while (domctl(XEN_DOMCTL_getdomaininfo, 2) == 0 && timer_count() < end)
        sched_yield();
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), -XEN_ESRCH);
    printf("[guest] domctl: domain 2 paused, inspected, resumed and destroyed\n");
}

static void role_victim(void)
{
    printf("[guest] domctl: victim running\n");
    for (volatile uint64_t n = 0;; n++)
        if (n % 4096 == 0)
            sched_yield();
}

static void role_attacker(void)
{
    static struct vcpu_guest_context ctx;
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), -XEN_EACCES);
    CHECK_EQ(dc.u.getdomaininfo.tot_pages, 0);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, 2), -XEN_EACCES);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, 2), -XEN_EACCES);
    memset(&dc, 0, sizeof(dc));
    memset(&ctx, 0x5a, sizeof(ctx));
    dc.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctx;
    CHECK_EQ(domctl(XEN_DOMCTL_getvcpucontext, 2), -XEN_EACCES);
    CHECK_EQ(ctx.user_regs.pc64, 0x5a5a5a5a5a5a5a5aull);
    memset(&sc, 0, sizeof(sc));
    sc.u.readconsole.buffer = (uint64_t)(uintptr_t)buffer;
    sc.u.readconsole.count = 64;
    CHECK_EQ(sysctl(XEN_SYSCTL_readconsole), -XEN_EACCES);
    memset(&dc, 0, sizeof(dc));
    dc.u.createdomain.ssidref = 12;
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    CHECK_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EACCES);
    uint64_t v = 1;
    CHECK_EQ(hvm_param(HVMOP_set_param, 2, HVM_PARAM_STORE_EVTCHN, &v), -XEN_EACCES);
}

GUEST_TEST_XEN(domain_control)
{
    if (guest_bootarg_is("role", "ctl"))
        role_ctl();
    else if (guest_bootarg_is("role", "victim"))
        role_victim();
    else if (guest_bootarg_is("role", "attacker"))
        role_attacker();
    else
        CHECK_MSG(false, "role=ctl, victim or attacker");
}
