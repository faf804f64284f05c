/*
 * Flaxen's guest ABI: sysctl, the control domain's interface to the
 * hypervisor (Xen 4.17's public/sysctl.h numbers and layouts, interface
 * version 0x15; only the commands Flaxen implements; Flaxen's own text).
 */
#ifndef FLAXEN_PUBLIC_SYSCTL_H
#define FLAXEN_PUBLIC_SYSCTL_H

#include <stddef.h>

#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

#define XEN_SYSCTL_readconsole 1
#define XEN_SYSCTL_physinfo 3
#define XEN_SYSCTL_getdomaininfolist 6
/* Flaxen only: a number far from Xen's, "FL". */
#define XEN_SYSCTL_flaxen_attest 0x464c

struct xen_sysctl_readconsole {
    uint8_t clear;       /* IN: empty the ring after reading */
    uint8_t incremental; /* IN: start at `index` (else at the oldest byte kept) */
    uint8_t pad0, pad1;
    uint32_t index;            /* IN/OUT: where the next incremental read starts */
    xen_guest_handle_t buffer; /* IN */
    uint32_t count;            /* IN: buffer size; OUT: bytes written */
};

#define XEN_SYSCTL_PHYSCAP_hvm (1u << 0)
#define XEN_SYSCTL_PHYSCAP_hap (1u << 2)

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};

struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;
    xen_guest_handle_t buffer; /* struct xen_domctl_getdomaininfo[max_domains] */
    uint32_t num_domains;      /* OUT */
};

/*
 * XEN_SYSCTL_flaxen_attest: a TPM quote of the SHA-256 PCRs in pcr_mask over
 * the caller's nonce, signed by the attestation key, with that key's public
 * part and the measurement log. The output buffer receives, one after
 * another: the TPM2B_ATTEST, the TPMT_SIGNATURE, the key's TPM2B_PUBLIC (each
 * as the TPM gave it) and the TCG crypto-agile event log. The four lengths
 * are written back also when the buffer is too small (-ENOBUFS), so the
 * caller can retry with the size they add up to.
 */
struct xen_sysctl_flaxen_attest {
    uint32_t pcr_mask;         /* IN: PCRs 0-23 of the SHA-256 bank, not 0 */
    uint32_t nonce_len;        /* IN: 1-64 */
    uint8_t nonce[64];         /* IN */
    xen_guest_handle_t buffer; /* IN */
    uint32_t buffer_len;       /* IN */
    uint32_t quote_len;        /* OUT */
    uint32_t signature_len;    /* OUT */
    uint32_t key_len;          /* OUT */
    uint32_t log_len;          /* OUT */
    uint32_t pad;
};

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_flaxen_attest flaxen_attest;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_sysctl_readconsole) == 24, "readconsole");
_Static_assert(offsetof(struct xen_sysctl_readconsole, buffer) == 8, "readconsole.buffer");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo");
_Static_assert(offsetof(struct xen_sysctl_physinfo, total_pages) == 40, "physinfo.total_pages");
_Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24, "getdomaininfolist");
_Static_assert(sizeof(struct xen_sysctl_flaxen_attest) == 104, "flaxen_attest");
_Static_assert(offsetof(struct xen_sysctl_flaxen_attest, buffer) == 72, "flaxen_attest.buffer");
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl");

#endif
