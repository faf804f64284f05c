/*
 * The guest-visible ABI the test guests call: Xen-compatible hypercalls on Arm and PSCI over
 * SMCCC.
 *
 * The hypercall numbers, sub-ops, structures and errno values come from the hypervisor's own
 * public headers (xen/include/public/: xen.h, sched.h, version.h, errno.h), so guests and
 * hypervisor share one source of truth; mk/guest.mk puts xen/include on the include path.
 * The upper-case names below are the library's older spellings, kept as aliases of the
 * public ones so existing guests keep compiling.
 *
 * PSCI is not part of those headers: its function IDs and return codes are from Arm DEN0022
 * (PSCI 1.1), the calling convention from Arm DEN0028 (SMCCC).
 */
#ifndef FLAXEN_GUEST_ABI_H
#define FLAXEN_GUEST_ABI_H

#include <stdint.h>

#include "public/errno.h"
#include "public/event_channel.h"
#include "public/domctl.h"
#include "public/grant_table.h"
#include "public/hvm_op.h"
#include "public/memory.h"
#include "public/sched.h"
#include "public/sysctl.h"
#include "public/vcpu.h"
#include "public/version.h"
#include "public/xen.h"
#include "public/xsm/flask_op.h"

/* Hypercall instruction immediate on Arm; number in x16, arguments x0-x4, result in x0. */
#define XEN_HYPERCALL_IMM XEN_HYPERCALL_TAG

#define HYPERCALL_MEMORY_OP XEN_HC_memory_op
#define HYPERCALL_XEN_VERSION XEN_HC_xen_version
#define HYPERCALL_CONSOLE_IO XEN_HC_console_io
#define HYPERCALL_GRANT_TABLE_OP XEN_HC_grant_table_op
#define HYPERCALL_VCPU_OP XEN_HC_vcpu_op
#define HYPERCALL_XSM_OP XEN_HC_xsm_op
#define HYPERCALL_SCHED_OP XEN_HC_sched_op
#define HYPERCALL_EVENT_CHANNEL_OP XEN_HC_event_channel_op
#define HYPERCALL_HVM_OP XEN_HC_hvm_op
#define HYPERCALL_SYSCTL XEN_HC_sysctl
#define HYPERCALL_DOMCTL XEN_HC_domctl

#define CONSOLEIO_WRITE CONSOLEIO_write
#define CONSOLEIO_READ CONSOLEIO_read

#define SCHEDOP_YIELD SCHEDOP_yield
#define SCHEDOP_BLOCK SCHEDOP_block
#define SCHEDOP_SHUTDOWN SCHEDOP_shutdown

#define SHUTDOWN_POWEROFF SHUTDOWN_poweroff
#define SHUTDOWN_REBOOT SHUTDOWN_reboot
#define SHUTDOWN_SUSPEND SHUTDOWN_suspend
#define SHUTDOWN_CRASH SHUTDOWN_crash

#define XENVER_VERSION XENVER_version           /* result: major << 16 | minor */
#define XENVER_EXTRAVERSION XENVER_extraversion /* fills xen_extraversion_t */
#define XEN_EXTRAVERSION_LEN sizeof(xen_extraversion_t)

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

/* SMCCC (DEN0028): the answer to a function ID nobody implements, as a signed 32-bit value. */
#define SMCCC_NOT_SUPPORTED (-1)

#endif
