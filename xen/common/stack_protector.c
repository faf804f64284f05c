/*
 * Stack protector (-fstack-protector-strong): the canary every protected
 * function stores below its return address and checks before returning.
 *
 * The canary is random per boot (arch_random_u64: the CPU's random number
 * instruction when present, a weaker documented fallback otherwise) with its
 * low byte forced to zero, so a string overflow that copies up to a NUL
 * cannot reproduce it, and a string read cannot leak past it.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>
#include <flaxen/stack_protector.h>

uintptr_t __stack_chk_guard;
static const char *stack_protector_source = "not seeded";

/* Declared for the compiler's calls; never returns. */
NORETURN void __stack_chk_fail(void);

__attribute__((no_stack_protector)) void stack_protector_seed(void)
{
    uint64_t value;

    stack_protector_source = arch_random_u64(&value);
    __stack_chk_guard = (uintptr_t)(value & ~0xffull);
}

void stack_protector_report(void)
{
    printk("stack protector: canary seeded from %s\n", stack_protector_source);
}

void __stack_chk_fail(void)
{
    panic("stack protector: stack smashed in the function returning to %p",
          __builtin_return_address(0));
}
