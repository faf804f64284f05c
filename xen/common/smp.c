/*
 * Secondary CPU bring-up, one CPU at a time so the boot log stays in order
 * and a CPU that never arrives is named.
 *
 * cpu_online is written by each CPU for itself (release) and read by the
 * boot CPU (acquire); no lock.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/sched.h>
#include <flaxen/smp.h>

#define CPU_START_TIMEOUT_NS 5000000000ull /* generous: TCG on a busy host */

static bool cpu_online[NR_CPUS];
static bool secondaries_released;

static bool wait_online(unsigned cpu)
{
    uint64_t deadline = arch_time_ns() + CPU_START_TIMEOUT_NS;

    while (!__atomic_load_n(&cpu_online[cpu], __ATOMIC_ACQUIRE)) {
        if (arch_time_ns() > deadline)
            return false;
        arch_cpu_relax();
    }
    return true;
}

/*
 * Starts logical CPU `cpu` with hardware id `hwid` and waits for it. Returns
 * false if the firmware refused (the slot may be reused); a CPU that started
 * but never reported keeps its slot, since it may still arrive and use it.
 */
static bool start_one(unsigned cpu, uint64_t hwid)
{
    int rc = arch_cpu_start(cpu, hwid);

    if (rc) {
        printk("CPU %u (hwid %#lx): not started: error %d\n", cpu, (unsigned long)hwid, rc);
        return false;
    }
    if (!wait_online(cpu))
        printk("CPU %u (hwid %#lx): started but never came online\n", cpu, (unsigned long)hwid);
    return true;
}

unsigned smp_boot_secondaries(const struct bootinfo *bi)
{
    uint64_t boot_hwid = arch_cpu_hwid();
    unsigned next = 1;

    __atomic_store_n(&cpu_online[0], true, __ATOMIC_RELEASE);
    printk("CPU 0 online (boot CPU, hwid %#lx)\n", (unsigned long)boot_hwid);
    for (unsigned i = 0; i < bi->nr_cpus && i < ARRAY_SIZE(bi->cpu_mpidr); i++) {
        uint64_t hwid = bi->cpu_mpidr[i];

        if (hwid == boot_hwid)
            continue;
        if (next == NR_CPUS) {
            printk("CPU hwid %#lx ignored: at most %u CPUs\n", (unsigned long)hwid, NR_CPUS);
            continue;
        }
        if (start_one(next, hwid))
            next++;
    }
    return smp_online_count();
}

void smp_secondary_main(unsigned cpu)
{
    printk("CPU %u online (hwid %#lx)\n", cpu, (unsigned long)arch_cpu_hwid());
    arch_cpu_virt_init();
    __atomic_store_n(&cpu_online[cpu], true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&secondaries_released, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    sched_run();
}

void smp_release_secondaries(void)
{
    __atomic_store_n(&secondaries_released, true, __ATOMIC_RELEASE);
}

unsigned smp_online_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < NR_CPUS; i++)
        n += __atomic_load_n(&cpu_online[i], __ATOMIC_ACQUIRE);
    return n;
}
