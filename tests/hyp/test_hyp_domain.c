/*
 * Host tests of domains and the scheduler (xen/common/domain.c, sched.c) on the fake
 * architecture: argument checks, RAM extents and their stage-2 mappings, labels before
 * start, the run queue, blocking and waking, PSCI-style start/stop, the switch on exit, and
 * destruction returning every page (with the power-off when the last domain is gone).
 *
 * The fake arch records what domain.c and sched.c ask of it. arch_vcpu_enter and
 * arch_idle_wait leave sched_run through longjmp, so one pass of the scheduler loop can be
 * observed: which vCPU it would enter, or that it went idle.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>

#include "fake_arch.h"
#include "unit.h"

#define RAM_SIZE MIB(32)
#define RAM_PAGES (RAM_SIZE >> PAGE_SHIFT)

/* ---------------------------------------------------------------- the fake arch */

struct mapping {
    struct domain *d;
    uint64_t gpa;
    paddr_t pa;
    uint64_t size;
};

static struct mapping maps[256];
static unsigned nr_maps;
static int domains_inited, domains_destroyed, reschedules, saves;
static int fail_domain_init; /* arch_domain_init returns this when non-zero */
static bool pending_irq;
static struct vcpu *entered;
static jmp_buf sched_jump;

int arch_domain_init(struct domain *d)
{
    (void)d;
    if (fail_domain_init)
        return fail_domain_init;
    domains_inited++;
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < nr_maps; i++)
        if (maps[i].d != d)
            maps[kept++] = maps[i];
    nr_maps = kept;
    domains_destroyed++;
}

int arch_domain_map_ram(struct domain *d, uint64_t gpa, paddr_t pa, uint64_t size)
{
    if (nr_maps == 256)
        return -ENOMEM;
    maps[nr_maps++] = (struct mapping){d, gpa, pa, size};
    return 0;
}

int arch_domain_translate(struct domain *d, uint64_t gpa, bool write, paddr_t *pa)
{
    (void)write;
    for (unsigned i = 0; i < nr_maps; i++)
        if (maps[i].d == d && gpa >= maps[i].gpa && gpa - maps[i].gpa < maps[i].size) {
            *pa = maps[i].pa + (gpa - maps[i].gpa);
            return 0;
        }
    return -ENOENT;
}

/* Unmapping the last page of a mapping drops the mapping (the tests unmap whole extents). */
int arch_domain_clear_page(struct domain *d, uint64_t gpa, paddr_t *old_pa)
{
    (void)old_pa;
    for (unsigned i = 0; i < nr_maps; i++)
        if (maps[i].d == d && gpa + PAGE_SIZE == maps[i].gpa + maps[i].size) {
            maps[i] = maps[--nr_maps];
            break;
        }
    return 0;
}

void arch_vcpu_init(struct vcpu *v)
{
    memset(&v->arch, 0, sizeof(v->arch));
}

void arch_vcpu_set_entry(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    v->arch.regs.elr = entry;
    v->arch.regs.x[0] = arg;
}

void arch_dcache_clean(const void *start, size_t len)
{
    (void)start;
    (void)len;
}

void arch_vcpu_enter(struct vcpu *v)
{
    entered = v;
    longjmp(sched_jump, 1);
}

void arch_vcpu_save(struct vcpu *v)
{
    (void)v;
    saves++;
}

bool arch_vcpu_has_pending_irq(struct vcpu *v)
{
    (void)v;
    return pending_irq;
}

void arch_idle_wait(void)
{
    entered = NULL;
    longjmp(sched_jump, 1);
}

void arch_timer_set(uint64_t deadline_ns)
{
    (void)deadline_ns;
}

void arch_send_reschedule(unsigned cpu)
{
    (void)cpu;
    reschedules++;
}

/* xen/common/string.c's strlcpy (the host C library of Debian 12 has none). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/* One pass of the scheduler loop: the vCPU it enters, or NULL when it goes idle. */
static struct vcpu *schedule_once(void)
{
    if (setjmp(sched_jump) == 0)
        sched_run();
    return entered;
}

/* The vCPU running on the CPU leaves through an exit (sched_exit_check); returns what runs next. */
static struct vcpu *exit_and_schedule(struct vcpu *v)
{
    if (setjmp(sched_jump) == 0) {
        sched_exit_check(v);
        return v; /* it stayed */
    }
    return entered;
}

/* ---------------------------------------------------------------- fixture */

static struct page_alloc pa;
static struct page_meta *meta;

/* Hypervisor lines on stderr, for a failing test's context (FATAL lines above all). */
static void to_stderr(const char *text, size_t len)
{
    fwrite(text, 1, len, stderr);
}

static const struct console_driver stderr_driver = {"stderr", to_stderr};

static void setup(struct unit *u)
{
    struct memrange_set ram;

    console_register(&stderr_driver);
    fake_ram_init(RAM_SIZE);
    memrange_init(&ram);
    UNIT_CHECK_EQ(u, memrange_add(&ram, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    free(meta);
    meta = calloc(RAM_PAGES, sizeof(*meta));
    UNIT_CHECK_EQ(u, page_alloc_init(&pa, &ram, meta, RAM_PAGES), 0);
    UNIT_CHECK_EQ(u, page_alloc_add_free(&pa, FAKE_RAM_BASE, FAKE_RAM_BASE + RAM_SIZE), 0);
    page_alloc_set_global(&pa);
    nr_maps = 0;
    domains_inited = domains_destroyed = reschedules = saves = fail_domain_init = 0;
    pending_irq = false;
    fake_power_offs = 0;
    fake_time_ns = 1000;
}

/* Destroys d as the scheduler would, catching the power-off of the last domain. */
static int destroy(struct domain *d)
{
    jmp_buf jump;
    int before = fake_power_offs;

    fake_power_off_jump = &jump;
    if (setjmp(jump) == 0)
        domain_destroy(d);
    fake_power_off_jump = NULL;
    return fake_power_offs - before;
}

/*
 * Shuts d down and gets it destroyed the way the hypervisor does: its vCPUs leave their CPU
 * at their next exit, and the scheduler loop (or, here, the test) destroys it. Returns the
 * power-offs that happened, or -100 if d still exists afterwards.
 */
static int shutdown_and_destroy(struct domain *d)
{
    jmp_buf jump;
    domid_t id = d->id;
    int before = fake_power_offs;

    fake_power_off_jump = &jump;
    if (setjmp(jump) == 0) {
        domain_shutdown(d, 0);
        for (unsigned i = 0; i < d->nr_vcpus; i++)
            if (d->vcpus[i]->pcpu >= 0)
                exit_and_schedule(d->vcpus[i]); /* may destroy d from the scheduler loop */
        if (domain_by_id(id) && domain_claim_finished() == d)
            domain_destroy(d);
    }
    fake_power_off_jump = NULL;
    return domain_by_id(id) ? -100 : fake_power_offs - before;
}

/* Event channels have their own test (test_hyp_evtchn): here only their bookkeeping. */
static int evtchn_inits, evtchn_destroys;

int evtchn_domain_init(struct domain *d)
{
    (void)d;
    evtchn_inits++;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    (void)d;
    evtchn_destroys++;
}

/* FLASK's own heap: nothing in these tests. */
uint64_t xsm_memory_pages(void)
{
    return 0;
}

/* Grant tables too (their pins are tested by hyp-grant): a pin count set by the test. */
static unsigned fake_pins;

int gnttab_domain_init(struct domain *d)
{
    (void)d;
    return 0;
}

void gnttab_release_mappings(struct domain *d)
{
    (void)d;
}

unsigned gnttab_pins(const struct domain *d)
{
    (void)d;
    return fake_pins;
}

void gnttab_domain_destroy(struct domain *d)
{
    (void)d;
}

/* ---------------------------------------------------------------- tests */

static void test_create_checks(struct unit *u)
{
    struct domain *d = NULL, *e = NULL;
    uint64_t free_before;

    setup(u);
    free_before = page_alloc_free_count(&pa);
    UNIT_CHECK_EQ(u, domain_create(1, "d", 0, &d), -EINVAL);
    UNIT_CHECK_EQ(u, domain_create(1, "d", DOMAIN_MAX_VCPUS + 1, &d), -EINVAL);
    UNIT_CHECK_EQ(u, domain_create(DOMID_FIRST_RESERVED, "d", 1, &d), -EINVAL);
    fail_domain_init = -ENOMEM;
    UNIT_CHECK_EQ(u, domain_create(1, "d", 2, &d), -ENOMEM);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before); /* nothing left behind */
    fail_domain_init = 0;
    UNIT_CHECK_EQ(u, domain_create(1, "first", 3, &d), 0);
    UNIT_CHECK_EQ(u, domain_create(1, "again", 1, &e), -EEXIST);
    UNIT_CHECK(u, domain_by_id(1) == d);
    UNIT_CHECK(u, domain_by_id(2) == NULL);
    UNIT_CHECK_EQ(u, d->nr_vcpus, 3);
    UNIT_CHECK_EQ(u, d->vcpus[2]->mpidr, 2);
    UNIT_CHECK(u, domain_vcpu_by_mpidr(d, 1) == d->vcpus[1]);
    UNIT_CHECK(u, domain_vcpu_by_mpidr(d, 3) == NULL);
    UNIT_CHECK_EQ(u, d->vcpus[0]->state, VCPU_OFFLINE);
    UNIT_CHECK_EQ(u, destroy(d), 0); /* never started: no power-off */
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before);
    UNIT_CHECK(u, domain_by_id(1) == NULL);
}

static void test_ram_extents(struct unit *u)
{
    struct domain *d;
    uint64_t free_before, mapped = 0, next_gpa = 0x40000000;
    static const char text[] = "kernel bytes";

    setup(u);
    free_before = page_alloc_free_count(&pa);
    UNIT_CHECK_EQ(u, domain_create(2, "ram", 1, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000001, MIB(3)), -EINVAL);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, MIB(3) + 5), 0);
    UNIT_CHECK_EQ(u, d->ram_size, MIB(3) + PAGE_SIZE);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x50000000, MIB(1)), -EINVAL); /* only once */
    /* Extents one after the other, largest first, each naturally aligned, each mapped. */
    for (unsigned i = 0; i < nr_maps; i++) {
        UNIT_CHECK(u, maps[i].gpa == next_gpa);
        UNIT_CHECK(u, IS_ALIGNED(maps[i].pa, maps[i].size));
        UNIT_CHECK(u, IS_ALIGNED(maps[i].gpa, maps[i].size));
        UNIT_CHECK(u, i == 0 || maps[i].size <= maps[i - 1].size);
        next_gpa += maps[i].size;
        mapped += maps[i].size;
    }
    UNIT_CHECK_EQ(u, mapped, d->ram_size);
    UNIT_CHECK_EQ(u, domain_copy_to_ram(d, 0x40000000 + MIB(2) - 4, text, sizeof(text)), 0);
    UNIT_CHECK_EQ(u, domain_copy_to_ram(d, 0x40000000 + d->ram_size - 4, text, sizeof(text)),
                  -EINVAL);
    UNIT_CHECK_EQ(u, domain_copy_to_ram(d, 0x3ffffffc, text, sizeof(text)), -EINVAL);
    UNIT_CHECK_EQ(u, domain_copy_to_ram(d, UINT64_MAX - 2, text, sizeof(text)), -EINVAL);
    UNIT_CHECK_EQ(u, destroy(d), 0);
    UNIT_CHECK_EQ(u, nr_maps, 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before);
}

static void test_ram_exhaustion_leaves_nothing(struct unit *u)
{
    struct domain *d;
    uint64_t free_before;

    setup(u);
    free_before = page_alloc_free_count(&pa);
    UNIT_CHECK_EQ(u, domain_create(3, "big", 1, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, RAM_SIZE), -ENOMEM);
    UNIT_CHECK_EQ(u, destroy(d), 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before);
}

static void test_label_before_start(struct unit *u)
{
    struct domain *d;

    setup(u);
    UNIT_CHECK_EQ(u, domain_create(4, "label", 2, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, MIB(2)), 0);
    UNIT_CHECK_EQ(u, domain_start(d, 0x40000000, 0x40200000), -EACCES);
    UNIT_CHECK_EQ(u, d->state, DOMAIN_BUILDING);
    UNIT_CHECK(u, schedule_once() == NULL); /* nothing may run */
    d->sid = 12;
    UNIT_CHECK_EQ(u, domain_start(d, 0x40000000, 0x40200000), 0);
    UNIT_CHECK_EQ(u, domain_start(d, 0x40000000, 0x40200000), -EINVAL);
    UNIT_CHECK(u, schedule_once() == d->vcpus[0]);
    UNIT_CHECK_EQ(u, d->vcpus[0]->arch.regs.x[0], 0x40200000);
    UNIT_CHECK(u, current_vcpu() == d->vcpus[0]);
    UNIT_CHECK_EQ(u, shutdown_and_destroy(d) >= 0, 1);
}

static void test_block_wake_and_slices(struct unit *u)
{
    struct domain *d;
    struct vcpu *v0, *v1;

    setup(u);
    UNIT_CHECK_EQ(u, domain_create(5, "sched", 2, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, MIB(2)), 0);
    d->sid = 12;
    UNIT_CHECK_EQ(u, domain_start(d, 0x40000000, 0), 0);
    v0 = d->vcpus[0];
    v1 = d->vcpus[1];
    UNIT_CHECK(u, schedule_once() == v0);
    /* CPU_ON of a running vCPU is refused; of an offline one accepted. */
    UNIT_CHECK_EQ(u, sched_vcpu_start(v0, 0x40001000, 7), -EBUSY);
    UNIT_CHECK(u, sched_vcpu_is_off(v1));
    UNIT_CHECK_EQ(u, sched_vcpu_start(v1, 0x40001000, 7), 0);
    UNIT_CHECK(u, !sched_vcpu_is_off(v1));
    UNIT_CHECK_EQ(u, sched_vcpu_start(v1, 0x40001000, 7), -EBUSY);
    /* Within its slice v0 keeps the CPU; after the slice v1 gets it. */
    UNIT_CHECK(u, exit_and_schedule(v0) == v0);
    fake_time_ns += SCHED_SLICE_NS + 1;
    sched_timer_interrupt();
    UNIT_CHECK(u, exit_and_schedule(v0) == v1);
    UNIT_CHECK_EQ(u, v0->state, VCPU_RUNNABLE);
    UNIT_CHECK_EQ(u, v1->arch.regs.x[0], 7);
    /* v1 blocks (WFI with nothing pending): v0 runs again. */
    sched_vcpu_block(v1, 0);
    UNIT_CHECK_EQ(u, v1->state, VCPU_BLOCKED);
    UNIT_CHECK(u, exit_and_schedule(v1) == v0);
    /* A kick wakes it. */
    sched_vcpu_kick(v1);
    UNIT_CHECK_EQ(u, v1->state, VCPU_RUNNABLE);
    /* A block with an interrupt already pending returns at once. */
    sched_vcpu_yield(v0);
    UNIT_CHECK(u, exit_and_schedule(v0) == v1);
    pending_irq = true;
    sched_vcpu_block(v1, 0);
    UNIT_CHECK_EQ(u, v1->state, VCPU_RUNNING);
    pending_irq = false;
    /* A block with a deadline ends at the deadline. */
    sched_vcpu_block(v1, fake_time_ns + 5000);
    UNIT_CHECK(u, exit_and_schedule(v1) == v0);
    fake_time_ns += 6000;
    sched_timer_interrupt();
    UNIT_CHECK_EQ(u, v1->state, VCPU_RUNNABLE);
    /* CPU_OFF: off only once it left the CPU, then it can be started again. */
    sched_vcpu_yield(v0);
    UNIT_CHECK(u, exit_and_schedule(v0) == v1);
    sched_vcpu_stop(v1);
    UNIT_CHECK(u, !sched_vcpu_is_off(v1)); /* still on the CPU */
    UNIT_CHECK_EQ(u, sched_vcpu_start(v1, 0x40002000, 9), -EBUSY);
    UNIT_CHECK(u, exit_and_schedule(v1) == v0);
    UNIT_CHECK(u, sched_vcpu_is_off(v1));
    UNIT_CHECK_EQ(u, sched_vcpu_start(v1, 0x40002000, 9), 0);
    UNIT_CHECK(u, saves >= 5);
    UNIT_CHECK_EQ(u, shutdown_and_destroy(d) >= 0, 1);
}

static void test_shutdown_stops_vcpus_and_frees(struct unit *u)
{
    struct domain *a, *b;
    uint64_t free_before;

    setup(u);
    free_before = page_alloc_free_count(&pa);
    domain_note_free_pages();
    UNIT_CHECK_EQ(u, domain_create(6, "a", 1, &a), 0);
    UNIT_CHECK_EQ(u, domain_create(7, "b", 1, &b), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(a, 0x40000000, MIB(2)), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(b, 0x40000000, MIB(2)), 0);
    a->sid = b->sid = 12;
    UNIT_CHECK_EQ(u, domain_start(a, 0x40000000, 0), 0);
    UNIT_CHECK_EQ(u, domain_start(b, 0x40000000, 0), 0);
    UNIT_CHECK(u, schedule_once() == a->vcpus[0]);
    /* a shuts down while running: it leaves the CPU at its exit, b runs. */
    domain_shutdown(a, 3);
    UNIT_CHECK_EQ(u, a->state, DOMAIN_SHUTDOWN);
    UNIT_CHECK(u, domain_claim_finished() == NULL); /* still on the CPU */
    /* Its exit goes through the scheduler loop, which claims and destroys it before b runs. */
    UNIT_CHECK(u, exit_and_schedule(a->vcpus[0]) == b->vcpus[0]);
    UNIT_CHECK(u, domain_by_id(6) == NULL);
    UNIT_CHECK(u, domain_claim_finished() == NULL); /* claimed once */
    UNIT_CHECK_EQ(u, fake_power_offs, 0);           /* b still alive: no power-off */
    /* b is the last: its destruction powers off with the leak check. */
    UNIT_CHECK_EQ(u, shutdown_and_destroy(b), 1);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before);
    {
        static char ring[CONSOLE_RING_SIZE + 1];
        size_t n = console_ring_read(ring, CONSOLE_RING_SIZE, 0);

        ring[n] = '\0';
        UNIT_CHECK(u, strstr(ring, "nothing leaked") != NULL);
    }
}

static void test_hardware_domain_powers_off(struct unit *u)
{
    struct domain *d;

    setup(u);
    UNIT_CHECK_EQ(u, domain_create(0, "dom0", 1, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, MIB(2)), 0);
    d->is_hardware = true;
    d->sid = 3;
    UNIT_CHECK_EQ(u, domain_start(d, 0x40000000, 0), 0);
    UNIT_CHECK(u, schedule_once() == d->vcpus[0]);
    UNIT_CHECK(u, exit_and_schedule(d->vcpus[0]) == d->vcpus[0]);
    {
        jmp_buf jump;

        fake_power_off_jump = &jump;
        if (setjmp(jump) == 0)
            domain_shutdown(d, 0);
        fake_power_off_jump = NULL;
    }
    UNIT_CHECK_EQ(u, fake_power_offs, 1); /* at once, not when it is destroyed */
    UNIT_CHECK_EQ(u, d->state, DOMAIN_SHUTDOWN);
    UNIT_CHECK(u, shutdown_and_destroy(d) >= 0);
}

/*
 * A domain another hypercall holds with domain_get is not claimed until domain_put. Its
 * vCPUs were still on the run queue when it was destroyed: the next test would read freed
 * memory (ASan) unless domain_destroy took them off (sched_domain_forget).
 */
static void test_references_delay_destruction(struct unit *u)
{
    struct domain *a, *b, *got;

    setup(u);
    UNIT_CHECK_EQ(u, domain_create(8, "a", 1, &a), 0);
    UNIT_CHECK_EQ(u, domain_create(9, "b", 1, &b), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(a, 0x40000000, MIB(2)), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(b, 0x40000000, MIB(2)), 0);
    a->sid = b->sid = 12;
    UNIT_CHECK_EQ(u, domain_start(a, 0x40000000, 0), 0);
    UNIT_CHECK_EQ(u, domain_start(b, 0x40000000, 0), 0);
    UNIT_CHECK(u, domain_get(42, a) == NULL);            /* no such domain */
    UNIT_CHECK(u, domain_get(DOMID_SELF, NULL) == NULL); /* no caller to stand for */
    UNIT_CHECK(u, domain_get(DOMID_SELF, a) == a);
    domain_put(a);
    got = domain_get(9, a);
    UNIT_CHECK(u, got == b);
    UNIT_CHECK_EQ(u, b->refs, 1);
    domain_shutdown(b, 0);
    UNIT_CHECK(u, domain_claim_finished() == NULL); /* referenced: not yet */
    domain_put(b);
    fake_pins = 1; /* its pages still mapped by another domain: not yet */
    UNIT_CHECK(u, domain_claim_finished() == NULL);
    fake_pins = 0;
    UNIT_CHECK(u, domain_claim_finished() == b);
    UNIT_CHECK(u, domain_get(9, a) == NULL); /* dead: no new reference */
    {
        int destroys = evtchn_destroys;

        UNIT_CHECK_EQ(u, destroy(b), 0);
        UNIT_CHECK_EQ(u, evtchn_destroys, destroys + 1); /* its channels went with it */
    }
    UNIT_CHECK(u, shutdown_and_destroy(a) >= 0);
}

/* populate_physmap / decrease_reservation: limits, overlaps, exact extents, pages back. */
static void test_populate_and_depopulate(struct unit *u)
{
    struct domain *d;
    uint64_t free_before;

    setup(u);
    free_before = page_alloc_free_count(&pa);
    UNIT_CHECK_EQ(u, domain_create(10, "p", 1, &d), 0);
    UNIT_CHECK_EQ(u, domain_alloc_ram(d, 0x40000000, MIB(2)), 0);
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50000000, 0), -ENOMEM); /* limit: its 2 MiB */
    d->max_pages = 512 + 2;
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50000000, 0), 0);
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50000000, 0), -EEXIST);
    UNIT_CHECK_EQ(u, domain_populate(d, 0x40001000, 0), -EEXIST); /* inside its RAM */
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50001000, 1), -EINVAL); /* misaligned for order 1 */
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50002000, 1), -ENOMEM); /* 2 more: over the limit */
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50001000, 0), 0);
    UNIT_CHECK_EQ(u, domain_depopulate(d, 0x50000000, 1), -ENOENT); /* not that extent */
    UNIT_CHECK_EQ(u, domain_depopulate(d, 0x50000000, 0), 0);
    UNIT_CHECK_EQ(u, domain_depopulate(d, 0x50000000, 0), -ENOENT);
    UNIT_CHECK_EQ(u, domain_populate(d, 0x50000000, 0), 0); /* room again */
    {
        paddr_t where;

        UNIT_CHECK_EQ(u, arch_domain_translate(d, 0x50000000, false, &where), 0);
    }
    UNIT_CHECK_EQ(u, destroy(d), 0);
    UNIT_CHECK_EQ(u, page_alloc_free_count(&pa), free_before);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_populate_and_depopulate),
    UNIT_CASE(test_references_delay_destruction),
    UNIT_CASE(test_create_checks),
    UNIT_CASE(test_ram_extents),
    UNIT_CASE(test_ram_exhaustion_leaves_nothing),
    UNIT_CASE(test_label_before_start),
    UNIT_CASE(test_block_wake_and_slices),
    UNIT_CASE(test_shutdown_stops_vcpus_and_frees),
    UNIT_CASE(test_hardware_domain_powers_off),
    {0},
};
