/*
 * bootinfo: what the hypervisor learns from the boot device tree (bootinfo.h).
 *
 * FP/SIMD. This file is ordinary hypervisor code, built with -mgeneral-regs-only,
 * but it calls Debian's libfdt, whose code mk/fdt.mk moves into the reserved
 * section .text.fpsimd because it does use FP/SIMD registers. STYLE.md allows that
 * section only for code that runs at boot before any guest exists, and that is the
 * contract here: bootinfo_parse() (the only caller of libfdt) runs once, on the
 * boot CPU, before any domain is built, so no vCPU's FP/SIMD state can be live.
 * Never call it, or libfdt, after a guest has run. bootinfo_is_policy_image() and
 * bootinfo_resolve_policy() (bootinfo_resolve.c) do not use libfdt.
 *
 * What is read, precisely (facts from the devicetree specification v0.4, Xen's
 * docs/misc/arm/device-tree/booting.txt and the dom0less binding, QEMU's virt):
 *  - The blob: 8-byte aligned, header valid (fdt_check_header), version >= 17,
 *    totalsize <= max_size, whole structure valid (fdt_check_full), nesting < 32.
 *  - #address-cells / #size-cells: a node's own, else inherited from the nearest
 *    ancestor, else 2 / 1 at the root, as Linux and Xen read them (QEMU's
 *    guest-loader writes /chosen/module reg in the root's cells and gives /chosen
 *    none). Where used for an address or a size they must be 1 or 2.
 *  - reg of memory, UART, GIC and TPM is translated to a CPU address through each
 *    ancestor's ranges (empty = identity; absent = error; QEMU puts the TPM on a
 *    platform bus). Module reg is a physical address, never translated.
 *  - Nodes with a status other than "okay"/"ok" are skipped (memory, devices, cpus).
 *  - RAM: every device_type = "memory" node, each reg region one bank; no overlap.
 *    No register region of the UART, GIC or TPM may overlap RAM.
 *  - UART: the node /chosen stdout-path names (text before ':'; an alias works),
 *    which must be an enabled arm,pl011; else the first enabled arm,pl011; none is
 *    fine (uart.size == 0). Interrupt: first entry, an SPI (ID 32 + n).
 *  - GIC: one arm,gic-v3; reg[0] distributor, reg[1..R] redistributor regions
 *    (R = #redistributor-regions, default 1); #interrupt-cells must be 3. Every
 *    interrupt we decode must have this node as its interrupt-parent (own or
 *    inherited) and is <type, number, flags>.
 *  - Timer: one arm,armv8-timer; 4 or 5 interrupts (secure phys, non-secure phys,
 *    virt, hyp [, hyp virt]); the first four must be PPIs (ID 16 + n).
 *  - PSCI: one node compatible with arm,psci-1.0 or arm,psci-0.2 (arm,psci alone,
 *    version 0.1, is ignored); method "smc" or "hvc".
 *  - TPM: at most one tcg,tpm-tis-mmio, one reg region; its path is kept.
 *  - CPUs: /cpus children with device_type "cpu"; /cpus #size-cells 0, reg one
 *    address of 1 or 2 cells holding only MPIDR affinity bits; no duplicates.
 *  - Modules: children of /chosen (and of its xen,domain children) whose compatible
 *    holds multiboot,module, multiboot,kernel, multiboot,ramdisk, xen,xsm-policy or
 *    flaxen,domain-manifest; at most one of the last four (none = BOOTMOD_UNKNOWN, except
 *    that, as Xen guesses, without a stated kernel or ramdisk directly under /chosen the
 *    first such node there is dom0's kernel and the next its ramdisk: GRUB's xen_module
 *    states no kind, see guess_kinds); reg exactly one
 * region, non-empty, inside one RAM bank, overlapping no other module. bootargs is kept for kernels
 * only. Under /chosen: one kernel at most (dom0's), at most two ramdisks (the second can only be a
 * policy, see bootinfo_resolve_policy), one xen,xsm-policy at most, and not together with two
 * ramdisks, one flaxen,domain-manifest at most. dom0's ramdisk is the first in tree order: QEMU's
 * guest-loader adds each module node in front of the others, so tree order is the reverse of the
 * command line and "the first ramdisk after the kernel" would find none.
 *  - Domains: /chosen children compatible with xen,domain: name = node name,
 *    memory (KiB, 4 or 8 bytes, not 0), cpus (u32, not 0), seclabel (optional
 *    string), exactly one multiboot,kernel child, at most one multiboot,ramdisk, no
 *    xen,xsm-policy; other module kinds (e.g. multiboot,device-tree) are kept as
 *    BOOTMOD_UNKNOWN of that domain. Domain names are unique. Other children of
 *    /chosen are ignored, and nothing below /chosen or /cpus is taken as a device.
 *  - Command lines, as Xen's binding: the hypervisor's is /chosen xen,xen-bootargs;
 *    without it, /chosen bootargs if dom0 has its own line (xen,dom0-bootargs, or
 *    a non-empty bootargs on its kernel module) or there is no dom0 kernel at all
 *    (then nobody else can own it: QEMU -kernel flaxen.bin -append "..."), else none. dom0's is its
 * kernel module's bootargs; if empty, xen,dom0-bootargs; else /chosen bootargs when
 *    xen,xen-bootargs exists (then bootargs is not the hypervisor's); else none.
 *  - Required: RAM, GIC, timer, one cpu. Every array and string is bounded by
 *    bootinfo.h; more is an error, never a truncation.
 */
#include "flaxen/bootinfo.h"

#include <libfdt.h>

#include "fdt_read.h"

#define BOOTINFO_EINVAL FDT_READ_EINVAL
#define BOOTINFO_E2BIG FDT_READ_E2BIG
#define MPIDR_AFFINITY_MASK 0xff00ffffffull
#define GIC_IRQ_CELLS 3 /* #interrupt-cells of the GIC, as fdt_read_irq decodes */

/* ROLE_IGNORE: below /chosen, a domain or /cpus, where no device is looked for. */
enum node_role { ROLE_OTHER, ROLE_CHOSEN, ROLE_DOMAIN, ROLE_CPUS, ROLE_IGNORE };

struct parser {
    struct fdt_reader r; /* the blob, the error buffer, one level per depth */
    struct bootinfo *bi;
    int chosen, cpus, stdout_node;
    int uart_node, gic_node, timer_node, psci_node, tpm_node;
    uint32_t uart_irq_parent, timer_irq_parent;
    unsigned chosen_ramdisks;
    int domain_nodes[BOOTINFO_MAX_DOMAINS];
    int module_nodes[BOOTINFO_MAX_MODULES];
};

static int fail(struct parser *p, int code, int node, const char *property, const char *what)
{
    return fdt_read_fail(&p->r, code, node, property, what);
}

static int fail_number(struct parser *p, int code, int node, const char *property,
                       const char *before, uint64_t number, const char *after)
{
    return fdt_read_fail_number(&p->r, code, node, property, before, number, after);
}

static bool regions_overlap(const struct bootinfo_region *a, const struct bootinfo_region *b)
{
    return a->base <= b->base + (b->size - 1) && b->base <= a->base + (a->size - 1);
}

static bool region_inside(const struct bootinfo_region *inner, const struct bootinfo_region *outer)
{
    return inner->base >= outer->base &&
           inner->base + (inner->size - 1) <= outer->base + (outer->size - 1);
}

/* ------------------------------------------------------------ devices */

static int add_memory(struct parser *p, int node, unsigned depth)
{
    struct bootinfo *bi = p->bi;
    struct bootinfo_region banks[BOOTINFO_MAX_BANKS];
    unsigned n;
    int rc = fdt_read_reg(&p->r, node, depth, true, banks, BOOTINFO_MAX_BANKS, &n);

    if (rc)
        return rc;
    if (bi->nr_ram + n > BOOTINFO_MAX_BANKS)
        return fail_number(p, BOOTINFO_E2BIG, node, "reg", "more than ", BOOTINFO_MAX_BANKS,
                           " RAM banks in all memory nodes");
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < bi->nr_ram; j++)
            if (regions_overlap(&banks[i], &bi->ram[j]))
                return fail_number(p, BOOTINFO_EINVAL, node, "reg", "region ", i,
                                   " overlaps another RAM bank");
        bi->ram[bi->nr_ram++] = banks[i];
    }
    return 0;
}

static int set_uart(struct parser *p, int node, unsigned depth)
{
    const uint8_t *irqs;
    unsigned n;
    int rc = fdt_read_reg(&p->r, node, depth, true, &p->bi->uart, 1, &n);

    if (rc == 0)
        rc = fdt_read_irqs(&p->r, node, 1, 1, &irqs);
    if (rc == 0)
        rc = fdt_read_irq(&p->r, node, irqs, 0, false, &p->bi->uart_irq);
    p->uart_node = node;
    p->uart_irq_parent = p->r.levels[depth].interrupt_parent;
    return rc;
}

static int set_gic(struct parser *p, int node, unsigned depth)
{
    struct bootinfo *bi = p->bi;
    struct bootinfo_region regs[1 + BOOTINFO_MAX_REDIST + 3];
    uint32_t redist = 1, irq_cells = 0;
    unsigned n;
    int rc = fdt_read_u32(&p->r, node, "#redistributor-regions", &redist);

    if (rc < 0)
        return rc;
    if (redist == 0)
        return fail(p, BOOTINFO_EINVAL, node, "#redistributor-regions", "zero");
    if (redist > BOOTINFO_MAX_REDIST)
        return fail_number(p, BOOTINFO_E2BIG, node, "#redistributor-regions", "more than ",
                           BOOTINFO_MAX_REDIST, " regions");
    if ((rc = fdt_read_u32(&p->r, node, "#interrupt-cells", &irq_cells)) < 0)
        return rc;
    if (irq_cells != GIC_IRQ_CELLS)
        return fail(p, BOOTINFO_EINVAL, node, "#interrupt-cells", "missing, or not 3");
    if ((rc = fdt_read_reg(&p->r, node, depth, true, regs, 1 + redist + 3, &n)))
        return rc;
    if (n < 1 + redist)
        return fail_number(p, BOOTINFO_EINVAL, node, "reg", "", n,
                           " regions: too few for the distributor and redistributors");
    bi->gicd = regs[0];
    for (unsigned i = 0; i < redist; i++)
        bi->gicr[i] = regs[1 + i];
    bi->nr_gicr = redist;
    p->gic_node = node;
    return 0;
}

static int set_timer(struct parser *p, int node, unsigned depth)
{
    struct bootinfo *bi = p->bi;
    const uint8_t *irqs;
    uint32_t secure;
    int rc = fdt_read_irqs(&p->r, node, 4, 5, &irqs);

    if (rc == 0)
        rc = fdt_read_irq(&p->r, node, irqs, 0, true, &secure);
    if (rc == 0)
        rc = fdt_read_irq(&p->r, node, irqs, 1, true, &bi->timer_ppi_phys_ns);
    if (rc == 0)
        rc = fdt_read_irq(&p->r, node, irqs, 2, true, &bi->timer_ppi_virt);
    if (rc == 0)
        rc = fdt_read_irq(&p->r, node, irqs, 3, true, &bi->timer_ppi_hyp);
    p->timer_node = node;
    p->timer_irq_parent = p->r.levels[depth].interrupt_parent;
    return rc;
}

static int set_psci(struct parser *p, int node)
{
    const char *method;
    size_t len;
    int rc = fdt_read_string(&p->r, node, "method", &method, &len);

    if (rc <= 0)
        return rc < 0 ? rc : fail(p, BOOTINFO_EINVAL, node, "method", "missing");
    if (!fdt_read_string_equal(method, "smc") && !fdt_read_string_equal(method, "hvc"))
        return fail(p, BOOTINFO_EINVAL, node, "method", "neither \"smc\" nor \"hvc\"");
    p->bi->psci_smc = fdt_read_string_equal(method, "smc");
    p->bi->has_psci = true;
    p->psci_node = node;
    return 0;
}

static int set_tpm(struct parser *p, int node, unsigned depth)
{
    unsigned n;
    int rc = fdt_read_reg(&p->r, node, depth, true, &p->bi->tpm, 1, &n);

    if (rc)
        return rc;
    rc = fdt_get_path(p->r.fdt, node, p->bi->tpm_path, sizeof(p->bi->tpm_path));
    if (rc)
        return fail_number(p, BOOTINFO_E2BIG, node, NULL, "path longer than ",
                           sizeof(p->bi->tpm_path) - 1, " characters");
    p->tpm_node = node;
    return 0;
}

static int visit_device(struct parser *p, int node, unsigned depth)
{
    const uint8_t *compat;
    int len, rc;
    bool memory = fdt_read_is(&p->r, node, "device_type", "memory");

    if ((rc = fdt_read_prop(&p->r, node, "compatible", &compat, &len)) < 0)
        return rc;
    if (!memory && !fdt_read_compatible(compat, len, "arm,pl011") &&
        !fdt_read_compatible(compat, len, "arm,gic-v3") &&
        !fdt_read_compatible(compat, len, "arm,armv8-timer") &&
        !fdt_read_compatible(compat, len, "arm,psci-1.0") &&
        !fdt_read_compatible(compat, len, "arm,psci-0.2") &&
        !fdt_read_compatible(compat, len, "tcg,tpm-tis-mmio"))
        return 0;
    if ((rc = fdt_read_enabled(&p->r, node)) <= 0)
        return rc;
    if (memory)
        return add_memory(p, node, depth);
    if (fdt_read_compatible(compat, len, "arm,pl011")) {
        if (p->stdout_node >= 0 ? node != p->stdout_node : p->uart_node >= 0)
            return 0;
        return set_uart(p, node, depth);
    }
    if (fdt_read_compatible(compat, len, "arm,gic-v3"))
        return p->gic_node >= 0
                   ? fail(p, BOOTINFO_EINVAL, node, "compatible", "a second arm,gic-v3")
                   : set_gic(p, node, depth);
    if (fdt_read_compatible(compat, len, "arm,armv8-timer"))
        return p->timer_node >= 0
                   ? fail(p, BOOTINFO_EINVAL, node, "compatible", "a second arm,armv8-timer")
                   : set_timer(p, node, depth);
    if (fdt_read_compatible(compat, len, "tcg,tpm-tis-mmio"))
        return p->tpm_node >= 0 ? fail(p, BOOTINFO_EINVAL, node, "compatible", "a second TPM")
                                : set_tpm(p, node, depth);
    return p->psci_node >= 0 ? fail(p, BOOTINFO_EINVAL, node, "compatible", "a second PSCI node")
                             : set_psci(p, node);
}

static int add_cpu(struct parser *p, int node, unsigned depth)
{
    struct bootinfo *bi = p->bi;
    const struct fdt_read_level *cpus = &p->r.levels[depth - 1];
    const uint8_t *v;
    uint64_t mpidr;
    int len, rc;

    if (!fdt_read_is(&p->r, node, "device_type", "cpu") ||
        (rc = fdt_read_enabled(&p->r, node)) == 0)
        return 0;
    if (rc < 0)
        return rc;
    if (cpus->address_cells < 1 || cpus->address_cells > 2 || cpus->size_cells != 0)
        return fail(p, BOOTINFO_EINVAL, node, "reg",
                    "/cpus needs #address-cells 1 or 2 and #size-cells 0");
    if ((rc = fdt_read_prop(&p->r, node, "reg", &v, &len)) <= 0)
        return rc < 0 ? rc : fail(p, BOOTINFO_EINVAL, node, "reg", "missing");
    if ((uint32_t)len != 4 * cpus->address_cells)
        return fail_number(p, BOOTINFO_EINVAL, node, "reg", "", (uint64_t)len,
                           " bytes, not one address");
    mpidr = fdt_read_cells(v, cpus->address_cells);
    if (mpidr & ~MPIDR_AFFINITY_MASK)
        return fail(p, BOOTINFO_EINVAL, node, "reg", "sets bits outside the MPIDR affinity");
    for (unsigned i = 0; i < bi->nr_cpus; i++)
        if (bi->cpu_mpidr[i] == mpidr)
            return fail(p, BOOTINFO_EINVAL, node, "reg", "the MPIDR of an earlier cpu");
    if (bi->nr_cpus == BOOTINFO_MAX_CPUS)
        return fail_number(p, BOOTINFO_E2BIG, node, "reg", "more than ", BOOTINFO_MAX_CPUS,
                           " cpus");
    bi->cpu_mpidr[bi->nr_cpus++] = mpidr;
    return 0;
}

/* ------------------------------------------------------------ modules and domains */

/* 1 and the kind if the node is a boot module, 0 if not, negative on error. */
static int module_kind(struct parser *p, int node, enum bootinfo_module_kind *kind)
{
    const uint8_t *c;
    int len, rc = fdt_read_prop(&p->r, node, "compatible", &c, &len);
    bool kernel, ramdisk, policy, manifest;

    if (rc <= 0)
        return rc;
    kernel = fdt_read_compatible(c, len, "multiboot,kernel");
    ramdisk = fdt_read_compatible(c, len, "multiboot,ramdisk");
    policy = fdt_read_compatible(c, len, "xen,xsm-policy");
    manifest = fdt_read_compatible(c, len, "flaxen,domain-manifest");
    if (kernel + ramdisk + policy + manifest > 1)
        return fail(p, BOOTINFO_EINVAL, node, "compatible",
                    "more than one of multiboot,kernel, multiboot,ramdisk, xen,xsm-policy, "
                    "flaxen,domain-manifest");
    if (!kernel && !ramdisk && !policy && !manifest &&
        !fdt_read_compatible(c, len, "multiboot,module"))
        return 0;
    *kind = kernel     ? BOOTMOD_KERNEL
            : ramdisk  ? BOOTMOD_RAMDISK
            : policy   ? BOOTMOD_POLICY
            : manifest ? BOOTMOD_MANIFEST
                       : BOOTMOD_UNKNOWN;
    return 1;
}

/* Records module `index` as its domain's (or dom0's) kernel, ramdisk or policy. */
static int assign_module(struct parser *p, int node, int index)
{
    struct bootinfo *bi = p->bi;
    struct bootinfo_module *m = &bi->modules[index];
    int *slot = NULL;

    if (m->domain >= 0) {
        struct bootinfo_domain *d = &bi->domains[m->domain];

        if (m->kind == BOOTMOD_POLICY)
            return fail(p, BOOTINFO_EINVAL, node, "compatible",
                        "xen,xsm-policy inside a xen,domain");
        if (m->kind == BOOTMOD_MANIFEST)
            return fail(p, BOOTINFO_EINVAL, node, "compatible",
                        "flaxen,domain-manifest inside a xen,domain");
        slot = m->kind == BOOTMOD_KERNEL    ? &d->kernel
               : m->kind == BOOTMOD_RAMDISK ? &d->ramdisk
                                            : NULL;
    } else if (m->kind == BOOTMOD_KERNEL) {
        slot = &bi->dom0_kernel;
    } else if (m->kind == BOOTMOD_POLICY) {
        slot = &bi->policy;
    } else if (m->kind == BOOTMOD_MANIFEST) {
        slot = &bi->manifest;
    } else if (m->kind == BOOTMOD_RAMDISK) {
        if (++p->chosen_ramdisks > 2)
            return fail(p, BOOTINFO_EINVAL, node, "compatible",
                        "a third multiboot,ramdisk directly under /chosen");
        if (bi->dom0_ramdisk < 0)
            bi->dom0_ramdisk = index;
    }
    if (!slot)
        return 0;
    if (*slot >= 0)
        return fail(p, BOOTINFO_EINVAL, node, "compatible",
                    m->domain >= 0 ? "a second module of this kind in the xen,domain"
                                   : "a second module of this kind directly under /chosen");
    *slot = index;
    return 0;
}

static int add_module(struct parser *p, int node, unsigned depth, int domain)
{
    struct bootinfo *bi = p->bi;
    struct bootinfo_module *m;
    enum bootinfo_module_kind kind = BOOTMOD_UNKNOWN;
    unsigned n;
    int rc = module_kind(p, node, &kind);

    if (rc <= 0)
        return rc;
    if (bi->nr_modules == BOOTINFO_MAX_MODULES)
        return fail_number(p, BOOTINFO_E2BIG, node, "compatible", "more than ",
                           BOOTINFO_MAX_MODULES, " boot modules");
    p->module_nodes[bi->nr_modules] = node;
    m = &bi->modules[bi->nr_modules];
    m->kind = kind;
    m->domain = domain;
    m->cmdline[0] = '\0';
    if ((rc = fdt_read_reg(&p->r, node, depth, false, &m->where, 1, &n)))
        return rc;
    if (kind == BOOTMOD_KERNEL &&
        (rc = fdt_read_module_args(&p->r, node, m->cmdline, sizeof(m->cmdline))) < 0)
        return rc;
    return assign_module(p, node, (int)bi->nr_modules++);
}

static int add_domain(struct parser *p, int node, struct fdt_read_level *self)
{
    struct bootinfo *bi = p->bi;
    struct bootinfo_domain *d = &bi->domains[bi->nr_domains];
    const uint8_t *v;
    const char *name;
    int len, rc;

    if (bi->nr_domains == BOOTINFO_MAX_DOMAINS)
        return fail_number(p, BOOTINFO_E2BIG, node, "compatible", "more than ",
                           BOOTINFO_MAX_DOMAINS, " xen,domain nodes");
    name = fdt_get_name(p->r.fdt, node, &len);
    if (!name || len < 1 || len >= BOOTINFO_NAME_MAX)
        return fail_number(p, BOOTINFO_E2BIG, node, NULL, "node name empty or longer than ",
                           BOOTINFO_NAME_MAX - 1, " characters");
    for (int i = 0; i <= len; i++)
        d->name[i] = name[i];
    for (unsigned i = 0; i < bi->nr_domains; i++)
        if (fdt_read_string_equal(bi->domains[i].name, d->name))
            return fail(p, BOOTINFO_EINVAL, node, NULL, "two xen,domain nodes of this name");
    if ((rc = fdt_read_prop(&p->r, node, "memory", &v, &len)) <= 0)
        return rc < 0 ? rc : fail(p, BOOTINFO_EINVAL, node, "memory", "missing");
    if (len != 4 && len != 8)
        return fail_number(p, BOOTINFO_EINVAL, node, "memory", "", (uint64_t)len,
                           " bytes, expected 4 or 8 (KiB)");
    d->memory_kib = fdt_read_cells(v, (uint32_t)len / 4);
    if (d->memory_kib == 0)
        return fail(p, BOOTINFO_EINVAL, node, "memory", "zero");
    if ((rc = fdt_read_u32(&p->r, node, "cpus", &d->vcpus)) <= 0)
        return rc < 0 ? rc : fail(p, BOOTINFO_EINVAL, node, "cpus", "missing");
    if (d->vcpus == 0)
        return fail(p, BOOTINFO_EINVAL, node, "cpus", "zero");
    d->seclabel[0] = '\0';
    if ((rc = fdt_read_string_copy(&p->r, node, "seclabel", d->seclabel, sizeof(d->seclabel))) < 0)
        return rc;
    d->kernel = d->ramdisk = -1;
    self->role = ROLE_DOMAIN;
    self->index = (int)bi->nr_domains;
    p->domain_nodes[bi->nr_domains++] = node;
    return 0;
}

/* ------------------------------------------------------------ the walk */

static int visit(struct parser *p, int node, unsigned depth)
{
    const struct fdt_read_level *parent = &p->r.levels[depth - 1];
    struct fdt_read_level *self = &p->r.levels[depth];
    const uint8_t *c;
    int len, rc = fdt_read_enter(&p->r, node, depth);

    if (rc)
        return rc;
    if (parent->role != ROLE_OTHER)
        self->role = ROLE_IGNORE;
    else if (node == p->chosen)
        self->role = ROLE_CHOSEN;
    else if (node == p->cpus)
        self->role = ROLE_CPUS;
    switch (parent->role) {
    case ROLE_CHOSEN:
        if ((rc = fdt_read_prop(&p->r, node, "compatible", &c, &len)) < 0)
            return rc;
        if (fdt_read_compatible(c, len, "xen,domain"))
            return add_domain(p, node, self);
        return add_module(p, node, depth, -1);
    case ROLE_DOMAIN:
        return add_module(p, node, depth, parent->index);
    case ROLE_CPUS:
        return add_cpu(p, node, depth);
    case ROLE_IGNORE:
        return 0;
    default:
        return visit_device(p, node, depth);
    }
}

/*
 * Visits every node below the root in tree order, without recursion. libfdt's
 * fdt_next_node() tracks the depth; it drops below 0 once the root has closed.
 */
static int walk(struct parser *p)
{
    int node = 0, depth = 0, rc = fdt_read_enter(&p->r, 0, 0);

    while (rc == 0) {
        node = fdt_next_node(p->r.fdt, node, &depth);
        if (node < 0 || depth < 0)
            break;
        if (depth == 0)
            return fail(p, BOOTINFO_EINVAL, -1, "structure", "a second root node");
        if (depth >= FDT_READ_MAX_DEPTH)
            return fail_number(p, BOOTINFO_EINVAL, node, NULL, "nested ", (uint64_t)depth,
                               " deep (1 to 31 supported)");
        rc = visit(p, node, (unsigned)depth);
    }
    if (rc == 0 && node < 0 && node != -FDT_ERR_NOTFOUND)
        return fdt_read_fail_libfdt(&p->r, -1, "structure", node);
    return rc;
}

/* ------------------------------------------------------------ after the walk */

static int check_irq_parent(struct parser *p, int node, uint32_t phandle)
{
    uint32_t gic = fdt_get_phandle(p->r.fdt, p->gic_node);

    if (phandle == 0)
        return fail(p, BOOTINFO_EINVAL, node, "interrupt-parent",
                    "none on the node or its ancestors");
    if (gic == 0 || phandle != gic)
        return fail(p, BOOTINFO_EINVAL, node, "interrupt-parent", "not the arm,gic-v3 node");
    return 0;
}

/* A device's registers must not be RAM. */
static int check_clear_of_ram(struct parser *p, int node, const struct bootinfo_region *regs,
                              unsigned count)
{
    for (unsigned r = 0; r < count; r++)
        for (unsigned i = 0; i < p->bi->nr_ram; i++)
            if (regions_overlap(&regs[r], &p->bi->ram[i]))
                return fail_number(p, BOOTINFO_EINVAL, node, "reg", "region ", r, " overlaps RAM");
    return 0;
}

static int check_devices(struct parser *p)
{
    struct bootinfo *bi = p->bi;
    int rc;

    if (bi->nr_ram == 0)
        return fail(p, BOOTINFO_EINVAL, 0, "device_type", "no enabled \"memory\" node");
    if (p->gic_node < 0)
        return fail(p, BOOTINFO_EINVAL, 0, "compatible", "no enabled arm,gic-v3 node");
    if (p->timer_node < 0)
        return fail(p, BOOTINFO_EINVAL, 0, "compatible", "no enabled arm,armv8-timer node");
    if (bi->nr_cpus == 0)
        return fail(p, BOOTINFO_EINVAL, p->cpus, "device_type", "no enabled cpu under /cpus");
    if (p->stdout_node >= 0 && p->uart_node != p->stdout_node)
        return fail(p, BOOTINFO_EINVAL, p->chosen, "stdout-path",
                    "does not name an enabled arm,pl011 node");
    if ((rc = check_irq_parent(p, p->timer_node, p->timer_irq_parent)))
        return rc;
    if (p->uart_node >= 0 && (rc = check_irq_parent(p, p->uart_node, p->uart_irq_parent)))
        return rc;
    if ((rc = check_clear_of_ram(p, p->gic_node, &bi->gicd, 1)) ||
        (rc = check_clear_of_ram(p, p->gic_node, bi->gicr, bi->nr_gicr)))
        return rc;
    if (p->uart_node >= 0 && (rc = check_clear_of_ram(p, p->uart_node, &bi->uart, 1)))
        return rc;
    if (p->tpm_node >= 0 && (rc = check_clear_of_ram(p, p->tpm_node, &bi->tpm, 1)))
        return rc;
    return 0;
}

static int check_modules(struct parser *p)
{
    struct bootinfo *bi = p->bi;

    for (unsigned i = 0; i < bi->nr_domains; i++)
        if (bi->domains[i].kernel < 0)
            return fail(p, BOOTINFO_EINVAL, p->domain_nodes[i], "compatible",
                        "xen,domain without a multiboot,kernel module");
    if (bi->policy >= 0 && p->chosen_ramdisks > 1)
        return fail(p, BOOTINFO_EINVAL, p->chosen, "compatible",
                    "two multiboot,ramdisk modules as well as a xen,xsm-policy module");
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct bootinfo_region *where = &bi->modules[i].where;
        bool in_ram = false;

        for (unsigned b = 0; b < bi->nr_ram; b++)
            in_ram = in_ram || region_inside(where, &bi->ram[b]);
        if (!in_ram)
            return fail(p, BOOTINFO_EINVAL, p->module_nodes[i], "reg", "not inside one RAM bank");
        for (unsigned j = 0; j < i; j++)
            if (regions_overlap(where, &bi->modules[j].where))
                return fail(p, BOOTINFO_EINVAL, p->module_nodes[i], "reg",
                            "overlaps an earlier module");
    }
    return 0;
}

/*
 * Xen's guess for modules of no stated kind directly under /chosen (GRUB's
 * xen_module writes only multiboot,module): without a multiboot,kernel, the
 * first is dom0's kernel; without a multiboot,ramdisk, the next its ramdisk
 * (or, by its contents, the policy or the manifest: bootinfo_resolve_policy).
 */
static int guess_kinds(struct parser *p)
{
    struct bootinfo *bi = p->bi;
    bool ramdisk = p->chosen_ramdisks > 0;
    int rc;

    for (unsigned i = 0; i < bi->nr_modules; i++) {
        struct bootinfo_module *m = &bi->modules[i];

        if (m->domain >= 0 || m->kind != BOOTMOD_UNKNOWN)
            continue;
        if (bi->dom0_kernel < 0) {
            m->kind = BOOTMOD_KERNEL;
            bi->dom0_kernel = (int)i;
            if ((rc = fdt_read_module_args(&p->r, p->module_nodes[i], m->cmdline,
                                           sizeof(m->cmdline))) < 0)
                return rc;
        } else if (!ramdisk && (int)i > bi->dom0_kernel) {
            m->kind = BOOTMOD_RAMDISK;
            bi->dom0_ramdisk = (int)i;
            p->chosen_ramdisks++;
            ramdisk = true;
        }
    }
    return 0;
}

/* The hypervisor's command line and dom0's fallbacks (see the top of the file). */
static int command_lines(struct parser *p)
{
    struct bootinfo *bi = p->bi;
    const uint8_t *v;
    int len, rc, has_xen, has_dom0;
    char *dom0 = bi->dom0_kernel >= 0 ? bi->modules[bi->dom0_kernel].cmdline : NULL;

    if (p->chosen < 0)
        return 0;
    if ((has_xen = fdt_read_prop(&p->r, p->chosen, "xen,xen-bootargs", &v, &len)) < 0)
        return has_xen;
    if ((has_dom0 = fdt_read_prop(&p->r, p->chosen, "xen,dom0-bootargs", &v, &len)) < 0)
        return has_dom0;
    if (has_xen)
        rc = fdt_read_string_copy(&p->r, p->chosen, "xen,xen-bootargs", bi->cmdline,
                                  sizeof(bi->cmdline));
    else if (has_dom0 || !dom0 || dom0[0])
        rc = fdt_read_string_copy(&p->r, p->chosen, "bootargs", bi->cmdline, sizeof(bi->cmdline));
    else
        rc = 0;
    if (rc < 0 || !dom0 || dom0[0])
        return rc < 0 ? rc : 0;
    if (has_dom0)
        rc =
            fdt_read_string_copy(&p->r, p->chosen, "xen,dom0-bootargs", dom0, BOOTINFO_CMDLINE_MAX);
    else if (has_xen)
        rc = fdt_read_string_copy(&p->r, p->chosen, "bootargs", dom0, BOOTINFO_CMDLINE_MAX);
    return rc < 0 ? rc : 0;
}

/* The node stdout-path names (before any ':'), looked up before the walk. */
static int find_stdout(struct parser *p)
{
    const char *path;
    size_t len, n = 0;
    int rc, node;

    if (p->chosen < 0 || (rc = fdt_read_string(&p->r, p->chosen, "stdout-path", &path, &len)) == 0)
        return 0;
    if (rc < 0)
        return rc;
    while (n < len && path[n] != ':')
        n++;
    if (n == 0)
        return fail(p, BOOTINFO_EINVAL, p->chosen, "stdout-path", "empty");
    node = fdt_path_offset_namelen(p->r.fdt, path, (int)n);
    if (node < 0)
        return fail(p, BOOTINFO_EINVAL, p->chosen, "stdout-path", "names no node");
    p->stdout_node = node;
    return 0;
}

static void bootinfo_reset(struct bootinfo *bi)
{
    uint8_t *b = (uint8_t *)bi;

    for (size_t i = 0; i < sizeof(*bi); i++)
        b[i] = 0;
    bi->dom0_kernel = bi->dom0_ramdisk = bi->policy = bi->manifest = -1;
}

/*
 * Fills *bi from the blob (bootinfo.h); on failure *bi is left empty (no RAM, no
 * modules) and err names the node and property at fault. Reads at most max_size
 * bytes of the blob and never writes it. Boot only, before any guest: see the top.
 */
int bootinfo_parse(const void *fdt, size_t max_size, struct bootinfo *bi, char *err)
{
    struct parser p = {.r = {.fdt = fdt, .err = err, .err_len = BOOTINFO_ERROR_LEN}, .bi = bi};
    int rc;

    err[0] = '\0';
    bootinfo_reset(bi);
    p.stdout_node = p.uart_node = p.gic_node = p.timer_node = p.psci_node = p.tpm_node = -1;
    rc = fdt_read_check_blob(&p.r, max_size);
    if (rc == 0) {
        p.chosen = fdt_subnode_offset(fdt, 0, "chosen");
        p.cpus = fdt_subnode_offset(fdt, 0, "cpus");
        rc = find_stdout(&p);
    }
    if (rc == 0)
        rc = walk(&p);
    if (rc == 0)
        rc = check_devices(&p);
    if (rc == 0)
        rc = guess_kinds(&p);
    if (rc == 0)
        rc = check_modules(&p);
    if (rc == 0)
        rc = command_lines(&p);
    if (rc)
        bootinfo_reset(bi);
    return rc;
}
