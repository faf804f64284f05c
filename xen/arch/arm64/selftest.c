/*
 * arm64 fault-injection self-tests (see flaxen/selftest.h):
 *   pac          a corrupted signed return address must fault at AUTIASP/RET
 *   bti          an indirect call that does not land on a BTI instruction
 *                must raise a Branch Target exception (EC 0x0d)
 *   stack-guard  a write into the guard page under this CPU's stack must
 *                fault (translation fault: the page is unmapped)
 * and the boot-time check of the guest trap path (el1_probe.S), which runs
 * on every boot.
 */
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>
#include <asm/traps.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>
#include <flaxen/selftest.h>
#include <flaxen/string.h>

/* A leaf with its landing pad first: entering at +4 skips the pad. */
__asm__(".text\n"
        ".balign 8\n"
        "selftest_bti_target:\n"
        "    bti c\n"
        "    ret\n");
extern char selftest_bti_target[];

static __attribute__((noinline)) void touch(void)
{
    __asm__ volatile("" ::: "memory");
}

/* Signs its return address on entry; the stored copy is changed before the return. */
static __attribute__((noinline)) void corrupt_own_return(void)
{
    volatile uintptr_t *frame = __builtin_frame_address(0);

    touch();       /* non-leaf, so the return address is signed and saved */
    frame[1] += 4; /* {fp, lr} frame record: lr now points elsewhere */
}

static void selftest_bti(void)
{
    void (*volatile fn)(void) = (void (*)(void))(uintptr_t)(selftest_bti_target + 4);

    if (!mm_bti_enabled()) {
        printk("selftest: bti: the CPU lacks FEAT_BTI\n");
        return;
    }
    fn();
}

static void selftest_stack_guard(void)
{
    uintptr_t slot = (uintptr_t)__stacks_start + (uintptr_t)arch_cpu_id() * STACK_SLOT_SIZE;
    volatile char *guard = (volatile char *)(slot + STACK_OFFSET - 64);

    *guard = 1;
}

bool arch_selftest(const char *name)
{
    if (!strcmp(name, "pac")) {
        if (cpu_pac_enabled())
            corrupt_own_return();
        else
            printk("selftest: pac: the CPU lacks FEAT_PAuth\n");
    } else if (!strcmp(name, "bti"))
        selftest_bti();
    else if (!strcmp(name, "stack-guard"))
        selftest_stack_guard();
    else
        return false;
    return true;
}

#define EL1_PROBE_EXIT_IMM 0xf1a5

uint64_t el1_probe_run(void);
NORETURN void el1_probe_exit(uint64_t result);

static bool el1_probe_active;

bool el1_probe_trap(struct cpu_regs *regs, unsigned kind)
{
    if (!el1_probe_active || (kind & 3) != VEC_SYNC || ESR_EC(regs->esr) != ESR_EC_HVC64)
        return false;
    if ((regs->esr & 0xffff) != EL1_PROBE_EXIT_IMM) {
        regs->x[0] = (uint64_t)-ENOSYS; /* the probe's hypercall: no domain, no handler */
        return true;
    }
    el1_probe_active = false;
    el1_probe_exit(regs->x[0]);
}

void arch_boot_selfcheck(void)
{
    uint64_t result;

    el1_probe_active = true;
    result = el1_probe_run();
    el1_probe_active = false;
    if (result == 31)
        panic("trap path self-check: a hypercall from EL1 did not return -ENOSYS in x0");
    if (result)
        panic("trap path self-check: x%lu changed across a trap from EL1", (unsigned long)result);
    printk("trap path self-check: EL1 -> EL2 -> EL1 round trip OK\n");
}
