/*
 * Calls out of the guest.
 *
 * Xen-compatible hypercalls on Arm: HVC #0xEA1, number in x16, arguments x0..x4, result in
 * x0. The hypervisor may clobber every argument register (a debug Xen poisons them), so all
 * of x0..x4 and x16 are outputs here.
 *
 * PSCI through SMCCC (Arm DEN0028) with the HVC conduit, immediate 0: function id in w0,
 * arguments x1..x3, result x0. SMCCC 1.0 lets the callee corrupt x4..x17, so they are
 * clobbers.
 */
#include "internal.h"

struct hypercall_args {
    unsigned long a[5];
};

/* The single HVC #0xEA1 site; every wrapper funnels through it. */
static long hypercall_issue(unsigned long number, const struct hypercall_args *args)
{
    register unsigned long x0 __asm__("x0") = args->a[0];
    register unsigned long x1 __asm__("x1") = args->a[1];
    register unsigned long x2 __asm__("x2") = args->a[2];
    register unsigned long x3 __asm__("x3") = args->a[3];
    register unsigned long x4 __asm__("x4") = args->a[4];
    register unsigned long x16 __asm__("x16") = number;
    __asm__ volatile("hvc #0xea1"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
                     :
                     : "memory");
    return (long)x0;
}

long hypercall0(unsigned long number)
{
    struct hypercall_args args = {{0, 0, 0, 0, 0}};
    return hypercall_issue(number, &args);
}

long hypercall1(unsigned long number, unsigned long a0)
{
    struct hypercall_args args = {{a0, 0, 0, 0, 0}};
    return hypercall_issue(number, &args);
}

long hypercall2(unsigned long number, unsigned long a0, unsigned long a1)
{
    struct hypercall_args args = {{a0, a1, 0, 0, 0}};
    return hypercall_issue(number, &args);
}

long hypercall3(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2)
{
    struct hypercall_args args = {{a0, a1, a2, 0, 0}};
    return hypercall_issue(number, &args);
}

long hypercall4(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3)
{
    struct hypercall_args args = {{a0, a1, a2, a3, 0}};
    return hypercall_issue(number, &args);
}

long hypercall5(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4)
{
    struct hypercall_args args = {{a0, a1, a2, a3, a4}};
    return hypercall_issue(number, &args);
}

long xen_console_write(const char *buffer, size_t length)
{
    return hypercall3(XEN_HC_console_io, CONSOLEIO_write, length, (unsigned long)buffer);
}

long sched_yield(void)
{
    return hypercall2(XEN_HC_sched_op, SCHEDOP_yield, 0);
}

long sched_block(void)
{
    return hypercall2(XEN_HC_sched_op, SCHEDOP_block, 0);
}

long sched_shutdown(unsigned int reason)
{
    struct sched_shutdown argument = {reason};
    return hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, (unsigned long)&argument);
}

long xen_version(unsigned int command, void *argument)
{
    return hypercall2(XEN_HC_xen_version, command, (unsigned long)argument);
}

int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = function;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return (int64_t)x0;
}

int32_t psci_version(void)
{
    return (int32_t)psci_call(PSCI_VERSION, 0, 0, 0);
}

int32_t psci_features(uint32_t function)
{
    return (int32_t)psci_call(PSCI_FEATURES, function, 0, 0);
}

int32_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
    return (int32_t)psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

int32_t psci_cpu_off(void)
{
    return (int32_t)psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int32_t psci_affinity_info(uint64_t mpidr, uint32_t lowest_level)
{
    return (int32_t)psci_call(PSCI_AFFINITY_INFO_64, mpidr, lowest_level, 0);
}

int32_t psci_system_off(void)
{
    return (int32_t)psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
