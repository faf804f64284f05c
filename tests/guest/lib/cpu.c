/*
 * Secondary CPUs and time.
 *
 * guest_cpu_start starts a CPU with PSCI CPU_ON (entry secondary_entry, context id = slot),
 * which runs the requested function under a fault guard, records the outcome in its slot and
 * turns itself off with CPU_OFF; guest_cpu_join waits on the slot, then on AFFINITY_INFO.
 * Several CPUs may run at once: their console output is kept per CPU while they run and
 * printed by guest_cpu_join, so lines never interleave. guest_cpu_run is start + join for
 * one CPU at a time; its CPU prints directly (the boot CPU is only waiting).
 * Shared state is plain memory with DSB barriers; with the MMU off it is Device memory and
 * therefore uncached on every CPU.
 */
#include "internal.h"

enum slot_state {
    SLOT_IDLE,
    SLOT_STARTING,
    SLOT_RUNNING,
    SLOT_FINISHED,
};

struct cpu_slot {
    volatile uint32_t state;
    void (*fn)(void *);
    void *arg;
    volatile int32_t outcome; /* FAULT_CALL_* */
    struct fault_info fault;
    bool deferred; /* its console output is kept until guest_cpu_join prints it */
};

static struct cpu_slot cpu_slots[GUEST_MAX_CPUS];

unsigned int guest_cpu_index(void)
{
    return (unsigned int)SYSREG_READ(tpidr_el1);
}

uint64_t timer_ticks_from_us(uint64_t us)
{
    uint64_t frequency = timer_frequency();
    return us / 1000000 * frequency + us % 1000000 * frequency / 1000000;
}

void timer_delay_us(uint64_t us)
{
    uint64_t end = timer_count() + timer_ticks_from_us(us);
    while (timer_count() < end) {
    }
}

const char *guest_cpu_status_name(enum guest_cpu_status status)
{
    static const char *const names[] = {
        "ok",          "no such CPU",  "CPU_ON failed",          "timed out",
        "faulted",     "check failed", "still on after CPU_OFF", "busy (started and not joined)",
        "not started",
    };
    return (unsigned int)status < ARRAY_SIZE(names) ? names[status] : "?";
}

void secondary_main(uint64_t slot_index)
{
    struct cpu_slot *slot = &cpu_slots[slot_index];
    struct cpu_state *cpu = &cpu_states[slot_index];
    struct fault_jump jump;
    /* CPU_ON starts from reset: nothing of an earlier run's GIC set-up is left. */
    gic_cpu_forget();
    slot->state = SLOT_RUNNING;
    arch_dsb();
    cpu->abort = &jump;
    int outcome = fault_guarded_call(&jump, slot->fn, slot->arg);
    cpu->abort = NULL;
    guest_irq_disable();
    timer_set_control(0);
    console_flush();
    slot->fault = jump.fault;
    slot->outcome = outcome;
    arch_dsb();
    slot->state = SLOT_FINISHED;
    arch_dsb();
    arch_send_event();
    int32_t result = psci_cpu_off();
    printf("[cpu%u] PSCI CPU_OFF returned %d\n", (unsigned int)slot_index, result);
    console_flush();
    for (;;)
        arch_wait_for_interrupt();
}

/* Waits until the slot is FINISHED or the deadline passes. */
static bool cpu_wait_finished(struct cpu_slot *slot, uint64_t deadline)
{
    while (slot->state != SLOT_FINISHED) {
        if (timer_count() > deadline)
            return false;
    }
    arch_dsb();
    return true;
}

/* Waits until AFFINITY_INFO says OFF or the deadline passes. */
static bool cpu_wait_off(uint64_t mpidr, uint64_t deadline)
{
    while (psci_affinity_info(mpidr, 0) != PSCI_AFFINITY_OFF) {
        if (timer_count() > deadline)
            return false;
    }
    return true;
}

/* CPU_ON for slot `index` running fn(arg); `deferred` keeps its console output for join. */
static struct guest_cpu_result cpu_start(unsigned int index, void (*fn)(void *), void *arg,
                                         bool deferred)
{
    struct guest_cpu_result result = {GUEST_CPU_NO_SUCH_CPU, 0, {0, 0, 0, 0}};
    uint64_t mpidr;
    if (index == 0 || index >= GUEST_MAX_CPUS || !guest_cpu_mpidr(index, &mpidr))
        return result;
    struct cpu_slot *slot = &cpu_slots[index];
    if (slot->state != SLOT_IDLE) {
        result.status = GUEST_CPU_BUSY;
        return result;
    }
    slot->fn = fn;
    slot->arg = arg;
    slot->outcome = FAULT_CALL_RETURNED;
    slot->deferred = deferred;
    slot->state = SLOT_STARTING;
    console_defer(index, deferred);
    console_flush();
    arch_dsb();
    result.psci_result = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)secondary_entry, index);
    if (result.psci_result != PSCI_SUCCESS) {
        slot->state = SLOT_IDLE;
        console_defer(index, false);
        result.status = GUEST_CPU_START_FAILED;
        return result;
    }
    result.status = GUEST_CPU_OK;
    return result;
}

struct guest_cpu_result guest_cpu_start(unsigned int index, void (*fn)(void *), void *arg)
{
    return cpu_start(index, fn, arg, true);
}

bool guest_cpu_running(unsigned int index)
{
    if (index == 0 || index >= GUEST_MAX_CPUS)
        return false;
    uint32_t state = cpu_slots[index].state;
    return state == SLOT_RUNNING || state == SLOT_FINISHED;
}

bool guest_cpu_wait_running(unsigned int index, uint64_t timeout_us)
{
    uint64_t deadline = timer_count() + timer_ticks_from_us(timeout_us);
    while (!guest_cpu_running(index)) {
        if (timer_count() > deadline)
            return false;
    }
    return true;
}

struct guest_cpu_result guest_cpu_join(unsigned int index, uint64_t timeout_us)
{
    struct guest_cpu_result result = {GUEST_CPU_NOT_STARTED, 0, {0, 0, 0, 0}};
    uint64_t mpidr;
    if (index == 0 || index >= GUEST_MAX_CPUS || !guest_cpu_mpidr(index, &mpidr)) {
        result.status = GUEST_CPU_NO_SUCH_CPU;
        return result;
    }
    struct cpu_slot *slot = &cpu_slots[index];
    if (slot->state == SLOT_IDLE)
        return result;
    uint64_t deadline = timer_count() + timer_ticks_from_us(timeout_us);
    bool finished = cpu_wait_finished(slot, deadline);
    bool off = finished && cpu_wait_off(mpidr, deadline);
    if (slot->deferred)
        console_print_transcript(index);
    if (!finished) {
        result.status = GUEST_CPU_TIMEOUT;
        return result;
    }
    console_defer(index, false);
    slot->state = SLOT_IDLE;
    result.fault = slot->fault;
    if (slot->outcome == FAULT_CALL_FAULTED)
        result.status = GUEST_CPU_FAULTED;
    else if (slot->outcome == FAULT_CALL_ABORTED)
        result.status = GUEST_CPU_CHECK_FAILED;
    else
        result.status = off ? GUEST_CPU_OK : GUEST_CPU_STILL_ON;
    return result;
}

struct guest_cpu_result guest_cpu_run(unsigned int index, void (*fn)(void *), void *arg,
                                      uint64_t timeout_us)
{
    struct guest_cpu_result result = cpu_start(index, fn, arg, false);
    if (result.status != GUEST_CPU_OK)
        return result;
    int32_t psci_result = result.psci_result;
    result = guest_cpu_join(index, timeout_us);
    result.psci_result = psci_result;
    return result;
}
