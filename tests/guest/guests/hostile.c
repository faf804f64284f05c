/*
 * A guest that does every wrong thing it can think of and checks that each one is answered
 * properly instead of taking anything down: aborts for unmapped addresses, RAZ/WI for a
 * reserved GIC register, aborts for GIC accesses a trap-and-emulate hypervisor cannot or
 * will not emulate, undefined-instruction exceptions, SMCCC NOT_SUPPORTED, and Xen errno
 * values (xen/include/public/errno.h) for garbage hypercalls.
 *
 * Tests marked GUEST_TEST_XEN run only under a hypervisor (bare, there is no EL2: SMC is
 * undefined, hypercalls do not exist, QEMU takes every HVC for a PSCI call and its own GIC
 * accepts any access size), so the bare scenario lists fewer tests than the hypervisor one.
 *
 * bootargs: crash=1 adds a last test that jumps to an unmapped address with VBAR_EL1 pointing
 * at unmapped memory: the guest cannot handle anything any more and only the hypervisor
 * can end it (it must crash this domain, and only this one). Under a hypervisor only.
 */
#include "guest.h"

/* GICv3 distributor offsets (IHI 0069 12.9): CTLR, TYPER, and two reserved words. */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_RESERVED_A 0x0068
#define GICD_RESERVED_B 0x0078

#define XEN_HC_UNKNOWN 1000

static uint64_t distributor(void)
{
    struct fdt_node node;
    uint64_t base = 0;
    uint64_t size = 0;
    const struct fdt *fdt = guest_fdt();
    CHECK(fdt != NULL);
    CHECK_MSG(fdt_find_compatible(fdt, "arm,gic-v3", &node), "no arm,gic-v3 node");
    CHECK(fdt_reg(fdt, &node, 0, &base, &size));
    return base;
}

static void load_word(void *address)
{
    (void)mmio_read32((uintptr_t)address);
}

static void store_word(void *address)
{
    mmio_write32((uintptr_t)address, 0xdeadbeef);
}

GUEST_TEST(unmapped_load_aborts)
{
    expect_data_abort(load_word, guest_unmapped_address(), false);
}

GUEST_TEST(unmapped_store_aborts)
{
    expect_data_abort(store_word, guest_unmapped_address(), true);
}

static void execute_at(void *address)
{
    ((void (*)(void))address)();
}

GUEST_TEST(unmapped_execute_aborts)
{
    struct fault_info fault;
    uint64_t address = guest_unmapped_address();
    CHECK(catch_fault(execute_at, (void *)(uintptr_t)address, &fault));
    CHECK_MSG(esr_class(fault.esr) == ESR_EC_IABT_SAME, "%s, ESR 0x%llx", esr_class_name(fault.esr),
              (unsigned long long)fault.esr);
    CHECK_EQ(fault.elr, address);
    CHECK_EQ(fault.far, address);
}

/* Reserved distributor words read as zero and ignore writes (IHI 0069 1.2.5: RES0). */
GUEST_TEST(gic_reserved_is_raz_wi)
{
    uint64_t base = distributor();
    const unsigned int offsets[] = {GICD_RESERVED_A, GICD_RESERVED_B};
    for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
        uintptr_t address = (uintptr_t)(base + offsets[i]);
        CHECK_EQ(expect_fault(load_word, (void *)address), 0);
        CHECK_EQ(mmio_read32(address), 0);
        CHECK_EQ(expect_fault(store_word, (void *)address), 0);
        CHECK_EQ(mmio_read32(address), 0);
    }
}

static void load_byte(void *address)
{
    uint32_t value;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
}

static void load_halfword(void *address)
{
    uint32_t value;
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
}

static void load_doubleword(void *address)
{
    (void)mmio_read64((uintptr_t)address);
}

static void store_byte(void *address)
{
    __asm__ volatile("strb wzr, [%0]" : : "r"(address) : "memory");
}

/* GICD_CTLR and GICD_TYPER are 32-bit registers: other sizes are refused with an abort. */
GUEST_TEST_XEN(gic_bad_sizes_abort)
{
    uint64_t base = distributor();
    expect_data_abort(load_byte, base + GICD_CTLR, false);
    expect_data_abort(load_halfword, base + GICD_CTLR, false);
    expect_data_abort(load_doubleword, base + GICD_CTLR, false);
    expect_data_abort(store_byte, base + GICD_TYPER, true);
}

static void load_pair(void *address)
{
    uint32_t first;
    uint32_t second;
    __asm__ volatile("ldp %w0, %w1, [%2]" : "=r"(first), "=r"(second) : "r"(address) : "memory");
}

/*
 * A load pair leaves no syndrome to emulate from (ESR ISV = 0): the hypervisor must abort.
 * (Single loads with writeback are ISV = 0 too, but a hypervisor may decode those from the
 * instruction, as Xen 4.17 does, so they are not tested.)
 */
GUEST_TEST_XEN(gic_undecodable_access_aborts)
{
    uint64_t base = distributor();
    expect_data_abort(load_pair, base + GICD_CTLR, false);
}

static void execute_undefined(void *unused)
{
    (void)unused;
    __asm__ volatile("udf #0xbad");
}

/* fn must take a synchronous exception with class "unknown" (undefined instruction). */
static void expect_undefined(void (*fn)(void *), const char *what)
{
    struct fault_info fault;
    CHECK_MSG(catch_fault(fn, NULL, &fault), "%s: no exception", what);
    CHECK_MSG(fault.kind == 4 && esr_class(fault.esr) == ESR_EC_UNKNOWN,
              "%s: %s, ESR 0x%llx, vector %u", what, esr_class_name(fault.esr),
              (unsigned long long)fault.esr, fault.kind);
}

GUEST_TEST(undefined_instruction)
{
    expect_undefined(execute_undefined, "udf");
}

/*
 * HVC with immediates that are neither 0 (SMCCC) nor 0xEA1 (hypercall): #1 with the registers
 * of a valid xen_version hypercall, #0xffff with those of a valid PSCI_VERSION call, so that a
 * hypervisor ignoring the immediate would answer instead of raising an exception. Under a
 * hypervisor only: bare, QEMU (7.2) answers every HVC as a PSCI call, whatever the immediate.
 */
static void hvc_immediate_1(void *unused)
{
    register uint64_t x0 __asm__("x0") = XENVER_version;
    register uint64_t x16 __asm__("x16") = XEN_HC_xen_version;
    (void)unused;
    __asm__ volatile("hvc #1"
                     : "+r"(x0), "+r"(x16)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x17", "memory");
}

static void hvc_immediate_ffff(void *unused)
{
    register uint64_t x0 __asm__("x0") = PSCI_VERSION;
    register uint64_t x16 __asm__("x16") = XEN_HC_xen_version;
    (void)unused;
    __asm__ volatile("hvc #0xffff"
                     : "+r"(x0), "+r"(x16)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x17", "memory");
}

GUEST_TEST_XEN(hvc_bad_immediate_undefined)
{
    expect_undefined(hvc_immediate_1, "hvc #1");
    expect_undefined(hvc_immediate_ffff, "hvc #0xffff");
}

/* SMC #0 (SMCCC, DEN0028): function id in w0, result in x0. */
static int64_t smc_call(uint32_t function)
{
    register uint64_t x0 __asm__("x0") = function;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return (int64_t)x0;
}

/* Fast calls nobody implements: an Arm-architecture, an OEM (32-bit) and an OEM (64-bit) id. */
GUEST_TEST_XEN(smc_unknown_function)
{
    static const uint32_t functions[] = {0x8000ff42u, 0x83000042u, 0xc3000042u};
    for (unsigned int i = 0; i < ARRAY_SIZE(functions); i++) {
        int64_t result = smc_call(functions[i]);
        CHECK_MSG((int32_t)result == SMCCC_NOT_SUPPORTED, "SMC 0x%x returned 0x%llx", functions[i],
                  (unsigned long long)result);
    }
}

GUEST_TEST_XEN(hypercall_unknown_number)
{
    CHECK_EQ(hypercall0(XEN_HC_COUNT), -XEN_ENOSYS);
    CHECK_EQ(hypercall0(XEN_HC_UNKNOWN), -XEN_ENOSYS);
    CHECK_EQ(hypercall5(XEN_HC_UNKNOWN, 1, 2, 3, 4, 5), -XEN_ENOSYS);
    CHECK_EQ(hypercall0(UINT64_MAX), -XEN_ENOSYS);
    CHECK_EQ(hypercall0(1ull << 32 | XEN_HC_xen_version), -XEN_ENOSYS);
}

GUEST_TEST_XEN(console_io_unknown_command)
{
    static const char text[] = "x\n";
    CHECK_EQ(hypercall3(XEN_HC_console_io, 99, 2, (unsigned long)text), -XEN_ENOSYS);
    CHECK_EQ(hypercall3(XEN_HC_console_io, UINT64_MAX, 2, (unsigned long)text), -XEN_ENOSYS);
}

static long console_write_at(uint64_t buffer, uint64_t count)
{
    return hypercall3(XEN_HC_console_io, CONSOLEIO_write, count, buffer);
}

/*
 * The last `size` bytes of RAM, filled with newline-terminated text when that memory is
 * neither the image nor the device tree (else left alone: the hypervisor may print them).
 */
static uint64_t ram_tail(uint64_t size)
{
    uint64_t base = 0;
    uint64_t ram_size = 0;
    uint64_t dtb = 0;
    uint64_t dtb_size = 0;
    CHECK(guest_ram_range(&base, &ram_size));
    uint64_t tail = base + ram_size - size;
    bool clash = tail < guest_image_end() && guest_load_address() < tail + size;
    if (guest_dtb_range(&dtb, &dtb_size))
        clash = clash || (tail < dtb + dtb_size && dtb < tail + size);
    if (!clash) {
        for (uint64_t i = 0; i < size; i++)
            *(volatile char *)(uintptr_t)(tail + i) = (i + 1) % 16 == 0 ? '\n' : 'h';
    }
    return tail;
}

GUEST_TEST_XEN(console_io_bad_buffer)
{
    CHECK_EQ(console_write_at(guest_unmapped_address(), 16), -XEN_EFAULT);
    CHECK_EQ(console_write_at(0xffffffffffff0000ull, 16), -XEN_EFAULT);
    /* Partly unmapped: the first 16 bytes are the domain's RAM, the rest is not. */
    uint64_t tail = ram_tail(16);
    CHECK_EQ(console_write_at(tail, 64), -XEN_EFAULT);
}

/* A count far beyond the buffer must come back: -EFAULT, or a write of what is readable. */
GUEST_TEST_XEN(console_io_huge_count)
{
    uint64_t tail = ram_tail(64);
    const uint64_t counts[] = {UINT32_MAX, 1ull << 62, UINT64_MAX};
    for (unsigned int i = 0; i < ARRAY_SIZE(counts); i++) {
        long result = console_write_at(tail, counts[i]);
        printf("[guest] console_io write of 0x%llx bytes at 0x%llx returned %ld\n",
               (unsigned long long)counts[i], (unsigned long long)tail, result);
        CHECK_MSG(result == -XEN_EFAULT || result == -XEN_EINVAL || (result >= 0 && result <= 64),
                  "count 0x%llx: %ld", (unsigned long long)counts[i], result);
    }
}

GUEST_TEST_XEN(sched_op_unknown_command)
{
    CHECK_EQ(hypercall2(XEN_HC_sched_op, 99, 0), -XEN_ENOSYS);
    CHECK_EQ(hypercall2(XEN_HC_sched_op, UINT64_MAX, 0), -XEN_ENOSYS);
}

GUEST_TEST_XEN(sched_op_shutdown_bad_argument)
{
    CHECK_EQ(hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, guest_unmapped_address()), -XEN_EFAULT);
    CHECK_EQ(hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, 0xffffffffffff0000ull), -XEN_EFAULT);
}

GUEST_TEST_XEN(xen_version_unknown_command)
{
    xen_extraversion_t buffer = {0};
    CHECK_EQ(hypercall2(XEN_HC_xen_version, 99, (unsigned long)buffer), -XEN_ENOSYS);
    CHECK_EQ(hypercall2(XEN_HC_xen_version, UINT64_MAX, 0), -XEN_ENOSYS);
}

GUEST_TEST_XEN(xen_version_bad_buffer)
{
    uint64_t nowhere = guest_unmapped_address();
    CHECK_EQ(hypercall2(XEN_HC_xen_version, XENVER_extraversion, nowhere), -XEN_EFAULT);
    CHECK_EQ(hypercall2(XEN_HC_xen_version, XENVER_get_features, nowhere), -XEN_EFAULT);
    /* And the hypervisor still answers a good call. */
    CHECK(xen_version(XENVER_version, NULL) > 0);
}

static const char *crash_requested(void)
{
    uint64_t crash;
    if (guest_mode() != GUEST_MODE_XEN)
        return "needs a hypervisor";
    if (!guest_bootarg_u64("crash", 0, &crash) || crash != 1)
        return "no crash=1 in bootargs";
    return NULL;
}

/* Vectors and PC in unmapped memory: every exception from here on faults again. */
static void jump_with_unmapped_vectors(void *target)
{
    SYSREG_WRITE(vbar_el1, (uint64_t)(uintptr_t)target);
    arch_isb();
    ((void (*)(void))((uintptr_t)target + 0x1000))();
}

GUEST_TEST_WHEN(fatal_jump, crash_requested)
{
    uint64_t nowhere = guest_unmapped_address();
    printf("[guest] hostile: VBAR_EL1 = 0x%llx and a jump there; only the hypervisor can stop "
           "this\n",
           (unsigned long long)nowhere);
    console_flush();
    guest_call_unguarded(jump_with_unmapped_vectors, (void *)(uintptr_t)nowhere);
    CHECK_MSG(false, "still running after the jump to 0x%llx", (unsigned long long)nowhere);
}
