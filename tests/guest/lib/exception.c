/*
 * What happens when a guest takes an exception at EL1.
 *
 * Each CPU keeps a stack of fault guards (struct fault_jump, innermost first). An exception
 * with a guard active is recorded in that guard and execution resumes at the guard's
 * fault_call, which returns FAULT_CALL_FAULTED: the test runner uses this to report an
 * unexpected exception as the current test's failure and go on with the next test;
 * catch_fault / expect_fault use it for faults a test provokes on purpose. An exception with
 * no guard, or one taken while handling another, is fatal: it is reported and the guest
 * powers off (no "[test] DONE", so the runner sees an unfinished guest).
 */
#include "internal.h"

struct cpu_state cpu_states[GUEST_MAX_CPUS];

static uint64_t exception_load_address;

static const char *const exception_kind_names[16] = {
    "synchronous (EL1, SP_EL0)",
    "IRQ (EL1, SP_EL0)",
    "FIQ (EL1, SP_EL0)",
    "SError (EL1, SP_EL0)",
    "synchronous",
    "IRQ",
    "FIQ",
    "SError",
    "synchronous (from EL0)",
    "IRQ (from EL0)",
    "FIQ (from EL0)",
    "SError (from EL0)",
    "synchronous (from EL0/32)",
    "IRQ (from EL0/32)",
    "FIQ (from EL0/32)",
    "SError (from EL0/32)",
};

static struct cpu_state *exception_cpu(void)
{
    unsigned int cpu = guest_cpu_index();
    return &cpu_states[cpu < GUEST_MAX_CPUS ? cpu : GUEST_MAX_CPUS - 1];
}

const char *esr_class_name(uint64_t esr)
{
    switch (esr_class(esr)) {
    case ESR_EC_UNKNOWN:
        return "unknown/undefined instruction";
    case ESR_EC_WFX:
        return "trapped WFI/WFE";
    case ESR_EC_SVC64:
        return "SVC";
    case ESR_EC_HVC64:
        return "HVC";
    case ESR_EC_SMC64:
        return "SMC";
    case ESR_EC_SYSREG:
        return "trapped system register access";
    case ESR_EC_IABT_LOWER:
    case ESR_EC_IABT_SAME:
        return "instruction abort";
    case ESR_EC_PC_ALIGN:
        return "PC alignment fault";
    case ESR_EC_DABT_LOWER:
    case ESR_EC_DABT_SAME:
        return "data abort";
    case ESR_EC_SP_ALIGN:
        return "SP alignment fault";
    case ESR_EC_SERROR:
        return "SError";
    case ESR_EC_BRK64:
        return "BRK";
    default:
        return "other";
    }
}

void fault_print(const struct fault_info *fault)
{
    unsigned int type = fault->kind & 3;
    printf("exception");
    if (fault->kind != 4) /* anything but synchronous from EL1 with SP_EL1 */
        printf(" [%s]", exception_kind_names[fault->kind & 15]);
    if (type == 0 || type == 3)
        printf(" ESR=0x%llx (%s)", (unsigned long long)fault->esr, esr_class_name(fault->esr));
    printf(" FAR=0x%llx ELR=0x%llx", (unsigned long long)fault->far,
           (unsigned long long)fault->elr);
    if (fault->elr >= exception_load_address)
        printf(" (image+0x%llx)", (unsigned long long)(fault->elr - exception_load_address));
}

/* No guard: report on the console directly and power off. */
static void exception_fatal(const struct exception_frame *frame, uint64_t kind, bool nested)
{
    struct fault_info fault = {frame->esr, frame->far, frame->elr, (unsigned int)kind};
    const char *test = guest_current_test();
    console_flush();
    if (nested)
        printf("[guest] exception while handling an exception on CPU %u: ", guest_cpu_index());
    else
        printf("[test] FAIL %s: unexpected exception outside a guarded call on CPU %u: ",
               test != NULL ? test : "guest", guest_cpu_index());
    fault_print(&fault);
    printf("\n");
    guest_shutdown(SHUTDOWN_crash);
}

/*
 * Called by vectors.S for every exception with the saved registers. Either redirects the
 * return to the innermost fault guard or does not return at all.
 */
void exception_handle(struct exception_frame *frame, uint64_t kind)
{
    struct cpu_state *cpu = exception_cpu();
    if (cpu->in_exception || cpu->guard == NULL)
        exception_fatal(frame, kind, cpu->in_exception);
    cpu->in_exception = true;
    struct fault_jump *jump = cpu->guard;
    jump->fault.esr = (kind & 3) == 0 || (kind & 3) == 3 ? frame->esr : 0;
    jump->fault.far = frame->far;
    jump->fault.elr = frame->elr;
    jump->fault.kind = (unsigned int)kind;
    frame->elr = (uint64_t)(uintptr_t)fault_resume;
    frame->x[0] = (uint64_t)(uintptr_t)jump;
    frame->x[1] = FAULT_CALL_FAULTED;
    cpu->in_exception = false;
}

int fault_guarded_call(struct fault_jump *jump, void (*fn)(void *), void *arg)
{
    struct cpu_state *cpu = exception_cpu();
    jump->previous = cpu->guard;
    jump->fault = (struct fault_info){0, 0, 0, 0};
    cpu->guard = jump;
    int result = fault_call(jump, fn, arg);
    /* Also after a fault or an abort from deeper guards: drop everything above ours. */
    exception_cpu()->guard = jump->previous;
    return result;
}

bool catch_fault(void (*fn)(void *), void *arg, struct fault_info *fault)
{
    struct fault_jump jump;
    /* A failed CHECK inside fn resumes at the test's own guard, never here. */
    if (fault_guarded_call(&jump, fn, arg) != FAULT_CALL_FAULTED)
        return false;
    if (fault != NULL)
        *fault = jump.fault;
    return true;
}

uint64_t expect_fault(void (*fn)(void *), void *arg)
{
    struct fault_info fault;
    if (!catch_fault(fn, arg, &fault))
        return 0;
    /* An IRQ/FIQ has no syndrome; report something non-zero all the same. */
    return fault.esr != 0 ? fault.esr : 1ull << 63 | fault.kind;
}

/* Remembers where the image lives so fault reports can give image offsets. */
void exception_set_load_address(uint64_t address)
{
    exception_load_address = address;
}

void guest_call_unguarded(void (*fn)(void *), void *arg)
{
    struct cpu_state *cpu = exception_cpu();
    struct fault_jump *saved = cpu->guard;
    cpu->guard = NULL;
    fn(arg);
    cpu->guard = saved;
}

void expect_data_abort(void (*fn)(void *), uint64_t address, bool write)
{
    struct fault_info fault;
    const char *what = write ? "store to" : "load from";
    CHECK_MSG(catch_fault(fn, (void *)(uintptr_t)address, &fault), "%s 0x%llx: no fault", what,
              (unsigned long long)address);
    CHECK_MSG(esr_class(fault.esr) == ESR_EC_DABT_SAME, "%s 0x%llx: %s, ESR 0x%llx", what,
              (unsigned long long)address, esr_class_name(fault.esr),
              (unsigned long long)fault.esr);
    if ((fault.esr & ESR_DABT_FNV) == 0)
        CHECK_EQ(fault.far, address);
    bool says_write = (fault.esr & ESR_DABT_WNR) != 0;
    if (guest_mode() == GUEST_MODE_BARE)
        CHECK_EQ(says_write, write);
    else if (says_write != write)
        printf("[guest] note: the abort for the %s 0x%llx has WnR=%d\n", what,
               (unsigned long long)address, says_write);
}
