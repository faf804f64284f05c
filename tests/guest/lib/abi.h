/*
 * The guest-visible ABI the test guests call: Xen-compatible hypercalls on Arm and PSCI over
 * SMCCC. Numbers only; every value is checked against the public ABI documents:
 *  - Xen public headers: xen.h (hypercall numbers, CONSOLEIO_*), sched.h (SCHEDOP_*,
 *    struct sched_shutdown, SHUTDOWN_*), version.h (XENVER_*), errno.h (values of x86 Linux).
 *  - Arm DEN0022 (PSCI 1.1) function IDs and return codes; Arm DEN0028 (SMCCC) conventions.
 *
 * When the hypervisor's own public headers exist (xen/include/public/), the guests should
 * include those instead so the ABI has one source of truth.
 */
#ifndef FLAXEN_GUEST_ABI_H
#define FLAXEN_GUEST_ABI_H

#include <stdint.h>

/* Hypercall instruction immediate on Arm; number in x16, arguments x0-x4, result in x0. */
#define XEN_HYPERCALL_IMM 0xea1

#define HYPERCALL_MEMORY_OP 12
#define HYPERCALL_XEN_VERSION 17
#define HYPERCALL_CONSOLE_IO 18
#define HYPERCALL_GRANT_TABLE_OP 20
#define HYPERCALL_VCPU_OP 24
#define HYPERCALL_XSM_OP 27
#define HYPERCALL_SCHED_OP 29
#define HYPERCALL_EVENT_CHANNEL_OP 32
#define HYPERCALL_HVM_OP 34
#define HYPERCALL_SYSCTL 35
#define HYPERCALL_DOMCTL 36

#define CONSOLEIO_WRITE 0
#define CONSOLEIO_READ 1

#define SCHEDOP_YIELD 0
#define SCHEDOP_BLOCK 1
#define SCHEDOP_SHUTDOWN 2

#define SHUTDOWN_POWEROFF 0
#define SHUTDOWN_REBOOT 1
#define SHUTDOWN_SUSPEND 2
#define SHUTDOWN_CRASH 3

/* Argument of SCHEDOP_shutdown. */
struct sched_shutdown {
    uint32_t reason;
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown is one unsigned int");

#define XENVER_VERSION 0      /* result: major << 16 | minor */
#define XENVER_EXTRAVERSION 1 /* fills char[16] */
#define XEN_EXTRAVERSION_LEN 16

/* Xen errno values (returned negated in x0). */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EINVAL 22
#define XEN_ENOSYS 38

/* PSCI function IDs: 32-bit calling convention 0x84000000 + n, 64-bit 0xC4000000 + n. */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

#endif
