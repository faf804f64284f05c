/*
 * What the hypervisor learns about the board and its boot modules from the
 * device tree the loader hands it (QEMU, or GRUB's xen_boot), before anything
 * else runs.
 *
 * bootinfo_parse() is a pure function of the device-tree blob: it reads, never
 * writes, checks every property length before use, and fails with a message
 * instead of guessing. It is the only code that needs libfdt at boot.
 *
 * Bindings followed (facts from Xen's docs/misc/arm/device-tree/booting.txt
 * and dom0less docs, and the devicetree specification):
 *   /memory@...                 reg = RAM banks
 *   /chosen xen,xen-bootargs    the hypervisor's command line (or bootargs)
 *   /chosen/module@...          compatible "multiboot,module" plus one of
 *                               "multiboot,kernel" / "multiboot,ramdisk" /
 *                               "xen,xsm-policy" (or none); reg; bootargs
 *   /chosen/NAME                compatible "xen,domain": a boot-time domain
 *                               (dom0less): memory (KiB, 1 or 2 cells),
 *                               cpus, seclabel (Flaxen), and child
 *                               multiboot,kernel / multiboot,ramdisk modules
 *   arm,pl011                   console UART (the one stdout-path names)
 *   arm,gic-v3                  distributor + redistributor regions
 *   arm,armv8-timer             PPIs of the generic timer
 *   arm,psci-0.2 / arm,psci-1.0 PSCI conduit ("smc" or "hvc")
 *   tcg,tpm-tis-mmio            the TPM's TIS registers
 */
#ifndef FLAXEN_BOOTINFO_H
#define FLAXEN_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTINFO_MAX_RESERVED 72 /* EFI_HANDOVER_MAX_RESERVED and the block itself */
#define BOOTINFO_MAX_BANKS 8
#define BOOTINFO_MAX_MODULES 16
#define BOOTINFO_MAX_DOMAINS 8
#define BOOTINFO_MAX_REDIST 4
#define BOOTINFO_MAX_CPUS 16
#define BOOTINFO_CMDLINE_MAX 512
#define BOOTINFO_NAME_MAX 64
#define BOOTINFO_LABEL_MAX 256

struct bootinfo_region {
    uint64_t base;
    uint64_t size;
};

enum bootinfo_module_kind {
    BOOTMOD_UNKNOWN,
    BOOTMOD_KERNEL,
    BOOTMOD_RAMDISK,
    BOOTMOD_POLICY,   /* "xen,xsm-policy", or an unknown module starting with the policy magic */
    BOOTMOD_MANIFEST, /* "flaxen,domain-manifest", or an unknown module starting "FLXMANI1" */
};

struct bootinfo_module {
    enum bootinfo_module_kind kind;
    struct bootinfo_region where;
    char cmdline[BOOTINFO_CMDLINE_MAX]; /* bootargs of a kernel module (dom0's: with the
                                           /chosen fallbacks of bootinfo.c), else empty */
    int domain;                         /* index into domains[], -1 = directly under /chosen */
};

struct bootinfo_domain {
    char name[BOOTINFO_NAME_MAX]; /* the node's name */
    uint64_t memory_kib;
    uint32_t vcpus;
    char seclabel[BOOTINFO_LABEL_MAX]; /* empty = none given */
    int kernel;                        /* index into modules[], -1 = none */
    int ramdisk;                       /* index into modules[], -1 = none */
};

struct bootinfo {
    struct bootinfo_region ram[BOOTINFO_MAX_BANKS];
    unsigned nr_ram;
    char cmdline[BOOTINFO_CMDLINE_MAX];

    struct bootinfo_module modules[BOOTINFO_MAX_MODULES];
    unsigned nr_modules;
    int dom0_kernel;  /* first multiboot,kernel directly under /chosen, -1 = none */
    int dom0_ramdisk; /* first multiboot,ramdisk directly under /chosen, -1 = none;
                         final after bootinfo_resolve_policy() */
    int policy;       /* index of the FLASK policy module, -1 = none */
    int manifest;     /* index of the signed domain manifest module, -1 = none */

    struct bootinfo_domain domains[BOOTINFO_MAX_DOMAINS];
    unsigned nr_domains;

    struct bootinfo_region uart; /* PL011 registers */
    uint32_t uart_irq;           /* its SPI, as a GIC interrupt ID (SPI n = 32 + n) */
    struct bootinfo_region gicd; /* GICv3 distributor */
    struct bootinfo_region gicr[BOOTINFO_MAX_REDIST];
    unsigned nr_gicr;
    uint32_t timer_ppi_phys_ns; /* interrupt IDs (PPI n = 16 + n) */
    uint32_t timer_ppi_virt;
    uint32_t timer_ppi_hyp;
    bool psci_smc; /* conduit: true = SMC, false = HVC */
    bool has_psci;
    struct bootinfo_region tpm; /* size 0 = no TPM */
    char tpm_path[BOOTINFO_NAME_MAX * 2];
    uint32_t nr_cpus; /* /cpus/cpu@* nodes */
    uint64_t cpu_mpidr[BOOTINFO_MAX_CPUS];

    /* Booted by UEFI (flaxen/efi.h, filled from the EFI stub's hand-over block,
       not from the device tree): RAM the firmware keeps, which is never
       allocated, and the firmware's event log, which measured boot continues. */
    bool efi;
    struct bootinfo_region reserved[BOOTINFO_MAX_RESERVED];
    unsigned nr_reserved;
    struct bootinfo_region fw_log; /* size 0: none */
    uint32_t fw_log_flags;         /* EFI_HANDOVER_* */
};

#define BOOTINFO_ERROR_LEN 160

/*
 * Fills *bi from the flattened device tree at `fdt` (at most `max_size`
 * bytes are read). Returns 0, or a negative error with a message in `err`
 * (BOOTINFO_ERROR_LEN bytes) naming the node and property at fault.
 */
int bootinfo_parse(const void *fdt, size_t max_size, struct bootinfo *bi, char *err);

/*
 * True when `data` (len bytes) starts like a FLASK binary policy for Xen: the
 * magic 0xf97cff8c (little-endian), then the length-prefixed string "XenFlask".
 */
bool bootinfo_is_policy_image(const void *data, size_t len);

/*
 * bootinfo_parse() only sees the device tree; a policy passed as a module of
 * no specific kind (GRUB's third module) or as a second ramdisk (QEMU's
 * guest-loader) is known by its contents. Once the modules are mapped, the boot
 * code calls this with images[i] = module i's bytes (modules[i].where.size of
 * them; NULL = not mapped). Among the modules directly under /chosen of kind
 * BOOTMOD_UNKNOWN or BOOTMOD_RAMDISK, the one bootinfo_is_policy_image() accepts
 * becomes the policy, and the one bootinfo_is_manifest_image() accepts the
 * domain manifest; then the single remaining ramdisk there is dom0's.
 * Returns 0, or a negative error with a message in `err` (two policies, two
 * ramdisks left, a ramdisk without a dom0 kernel).
 */
int bootinfo_resolve_policy(struct bootinfo *bi, const void *const images[], char *err);

/* True when `data` (len bytes) starts with a domain manifest's magic "FLXMANI1". */
bool bootinfo_is_manifest_image(const void *data, size_t len);

#endif
