/*
 * Grant tables between domains (issue 4, scenarios 2 and 5; policy
 * tests/policy/policies/grant.conf, scenario hyp-grant.scenario).
 *
 * role=a (domain 1): maps grant frame 0 of its table into its RAM, grants page P to domain 2
 *   writable (ref 1), page Q read-only (ref 2), and page R to domain 3 (ref 3); waits until
 *   domain 2 has written into P through its mapping and then by copy, and until the
 *   "in use" flags the hypervisor sets while P is mapped are clear again.
 * role=b (domain 2): maps P and Q, reads A's bytes, writes P, cannot write Q (data abort) and
 *   cannot map it writable; copies out of and into P; unmaps; garbage is refused.
 * role=mute (domain 3): may neither map nor copy its grant: GNTST_permission_denied and one
 *   AVC line each; nor can it map domain 2's grant (not granted to it).
 */
#include "guest.h"

#define MAP_BASE 0x60000000ull /* unused guest-physical addresses for mappings */

static uint8_t frame[4096] __attribute__((aligned(4096)));
static uint8_t page_p[4096] __attribute__((aligned(4096)));
static uint8_t page_q[4096] __attribute__((aligned(4096)));
static uint8_t page_r[4096] __attribute__((aligned(4096)));

static long grant_op(unsigned int cmd, void *arg, unsigned int count)
{
    return hypercall3(XEN_HC_grant_table_op, cmd, (unsigned long)arg, count);
}

static void grant(grant_ref_t ref, domid_t to, const void *page, bool readonly)
{
    struct grant_entry_v1 *e = (struct grant_entry_v1 *)frame + ref;
    e->domid = to;
    e->frame = (uint32_t)((uintptr_t)page >> 12);
    __atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_SEQ_CST);
}

static uint16_t entry_flags(grant_ref_t ref)
{
    return __atomic_load_n(&((struct grant_entry_v1 *)frame)[ref].flags, __ATOMIC_SEQ_CST);
}

static bool wait_until(bool (*done)(void), uint64_t timeout_us)
{
    uint64_t end = timer_count() + timer_ticks_from_us(timeout_us);
    while (!done() && timer_count() < end)
        sched_yield();
    return done();
}

static bool p_written(void)
{
    return !memcmp(page_p, "B was here", 10);
}

static bool p_copied(void)
{
    return !memcmp(page_p + 100, "copied by B", 11);
}

static bool p_unmapped(void)
{
    return !(entry_flags(1) & (GTF_reading | GTF_writing));
}

static void role_a(void)
{
    static struct xen_add_to_physmap x;
    x = (struct xen_add_to_physmap){.domid = DOMID_SELF,
                                    .space = XENMAPSPACE_grant_table,
                                    .idx = 0,
                                    .gpfn = (uint64_t)(uintptr_t)frame >> 12};
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x), 0);
    x.idx = 99;
    CHECK_EQ(hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&x), -XEN_EINVAL);
    memcpy(page_p, "hello from A", 13);
    memcpy(page_q, "read-only Q", 12);
    memcpy(page_r, "for domain 3", 13);
    grant(1, 2, page_p, false);
    grant(2, 2, page_q, true);
    grant(3, 3, page_r, false);
    CHECK_MSG(wait_until(p_written, 20000000), "domain 2 never wrote page P");
    printf("[guest] grant: domain 2 wrote through its mapping\n");
    CHECK_MSG(wait_until(p_copied, 20000000), "domain 2 never copied into page P");
    CHECK_MSG(wait_until(p_unmapped, 20000000), "page P still marked mapped");
    CHECK(!memcmp(page_q, "read-only Q", 12));
    printf("[guest] grant: domain 2 copied into page P and unmapped it\n");
    timer_delay_us(1000000); /* domain 3's attempts */
}

static void read_at(void *address)
{
    (void)*(volatile uint32_t *)address;
}

static void write_q(void *address)
{
    *(volatile uint32_t *)address = 0x51515151;
}

static void role_b(void)
{
    static struct gnttab_map_grant_ref m[2];
    static struct gnttab_unmap_grant_ref u[2];
    static struct gnttab_copy c;
    static uint8_t local[64];
    uint8_t *p = (uint8_t *)(uintptr_t)MAP_BASE, *q = (uint8_t *)(uintptr_t)(MAP_BASE + 0x1000);
    for (unsigned int tries = 0; tries < 5000; tries++) {
        m[0] = (struct gnttab_map_grant_ref){
            .host_addr = MAP_BASE, .flags = GNTMAP_host_map, .ref = 1, .dom = 1};
        m[1] = (struct gnttab_map_grant_ref){.host_addr = MAP_BASE + 0x1000,
                                             .flags = GNTMAP_host_map | GNTMAP_readonly,
                                             .ref = 2,
                                             .dom = 1};
        CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, m, 2), 0);
        if (m[0].status == GNTST_okay && m[1].status == GNTST_okay)
            break;
        if (m[0].status == GNTST_okay) { /* granted only in part so far: start again */
            u[0] = (struct gnttab_unmap_grant_ref){.host_addr = MAP_BASE, .handle = m[0].handle};
            CHECK_EQ(grant_op(GNTTABOP_unmap_grant_ref, u, 1), 0);
        }
        timer_delay_us(1000);
    }
    CHECK_EQ(m[0].status, GNTST_okay);
    CHECK_EQ(m[1].status, GNTST_okay);
    CHECK(!memcmp(p, "hello from A", 13));
    /* A's page, mapped here, is not B's RAM: no vcpu_info or run-state copy may go there. */
    static struct vcpu_register_vcpu_info vi;
    static struct vcpu_register_runstate_memory_area rs;
    vi = (struct vcpu_register_vcpu_info){.mfn = MAP_BASE >> 12, .offset = 64};
    CHECK_EQ(hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (unsigned long)&vi),
             -XEN_EINVAL);
    rs = (struct vcpu_register_runstate_memory_area){.addr = MAP_BASE + 64};
    CHECK_EQ(
        hypercall3(XEN_HC_vcpu_op, VCPUOP_register_runstate_memory_area, 0, (unsigned long)&rs),
        -XEN_EINVAL);
    CHECK(!memcmp(q, "read-only Q", 12));
    expect_data_abort(write_q, MAP_BASE + 0x1000, true);
    /* Q may not be mapped writable: the grant says read-only (not a policy matter). */
    static struct gnttab_map_grant_ref w;
    w = (struct gnttab_map_grant_ref){
        .host_addr = MAP_BASE + 0x2000, .flags = GNTMAP_host_map, .ref = 2, .dom = 1};
    CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &w, 1), 0);
    CHECK_EQ(w.status, GNTST_permission_denied);
    /* Garbage: a ref beyond the table, an unknown domain, an unaligned address, a bad handle. */
    w = (struct gnttab_map_grant_ref){
        .host_addr = MAP_BASE + 0x2000, .flags = GNTMAP_host_map, .ref = 100000, .dom = 1};
    CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &w, 1), 0);
    CHECK_EQ(w.status, GNTST_bad_gntref);
    w.ref = 1;
    w.dom = 0x7777;
    CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &w, 1), 0);
    CHECK_EQ(w.status, GNTST_bad_domain);
    w.dom = 1;
    w.host_addr = MAP_BASE + 0x2004;
    CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &w, 1), 0);
    CHECK_EQ(w.status, GNTST_bad_virt_addr);
    CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, (void *)(uintptr_t)guest_unmapped_address(), 1),
             -XEN_EFAULT);
    u[0] = (struct gnttab_unmap_grant_ref){.handle = 9999};
    CHECK_EQ(grant_op(GNTTABOP_unmap_grant_ref, u, 1), 0);
    CHECK_EQ(u[0].status, GNTST_bad_handle);
    /* Copy out of P, then into it. */
    c = (struct gnttab_copy){.source = {.u.ref = 1, .domid = 1, .offset = 6},
                             .dest = {.u.gmfn = (uint64_t)(uintptr_t)local >> 12,
                                      .domid = DOMID_SELF,
                                      .offset = (uint16_t)((uintptr_t)local & 0xfff)},
                             .len = 4,
                             .flags = GNTCOPY_source_gref};
    CHECK_EQ(grant_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_okay);
    CHECK(!memcmp(local, "from", 4));
    memcpy(local, "copied by B", 11);
    c = (struct gnttab_copy){.source = {.u.gmfn = (uint64_t)(uintptr_t)local >> 12,
                                        .domid = DOMID_SELF,
                                        .offset = (uint16_t)((uintptr_t)local & 0xfff)},
                             .dest = {.u.ref = 1, .domid = 1, .offset = 100},
                             .len = 11,
                             .flags = GNTCOPY_dest_gref};
    CHECK_EQ(grant_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_okay);
    c.dest.offset = 4090; /* crosses the page */
    CHECK_EQ(grant_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_bad_copy_arg);
    memcpy(p, "B was here", 10);
    u[0] = (struct gnttab_unmap_grant_ref){.host_addr = MAP_BASE, .handle = m[0].handle};
    u[1] = (struct gnttab_unmap_grant_ref){.host_addr = MAP_BASE + 0x1000, .handle = m[1].handle};
    CHECK_EQ(grant_op(GNTTABOP_unmap_grant_ref, u, 2), 0);
    CHECK_EQ(u[0].status, GNTST_okay);
    CHECK_EQ(u[1].status, GNTST_okay);
    expect_data_abort(read_at, MAP_BASE, false); /* unmapped: a hole now */
    printf("[guest] grant: mapped, wrote, copied and unmapped domain 1's pages\n");
}

/* bootargs permissive=1: FLASK logs the denials but lets the calls through (scenario 3). */
static bool permissive(void)
{
    uint64_t value;
    return guest_bootarg_u64("permissive", 0, &value) && value == 1;
}

static void role_mute(void)
{
    static struct gnttab_map_grant_ref m;
    static struct gnttab_unmap_grant_ref u;
    static struct gnttab_copy c;
    static uint8_t local[64];
    bool allowed = permissive();
    int16_t want = allowed ? GNTST_okay : GNTST_permission_denied;
    for (unsigned int tries = 0; tries < 5000; tries++) { /* until domain 1 has granted it */
        m = (struct gnttab_map_grant_ref){
            .host_addr = MAP_BASE, .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 3, .dom = 1};
        CHECK_EQ(grant_op(GNTTABOP_map_grant_ref, &m, 1), 0);
        if (m.status != GNTST_bad_gntref && !(allowed && m.status == GNTST_permission_denied))
            break;
        timer_delay_us(1000);
    }
    CHECK_EQ(m.status, want);
    if (allowed) {
        CHECK(!memcmp((const void *)(uintptr_t)MAP_BASE, "for domain 3", 13));
        u = (struct gnttab_unmap_grant_ref){.host_addr = MAP_BASE, .handle = m.handle};
        CHECK_EQ(grant_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_okay);
    }
    expect_data_abort(read_at, MAP_BASE, false);
    c = (struct gnttab_copy){.source = {.u.ref = 3, .domid = 1},
                             .dest = {.u.gmfn = (uint64_t)(uintptr_t)local >> 12,
                                      .domid = DOMID_SELF,
                                      .offset = (uint16_t)((uintptr_t)local & 0xfff)},
                             .len = 8,
                             .flags = GNTCOPY_source_gref};
    CHECK_EQ(grant_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, want);
    if (allowed)
        CHECK(!memcmp(local, "for doma", 8));
}

GUEST_TEST_XEN(grant_tables)
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
