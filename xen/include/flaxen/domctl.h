/*
 * domctl and sysctl hypercalls (xen/common/domctl.c).
 */
#ifndef FLAXEN_DOMCTL_H
#define FLAXEN_DOMCTL_H

#include <flaxen/hypercall.h>

struct vcpu;

void do_domctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
               struct hypercall_result *result);
void do_sysctl(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
               struct hypercall_result *result);

#endif
