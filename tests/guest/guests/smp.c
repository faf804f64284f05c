/*
 * Several CPUs at once (PSCI, Arm DEN0022): CPU 0 starts CPUs 1-3 with CPU_ON; each counts
 * in a loop that never yields (no WFE, no WFI, no hypercall), so under a hypervisor that runs
 * four vCPUs on fewer physical CPUs every counter moving proves time slicing. Then: each CPU
 * leaves with CPU_OFF and AFFINITY_INFO reports it OFF; CPU_ON of a CPU that is on returns
 * ALREADY_ON; CPU_ON right after OFF starts it again; timer interrupts arrive on a secondary
 * CPU, and on all four at once.
 *
 * bootargs: latency_ms=N (default 100) bounds how late a timer interrupt may be taken;
 * stall_ms=N (default 2000) is how long a counter may stand still before the progress test
 * fails.
 */
#include "guest.h"

#define CPUS 4
#define SAMPLES 5
#define SAMPLE_INTERVAL_US 40000
#define START_TIMEOUT_US 2000000
#define JOIN_TIMEOUT_US 3000000

/* One counter per CPU, 64 bytes apart. */
struct counter {
    volatile uint64_t value;
    uint64_t padding[7];
};

static struct counter counters[CPUS];
static volatile bool stop_counting;
static volatile bool release_spinner;

static uint64_t bootarg_ms(const char *key, uint64_t fallback)
{
    uint64_t milliseconds;
    CHECK_MSG(guest_bootarg_u64(key, fallback, &milliseconds), "bad %s=", key);
    return milliseconds;
}

static uint64_t mpidr_of(unsigned int index)
{
    uint64_t mpidr = 0;
    CHECK_MSG(guest_cpu_mpidr(index, &mpidr), "no CPU %u in the device tree", index);
    return mpidr;
}

/* Counts until told to stop; never yields the CPU. */
static void count_until_stopped(void *argument)
{
    struct counter *counter = argument;
    while (!stop_counting)
        counter->value++;
}

/*
 * Starts CPUs 1..CPUS-1 with fn(args[i]). Returns how many started (a prefix); on a failure
 * the reason is printed and the caller must stop and join those that did start.
 */
static unsigned int start_secondaries(void (*fn)(void *), void *const *args)
{
    for (unsigned int index = 1; index < CPUS; index++) {
        struct guest_cpu_result result = guest_cpu_start(index, fn, args[index]);
        if (result.status != GUEST_CPU_OK) {
            printf("[guest] CPU %u: %s (PSCI %d)\n", index, guest_cpu_status_name(result.status),
                   result.psci_result);
            return index - 1;
        }
    }
    return CPUS - 1;
}

/* Joins CPUs 1..started; returns false (and prints why) when one did not end cleanly OFF. */
static bool join_secondaries(unsigned int started)
{
    bool all_ok = true;
    for (unsigned int index = 1; index <= started; index++) {
        struct guest_cpu_result result = guest_cpu_join(index, JOIN_TIMEOUT_US);
        uint64_t mpidr = 0;
        int32_t affinity = guest_cpu_mpidr(index, &mpidr) ? psci_affinity_info(mpidr, 0) : -1;
        if (result.status != GUEST_CPU_OK || affinity != PSCI_AFFINITY_OFF) {
            printf("[guest] CPU %u: %s, AFFINITY_INFO %d\n", index,
                   guest_cpu_status_name(result.status), affinity);
            all_ok = false;
        }
    }
    return all_ok;
}

static void *counter_args[CPUS] = {&counters[0], &counters[1], &counters[2], &counters[3]};
static void *no_args[CPUS];

/* Waits until counter `cpu` passes `last`, for at most `stall` ticks. */
static bool wait_for_progress(unsigned int cpu, uint64_t *last, uint64_t stall)
{
    uint64_t deadline = timer_count() + stall;
    uint64_t now = counters[cpu].value;
    while (now <= *last && timer_count() < deadline)
        now = counters[cpu].value;
    if (now <= *last) {
        printf("[guest] sample: CPU %u's counter stood still at %llu\n", cpu,
               (unsigned long long)*last);
        return false;
    }
    *last = now;
    return true;
}

/* Samples every counter SAMPLES times, SAMPLE_INTERVAL_US apart: each must keep moving. */
static bool all_keep_counting(uint64_t stall_ms)
{
    uint64_t last[CPUS] = {0};
    uint64_t stall = timer_ticks_from_us(stall_ms * 1000);
    uint64_t start = timer_count();
    for (unsigned int sample = 0; sample < SAMPLES; sample++) {
        timer_delay_us(SAMPLE_INTERVAL_US);
        for (unsigned int cpu = 1; cpu < CPUS; cpu++) {
            if (!wait_for_progress(cpu, &last[cpu], stall))
                return false;
        }
    }
    uint64_t elapsed_us = (timer_count() - start) * 1000000 / timer_frequency();
    printf("[guest] after %llu ms: counters %llu %llu %llu\n",
           (unsigned long long)(elapsed_us / 1000), (unsigned long long)last[1],
           (unsigned long long)last[2], (unsigned long long)last[3]);
    return true;
}

GUEST_TEST(four_cpus)
{
    CHECK_MSG(guest_cpu_count() >= CPUS, "%u CPUs in the device tree, need %u", guest_cpu_count(),
              CPUS);
    for (unsigned int index = 1; index < CPUS; index++)
        CHECK_EQ(psci_affinity_info(mpidr_of(index), 0), PSCI_AFFINITY_OFF);
}

GUEST_TEST(concurrent_progress)
{
    uint64_t stall_ms = bootarg_ms("stall_ms", 2000);
    bool running = true;
    bool counting = false;
    stop_counting = false;
    for (unsigned int cpu = 0; cpu < CPUS; cpu++)
        counters[cpu].value = 0;
    arch_dsb();
    unsigned int started = start_secondaries(count_until_stopped, counter_args);
    for (unsigned int index = 1; index <= started; index++)
        running = running && guest_cpu_wait_running(index, START_TIMEOUT_US);
    for (unsigned int index = 1; running && index <= started; index++)
        running = psci_affinity_info(mpidr_of(index), 0) == PSCI_AFFINITY_ON;
    if (started == CPUS - 1 && running)
        counting = all_keep_counting(stall_ms);
    stop_counting = true;
    arch_dsb();
    bool joined = join_secondaries(started);
    CHECK_MSG(started == CPUS - 1, "only %u secondary CPUs started", started);
    CHECK_MSG(running, "a started CPU never ran, or AFFINITY_INFO did not say ON");
    CHECK_MSG(counting, "a counter stood still for over %llu ms", (unsigned long long)stall_ms);
    CHECK_MSG(joined, "a CPU did not finish and turn OFF");
}

static void spin_until_released(void *unused)
{
    (void)unused;
    while (!release_spinner) {
    }
}

GUEST_TEST(cpu_on_when_already_on)
{
    uint64_t mpidr = mpidr_of(1);
    release_spinner = false;
    arch_dsb();
    struct guest_cpu_result result = guest_cpu_start(1, spin_until_released, NULL);
    CHECK_MSG(result.status == GUEST_CPU_OK, "CPU 1: %s (PSCI %d)",
              guest_cpu_status_name(result.status), result.psci_result);
    bool running = guest_cpu_wait_running(1, START_TIMEOUT_US);
    int32_t again = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)spin_until_released, 0);
    int32_t affinity = psci_affinity_info(mpidr, 0);
    release_spinner = true;
    arch_dsb();
    bool joined = join_secondaries(1);
    CHECK_MSG(running, "CPU 1 never ran");
    CHECK_EQ(again, PSCI_ALREADY_ON);
    CHECK_EQ(affinity, PSCI_AFFINITY_ON);
    CHECK(joined);
}

static void note_running(void *argument)
{
    struct counter *counter = argument;
    counter->value++;
}

/* CPU_ON at once after AFFINITY_INFO reported OFF (PSCI 1.1 5.1.4, 5.1.5), three CPUs. */
GUEST_TEST(cpu_on_again_after_off)
{
    for (unsigned int cpu = 0; cpu < CPUS; cpu++)
        counters[cpu].value = 0;
    for (unsigned int round = 0; round < 3; round++) {
        unsigned int started = start_secondaries(note_running, counter_args);
        bool joined = join_secondaries(started);
        CHECK_MSG(started == CPUS - 1, "round %u: only %u CPUs started", round, started);
        CHECK_MSG(joined, "round %u: a CPU did not finish and turn OFF", round);
    }
    for (unsigned int index = 1; index < CPUS; index++)
        CHECK_EQ(counters[index].value, 3);
}

static void timer_ticks_here(void *unused)
{
    (void)unused;
    CHECK_MSG(gic_cpu_init(), "gic_cpu_init: %s", gic_error());
    timer_irq_expect(5000, 5000, 10, bootarg_ms("latency_ms", 100) * 1000);
}

GUEST_TEST(timer_interrupt_on_secondary)
{
    CHECK_MSG(gic_init(), "gic_init: %s", gic_error());
    struct guest_cpu_result result = guest_cpu_run(2, timer_ticks_here, NULL, JOIN_TIMEOUT_US);
    CHECK_MSG(result.status == GUEST_CPU_OK, "CPU 2: %s", guest_cpu_status_name(result.status));
}

/* All four CPUs wait in WFI for their own timers at the same time. */
GUEST_TEST(timer_interrupts_on_all_cpus)
{
    struct timer_irq_result result;
    uint64_t latency_us = bootarg_ms("latency_ms", 100) * 1000;
    CHECK_MSG(gic_init(), "gic_init: %s", gic_error());
    unsigned int started = start_secondaries(timer_ticks_here, no_args);
    timer_irq_run(5000, 5000, 10, latency_us, &result);
    bool joined = join_secondaries(started);
    CHECK_MSG(started == CPUS - 1, "only %u secondary CPUs started", started);
    CHECK_MSG(joined, "a CPU failed its timer ticks or did not turn OFF");
    uint64_t worst = timer_irq_verify(&result, 5000, 5000, 10, latency_us);
    printf("[guest] CPU 0's worst timer latency with four CPUs waiting: %llu us\n",
           (unsigned long long)worst);
}

/* ---------------------------------------------------------------- run states */

static struct vcpu_runstate_info runstates[CPUS] __attribute__((aligned(64)));

static long register_runstate(unsigned int vcpu, uint64_t addr)
{
    static struct vcpu_register_runstate_memory_area area;
    area.addr = addr;
    return hypercall3(XEN_HC_vcpu_op, VCPUOP_register_runstate_memory_area, vcpu,
                      (unsigned long)&area);
}

/*
 * VCPUOP_register_runstate_memory_area: the hypervisor keeps each vCPU's copy of its run
 * states. Four vCPUs counting on two CPUs must wait for a CPU ("runnable", the time Linux
 * calls steal); a vCPU reading its own copy sees itself running; bad requests are refused.
 */
GUEST_TEST_XEN(runstate)
{
    uint64_t runnable = 0;

    CHECK_EQ(register_runstate(0, (uint64_t)(uintptr_t)&runstates[0] + 4), -XEN_EINVAL);
    CHECK_EQ(register_runstate(0, 0x10), -XEN_EFAULT); /* no RAM there */
    CHECK_EQ(register_runstate(CPUS, (uint64_t)(uintptr_t)&runstates[0]), -XEN_ENOENT);
    for (unsigned int cpu = 0; cpu < CPUS; cpu++)
        CHECK_EQ(register_runstate(cpu, (uint64_t)(uintptr_t)&runstates[cpu]), 0);
    arch_dsb();
    CHECK_EQ(runstates[0].state, RUNSTATE_running); /* written at once */
    CHECK_EQ(runstates[1].state, RUNSTATE_offline);
    stop_counting = false;
    arch_dsb();
    unsigned int started = start_secondaries(count_until_stopped, counter_args);
    uint64_t end = timer_count() + timer_ticks_from_us(400000);
    while (timer_count() < end)
        ; /* four vCPUs busy on two CPUs */
    stop_counting = true;
    arch_dsb();
    CHECK(join_secondaries(started));
    CHECK_EQ(started, CPUS - 1);
    arch_dsb();
    CHECK_EQ(runstates[0].state, RUNSTATE_running);
    CHECK(runstates[0].time[RUNSTATE_running] > 0);
    for (unsigned int cpu = 1; cpu < CPUS; cpu++) {
        CHECK(runstates[cpu].time[RUNSTATE_offline] > 0); /* before it was started */
        CHECK(runstates[cpu].time[RUNSTATE_running] > 0);
        CHECK(runstates[cpu].state_entry_time > 0);
    }
    for (unsigned int cpu = 0; cpu < CPUS; cpu++)
        runnable += runstates[cpu].time[RUNSTATE_runnable];
    CHECK_MSG(runnable > 0, "no vCPU ever waited for a CPU");
    printf("[guest] runstate: vCPU 0 ran %llu ms; the four waited %llu ms for a CPU\n",
           (unsigned long long)(runstates[0].time[RUNSTATE_running] / 1000000),
           (unsigned long long)(runnable / 1000000));
}
