/*
 * The dummy XSM module (flask=disabled, scenario hyp-dummy.scenario): Xen's
 * privileged-domain rules, refusals as -EPERM, and no xsm_op at all.
 *
 * role=dom0 (domain 0, the hardware domain): may do what the privileged may (host facts,
 *   another domain's information, pause and unpause, set_target, destroy); makes domain 1 the
 *   device model of domain 2, waits for domain 1 to finish, then destroys domain 2.
 * role=unpriv (domain 1): is refused the console (so it cannot print: its verdict is its
 *   shutdown reason, poweroff when every check held, a crash otherwise), host facts and other
 *   domains; once it is domain 2's device model it may act on domain 2, still not on dom0.
 * role=served (domain 2): yields until it is destroyed.
 */
#include "guest.h"

#define DOM0 0
#define UNPRIV 1
#define SERVED 2

static struct xen_domctl dc;
static struct xen_sysctl sc;
static struct xen_flask_op fop;

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return hypercall1(XEN_HC_domctl, (unsigned long)&dc);
}

static long physinfo(void)
{
    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_physinfo;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(XEN_HC_sysctl, (unsigned long)&sc);
}

static long getenforce(void)
{
    memset(&fop, 0, sizeof(fop));
    fop.cmd = FLASK_GETENFORCE;
    fop.interface_version = XEN_FLASK_INTERFACE_VERSION;
    return hypercall1(XEN_HC_xsm_op, (unsigned long)&fop);
}

static long reservation(domid_t dom)
{
    static domid_t id;
    id = dom;
    return hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (unsigned long)&id);
}

static long alloc_unbound(domid_t dom, domid_t remote)
{
    static struct evtchn_alloc_unbound a;
    a = (struct evtchn_alloc_unbound){.dom = dom, .remote_dom = remote};
    long rc = hypercall2(XEN_HC_event_channel_op, EVTCHNOP_alloc_unbound, (unsigned long)&a);
    return rc ? rc : (long)a.port;
}

static bool gone(domid_t id, uint64_t seconds)
{
    uint64_t end = timer_count() + timer_ticks_from_us(seconds * 1000000);
    while (domctl(XEN_DOMCTL_getdomaininfo, id) == 0 && timer_count() < end)
        sched_yield();
    return domctl(XEN_DOMCTL_getdomaininfo, id) == -XEN_ESRCH;
}

static void role_dom0(void)
{
    CHECK_EQ(getenforce(), -XEN_ENOSYS); /* no FLASK to ask */
    CHECK_EQ(physinfo(), 0);
    CHECK(sc.u.physinfo.nr_cpus >= 1);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, SERVED), 0);
    CHECK_EQ(dc.u.getdomaininfo.domain, SERVED);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, SERVED), 0);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, SERVED), 0);
    CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, SERVED), 0);
    CHECK(reservation(UNPRIV) > 0);
    memset(&dc, 0, sizeof(dc));
    dc.u.set_target.target = SERVED;
    CHECK_EQ(domctl(XEN_DOMCTL_set_target, UNPRIV), 0);
    printf("[guest] dummy: domain %u serves domain %u\n", UNPRIV, SERVED);
    CHECK_MSG(gone(UNPRIV, 60), "domain %u did not finish", UNPRIV);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, SERVED), 0);
    CHECK_MSG(gone(SERVED, 20), "domain %u was not destroyed", SERVED);
    printf("[guest] dummy: the privileged domain's calls all worked\n");
}

static void role_unpriv(void)
{
    CHECK_EQ(xen_console_write("x", 1), -XEN_EPERM);
    CHECK_EQ(physinfo(), -XEN_EPERM);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, DOM0), -XEN_EPERM);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, SERVED), -XEN_EPERM);
    CHECK_EQ(getenforce(), -XEN_ENOSYS);
    CHECK(hypercall2(XEN_HC_xen_version, XENVER_version, 0) > 0); /* anyone may */
    CHECK(reservation(DOMID_SELF) > 0);                           /* itself */
    CHECK_EQ(reservation(DOM0), -XEN_EPERM);
    CHECK_EQ(alloc_unbound(DOM0, UNPRIV), -XEN_EPERM);
    CHECK(alloc_unbound(DOMID_SELF, DOM0) > 0);

    /* dom0 makes this domain domain 2's device model: then it may act on domain 2. */
    uint64_t end = timer_count() + timer_ticks_from_us(30000000);
    long pages;
    while ((pages = reservation(SERVED)) == -XEN_EPERM && timer_count() < end)
        sched_yield();
    CHECK(pages > 0);
    CHECK(alloc_unbound(SERVED, UNPRIV) > 0);
    CHECK_EQ(reservation(DOM0), -XEN_EPERM);                      /* and still on nobody else */
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, SERVED), -XEN_EPERM); /* privileged only */
}

GUEST_TEST_XEN(dummy_module_rules)
{
    if (guest_bootarg_is("role", "dom0")) {
        role_dom0();
    } else if (guest_bootarg_is("role", "unpriv")) {
        role_unpriv();
    } else if (guest_bootarg_is("role", "served")) {
        for (;;)
            sched_yield();
    } else {
        CHECK_MSG(false, "no role= in the boot arguments");
    }
}
