/*
 * A well-behaved domain that runs beside a misbehaving one and proves it was not disturbed:
 * a few seconds of checked work (fill a buffer, checksum it, compare), with the counter
 * watched for long pauses, then timer interrupts and, under a hypervisor, a few hypercalls.
 * If the other domain could stop the machine, crash the hypervisor or starve this domain,
 * this one would not reach "[test] DONE", or its pause check would fail.
 *
 * bootargs: seconds=N (default 3) of work; max_pause_ms=N (default 2000), the longest the
 * work may stand still; latency_ms=N (default 100) for the timer interrupts.
 */
#include "guest.h"

#define BUFFER_WORDS 4096

static uint64_t buffer[BUFFER_WORDS];

static uint64_t bootarg_or(const char *key, uint64_t fallback)
{
    uint64_t value;
    CHECK_MSG(guest_bootarg_u64(key, fallback, &value), "bad %s=", key);
    return value;
}

/* A cheap, position-dependent pattern (xorshift of the round and index). */
static uint64_t pattern(uint64_t round, uint64_t index)
{
    uint64_t value = round * 0x9e3779b97f4a7c15ull ^ index;
    value ^= value << 13;
    value ^= value >> 7;
    value ^= value << 17;
    return value;
}

/* One round: fill, sum, read back and compare. Returns false when memory did not hold. */
static bool work_round(uint64_t round)
{
    uint64_t written = 0;
    uint64_t read = 0;
    for (uint64_t i = 0; i < BUFFER_WORDS; i++) {
        buffer[i] = pattern(round, i);
        written += buffer[i];
    }
    /* The compiler must read the buffer back from memory, not from what it just wrote. */
    __asm__ volatile("" : : : "memory");
    for (uint64_t i = 0; i < BUFFER_WORDS; i++) {
        if (buffer[i] != pattern(round, i))
            return false;
        read += buffer[i];
    }
    return read == written;
}

GUEST_TEST(work_keeps_going)
{
    uint64_t seconds = bootarg_or("seconds", 3);
    uint64_t max_pause = timer_ticks_from_us(bootarg_or("max_pause_ms", 2000) * 1000);
    uint64_t start = timer_count();
    uint64_t end = start + timer_ticks_from_us(seconds * 1000000);
    uint64_t next_report = start + timer_frequency();
    uint64_t previous = start;
    uint64_t longest = 0;
    uint64_t rounds = 0;
    while (timer_count() < end) {
        CHECK_MSG(work_round(rounds), "round %llu: the buffer did not hold its pattern",
                  (unsigned long long)rounds);
        rounds++;
        uint64_t now = timer_count();
        CHECK_MSG(now >= previous, "the virtual counter went backwards");
        if (now - previous > longest)
            longest = now - previous;
        previous = now;
        if (now >= next_report) {
            printf("[guest] witness: %llu rounds after %llu s\n", (unsigned long long)rounds,
                   (unsigned long long)((now - start) / timer_frequency()));
            next_report += timer_frequency();
        }
    }
    printf("[guest] witness: %llu rounds in %llu s, longest round %llu ms\n",
           (unsigned long long)rounds, (unsigned long long)seconds,
           (unsigned long long)(longest * 1000 / timer_frequency()));
    CHECK_MSG(rounds >= seconds, "only %llu rounds", (unsigned long long)rounds);
    CHECK_MSG(longest <= max_pause, "a round took %llu ms",
              (unsigned long long)(longest * 1000 / timer_frequency()));
}

GUEST_TEST(timer_interrupts_arrive)
{
    CHECK_MSG(gic_init(), "gic_init: %s", gic_error());
    timer_irq_expect(5000, 5000, 5, bootarg_or("latency_ms", 100) * 1000);
}

GUEST_TEST_XEN(hypercalls_answer)
{
    xen_extraversion_t extra = {0};
    CHECK(xen_version(XENVER_version, NULL) > 0);
    CHECK_EQ(xen_version(XENVER_extraversion, extra), 0);
    CHECK_EQ(xen_console_write("", 0), 0);
    CHECK_EQ(sched_yield(), 0);
}
