/*
 * Flaxen's guest ABI: hvm_op(op, arg) for HVM parameters (Xen 4.17's
 * public/hvm/hvm_op.h and params.h numbers and layouts; Flaxen's own text).
 */
#ifndef FLAXEN_PUBLIC_HVM_OP_H
#define FLAXEN_PUBLIC_HVM_OP_H

#include <stdint.h>

#define HVMOP_set_param 0
#define HVMOP_get_param 1

struct xen_hvm_param {
    uint16_t domid; /* DOMID_SELF or a domain id */
    uint16_t pad;
    uint32_t index; /* HVM_PARAM_* */
    uint64_t value;
};

_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

/* The parameters Xen on Arm lets a guest or its toolstack use. */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1    /* xenstore ring page (0: none, as for dom0) */
#define HVM_PARAM_STORE_EVTCHN 2 /* its event channel (0: none) */
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_NR_PARAMS 39

#endif
