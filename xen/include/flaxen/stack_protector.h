/*
 * The compiler's stack protector support (xen/common/stack_protector.c):
 * the canary __stack_chk_guard and __stack_chk_fail.
 */
#ifndef FLAXEN_STACK_PROTECTOR_H
#define FLAXEN_STACK_PROTECTOR_H

#include <flaxen/types.h>

/*
 * Seeds the canary from arch_random_u64(). Must be called by the boot CPU
 * before anything else, from a function that never returns (a function that
 * read the old canary in its prologue would otherwise fail its check).
 */
void stack_protector_seed(void);

/* Prints which random source seeded the canary. */
/*
 * Folds more random bytes (the TPM's) into the canary, and names the sources
 * now used. Only while no protected frame that will return is live: in
 * practice from the boot CPU's first, never-returning function, between calls.
 */
void stack_protector_mix(const uint8_t *bytes, size_t len, const char *source);

void stack_protector_report(void);

#endif
