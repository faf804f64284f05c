/*
 * Event channels (xen/common/event_channel.c): Xen's 2-level ABI on Arm.
 *
 * Each domain has EVTCHN_MAX_PORTS ports (port 0 is never handed out). A
 * port is free, unbound (offered to one remote domain), interdomain (linked
 * to a port of another domain, or of the same one), a virtual IRQ, or an
 * IPI. Every channel carries a FLASK SID: the policy's type_transition of
 * (creator, peer) in class `event`, computed when it is created or bound.
 *
 * Delivery sets the port's bit in the receiver's shared_info.evtchn_pending;
 * unless the port is masked, the selector bit and evtchn_upcall_pending of
 * the notified vCPU's vcpu_info are set and the event PPI is raised.
 *
 * Locking: d->evtchn_lock guards d's ports; an operation on two domains
 * takes both locks, the lower domain id first. Nothing else is taken under
 * them but the vGIC's own locks (raising the PPI).
 */
#ifndef FLAXEN_EVENT_CHANNEL_H
#define FLAXEN_EVENT_CHANNEL_H

#include <flaxen/hypercall.h>
#include <flaxen/types.h>
#include <public/event_channel.h>

#define EVTCHN_MAX_PORTS 1024u /* of the 4096 the 2-level ABI can name on arm64 */
#define EVTCHN_UPCALL_PPI 31u  /* Xen's GUEST_EVTCHN_PPI */

enum evtchn_state { ECS_FREE, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI };

struct domain;
struct vcpu;

struct evtchn {
    uint8_t state; /* enum evtchn_state */
    uint16_t notify_vcpu;
    uint32_t sid; /* FLASK SID of the channel */
    union {
        domid_t unbound_remote; /* ECS_UNBOUND: who may bind */
        struct {
            struct domain *dom; /* ECS_INTERDOMAIN: the other end (unlinked before it goes) */
            evtchn_port_t port;
        } inter;
        uint32_t virq; /* ECS_VIRQ */
    } u;
};

/* Allocates d's ports and shared_info page (domain_create). 0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d);

/*
 * Closes every port of d (the other ends of its interdomain channels become
 * unbound, as in Xen) and frees the ports and shared_info (domain_destroy).
 */
void evtchn_domain_destroy(struct domain *d);

/*
 * A new port of d, unbound, that only domain r may bind (EVTCHNOP_alloc_unbound
 * on behalf of `actor`, under its XSM check): the port, or -errno.
 */
long evtchn_alloc_unbound(struct domain *actor, struct domain *d, struct domain *r);

/* Raises global VIRQ `virq` of d, if d bound it (e.g. VIRQ_DOM_EXC for dom0). */
void evtchn_send_virq(struct domain *d, unsigned virq);

/*
 * The SID of the channel at the other end of d's interdomain port (xsm_op
 * GET_PEER_SID). 0, or -EINVAL when the port is not interdomain.
 */
long evtchn_peer_sid(struct domain *d, uint32_t port, uint32_t *sid);

/*
 * SCHEDOP_poll support: whether any of ports[0..n) of d is pending (1), none
 * is (0), or one is not a port d could have (-EINVAL). With `arm` set and
 * none pending, v is marked as polling under the same lock, so a delivery
 * to any port of d that follows wakes it (masked or not, as Xen).
 */
long evtchn_poll_check(struct vcpu *v, const uint32_t *ports, unsigned n, bool arm);

/* Clears v's polling mark (it woke up, or the poll ended). */
void evtchn_poll_done(struct vcpu *v);

/* The hypercall: event_channel_op(cmd, struct *). */
void do_event_channel_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                         struct hypercall_result *result);

/* vcpu_op(cmd, vcpuid, arg): register_vcpu_info, register_runstate_memory_area, is_up. */
void do_vcpu_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                struct hypercall_result *result);

/* memory_op(cmd, arg): add_to_physmap (shared_info), current/maximum_reservation. */
void do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
                  struct hypercall_result *result);

/* hvm_op(op, arg): set_param, get_param (hvm_op.c). */
void do_hvm_op(struct vcpu *v, const uint64_t args[HYPERCALL_ARGS],
               struct hypercall_result *result);

#endif
