/*
 * The test-guest library: what a guest in tests/guest/guests/ includes.
 *
 *     #include "guest.h"
 *
 *     GUEST_TEST(adds_up)
 *     {
 *         CHECK_EQ(1 + 1, 2);
 *     }
 *
 * Tests run in source order on the boot CPU, one after another, each under a fault guard.
 * The console protocol (parsed by tests/guest/run.sh):
 *     [test] START name            a test begins (informational)
 *     [test] PASS name             it returned
 *     [test] FAIL name: reason     a check failed (file:line: what) or an unexpected exception
 *     [test] DONE                  every selected test ran; the guest then powers off
 * A failed check ends its test; the next test still runs. Lines starting "[guest]" are
 * information. The kernel command line (/chosen/bootargs) may hold "tests=a,b" to run only
 * the named tests.
 */
#ifndef FLAXEN_GUEST_H
#define FLAXEN_GUEST_H

#include "abi.h"
#include "arch.h"
#include "fdt.h"
#include "layout.h"
#include "lib.h"

/* The build compiles each guest with -DGUEST_IMAGE_NAME="name"; the banner prints it. */
#ifdef GUEST_IMAGE_NAME
const char guest_image_name[] = GUEST_IMAGE_NAME;
#endif

/* ------------------------------------------------------------------ tests and checks */

struct guest_test {
    const char *name;
    void (*run)(void);
    const char *file;
    unsigned int line;
};

/* Defines and registers a test; the body follows as a function body. */
#define GUEST_TEST(test_name)                                                                      \
    static void guest_test_body_##test_name(void);                                                 \
    static struct guest_test guest_test_entry_##test_name                                          \
        __attribute__((used, section(".guest_tests"), aligned(8))) = {                             \
            #test_name, guest_test_body_##test_name, __FILE_NAME__, __LINE__};                     \
    static void guest_test_body_##test_name(void)

/*
 * Reports "[test] FAIL <test>: <file>:<line>: <message>" and ends the current test (on a
 * secondary CPU: reports "[cpuN] check failed: ..." and ends that CPU's function).
 */
void guest_check_failed(const char *file, unsigned int line, const char *format, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            guest_check_failed(__FILE_NAME__, __LINE__, "CHECK(%s)", #condition);                  \
    } while (0)

#define CHECK_MSG(condition, ...)                                                                  \
    do {                                                                                           \
        if (!(condition))                                                                          \
            guest_check_failed(__FILE_NAME__, __LINE__, __VA_ARGS__);                              \
    } while (0)

/* Compares as 64-bit integers and prints both values (hex and signed decimal) on failure. */
#define CHECK_EQ(left, right) GUEST_CHECK_COMPARE(left, right, ==, "CHECK_EQ")
#define CHECK_NE(left, right) GUEST_CHECK_COMPARE(left, right, !=, "CHECK_NE")

#define GUEST_CHECK_COMPARE(left, right, op, what)                                                 \
    do {                                                                                           \
        uint64_t check_left_ = (uint64_t)(left);                                                   \
        uint64_t check_right_ = (uint64_t)(right);                                                 \
        if (!(check_left_ op check_right_))                                                        \
            guest_check_failed(__FILE_NAME__, __LINE__,                                            \
                               what "(%s, %s): 0x%llx (%lld) vs 0x%llx (%lld)", #left, #right,     \
                               (unsigned long long)check_left_, (long long)check_left_,            \
                               (unsigned long long)check_right_, (long long)check_right_);         \
    } while (0)

/* The name of the test running on the boot CPU, or NULL between tests. */
const char *guest_current_test(void);

/* ------------------------------------------------------------------ faults */

struct fault_info {
    uint64_t esr;  /* ESR_EL1 (for IRQ/FIQ: 0) */
    uint64_t far;  /* FAR_EL1 (valid for aborts unless ESR says FnV) */
    uint64_t elr;  /* address of the faulting instruction */
    unsigned kind; /* vector: group * 4 + type (0 synchronous, 1 IRQ, 2 FIQ, 3 SError) */
};

/*
 * Runs fn(arg) expecting it may take an exception. Returns true and fills `fault` (may be
 * NULL) when it did; execution then resumes here, not after the faulting instruction. The
 * exception does not count as a test failure.
 */
bool catch_fault(void (*fn)(void *), void *arg, struct fault_info *fault);

/* Runs fn(arg) expecting a fault; returns its ESR, or 0 when fn returned normally. */
uint64_t expect_fault(void (*fn)(void *), void *arg);

/* Short text for an ESR exception class ("data abort (same EL)", "undefined", ...). */
const char *esr_class_name(uint64_t esr);

/* ------------------------------------------------------------------ hypercalls (Xen ABI) */

/* HVC #0xEA1 with the number in x16 and arguments in x0..x4; returns x0. */
long hypercall0(unsigned long number);
long hypercall1(unsigned long number, unsigned long a0);
long hypercall2(unsigned long number, unsigned long a0, unsigned long a1);
long hypercall3(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2);
long hypercall4(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3);
long hypercall5(unsigned long number, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4);

/* console_io(CONSOLEIO_write, length, buffer): bytes to the hypervisor's console. */
long xen_console_write(const char *buffer, size_t length);
/* sched_op(SCHEDOP_yield / SCHEDOP_block, NULL). */
long sched_yield(void);
long sched_block(void);
/* sched_op(SCHEDOP_shutdown, &{reason}); returns only on failure. */
long sched_shutdown(unsigned int reason);
/* xen_version(command, argument); XENVER_version returns major << 16 | minor. */
long xen_version(unsigned int command, void *argument);

/* ------------------------------------------------------------------ PSCI (SMCCC over HVC #0) */

/* One SMCCC call: function id in w0, arguments x1..x3; returns x0. */
int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3);
/* PSCI_VERSION: major << 16 | minor. */
int32_t psci_version(void);
/* PSCI_FEATURES(function): 0 (or feature flags) when implemented, PSCI_NOT_SUPPORTED else. */
int32_t psci_features(uint32_t function);
/* CPU_ON (64-bit): start the CPU `mpidr` at physical `entry` with x0 = context. */
int32_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
/* CPU_OFF: returns only on failure. */
int32_t psci_cpu_off(void);
/* AFFINITY_INFO (64-bit): PSCI_AFFINITY_ON / OFF / ON_PENDING or an error. */
int32_t psci_affinity_info(uint64_t mpidr, uint32_t lowest_level);
/* SYSTEM_OFF: returns only on failure. */
int32_t psci_system_off(void);

/* ------------------------------------------------------------------ platform */

enum guest_mode {
    GUEST_MODE_BARE, /* directly on QEMU: PL011 console, PSCI from QEMU's firmware */
    GUEST_MODE_XEN,  /* under a Xen-compatible hypervisor (/hypervisor "xen,xen") */
};

enum guest_mode guest_mode(void);
/* "bare" or "xen". */
const char *guest_mode_name(void);
/* The device tree the guest was booted with, or NULL when it was missing or malformed. */
const struct fdt *guest_fdt(void);
/* /chosen/bootargs, or "" */
const char *guest_bootargs(void);
/* Number of CPUs in /cpus, and the MPIDR (reg) of CPU `index` in document order. */
unsigned int guest_cpu_count(void);
bool guest_cpu_mpidr(unsigned int index, uint64_t *mpidr);
/* First RAM range in the device tree. */
bool guest_ram_range(uint64_t *base, uint64_t *size);
/*
 * An address no RAM or device claims: above all RAM, rounded up to 1 GiB, and outside
 * every top-level node's reg. With the MMU off a load from it takes a synchronous external
 * abort on QEMU virt; under a hypervisor, a stage-2 fault that must be reflected.
 */
uint64_t guest_unmapped_address(void);
/* Where the image was loaded (its Image header). */
uint64_t guest_load_address(void);
/* Flushes the console and powers off (hypervisor: sched_op shutdown; bare: SYSTEM_OFF). */
void guest_shutdown(unsigned int reason) __attribute__((noreturn));

/* ------------------------------------------------------------------ CPUs and time */

/* This CPU's slot: 0 for the boot CPU, 1.. for CPUs started with guest_cpu_run. */
unsigned int guest_cpu_index(void);

enum guest_cpu_status {
    GUEST_CPU_OK,           /* fn returned and the CPU turned itself off */
    GUEST_CPU_NO_SUCH_CPU,  /* index is 0, too large, or not in the device tree */
    GUEST_CPU_START_FAILED, /* CPU_ON returned an error (psci_result) */
    GUEST_CPU_TIMEOUT,      /* fn did not finish in time */
    GUEST_CPU_FAULTED,      /* fn took an exception (fault) */
    GUEST_CPU_CHECK_FAILED, /* a CHECK in fn failed (printed by that CPU) */
    GUEST_CPU_STILL_ON,     /* fn finished but AFFINITY_INFO never reported OFF */
};

struct guest_cpu_result {
    enum guest_cpu_status status;
    int32_t psci_result;
    struct fault_info fault;
};

/*
 * Starts CPU `index` (device-tree order) with PSCI CPU_ON, runs fn(arg) on it under a fault
 * guard, waits up to timeout_us for fn to finish and the CPU to be OFF again.
 */
struct guest_cpu_result guest_cpu_run(unsigned int index, void (*fn)(void *), void *arg,
                                      uint64_t timeout_us);

/* Text for a guest_cpu_status. */
const char *guest_cpu_status_name(enum guest_cpu_status status);

/* Virtual-counter ticks in `us` microseconds (CNTFRQ_EL0 based). */
uint64_t timer_ticks_from_us(uint64_t us);
/* Busy-waits `us` microseconds on the virtual counter. */
void timer_delay_us(uint64_t us);

#endif
