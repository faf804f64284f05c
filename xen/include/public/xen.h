/*
 * Flaxen's guest ABI, part 1: hypercall numbers, special domain ids, console
 * commands. The numbers are Xen's (public/xen.h of Xen 4.17) so unmodified
 * Xen guests work; the text and layout of this header are Flaxen's own.
 *
 * On Arm a guest calls `HVC #0xEA1` with the hypercall number in x16 and up
 * to five arguments in x0..x4; the result comes back in x0 (negative Xen
 * errno values on failure, see errno.h).
 */
#ifndef FLAXEN_PUBLIC_XEN_H
#define FLAXEN_PUBLIC_XEN_H

#include <stdint.h>

#define XEN_HYPERCALL_TAG 0xEA1 /* the HVC immediate */

enum xen_hypercall {
    XEN_HC_set_trap_table = 0,
    XEN_HC_mmu_update = 1,
    XEN_HC_platform_op = 7,
    XEN_HC_memory_op = 12,
    XEN_HC_multicall = 13,
    XEN_HC_set_timer_op = 15,
    XEN_HC_xen_version = 17,
    XEN_HC_console_io = 18,
    XEN_HC_grant_table_op = 20,
    XEN_HC_vm_assist = 21,
    XEN_HC_vcpu_op = 24,
    XEN_HC_mmuext_op = 26,
    XEN_HC_xsm_op = 27,
    XEN_HC_nmi_op = 28,
    XEN_HC_sched_op = 29,
    XEN_HC_callback_op = 30,
    XEN_HC_event_channel_op = 32,
    XEN_HC_physdev_op = 33,
    XEN_HC_hvm_op = 34,
    XEN_HC_sysctl = 35,
    XEN_HC_domctl = 36,
    XEN_HC_kexec_op = 37,
    XEN_HC_argo_op = 39,
    XEN_HC_xenpmu_op = 40,
    XEN_HC_dm_op = 41,
    XEN_HC_hypfs_op = 42,
    XEN_HC_COUNT = 43, /* size of a table indexed by hypercall number */
};

typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED 0x7FF0u
#define DOMID_SELF 0x7FF0u
#define DOMID_IO 0x7FF1u
#define DOMID_XEN 0x7FF2u
#define DOMID_COW 0x7FF3u
#define DOMID_INVALID 0x7FF4u
#define DOMID_IDLE 0x7FFFu
#define DOMID_MASK 0x7FFFu

/* console_io(cmd, count, buffer) */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/*
 * A guest handle on Arm is always 64 bits wide and 64-bit aligned, for 32- and
 * 64-bit guests alike, so structure layouts do not depend on the guest.
 */
typedef uint64_t xen_guest_handle_t;
typedef uint64_t xen_ulong_t;

/* ------------------------------------------------------------ shared_info */

/* Arm: only vCPU 0's vcpu_info is inside shared_info; the others register theirs. */
#define XEN_LEGACY_MAX_VCPUS 1

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

/*
 * Per-vCPU event state (Arm layout: no upcall mask byte, an empty arch part).
 * The hypervisor sets evtchn_upcall_pending and a bit of evtchn_pending_sel
 * (one per word of shared_info.evtchn_pending) and raises the event PPI;
 * the guest clears the flag before it scans.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t pad0;
    xen_ulong_t evtchn_pending_sel;
    struct vcpu_time_info time;
};

/* The page a domain maps with XENMEM_add_to_physmap(XENMAPSPACE_shared_info). */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8]; /* 2-level: 64 x 64 ports */
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
};

#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)

_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(sizeof(struct vcpu_info) == 48, "vcpu_info (Arm)");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 48, "evtchn_pending");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 560, "evtchn_mask");
_Static_assert(__builtin_offsetof(struct shared_info, wc_sec) == 1072, "wc_sec");

#endif
