/*
 * The hypercall table (xen/common/hypercall.c): Xen's numbering and
 * calling convention (number in x16, arguments x0-x4, result x0).
 *
 * Every handler checks its arguments, then (from the next issue on) calls
 * its XSM hook before any effect, then acts. The table is const.
 */
#ifndef FLAXEN_HYPERCALL_H
#define FLAXEN_HYPERCALL_H

#include <flaxen/types.h>

struct vcpu;

#define HYPERCALL_ARGS 5

/* What a handler returns besides its result. */
struct hypercall_result {
    long value;                    /* goes to x0 */
    bool restart;                  /* re-issue the hypercall with `args` (continuation) */
    uint64_t args[HYPERCALL_ARGS]; /* the arguments for the restart */
};

/* Tells the hypercalls what they report about the boot (the command line; kept, not copied). */
void hypercall_boot_init(const char *cmdline);

/*
 * Runs hypercall `nr` for the trapping vCPU v. Unknown numbers give
 * -ENOSYS. Never fails in any other way than through the result.
 */
void hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_ARGS],
                        struct hypercall_result *result);

#endif
