/*
 * The vCPU scheduler (flaxen/sched.h): one run queue for all physical CPUs,
 * round robin, SCHED_SLICE_NS per turn.
 *
 * A vCPU is on at most one CPU: `pcpu` is set while it is loaded on a CPU,
 * from the moment sched_run picks it until its state was saved after it
 * left. Until then it is never on the run queue; a wake that arrives while
 * it is being taken off a CPU only changes its state, and the CPU that
 * saves it queues it afterwards.
 *
 * Lock order: a domain's lock, then sched_lock (a leaf otherwise).
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/lib.h>
#include <flaxen/sched.h>
#include <flaxen/string.h>

struct sched_cpu {
    struct vcpu *current;
    bool idle;
    bool need_resched;
};

static struct spinlock sched_lock = SPINLOCK_INIT;
static struct vcpu *run_head, *run_tail;
static struct sched_cpu sched_cpus[NR_CPUS];
/* Blocked vCPUs with a wake-up deadline (few: scanned linearly). */
static struct vcpu *timed_vcpus[MAX_DOMAINS * DOMAIN_MAX_VCPUS];
static unsigned nr_timed; /* entries in use: most exits find none and skip the scan */

struct vcpu *current_vcpu(void)
{
    return sched_cpus[arch_cpu_id()].current;
}

static void run_queue_push(struct vcpu *v)
{
    v->run_next = NULL;
    if (run_tail)
        run_tail->run_next = v;
    else
        run_head = v;
    run_tail = v;
    v->queued = true;
}

static struct vcpu *run_queue_pop(void)
{
    struct vcpu *v = run_head;

    if (v) {
        run_head = v->run_next;
        if (!run_head)
            run_tail = NULL;
        v->run_next = NULL;
        v->queued = false;
    }
    return v;
}

static void timed_add(struct vcpu *v)
{
    for (unsigned i = 0; i < ARRAY_SIZE(timed_vcpus); i++)
        if (!timed_vcpus[i]) {
            timed_vcpus[i] = v;
            nr_timed++;
            return;
        }
    panic("sched: more timed vCPUs than vCPUs");
}

static void timed_remove(struct vcpu *v)
{
    for (unsigned i = 0; i < ARRAY_SIZE(timed_vcpus); i++)
        if (timed_vcpus[i] == v) {
            timed_vcpus[i] = NULL;
            nr_timed--;
        }
}

/* Kicks one idle CPU other than the caller (sched_lock held). */
static void kick_idle_cpu(void)
{
    unsigned self = arch_cpu_id();

    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu != self && sched_cpus[cpu].idle) {
            sched_cpus[cpu].idle = false;
            arch_send_reschedule(cpu);
            return;
        }
}

static const int32_t runstate_of[] = {
    [VCPU_OFFLINE] = RUNSTATE_offline,
    [VCPU_RUNNABLE] = RUNSTATE_runnable,
    [VCPU_RUNNING] = RUNSTATE_running,
    [VCPU_BLOCKED] = RUNSTATE_blocked,
};

/* Every change of a vCPU's state (sched_lock held): the time spent in the old one is counted. */
static void set_state(struct vcpu *v, enum vcpu_state state)
{
    struct vcpu_runstate_info *r = &v->runstate;
    int32_t next = runstate_of[state];

    v->state = state;
    if (next != r->state) {
        uint64_t now = arch_time_ns();

        if (now > r->state_entry_time)
            r->time[r->state] += now - r->state_entry_time;
        r->state = next;
        r->state_entry_time = now;
    }
}

void sched_runstate_init(struct vcpu *v)
{
    v->state = VCPU_OFFLINE;
    v->runstate =
        (struct vcpu_runstate_info){.state = RUNSTATE_offline, .state_entry_time = arch_time_ns()};
}

static void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    spin_lock(&sched_lock);
    *out = v->runstate;
    spin_unlock(&sched_lock);
}

/*
 * Writes v's run states into the guest's copy (VCPUOP_register_runstate_
 * memory_area), if it has one. Called while v is on no CPU or is the
 * caller, so the guest cannot be reading its own copy meanwhile.
 */
void sched_runstate_publish(struct vcpu *v)
{
    struct vcpu_runstate_info r;
    const uint8_t *bytes = (const uint8_t *)&r;
    uint32_t split;

    if (!__atomic_load_n(&v->runstate_pa[0], __ATOMIC_ACQUIRE))
        return;
    /* The domain's lock: the pages cannot be moved or given back meanwhile. */
    spin_lock(&v->domain->lock);
    split = v->runstate_split;
    runstate_get(v, &r);
    if (v->runstate_pa[0]) {
        memcpy(arch_phys_to_virt(v->runstate_pa[0]), bytes, split);
        arch_dcache_clean(arch_phys_to_virt(v->runstate_pa[0]), split);
    }
    if (v->runstate_pa[0] && split < sizeof(r)) {
        memcpy(arch_phys_to_virt(v->runstate_pa[1]), bytes + split, sizeof(r) - split);
        arch_dcache_clean(arch_phys_to_virt(v->runstate_pa[1]), sizeof(r) - split);
    }
    spin_unlock(&v->domain->lock);
}

/* BLOCKED/OFFLINE -> RUNNABLE (sched_lock held). */
static void make_runnable(struct vcpu *v)
{
    if (v->state == VCPU_BLOCKED && v->wake_deadline_ns)
        timed_remove(v);
    v->wake_deadline_ns = 0;
    set_state(v, VCPU_RUNNABLE);
    v->polling = false; /* SCHEDOP_poll ends with the wait */
    if (v->pcpu < 0) {
        run_queue_push(v);
        kick_idle_cpu();
    }
}

void sched_domain_forget(struct domain *d)
{
    struct vcpu **link;

    spin_lock(&sched_lock);
    run_tail = NULL;
    for (link = &run_head; *link;) {
        if ((*link)->domain == d) {
            struct vcpu *gone = *link;

            *link = gone->run_next;
            gone->run_next = NULL;
            gone->queued = false;
            continue;
        }
        run_tail = *link;
        link = &(*link)->run_next;
    }
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        BUG_ON(d->vcpus[i]->pcpu >= 0);
        if (d->vcpus[i]->state == VCPU_BLOCKED && d->vcpus[i]->wake_deadline_ns)
            timed_remove(d->vcpus[i]);
        set_state(d->vcpus[i], VCPU_OFFLINE);
    }
    spin_unlock(&sched_lock);
}

void sched_poke_idle_cpu(void)
{
    spin_lock(&sched_lock);
    kick_idle_cpu();
    spin_unlock(&sched_lock);
}

void sched_domain_pause(struct domain *d)
{
    bool on_cpu;

    spin_lock(&sched_lock);
    d->pause_count++;
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i]->pcpu >= 0 && (unsigned)d->vcpus[i]->pcpu != arch_cpu_id())
            arch_send_reschedule((unsigned)d->vcpus[i]->pcpu);
    spin_unlock(&sched_lock);
    do { /* each leaves at its next exit (the IPI forces one) */
        on_cpu = false;
        for (unsigned i = 0; i < d->nr_vcpus; i++)
            on_cpu |= __atomic_load_n(&d->vcpus[i]->pcpu, __ATOMIC_ACQUIRE) >= 0;
    } while (on_cpu);
}

int sched_domain_unpause(struct domain *d)
{
    int rc = 0;

    spin_lock(&sched_lock);
    if (!d->pause_count) {
        rc = -EINVAL;
    } else if (--d->pause_count == 0) {
        for (unsigned i = 0; i < d->nr_vcpus; i++) {
            struct vcpu *v = d->vcpus[i];

            if (v->state == VCPU_RUNNABLE && v->pcpu < 0 && !v->queued) {
                run_queue_push(v);
                kick_idle_cpu();
            }
        }
    }
    spin_unlock(&sched_lock);
    return rc;
}

void sched_vcpu_wake(struct vcpu *v)
{
    spin_lock(&sched_lock);
    if (v->state == VCPU_BLOCKED || v->state == VCPU_OFFLINE)
        make_runnable(v);
    else
        v->wake_pending = true;
    spin_unlock(&sched_lock);
}

void sched_vcpu_kick(struct vcpu *v)
{
    unsigned self = arch_cpu_id();

    spin_lock(&sched_lock);
    if (v->state == VCPU_BLOCKED)
        make_runnable(v);
    else if (v->state == VCPU_RUNNING)
        v->wake_pending = true;
    if (v->pcpu >= 0 && (unsigned)v->pcpu != self)
        arch_send_reschedule((unsigned)v->pcpu);
    spin_unlock(&sched_lock);
}

void sched_vcpu_yield(struct vcpu *v)
{
    spin_lock(&sched_lock);
    if (run_head)
        sched_cpus[arch_cpu_id()].need_resched = true;
    v->slice_end_ns = 0;
    spin_unlock(&sched_lock);
}

void sched_vcpu_block(struct vcpu *v, uint64_t deadline_ns)
{
    spin_lock(&sched_lock);
    if (v->wake_pending || arch_vcpu_has_pending_irq(v)) {
        v->wake_pending = false;
        v->polling = false;
    } else if (v->state == VCPU_RUNNING) {
        set_state(v, VCPU_BLOCKED);
        v->wake_deadline_ns = deadline_ns;
        if (deadline_ns)
            timed_add(v);
    }
    spin_unlock(&sched_lock);
}

int sched_vcpu_start(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    int rc = -EBUSY;

    spin_lock(&sched_lock);
    if (v->state == VCPU_OFFLINE && v->pcpu < 0) {
        arch_vcpu_set_entry(v, entry, arg);
        make_runnable(v);
        rc = 0;
    }
    spin_unlock(&sched_lock);
    return rc;
}

bool sched_vcpu_is_off(struct vcpu *v)
{
    bool off;

    spin_lock(&sched_lock);
    off = v->state == VCPU_OFFLINE && v->pcpu < 0;
    spin_unlock(&sched_lock);
    return off;
}

void sched_vcpu_stop(struct vcpu *v)
{
    spin_lock(&sched_lock);
    if (v->state == VCPU_BLOCKED && v->wake_deadline_ns)
        timed_remove(v);
    v->wake_deadline_ns = 0;
    v->wake_pending = false;
    set_state(v, VCPU_OFFLINE);
    spin_unlock(&sched_lock);
}

/* Wakes blocked vCPUs whose deadline passed; returns the earliest one left (sched_lock held). */
static uint64_t wake_expired(uint64_t now)
{
    uint64_t next = 0;
    unsigned total = nr_timed; /* make_runnable below shrinks nr_timed */

    for (unsigned i = 0, seen = 0; i < ARRAY_SIZE(timed_vcpus) && seen < total; i++) {
        struct vcpu *v = timed_vcpus[i];

        if (!v)
            continue;
        seen++;
        if (v->wake_deadline_ns <= now)
            make_runnable(v);
        else if (!next || v->wake_deadline_ns < next)
            next = v->wake_deadline_ns;
    }
    return next;
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
    return !a ? b : !b ? a : (a < b ? a : b);
}

uint64_t sched_next_deadline(void)
{
    struct sched_cpu *cpu = &sched_cpus[arch_cpu_id()];
    uint64_t next;

    spin_lock(&sched_lock);
    next = wake_expired(arch_time_ns());
    if (cpu->current)
        next = earlier(next, cpu->current->slice_end_ns);
    spin_unlock(&sched_lock);
    return next;
}

void sched_timer_interrupt(void)
{
    uint64_t now = arch_time_ns();
    struct sched_cpu *cpu = &sched_cpus[arch_cpu_id()];

    spin_lock(&sched_lock);
    wake_expired(now);
    if (cpu->current && cpu->current->slice_end_ns <= now)
        cpu->need_resched = true;
    spin_unlock(&sched_lock);
}

void sched_ipi_interrupt(void)
{
    /* The state that matters is re-read by sched_exit_check and sched_run. */
}

/* Whether v must leave the CPU now (sched_lock held). */
static bool must_switch(struct sched_cpu *cpu, struct vcpu *v)
{
    if (v->state != VCPU_RUNNING || v->domain->state != DOMAIN_RUNNING)
        return true;
    if (v->domain->pause_count) {
        set_state(v, VCPU_RUNNABLE); /* parked off the run queue until unpaused */
        return true;
    }
    if (!cpu->need_resched)
        return false;
    cpu->need_resched = false;
    if (!run_head) {
        v->slice_end_ns = arch_time_ns() + SCHED_SLICE_NS; /* nobody waits: another slice */
        return false;
    }
    set_state(v, VCPU_RUNNABLE);
    return true;
}

void sched_exit_check(struct vcpu *v)
{
    struct sched_cpu *cpu = &sched_cpus[arch_cpu_id()];
    bool leave;

    spin_lock(&sched_lock);
    leave = must_switch(cpu, v);
    spin_unlock(&sched_lock);
    if (!leave) {
        arch_timer_set(sched_next_deadline());
        return;
    }
    arch_vcpu_save(v);
    spin_lock(&sched_lock);
    cpu->current = NULL;
    v->pcpu = -1;
    if (v->domain->state != DOMAIN_RUNNING)
        set_state(v, VCPU_OFFLINE);
    if (v->state == VCPU_RUNNABLE && !v->domain->pause_count)
        run_queue_push(v);
    spin_unlock(&sched_lock);
    sched_run();
}

/* The next vCPU to run, or NULL (sched_lock held). vCPUs of stopped domains are dropped. */
static struct vcpu *pick_next(void)
{
    struct vcpu *v;

    while ((v = run_queue_pop()) != NULL) {
        if (v->domain->pause_count)
            continue; /* parked: sched_domain_unpause puts it back */
        if (v->domain->state == DOMAIN_RUNNING && v->state == VCPU_RUNNABLE)
            return v;
        if (v->domain->state != DOMAIN_RUNNING)
            set_state(v, VCPU_OFFLINE);
    }
    return NULL;
}

void sched_run(void)
{
    struct sched_cpu *cpu = &sched_cpus[arch_cpu_id()];

    for (;;) {
        struct domain *finished;
        struct vcpu *v;
        uint64_t now, next;

        /* Every pass, busy or not: a system that never idles still frees dead domains. */
        finished = domain_claim_finished();
        if (finished) {
            domain_destroy(finished);
            continue;
        }
        now = arch_time_ns();
        spin_lock(&sched_lock);
        next = wake_expired(now);
        v = pick_next();
        if (v) {
            set_state(v, VCPU_RUNNING);
            v->pcpu = (int)arch_cpu_id();
            v->wake_pending = false;
            v->slice_end_ns = now + SCHED_SLICE_NS;
            v->run_count++;
            cpu->current = v;
            cpu->idle = false;
            cpu->need_resched = false;
        }
        spin_unlock(&sched_lock);
        if (v) {
            sched_runstate_publish(v); /* its copy says "running" from now on */
            arch_timer_set(earlier(next, v->slice_end_ns));
            arch_vcpu_enter(v);
            /* Back at the top before idling: if v's domain just ended, this CPU frees it
               (otherwise an idle CPU with no deadline would leave it until woken). */
            continue;
        }
        spin_lock(&sched_lock);
        cpu->idle = !run_head;
        spin_unlock(&sched_lock);
        if (!cpu->idle)
            continue;
        arch_timer_set(next);
        arch_idle_wait();
        cpu->idle = false;
    }
}
