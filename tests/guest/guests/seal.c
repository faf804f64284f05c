/*
 * A seal that relabels (issue 5; scenario hyp-seal-relabel.scenario, policy
 * tests/policy/policies/seal.conf). The builder (builder_t) creates a domain as build_t:
 * sealing it as vault_t is refused by the policy (no relabelto: one AVC line) before
 * anything is copied; sealing it as web_t, the manifest's label for the entry "web", is
 * allowed (relabelfrom, relabelto, transition) and the domain runs with that label.
 */
#include "guest.h"
#include "sealed_image.h"

static struct xen_domctl dc;

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return hypercall1(XEN_HC_domctl, (unsigned long)&dc);
}

static uint32_t sid_of(const char *context)
{
    static struct xen_flask_op op;
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_CONTEXT_TO_SID;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.sid_context.context = (uint64_t)(uintptr_t)context;
    op.u.sid_context.size = (uint32_t)strlen(context) + 1;
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&op), 0);
    return op.u.sid_context.sid;
}

static long seal(domid_t id, const char *name, uint32_t ssidref)
{
    sealed_image_request(&dc, name, ssidref);
    return domctl(XEN_DOMCTL_flaxen_seal, id);
}

GUEST_TEST_XEN(seal_relabels)
{
    uint32_t build = sid_of("system_u:system_r:build_t"), web = sid_of("system_u:system_r:web_t");
    uint32_t vault = sid_of("system_u:system_r:vault_t");

    memset(&dc, 0, sizeof(dc));
    dc.u.createdomain.ssidref = build;
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    CHECK_EQ(domctl(XEN_DOMCTL_createdomain, 0), 0);
    domid_t id = dc.domain;
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = 4096;
    CHECK_EQ(domctl(XEN_DOMCTL_max_mem, id), 0);
    static uint64_t gfn[2] = {0x40000, 0x40200};
    static struct xen_memory_reservation r;
    r = (struct xen_memory_reservation){
        .extent_start = (uint64_t)(uintptr_t)gfn, .nr_extents = 2, .extent_order = 9, .domid = id};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_populate_physmap, (unsigned long)&r), 2);

    CHECK_EQ(seal(id, "vault", vault), -XEN_EACCES); /* no relabelto vault_t */
    CHECK_EQ(seal(id, "web", web), 0);
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, id), 0);
    CHECK_EQ(dc.u.getdomaininfo.ssidref, web);
    CHECK(build != web);
    memset(&dc, 0, sizeof(dc));
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, id), 0);
    uint64_t end = timer_count() + timer_ticks_from_us(20000000);
    while (domctl(XEN_DOMCTL_getdomaininfo, id) == 0 && timer_count() < end)
        sched_yield();
    printf("[guest] seal: domain %u sealed as web_t ran and is gone\n", id);
}
