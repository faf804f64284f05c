/*
 * Stack protector (-fstack-protector-strong): the canary every protected
 * function stores below its return address and checks before returning.
 *
 * The canary is random per boot (arch_random_u64: the CPU's random number
 * instruction when present, a weaker documented fallback otherwise; then the
 * TPM's GetRandom folded in when there is a TPM) with its low byte forced to zero, so a string
 * overflow that copies up to a NUL cannot reproduce it, and a string read cannot leak past it.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>
#include <flaxen/stack_protector.h>

uintptr_t __stack_chk_guard;
static const char *stack_protector_source = "not seeded";
static const char *stack_protector_mixed; /* a second source folded in, or NULL */

/* Declared for the compiler's calls; never returns. */
NORETURN void __stack_chk_fail(void);

__attribute__((no_stack_protector)) void stack_protector_seed(void)
{
    uint64_t value;

    stack_protector_source = arch_random_u64(&value);
    __stack_chk_guard = (uintptr_t)(value & ~0xffull);
}

__attribute__((no_stack_protector)) void stack_protector_mix(const uint8_t *bytes, size_t len,
                                                             const char *source)
{
    uint64_t fold = 0;

    for (size_t i = 0; i < len; i++)
        fold ^= (uint64_t)bytes[i] << (8 * (i % 8));
    __stack_chk_guard ^= (uintptr_t)(fold & ~0xffull);
    stack_protector_mixed = source;
}

void stack_protector_report(void)
{
    printk("stack protector: canary seeded from %s%s%s\n", stack_protector_source,
           stack_protector_mixed ? ", mixed with " : "",
           stack_protector_mixed ? stack_protector_mixed : "");
}

void __stack_chk_fail(void)
{
    panic("stack protector: stack smashed in the function returning to %p",
          __builtin_return_address(0));
}
