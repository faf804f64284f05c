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
    /* NULL, or decides before the run: NULL = run it, else why it is not run. */
    const char *(*not_run_because)(void);
};

/*
 * Defines and registers a test that runs only when condition() returns NULL; otherwise the
 * guest prints "[guest] not run: NAME (reason)" and no [test] line at all, so a scenario
 * lists only the tests that apply to it (a test never passes by being skipped).
 */
#define GUEST_TEST_WHEN(test_name, condition)                                                      \
    static void guest_test_body_##test_name(void);                                                 \
    static struct guest_test guest_test_entry_##test_name                                          \
        __attribute__((used, section(".guest_tests"), aligned(8))) = {                             \
            #test_name, guest_test_body_##test_name, __FILE_NAME__, __LINE__, condition};          \
    static void guest_test_body_##test_name(void)

/* Defines and registers a test; the body follows as a function body. */
#define GUEST_TEST(test_name) GUEST_TEST_WHEN(test_name, NULL)

/* A test that needs a hypervisor: it runs only in xen mode. */
#define GUEST_TEST_XEN(test_name) GUEST_TEST_WHEN(test_name, guest_needs_hypervisor)

/* NULL in xen mode, "needs a hypervisor" in bare mode (a GUEST_TEST_WHEN condition). */
const char *guest_needs_hypervisor(void);

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

/*
 * Runs fn(address) and CHECKs that it took a data abort at the current EL for `address`
 * (FAR, unless ESR.FnV says it is not valid) by a load or, when `write`, a store. ESR.WnR is
 * checked bare; under a hypervisor, which may reflect a stage-2 fault with an empty ISS
 * (Xen 4.17 does), a wrong WnR only prints "[guest] note: the abort for the ... has WnR=N"
 * (a scenario may forbid that line).
 */
void expect_data_abort(void (*fn)(void *), uint64_t address, bool write);

/* Short text for an ESR exception class ("data abort (same EL)", "undefined", ...). */
const char *esr_class_name(uint64_t esr);

/*
 * Runs fn(arg) with no fault guard at all: an exception in it is fatal to the guest (the
 * library reports it as the current test's FAIL and shuts down with SHUTDOWN_crash, so no
 * "[test] DONE" follows). For tests whose point is an access nobody catches.
 */
void guest_call_unguarded(void (*fn)(void *), void *arg);

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
/* The first byte after the image's reserved size (code, data, BSS and stacks). */
uint64_t guest_image_end(void);
/* Where the device tree lies and its size (header totalsize); false without one. */
bool guest_dtb_range(uint64_t *base, uint64_t *size);

/*
 * "key=value" words of /chosen/bootargs. guest_bootarg finds the first word starting with
 * "key=" and returns its value (up to the next space, not NUL-terminated) and length.
 * guest_parse_u64 reads a decimal or 0x-prefixed hexadecimal number that fills exactly
 * `length` characters. guest_bootarg_u64 stores the value, or `fallback` when the word is
 * absent; it returns false (and stores fallback) when the value is malformed.
 */
bool guest_bootarg(const char *key, const char **value, size_t *length);
bool guest_parse_u64(const char *text, size_t length, uint64_t *value);
bool guest_bootarg_u64(const char *key, uint64_t fallback, uint64_t *value);
/* True when the word "key=expected" is there (e.g. guest_bootarg_is("role", "ctl")). */
bool guest_bootarg_is(const char *key, const char *expected);

/* The next number of a xorshift64* sequence (*state must not be 0): for fuzzing, not secrets. */
uint64_t guest_random(uint64_t *state);
/* Flushes the console and powers off (hypervisor: sched_op shutdown; bare: SYSTEM_OFF). */
void guest_shutdown(unsigned int reason) __attribute__((noreturn));

/* ------------------------------------------------------------------ CPUs and time */

/* This CPU's slot: 0 for the boot CPU, 1.. for CPUs started with guest_cpu_run. */
unsigned int guest_cpu_index(void);

enum guest_cpu_status {
    GUEST_CPU_OK,           /* fn returned and the CPU turned itself off (start: CPU_ON ok) */
    GUEST_CPU_NO_SUCH_CPU,  /* index is 0, too large, or not in the device tree */
    GUEST_CPU_START_FAILED, /* CPU_ON returned an error (psci_result) */
    GUEST_CPU_TIMEOUT,      /* fn did not finish in time */
    GUEST_CPU_FAULTED,      /* fn took an exception (fault) */
    GUEST_CPU_CHECK_FAILED, /* a CHECK in fn failed (printed by that CPU) */
    GUEST_CPU_STILL_ON,     /* fn finished but AFFINITY_INFO never reported OFF */
    GUEST_CPU_BUSY,         /* start: the slot was started before and not joined yet */
    GUEST_CPU_NOT_STARTED,  /* join: nothing was started on that slot */
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

/*
 * Several CPUs at once: guest_cpu_start starts CPU `index` with CPU_ON running fn(arg) and
 * returns at once (status GUEST_CPU_OK when CPU_ON succeeded); guest_cpu_join waits up to
 * timeout_us for fn to return and the CPU to be OFF, and gives the outcome as guest_cpu_run
 * does. While it runs, such a CPU's console output is kept and printed by guest_cpu_join
 * (its lines cannot interleave with the boot CPU's). guest_cpu_running says whether the CPU
 * has entered fn; guest_cpu_wait_running waits for that up to timeout_us. A slot that timed
 * out in join stays busy until a later join sees it finish.
 */
struct guest_cpu_result guest_cpu_start(unsigned int index, void (*fn)(void *), void *arg);
struct guest_cpu_result guest_cpu_join(unsigned int index, uint64_t timeout_us);
bool guest_cpu_running(unsigned int index);
bool guest_cpu_wait_running(unsigned int index, uint64_t timeout_us);

/* Text for a guest_cpu_status. */
const char *guest_cpu_status_name(enum guest_cpu_status status);

/* Virtual-counter ticks in `us` microseconds (CNTFRQ_EL0 based). */
uint64_t timer_ticks_from_us(uint64_t us);
/* Busy-waits `us` microseconds on the virtual counter. */
void timer_delay_us(uint64_t us);

/* ------------------------------------------------------------------ interrupts (GICv3) */

#define GIC_MAX_INTID 1020        /* INTIDs 1020..1023 are special (IHI 0069 2.2.1) */
#define GIC_DEFAULT_PRIORITY 0xa0 /* every INTID the library enables */
#define GUEST_IRQ_LIMIT 128       /* handlers and counts exist for INTIDs 0..127 */
#define TIMER_VIRTUAL_PPI 27      /* the EL1 virtual timer's interrupt */

/*
 * gic_init (boot CPU, first): finds the "arm,gic-v3" node, enables the distributor
 * (affinity routing, Group 1) and sets up this CPU like gic_cpu_init. gic_cpu_init (any
 * CPU, after gic_init): finds this CPU's redistributor by GICR_TYPER affinity, wakes it, puts
 * SGIs/PPIs in Group 1 at GIC_DEFAULT_PRIORITY, all disabled, and turns on the
 * system-register CPU interface (SRE, PMR 0xff, EOImode 0, Group 1 enabled). Both return
 * false on failure; gic_error says why. Interrupts stay masked (PSTATE.I) either way.
 */
bool gic_init(void);
bool gic_cpu_init(void);
bool gic_cpu_ready(void);
const char *gic_error(void);
/* Where the distributor is (0 before gic_init found it), and this CPU's RD_base. */
uint64_t gic_distributor_base(void);
uint64_t gic_redistributor_base(void);
/* GICD_PIDR2.ArchRev: 3 for GICv3. */
uint32_t gic_distributor_arch_revision(void);
/*
 * Enables / disables an INTID at the GIC: SGIs and PPIs in this CPU's redistributor, SPIs in
 * the distributor (routed to this CPU, Group 1). gic_irq_pending reads its pending bit.
 */
bool gic_irq_enable(unsigned int intid);
bool gic_irq_disable(unsigned int intid);
bool gic_irq_pending(unsigned int intid);
/* Sends SGI `sgi` (0..15) to the CPU with this MPIDR affinity / with this CPU index. */
bool gic_send_sgi(unsigned int sgi, uint64_t mpidr);
bool gic_send_sgi_to_cpu(unsigned int sgi, unsigned int index);

/*
 * Handlers: guest_irq_register(intid, fn) makes fn(intid) run for each interrupt `intid`
 * taken on any CPU (NULL removes it; -1 for an INTID >= GUEST_IRQ_LIMIT). Handlers run with
 * IRQs masked and must not fault or CHECK. guest_irq_enable/disable clear/set PSTATE.I on
 * this CPU. guest_irq_count(cpu, intid) counts interrupts `intid` handled on that CPU;
 * guest_irq_unhandled(cpu) those that had no handler (they are disabled at the GIC).
 * guest_irq_wait_count waits in WFI (masked, then unmasking to take what woke it) until this
 * CPU's count for `intid` reaches `target`; the timeout is checked each time it wakes, so a
 * GIC that never signals leaves the CPU in WFI. guest_irq_poll_count waits the same way but
 * spinning with IRQs unmasked, so its timeout always holds (for an interrupt that should
 * already be pending or on its way). Both restore PSTATE.I and return whether it got there.
 */
typedef void (*guest_irq_handler)(unsigned int intid);
int guest_irq_register(unsigned int intid, guest_irq_handler handler);
void guest_irq_enable(void);
void guest_irq_disable(void);
bool guest_irq_enabled(void);
uint64_t guest_irq_count(unsigned int cpu, unsigned int intid);
uint64_t guest_irq_unhandled(unsigned int cpu);
bool guest_irq_wait_count(unsigned int intid, uint64_t target, uint64_t timeout_us);
bool guest_irq_poll_count(unsigned int intid, uint64_t target, uint64_t timeout_us);

/* ------------------------------------------------------------------ timer interrupt */

#define TIMER_IRQ_MAX_TICKS 32

struct timer_irq_tick {
    uint64_t compare; /* CNTV_CVAL_EL0 the interrupt was for */
    uint64_t arrived; /* CNTVCT_EL0 when the handler ran */
};

struct timer_irq_result {
    uint64_t start; /* counter when the timer was programmed */
    unsigned int arrived;
    struct timer_irq_tick ticks[TIMER_IRQ_MAX_TICKS];
};

/*
 * Programs this CPU's virtual timer (interrupt unmasked) to fire at now + first_us, then
 * every period_us until `ticks` interrupts arrived (period_us 0: once), waiting in WFI with
 * IRQs unmasked; gives up timeout_us after the last tick was due (checked when woken).
 * Needs the GIC set up on this CPU. Returns the ticks that arrived; the timer is off after.
 */
unsigned int timer_irq_run(uint64_t first_us, uint64_t period_us, unsigned int ticks,
                           uint64_t timeout_us, struct timer_irq_result *result);

/*
 * timer_irq_verify CHECKs a run's result: all `ticks` arrived, the first for start +
 * first_us, each compare value one period after the previous, and each interrupt taken
 * neither before its compare value nor more than max_latency_us after it. Returns the worst
 * latency in us. timer_irq_expect is timer_irq_run followed by timer_irq_verify.
 */
uint64_t timer_irq_verify(const struct timer_irq_result *result, uint64_t first_us,
                          uint64_t period_us, unsigned int ticks, uint64_t max_latency_us);
uint64_t timer_irq_expect(uint64_t first_us, uint64_t period_us, unsigned int ticks,
                          uint64_t max_latency_us);

#endif
