/*
 * The device tree a boot-time domain receives in x0 (xen/common/guest_fdt.c).
 *
 * Modelled on the tree Xen 4.17 gives an Arm domU (facts from its
 * xen/arch/arm/domain_build.c, tools/libs/light/libxl_arm.c and public
 * arch-arm.h), checked against Linux's bindings (Documentation/devicetree/
 * bindings/: arm/xen.txt, arm/psci.yaml, arm/cpus.yaml, timer/arm,arch_timer
 * .yaml, interrupt-controller/arm,gic-v3.yaml, dtschema's chosen.yaml):
 *
 *   /                     #address-cells = #size-cells = 2, model "XENVM-4.17",
 *                         compatible "xen,xenvm-4.17" "xen,xenvm",
 *                         interrupt-parent = the GIC
 *   /chosen               bootargs (when not empty), linux,initrd-start/-end
 *                         (64-bit, end exclusive) when there is a ramdisk
 *   /psci                 compatible "arm,psci-1.0" "arm,psci-0.2" "arm,psci",
 *                         method "hvc", cpu_off = 1, cpu_on = 2 (the PSCI 0.1
 *                         function IDs of Xen's public ABI)
 *   /cpus                 #address-cells 1 (2 when an MPIDR has Aff3), #size-cells 0
 *     cpu@<mpidr>         device_type "cpu", compatible "arm,armv8",
 *                         enable-method "psci", reg = MPIDR affinity
 *   /memory@<base>        device_type "memory", reg = the RAM bank
 *   /interrupt-controller@<gicd>  compatible "arm,gic-v3", #interrupt-cells 3,
 *                         #address-cells 2, #size-cells 2, ranges (room for an
 *                         ITS child), interrupt-controller, reg = distributor
 *                         then one redistributor region, phandle 65000
 *   /timer                compatible "arm,armv8-timer", interrupts = PPIs 13
 *                         (secure phys), 14 (non-secure phys), 11 (virt), 10 (hyp)
 *   /hypervisor           compatible "xen,xen-4.17" "xen,xen", reg = grant-table
 *                         region, interrupts = the event-channel PPI
 * Every interrupt is <1 (PPI), INTID - 16, 0xf08>: all four CPU-mask bits and
 * level-low, as Xen writes them (the GICv3 binding reads only bits [3:0]).
 *
 * "/hypervisor" has a reg but no unit address: Linux looks the node up by the
 * exact name "hypervisor" (arch/arm/xen/enlighten.c), so dtc's unit_address_vs_reg
 * warning for that one node is expected (Xen's own trees have it too).
 */
#ifndef FLAXEN_XEN_GUEST_FDT_H
#define FLAXEN_XEN_GUEST_FDT_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_FDT_ERROR_LEN 160
#define GUEST_FDT_XEN_VERSION "4.17"   /* in the compatible strings; xen_version must agree */
#define GUEST_FDT_MAX_VCPUS 128        /* Xen's GUEST_MAX_VCPUS */
#define GUEST_FDT_MAX_SIZE (2u << 20)  /* the arm64 boot protocol's DTB limit */
#define GUEST_FDT_GIC_PHANDLE 65000u   /* Xen's GUEST_PHANDLE_GIC */
#define GUEST_FDT_GICR_FRAMES 0x20000u /* one GICv3 redistributor: RD + SGI frames */
#define GUEST_FDT_TIMER_SECURE_PPI 13u /* PPI numbers (INTID - 16), arch_timer order */
#define GUEST_FDT_TIMER_NONSECURE_PPI 14u
#define GUEST_FDT_TIMER_VIRT_PPI 11u
#define GUEST_FDT_TIMER_HYP_PPI 10u

struct guest_fdt_params {
    const char *bootargs; /* NULL or "" = no bootargs property */
    uint64_t ram_base, ram_size;
    unsigned nr_vcpus;
    const uint64_t *vcpu_mpidr; /* MPIDR affinity value of each vCPU (its cpu node's reg) */
    uint64_t gicd_base, gicd_size, gicr_base, gicr_size;
    uint64_t ramdisk_base, ramdisk_end; /* 0, 0 = none; else linux,initrd-start/-end */
    uint64_t gnttab_base, gnttab_size;  /* the /hypervisor node's reg */
    unsigned evtchn_ppi;                /* INTID of the event-channel PPI (Xen: 31) */
};

/*
 * Writes the complete tree above into buf (bufsize bytes, 8-byte aligned),
 * compact (totalsize = header + reservation map + structure + strings, no
 * free space), version 17. Only the first GUEST_FDT_MAX_SIZE bytes of buf
 * are ever used. Returns 0, or a negative errno with a message in err
 * (GUEST_FDT_ERROR_LEN bytes) and the bytes of buf it may use (the first
 * min(bufsize, GUEST_FDT_MAX_SIZE)) zeroed, so a failure never leaves a
 * partial tree behind:
 *   -EINVAL  parameters that are not a sane guest: no vCPU or more than
 *            GUEST_FDT_MAX_VCPUS, an MPIDR with bits outside Aff3..Aff0 or
 *            seen twice, an empty region or one ending at or past 2^64, regions that
 *            overlap RAM or each other, a redistributor region smaller than
 *            nr_vcpus * 128 KiB, a ramdisk not inside RAM, an event-channel
 *            INTID that is not a PPI (16..31) or is one of the timer's;
 *            buf NULL or misaligned
 *   -ENOMEM  the tree does not fit in bufsize bytes
 * Boot-time only, like bootinfo_parse(): it calls libfdt, whose code lives in
 * the reserved FP/SIMD section (see xen/common/bootinfo.c).
 */
int guest_fdt_build(void *buf, size_t bufsize, const struct guest_fdt_params *p, char *err);

#endif
