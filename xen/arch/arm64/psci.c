/*
 * PSCI (Arm DEN 0022, Power State Coordination Interface) calls: CPU_ON to
 * start secondary CPUs, SYSTEM_OFF to power off. The conduit, SMC or HVC,
 * is the one the device tree's /psci node names (QEMU's virt board with
 * virtualization=on and no EL3 says "smc"; QEMU then answers the call itself).
 * SMC Calling Convention: function id in w0, arguments in x1-x3, result x0.
 */
#include <asm/cpu.h>
#include <asm/mmu.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/string.h>

#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u

#define PSCI_SUCCESS 0
#define PSCI_INVALID_PARAMETERS -2
#define PSCI_ALREADY_ON -4

static bool psci_present;
static bool psci_use_smc;

static int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = function;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;

    if (psci_use_smc)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
}

void psci_init(const struct bootinfo *bi)
{
    psci_present = bi->has_psci;
    psci_use_smc = bi->psci_smc;
}

static const char *psci_conduit(void)
{
    return psci_use_smc ? "SMC" : "HVC";
}

int arch_cpu_start(unsigned cpu, uint64_t hwid)
{
    int64_t rc;

    if (!psci_present)
        return -ENOSYS;
    /* The new CPU reads mmu_config with its MMU off: push it to memory. */
    dcache_clean_range(&mmu_config, &mmu_config + 1);
    rc = psci_call(PSCI_CPU_ON_64, hwid, (uint64_t)(uintptr_t)secondary_entry, cpu);
    if (rc == PSCI_SUCCESS)
        return 0;
    printk("psci: CPU_ON(%#lx) over %s failed: %ld\n", (unsigned long)hwid, psci_conduit(),
           (long)rc);
    if (rc == PSCI_INVALID_PARAMETERS)
        return -ENOENT;
    return rc == PSCI_ALREADY_ON ? -EBUSY : -EIO;
}

void arch_power_off(void)
{
    if (psci_present) {
        psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
        printk("psci: SYSTEM_OFF over %s returned\n", psci_conduit());
    } else {
        printk("no PSCI: cannot power off\n");
    }
    printk("halting CPU %u\n", arch_cpu_id());
    arch_halt();
}
