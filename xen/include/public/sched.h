/*
 * sched_op(cmd, arg): yield, block, shutdown, poll. Numbers and layouts are
 * Xen's (public/sched.h), so Linux's and other Xen guests' calls work.
 */
#ifndef FLAXEN_PUBLIC_SCHED_H
#define FLAXEN_PUBLIC_SCHED_H

#include "xen.h"

#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6
#define SCHEDOP_pin_override 7

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};

struct sched_poll {
    xen_guest_handle_t ports; /* evtchn_port_t array */
    uint32_t nr_ports;
    uint64_t timeout; /* absolute system time in ns, 0 = none */
};

struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason;
};

_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown ABI");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll ABI");
_Static_assert(__builtin_offsetof(struct sched_poll, timeout) == 16, "sched_poll ABI");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown ABI");

#endif
