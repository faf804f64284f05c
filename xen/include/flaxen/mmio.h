/*
 * Trap-and-emulate MMIO (xen/common/mmio.c).
 *
 * A domain's guest-physical address space holds RAM (mapped at stage 2) and
 * emulated device regions (never mapped): a guest load or store in such a
 * region faults to EL2, the arch code decodes the access from the syndrome
 * (Arm ARM D17.2.40, ISS of a data abort with ISV set) into struct
 * mmio_access, and mmio_dispatch() hands it to the region's handler.
 *
 * Handlers are called with the offset into their region and an access size
 * of 1, 2, 4 or 8 bytes; they return 0 when the access was emulated (a read
 * fills *value), or a negative error, on which the arch code injects a
 * synchronous external abort into the guest (the hypervisor never stops
 * because of a guest access).
 */
#ifndef FLAXEN_MMIO_H
#define FLAXEN_MMIO_H

#include <flaxen/types.h>

#define DOMAIN_MAX_MMIO 8

struct vcpu;

struct mmio_access {
    uint64_t gpa;  /* guest-physical address of the access */
    unsigned size; /* bytes: 1, 2, 4 or 8 */
    bool write;
    uint64_t value; /* write: the data (zero-extended); read: filled by the handler */
};

struct mmio_ops {
    const char *name;
    int (*read)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t value);
};

struct mmio_region {
    uint64_t base;
    uint64_t size;
    const struct mmio_ops *ops;
    void *ctx;
};

struct domain;

/*
 * Registers [base, base + size) of domain d as an emulated region. Regions
 * may not overlap each other or the domain's RAM. Called while the domain is
 * being built (before any vCPU runs). 0, -EEXIST, -ENOSPC-like -ENOMEM, -EINVAL.
 */
int mmio_register(struct domain *d, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                  void *ctx);

/*
 * Emulates one decoded access by vCPU v. Returns 0, or -ENOENT when no
 * region claims the address, or the handler's error.
 */
int mmio_dispatch(struct vcpu *v, struct mmio_access *access);

#endif
