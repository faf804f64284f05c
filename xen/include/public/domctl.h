/*
 * Flaxen's guest ABI: domctl, the control domain's interface to other
 * domains (Xen 4.17's public/domctl.h numbers and layouts, interface version
 * 0x15; only the commands Flaxen implements; Flaxen's own text).
 */
#ifndef FLAXEN_PUBLIC_DOMCTL_H
#define FLAXEN_PUBLIC_DOMCTL_H

#include <stddef.h>

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_getvcpuinfo 14
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_set_target 46
/* Flaxen only: a number far from Xen's, "FL". */
#define XEN_DOMCTL_flaxen_seal 0x464c

#define XEN_DOMINF_dying (1u << 0)
#define XEN_DOMINF_hvm_guest (1u << 1)
#define XEN_DOMINF_shutdown (1u << 2)
#define XEN_DOMINF_paused (1u << 3)
#define XEN_DOMINF_blocked (1u << 4)
#define XEN_DOMINF_running (1u << 5)
#define XEN_DOMINF_debugged (1u << 6)
#define XEN_DOMINF_xs_domain (1u << 7)
#define XEN_DOMINF_hap (1u << 8)
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16

#define XEN_DOMCTL_CONFIG_GIC_V3 2

struct xen_arch_domainconfig {
    uint8_t gic_version;
    uint16_t tee_type;
    uint32_t nr_spis;
    uint32_t clock_frequency;
};

#define XEN_DOMCTL_CDF_hvm (1u << 0)
#define XEN_DOMCTL_CDF_hap (1u << 1)

struct xen_domctl_createdomain {
    uint32_t ssidref; /* the new domain's FLASK SID */
    uint8_t handle[16];
    uint32_t flags; /* XEN_DOMCTL_CDF_*: hvm and hap on Arm */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;
    uint64_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    uint8_t handle[16];
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};

struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    xen_guest_handle_t ctxt; /* struct vcpu_guest_context */
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online;
    uint8_t blocked;
    uint8_t running;
    uint64_t cpu_time;
    uint32_t cpu;
};

struct xen_domctl_max_vcpus {
    uint32_t max;
};

struct xen_domctl_set_target {
    domid_t target;
};

/*
 * XEN_DOMCTL_flaxen_seal: the step that lets a domain built at run time run
 * (docs/security/measured-boot.md). The hypervisor copies the kernel image
 * and ramdisk from the caller's memory into the domain (arm64 boot layout),
 * measures what it copied and the command line, finds the manifest entry
 * `name`, and labels the domain with the entry's label, which must be the one
 * the caller asks for (ssidref); it writes the domain's device tree, sets its
 * entry point and records it in PCR 12. Until then the domain cannot be
 * unpaused. ssidref: the label asked for; the caller needs flaxen:seal on the
 * domain and, to change its label, domain2:relabelfrom/relabelto and
 * domain:transition.
 */
struct xen_domctl_flaxen_seal {
    char name[64];              /* IN: the manifest entry, NUL-terminated */
    xen_guest_handle_t image;   /* IN: the kernel image (arm64 Image) */
    uint64_t image_size;        /* IN */
    xen_guest_handle_t ramdisk; /* IN: 0 = none */
    uint64_t ramdisk_size;      /* IN */
    xen_guest_handle_t cmdline; /* IN: the command line, no NUL */
    uint32_t cmdline_len;       /* IN: < 512 */
    uint32_t ssidref;           /* IN: the label asked for */
    uint32_t flags;             /* IN: FLAXEN_SEAL_* */
    uint32_t pad;               /* 0 */
};

/*
 * The domain gets a Xen console ring whose backend is the caller: a page at
 * 0x39000000 granted to it (grant entry 0), an event channel only it may bind
 * (its EVTCHNOP_alloc_unbound check), HVM_PARAM_CONSOLE_PFN/EVTCHN.
 */
#define FLAXEN_SEAL_CONSOLE (1u << 0)
/* The same for a xenstore ring served by the caller: 0x39001000, grant entry 1, STORE_*. */
#define FLAXEN_SEAL_XENSTORE (1u << 1)

/* Arm's vCPU context (arch-arm.h), AArch64 view of the registers. */
struct vcpu_guest_core_regs {
    uint64_t x[31];
    uint64_t pc64;
    uint64_t cpsr;
    uint64_t spsr_el1;
    uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt;
    uint64_t sp_el0;
    uint64_t sp_el1, elr_el1;
};

#define VGCF_online (1u << 0)

struct vcpu_guest_context {
    uint32_t flags;
    struct vcpu_guest_core_regs user_regs;
    uint64_t sctlr;
    uint64_t ttbcr, ttbr0, ttbr1;
};

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_set_target set_target;
        struct xen_domctl_flaxen_seal flaxen_seal;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_arch_domainconfig) == 12, "xen_arch_domainconfig");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 68, "createdomain");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_vcpus) == 28, "createdomain.max_vcpus");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 120, "getdomaininfo");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64, "nr_online");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, ssidref) == 72, "ssidref");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104, "arch_config");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "getvcpuinfo");
_Static_assert(sizeof(struct xen_domctl_vcpucontext) == 16, "vcpucontext");
_Static_assert(sizeof(struct xen_domctl_flaxen_seal) == 120, "flaxen_seal");
_Static_assert(offsetof(struct xen_domctl_flaxen_seal, cmdline_len) == 104, "flaxen_seal.len");
_Static_assert(sizeof(struct vcpu_guest_core_regs) == 312, "vcpu_guest_core_regs");
_Static_assert(sizeof(struct vcpu_guest_context) == 352, "vcpu_guest_context");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl");

#endif
