/*
 * Fault-injection self-tests of the hypervisor's own protections
 * (xen/common/selftest.c, arch parts in xen/arch/<arch>/selftest.c).
 *
 * Chosen with "selftest=NAME" on the hypervisor command line; each one
 * provokes the fault a protection must catch, so a run that does NOT end in
 * the expected FATAL report is a failure. tests/system/hardening.sh boots
 * every one of them. Without "selftest=" nothing runs.
 */
#ifndef FLAXEN_SELFTEST_H
#define FLAXEN_SELFTEST_H

#include <flaxen/types.h>

/*
 * Runs the self-test the command line names, if any. Returns only if none
 * was asked for, or if the chosen one did not fault (after saying so).
 */
void selftest_run(const char *cmdline);

/*
 * Known answers of SHA-256 and Ed25519 verification (crypto_selftest.c);
 * panics on a wrong one. Run at boot before anything is measured.
 */
void crypto_selftest(void);

/* The architecture's own self-tests; false if `name` is not one of them. */
bool arch_selftest(const char *name);

#endif
