/*
 * C side of the EL2 exception vectors (vectors.S).
 *
 * An exception taken from EL2 is always a hypervisor bug: report everything
 * useful in one block of lines starting with "FATAL" and halt this CPU (the
 * state stays inspectable with a debugger). Exceptions from guests go to
 * trap_from_guest() in guest_traps.c.
 */
#include <asm/sysregs.h>
#include <asm/traps.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>

static const char *const vector_groups[] = {"EL2 with SP_EL0", "EL2", "guest AArch64",
                                            "guest AArch32"};
static const char *const vector_types[] = {"synchronous", "IRQ", "FIQ", "SError"};

/* Exception classes (ESR_ELx.EC, Arm ARM D17.2.37) worth naming in a report. */
const char *exception_class_name(unsigned ec)
{
    static const struct {
        unsigned ec;
        const char *name;
    } names[] = {
        {0x00, "unknown reason"},
        {0x01, "WFI/WFE"},
        {0x07, "FP/SIMD access"},
        {0x09, "pointer authentication instruction"},
        {0x0d, "branch target (BTI) exception"},
        {0x0e, "illegal execution state"},
        {0x15, "SVC (AArch64)"},
        {0x16, "HVC (AArch64)"},
        {0x17, "SMC (AArch64)"},
        {0x18, "MSR/MRS/system instruction"},
        {0x19, "SVE access"},
        {0x1c, "pointer authentication failure"},
        {0x20, "instruction abort from a lower EL"},
        {0x21, "instruction abort at EL2"},
        {0x22, "PC alignment fault"},
        {0x24, "data abort from a lower EL"},
        {0x25, "data abort at EL2"},
        {0x26, "SP alignment fault"},
        {0x2c, "floating-point exception"},
        {0x2f, "SError"},
        {0x30, "breakpoint from a lower EL"},
        {0x31, "breakpoint at EL2"},
        {0x32, "software step from a lower EL"},
        {0x33, "software step at EL2"},
        {0x34, "watchpoint from a lower EL"},
        {0x35, "watchpoint at EL2"},
        {0x3c, "BRK instruction"},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
        if (names[i].ec == ec)
            return names[i].name;
    return "unnamed class";
}

/* What an abort's fault status code (ISS.DFSC/IFSC) says, for aborts. */
static const char *fault_status_name(uint64_t esr)
{
    unsigned ec = ESR_EC(esr), fsc = esr & 0x3f;

    if (ec != 0x20 && ec != 0x21 && ec != 0x24 && ec != 0x25)
        return NULL;
    if (fsc >= 0x04 && fsc <= 0x07)
        return "translation fault (unmapped)";
    if (fsc >= 0x08 && fsc <= 0x0b)
        return "access flag fault";
    if (fsc >= 0x0c && fsc <= 0x0f)
        return (esr & (1u << 6)) ? "permission fault on write" : "permission fault";
    if (fsc == 0x21)
        return "alignment fault";
    if (fsc == 0x10)
        return "synchronous external abort";
    return "other fault status";
}

static bool cpu_in_fatal[NR_CPUS];

/* Halts at once if this CPU already faulted while reporting (no report loop). */
static void enter_fatal(void)
{
    unsigned cpu = arch_cpu_id();

    if (cpu < NR_CPUS) {
        if (cpu_in_fatal[cpu])
            arch_halt();
        cpu_in_fatal[cpu] = true;
    }
    console_enter_panic();
}

static void print_registers(const struct cpu_regs *regs)
{
    for (unsigned i = 0; i < 30; i += 2)
        printk("FATAL:   x%-2u %016lx  x%-2u %016lx\n", i, (unsigned long)regs->x[i], i + 1,
               (unsigned long)regs->x[i + 1]);
    printk("FATAL:   lr  %016lx  sp  %016lx\n", (unsigned long)regs->x[30],
           (unsigned long)regs->sp);
}

void trap_el2_fatal(struct cpu_regs *regs, unsigned kind)
{
    unsigned ec = ESR_EC(regs->esr);
    const char *fault = fault_status_name(regs->esr);

    enter_fatal();
    printk("FATAL: CPU %u: %s exception at %s: %s (EC=%#x)%s%s\n", arch_cpu_id(),
           vector_types[kind & 3], vector_groups[(kind >> 2) & 3], exception_class_name(ec), ec,
           fault ? ": " : "", fault ? fault : "");
    printk("FATAL:   ESR_EL2 %#lx FAR_EL2 %#lx ELR_EL2 %#lx SPSR_EL2 %#lx\n",
           (unsigned long)regs->esr, (unsigned long)regs->far, (unsigned long)regs->elr,
           (unsigned long)regs->spsr);
    print_registers(regs);
    printk("FATAL: CPU %u halted (hypervisor bug)\n", arch_cpu_id());
    arch_halt();
}

void trap_el2_stack_overflow(uint64_t bad_sp, unsigned kind)
{
    enter_fatal();
    printk("FATAL: CPU %u: hypervisor stack overflow (sp %#lx, %s exception)\n", arch_cpu_id(),
           (unsigned long)bad_sp, vector_types[kind & 3]);
    printk("FATAL:   ESR_EL2 %#lx FAR_EL2 %#lx ELR_EL2 %#lx SPSR_EL2 %#lx\n",
           (unsigned long)READ_SYSREG(esr_el2), (unsigned long)READ_SYSREG(far_el2),
           (unsigned long)READ_SYSREG(elr_el2), (unsigned long)READ_SYSREG(spsr_el2));
    printk("FATAL: CPU %u halted (hypervisor bug)\n", arch_cpu_id());
    arch_halt();
}
