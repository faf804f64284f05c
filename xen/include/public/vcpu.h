/*
 * Flaxen's guest ABI: vcpu_op(cmd, vcpuid, arg) (Xen 4.17's public/vcpu.h
 * numbers and layouts; Flaxen's own text).
 */
#ifndef FLAXEN_PUBLIC_VCPU_H
#define FLAXEN_PUBLIC_VCPU_H

#include <stdint.h>

#define VCPUOP_initialise 0
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10

/* Where the vCPU's vcpu_info lives: inside one page of the guest's RAM. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* guest frame number of the page */
    uint32_t offset; /* within the page; the structure must not cross it */
    uint32_t rsvd;   /* must be 0 */
};

_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info");

/* A vCPU's run states, and the time (ns of system time) it has spent in each. */
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1 /* ready, waiting for a CPU: "steal" time */
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

/* Set in state_entry_time while the hypervisor rewrites the area. */
#define XEN_RUNSTATE_UPDATE (1ull << 63)

struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;
    uint64_t time[4];
};

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");

/* VCPUOP_register_runstate_memory_area: the guest virtual address of its copy. */
struct vcpu_register_runstate_memory_area {
    uint64_t addr;
};

#endif
