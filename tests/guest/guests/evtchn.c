/*
 * Event channels between domains (issue 4, scenarios 2 and 5; policy
 * tests/policy/policies/evtchn.conf, scenario hyp-evtchn.scenario).
 *
 * role=a (domain 1): maps its shared_info page over a page of its RAM (the pages around it
 *   keep their contents: the 2 MiB block there was split), offers port 1 to domain 2 and
 *   port 2 to domain 3, waits for domain 2's event, answers on port 1, and reads the
 *   channel's status.
 * role=b (domain 2): maps its shared_info, moves its vcpu_info into a page of its own
 *   (VCPUOP_register_vcpu_info), binds to domain 1's port 1, is notified at once (events sent
 *   before the bind are not lost), sends, and waits for the answer.
 * role=mute (domain 3): the policy lets domain 1 offer it a channel but not bind to it; it
 *   also may not read or reset domain 1's channels: -EACCES and one AVC line each.
 *
 * Upcalls arrive on PPI 31 with the 2-level ABI: the handler clears evtchn_upcall_pending,
 * takes the selector word, and collects the pending ports it names.
 */
#include "guest.h"

#define UPCALL_PPI 31

static uint8_t pages[3][4096] __attribute__((aligned(4096)));
static uint8_t vcpu_info_page[4096] __attribute__((aligned(4096)));
static struct shared_info *shared;
static struct vcpu_info *volatile my_vcpu_info; /* NULL: shared_info's slot for vCPU 0 */
static volatile uint64_t seen_ports;            /* ports 0..63 the upcall handler found pending */

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_event_channel_op, cmd, (unsigned long)arg);
}

static void upcall(unsigned int intid)
{
    (void)intid;
    struct vcpu_info *vi = my_vcpu_info ? my_vcpu_info : &shared->vcpu_info[0];
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (sel & 1) {
        uint64_t pending = shared->evtchn_pending[0] & ~shared->evtchn_mask[0];
        __atomic_fetch_and(&shared->evtchn_pending[0], ~pending, __ATOMIC_SEQ_CST);
        seen_ports |= pending;
    }
}

/* Maps shared_info over pages[1]; pages[0] and pages[2] must keep their bytes. */
static void map_shared_info(void)
{
    for (unsigned int i = 0; i < 4096; i++) {
        pages[0][i] = (uint8_t)(i * 7 + 1);
        pages[1][i] = 0xa5;
        pages[2][i] = (uint8_t)(i * 13 + 5);
    }
    static struct xen_add_to_physmap x;
    x = (struct xen_add_to_physmap){.domid = DOMID_SELF,
                                    .space = XENMAPSPACE_shared_info,
                                    .idx = 0,
                                    .gpfn = (uint64_t)(uintptr_t)pages[1] >> 12};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x), 0);
    shared = (struct shared_info *)pages[1];
    for (unsigned int i = 0; i < 4096; i++) {
        CHECK_MSG(pages[0][i] == (uint8_t)(i * 7 + 1), "page below changed at %u", i);
        CHECK_MSG(pages[2][i] == (uint8_t)(i * 13 + 5), "page above changed at %u", i);
    }
    CHECK_MSG(pages[1][100] != 0xa5, "shared_info is not where it was mapped");
    /* Garbage is refused without harm. */
    x.gpfn = 1ull << 40;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x), -XEN_EINVAL);
    x.gpfn = (uint64_t)(uintptr_t)pages[1] >> 12;
    x.space = 77;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x),
             -XEN_EOPNOTSUPP);
    CHECK(gic_init());
    CHECK_EQ(guest_irq_register(UPCALL_PPI, upcall), 0);
    CHECK(gic_irq_enable(UPCALL_PPI));
}

/* Waits until the upcall handler has seen `port` pending. */
static bool wait_for_port(evtchn_port_t port, uint64_t timeout_us)
{
    uint64_t end = timer_count() + timer_ticks_from_us(timeout_us);
    while (!(seen_ports & (1ull << port)) && timer_count() < end)
        guest_irq_poll_count(UPCALL_PPI, guest_irq_count(0, UPCALL_PPI) + 1, 1000);
    return seen_ports & (1ull << port);
}

static long bind_retrying(domid_t dom, evtchn_port_t port, evtchn_port_t *local)
{
    static struct evtchn_bind_interdomain b;
    long result = -XEN_EINVAL;
    for (unsigned int tries = 0; tries < 5000 && result == -XEN_EINVAL; tries++) {
        b = (struct evtchn_bind_interdomain){.remote_dom = dom, .remote_port = port};
        result = evtchn_op(EVTCHNOP_bind_interdomain, &b);
        if (result == -XEN_EINVAL)
            timer_delay_us(1000);
    }
    *local = b.local_port;
    return result;
}

static void role_a(void)
{
    static struct evtchn_alloc_unbound a;
    static struct evtchn_send s;
    static struct evtchn_status st;
    map_shared_info();
    a = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = 2};
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
    CHECK_EQ(a.port, 1);
    a = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = 3};
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
    CHECK_EQ(a.port, 2);
    a = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = 0x7777};
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), -XEN_ESRCH);
    CHECK_MSG(wait_for_port(1, 20000000), "no event from domain 2 on port 1");
    printf("[guest] evtchn: event from domain 2 on port 1\n");
    s.port = 1;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    st = (struct evtchn_status){.dom = DOMID_SELF, .port = 1};
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 2);
    /* Bad ports are refused. */
    s.port = 5000;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    s.port = 900;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    /* Stay until domain 3 has tried its attacks on port 2 (it binds, fails, and leaves). */
    timer_delay_us(2000000);
}

static long vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall3(XEN_HC_vcpu_op, cmd, vcpu, (unsigned long)arg);
}

/*
 * Moves vCPU 0's vcpu_info to offset 64 of its own page (Linux does this for every vCPU);
 * bad placements are refused first, and a second registration too.
 */
static void register_vcpu_info(void)
{
    static struct vcpu_register_vcpu_info r;
    uint64_t gfn = (uint64_t)(uintptr_t)vcpu_info_page >> 12;
    r = (struct vcpu_register_vcpu_info){.mfn = gfn, .offset = 4090};
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL); /* crosses the page */
    r = (struct vcpu_register_vcpu_info){.mfn = 1ull << 40, .offset = 64};
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL); /* not its RAM */
    r = (struct vcpu_register_vcpu_info){.mfn = gfn, .offset = 64};
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 7, &r), -XEN_ENOENT); /* no such vCPU */
    memset(vcpu_info_page, 0xee, sizeof(vcpu_info_page));
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0);
    my_vcpu_info = (struct vcpu_info *)(vcpu_info_page + 64);
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL); /* only once */
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 7, NULL), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_up, 0, NULL), -XEN_EINVAL);   /* Arm: PSCI does this */
    CHECK_EQ(vcpu_op(VCPUOP_down, 0, NULL), -XEN_EINVAL); /* ... and this */
}

static void role_b(void)
{
    static struct evtchn_send s;
    evtchn_port_t local = 0;
    map_shared_info();
    register_vcpu_info();
    CHECK_EQ(bind_retrying(1, 1, &local), 0);
    CHECK(local >= 1);
    CHECK_MSG(wait_for_port(local, 5000000), "no notification right after the bind");
    seen_ports = 0;
    /*
     * The port is masked while waiting for the answer: SCHEDOP_poll still wakes on it, the
     * pending bit is set but no upcall comes; EVTCHNOP_unmask then delivers the upcall.
     */
    __atomic_fetch_or(&shared->evtchn_mask[0], 1ull << local, __ATOMIC_SEQ_CST);
    s.port = local;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    static uint32_t poll_ports[1];
    static struct sched_poll p;
    poll_ports[0] = local;
    p = (struct sched_poll){.ports = (uint64_t)(uintptr_t)poll_ports, .nr_ports = 1};
    uint64_t end = timer_count() + timer_ticks_from_us(20000000);
    while (!(__atomic_load_n(&shared->evtchn_pending[0], __ATOMIC_SEQ_CST) & (1ull << local)) &&
           timer_count() < end)
        CHECK_EQ(hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (unsigned long)&p), 0);
    CHECK_MSG(shared->evtchn_pending[0] & (1ull << local), "poll: no answer on port %u", local);
    CHECK_EQ(seen_ports, 0); /* masked: no upcall */
    static struct evtchn_unmask um;
    um.port = local;
    CHECK_EQ(evtchn_op(EVTCHNOP_unmask, &um), 0);
    CHECK_MSG(wait_for_port(local, 5000000), "unmask delivered no upcall on port %u", local);
    /*
     * The handler reads only the registered vcpu_info: had the hypervisor gone on signalling
     * through shared_info's slot, no port would have been seen. The bytes around it stay.
     */
    CHECK_EQ(vcpu_info_page[0], 0xee);
    CHECK_EQ(vcpu_info_page[4095], 0xee);
    printf("[guest] evtchn: answer from domain 1 on local port %u, through its own vcpu_info\n",
           local);
}

/* bootargs permissive=1: FLASK logs the denials but lets the calls through (scenario 3). */
static bool permissive(void)
{
    uint64_t value;
    return guest_bootarg_u64("permissive", 0, &value) && value == 1;
}

static void role_mute(void)
{
    static struct evtchn_status st;
    static struct evtchn_reset r;
    evtchn_port_t local = 0xa5a5;
    bool allowed = permissive();
    /* Port 1 is domain 2's: not offered to this domain (not a policy matter). */
    static struct evtchn_bind_interdomain b = {.remote_dom = 1, .remote_port = 1};
    CHECK(gic_init());
    CHECK_EQ(bind_retrying(1, 2, &local), allowed ? 0 : -XEN_EACCES);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
    st = (struct evtchn_status){.dom = 1, .port = 1, .status = 0xa5a5};
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), allowed ? 0 : -XEN_EACCES);
    if (allowed) /* domain 2 may or may not have bound it yet */
        CHECK(st.status == EVTCHNSTAT_interdomain || st.status == EVTCHNSTAT_unbound);
    else
        CHECK_EQ(st.status, 0xa5a5);
    if (allowed) {
        /* Bound: the channel is domain 1's port 2 and this domain's `local`. */
        st = (struct evtchn_status){.dom = DOMID_SELF, .port = local};
        CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
        CHECK_EQ(st.u.interdomain.dom, 1);
        return; /* a reset of domain 1 would close its channels: not tried here */
    }
    r.dom = 1;
    CHECK_EQ(evtchn_op(EVTCHNOP_reset, &r), -XEN_EACCES);
}

GUEST_TEST_XEN(event_channels)
{
    if (guest_bootarg_is("role", "a"))
        role_a();
    else if (guest_bootarg_is("role", "b"))
        role_b();
    else if (guest_bootarg_is("role", "mute"))
        role_mute();
    else
        CHECK_MSG(false, "role=a, b or mute");
}
