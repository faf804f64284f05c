/*
 * Benchmark guest for `make bench` (tests/bench/hyp.sh), run under Flaxen with 2 vCPUs on
 * one physical CPU and QEMU's -icount shift=0, so the virtual counter counts executed
 * instructions and the numbers repeat from run to run.
 *
 * switch_round_trip: vCPU 1 does nothing but SCHEDOP_yield; vCPU 0 yields ROUNDS times.
 * With one physical CPU each of vCPU 0's yields switches to vCPU 1 and back: one round trip
 * (two vCPU switches, two hypercalls). The test fails if vCPU 1 did not really run in
 * between, so the number cannot come from yields that never switched.
 */
#include "guest.h"

#define ROUNDS 2000

static volatile uint64_t partner_yields;
static volatile bool partner_stop;

static void partner(void *unused)
{
    (void)unused;
    while (!partner_stop) {
        sched_yield();
        partner_yields = partner_yields + 1;
    }
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
    uint64_t f = timer_frequency();
    return ticks / f * 1000000000ull + ticks % f * 1000000000ull / f;
}

GUEST_TEST_XEN(switch_round_trip)
{
    CHECK_MSG(guest_cpu_count() >= 2, "needs 2 vCPUs, has %u", guest_cpu_count());
    struct guest_cpu_result started = guest_cpu_start(1, partner, NULL);
    CHECK_EQ(started.status, GUEST_CPU_OK);
    CHECK(guest_cpu_wait_running(1, 1000000));
    uint64_t before = partner_yields;
    uint64_t start = timer_count();
    for (unsigned int i = 0; i < ROUNDS; i++)
        sched_yield();
    uint64_t ticks = timer_count() - start;
    uint64_t partner_ran = partner_yields - before;
    partner_stop = true;
    struct guest_cpu_result joined = guest_cpu_join(1, 1000000);
    CHECK_EQ(joined.status, GUEST_CPU_OK);
    printf("[bench] switch_round_trip_ns=%llu (%u round trips, the partner yielded %llu times)\n",
           (unsigned long long)(ticks_to_ns(ticks) / ROUNDS), ROUNDS,
           (unsigned long long)partner_ran);
    CHECK_MSG(partner_ran >= ROUNDS / 2, "the partner vCPU yielded only %llu times",
              (unsigned long long)partner_ran);
}

/*
 * Null hypercall round trips: xen_version(XENVER_extraversion), whose hook asks FLASK for
 * version:xen_extraversion (an AVC lookup), measured once on a cold AVC (the first such call
 * since boot) and then averaged over many calls on a warm one. tests/bench/hyp.sh runs this
 * once with flask=enforcing and once with flask=disabled (the dummy module).
 */
GUEST_TEST_XEN(null_hypercall)
{
    static char extra[16];
    uint64_t start = timer_count();
    long rc = xen_version(XENVER_extraversion, extra);
    uint64_t cold = timer_count() - start;
    CHECK_EQ(rc, 0);
    start = timer_count();
    for (unsigned int i = 0; i < ROUNDS; i++)
        rc |= xen_version(XENVER_extraversion, extra);
    uint64_t warm = (timer_count() - start) / ROUNDS;
    CHECK_EQ(rc, 0);
    printf("[bench] null_hypercall_cold_ns=%llu null_hypercall_warm_ns=%llu\n",
           (unsigned long long)ticks_to_ns(cold), (unsigned long long)ticks_to_ns(warm));
}
