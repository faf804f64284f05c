/*
 * guest_fdt: the device tree of a boot-time domain (guest_fdt.h), written with
 * libfdt's sequential-write functions.
 *
 * FP/SIMD. Like bootinfo.c this is ordinary hypervisor code that calls Debian's
 * libfdt, whose code sits in the reserved section .text.fpsimd. It may run only
 * while no vCPU's FP/SIMD state is live: at boot, before the first domain is
 * unpaused (or, later, inside a bracket that saves the running vCPU's state).
 *
 * The parameters are checked first, completely; only then is anything written.
 * libfdt reports a full buffer as -FDT_ERR_NOSPACE from whichever call ran out;
 * the writer keeps the first error, skips every later call, and on failure the
 * bytes libfdt may have touched are zeroed, so no partial tree is ever left.
 */
#include "flaxen/guest_fdt.h"

#include <libfdt.h>
#include <string.h>

#include "fdt_read.h"
#include "flaxen/types.h"

#define MPIDR_AFFINITY_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..Aff0 [23:0] */
#define MPIDR_AFF3_MASK 0xff00000000ull
#define PSCI_0_1_CPU_OFF 1u /* Xen's public arch-arm.h: PSCI_cpu_off, PSCI_cpu_on */
#define PSCI_0_1_CPU_ON 2u
#define GIC_PPI_FIRST 16u
#define GIC_PPI_LAST 31u
#define IRQ_FLAGS_XEN 0xf08u /* CPU mask 0xf << 8 | level-low (8) */
#define ROOT_CELLS 2u        /* #address-cells and #size-cells of the root */
#define NAME_MAX_LEN 48u     /* "interrupt-controller@" + 16 hex digits + NUL fits */

struct region {
    const char *name;
    uint64_t base, size;
};

struct writer {
    void *fdt;
    int rc; /* the first libfdt error; once set, every later call is skipped */
};

/* ------------------------------------------------------------ errors */

static int fail(char *err, int code, const char *what, const char *detail)
{
    struct fdt_read_text t = {err, GUEST_FDT_ERROR_LEN, 0};

    fdt_read_text_put(&t, "guest device tree: ");
    fdt_read_text_put(&t, what);
    fdt_read_text_put(&t, detail);
    return -code;
}

/* "guest device tree: <what><number><detail>", the number in hex when hex. */
static int fail_number(char *err, int code, const char *what, uint64_t number, bool hex,
                       const char *detail)
{
    struct fdt_read_text t = {err, GUEST_FDT_ERROR_LEN, 0};

    fdt_read_text_put(&t, "guest device tree: ");
    fdt_read_text_put(&t, what);
    fdt_read_text_put_u64(&t, number, hex ? 16 : 10);
    fdt_read_text_put(&t, detail);
    return -code;
}

/* ------------------------------------------------------------ parameter checks */

static uint64_t region_last(const struct region *r)
{
    return r->base + (r->size - 1);
}

static bool regions_overlap(const struct region *a, const struct region *b)
{
    return a->base <= region_last(b) && b->base <= region_last(a);
}

/* RAM, GICD, GICR, grant table: each non-empty and ending below 2^64, all disjoint. */
static int check_regions(const struct guest_fdt_params *p, char *err)
{
    const struct region r[] = {
        {"RAM", p->ram_base, p->ram_size},
        {"GIC distributor", p->gicd_base, p->gicd_size},
        {"GIC redistributor region", p->gicr_base, p->gicr_size},
        {"grant-table region", p->gnttab_base, p->gnttab_size},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(r); i++) {
        if (r[i].size == 0 || r[i].base + r[i].size < r[i].base)
            return fail(err, EINVAL, r[i].name, ": empty, or ends beyond 64 bits");
        for (unsigned j = 0; j < i; j++)
            if (regions_overlap(&r[i], &r[j]))
                return fail(err, EINVAL, r[i].name,
                            j ? ": overlaps another device region" : ": overlaps RAM");
    }
    if (p->gicr_size / GUEST_FDT_GICR_FRAMES < p->nr_vcpus)
        return fail_number(err, EINVAL, "GIC redistributor region too small for ", p->nr_vcpus,
                           false, " vCPUs (128 KiB each)");
    return 0;
}

static int check_vcpus(const struct guest_fdt_params *p, char *err)
{
    if (p->nr_vcpus == 0 || p->nr_vcpus > GUEST_FDT_MAX_VCPUS)
        return fail_number(err, EINVAL, "", p->nr_vcpus, false, " vCPUs (1 to 128 supported)");
    if (!p->vcpu_mpidr)
        return fail(err, EINVAL, "no MPIDR list", "");
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        if (p->vcpu_mpidr[i] & ~MPIDR_AFFINITY_MASK)
            return fail_number(err, EINVAL, "MPIDR ", p->vcpu_mpidr[i], true,
                               " sets bits outside Aff3..Aff0");
        for (unsigned j = 0; j < i; j++)
            if (p->vcpu_mpidr[j] == p->vcpu_mpidr[i])
                return fail_number(err, EINVAL, "MPIDR ", p->vcpu_mpidr[i], true,
                                   " given to two vCPUs");
    }
    return 0;
}

static int check_params(const void *buf, const struct guest_fdt_params *p, char *err)
{
    const struct region ram = {"RAM", p->ram_base, p->ram_size};
    const struct region ramdisk = {"ramdisk", p->ramdisk_base, p->ramdisk_end - p->ramdisk_base};
    int rc;

    if (!buf || (uintptr_t)buf % 8)
        return fail(err, EINVAL, "buffer", " missing or not 8-byte aligned");
    if ((rc = check_vcpus(p, err)) || (rc = check_regions(p, err)))
        return rc;
    if ((p->ramdisk_base || p->ramdisk_end) &&
        (p->ramdisk_end <= p->ramdisk_base || ramdisk.base < ram.base ||
         region_last(&ramdisk) > region_last(&ram)))
        return fail(err, EINVAL, "ramdisk", ": empty, or not inside RAM");
    if (p->evtchn_ppi < GIC_PPI_FIRST || p->evtchn_ppi > GIC_PPI_LAST)
        return fail_number(err, EINVAL, "event-channel INTID ", p->evtchn_ppi, false,
                           " is not a PPI (16 to 31)");
    if (p->evtchn_ppi - GIC_PPI_FIRST == GUEST_FDT_TIMER_SECURE_PPI ||
        p->evtchn_ppi - GIC_PPI_FIRST == GUEST_FDT_TIMER_NONSECURE_PPI ||
        p->evtchn_ppi - GIC_PPI_FIRST == GUEST_FDT_TIMER_VIRT_PPI ||
        p->evtchn_ppi - GIC_PPI_FIRST == GUEST_FDT_TIMER_HYP_PPI)
        return fail_number(err, EINVAL, "event-channel INTID ", p->evtchn_ppi, false,
                           " is one of the timer's");
    return 0;
}

/* ------------------------------------------------------------ encoding */

/* value as `cells` big-endian 32-bit cells (1 or 2) at out; returns the bytes written. */
static size_t put_cells(uint8_t *out, uint64_t value, unsigned cells)
{
    for (unsigned i = 0; i < 4 * cells; i++)
        out[i] = (uint8_t)(value >> (8 * (4 * cells - 1 - i)));
    return 4 * cells;
}

/* <base size> in the root's cells. */
static size_t put_range(uint8_t *out, uint64_t base, uint64_t size)
{
    size_t n = put_cells(out, base, ROOT_CELLS);

    return n + put_cells(out + n, size, ROOT_CELLS);
}

/* The GICv3 interrupt specifier <1 (PPI), n, flags> of PPI n (INTID 16 + n). */
static size_t put_ppi(uint8_t *out, unsigned ppi_number)
{
    size_t n = put_cells(out, 1, 1);

    n += put_cells(out + n, ppi_number, 1);
    return n + put_cells(out + n, IRQ_FLAGS_XEN, 1);
}

/* "prefix@hex" without leading zeros or "0x", as unit addresses are written. */
static void unit_name(char *out, const char *prefix, uint64_t address)
{
    char digits[17];
    unsigned at = sizeof(digits) - 1, n = 0;

    digits[at] = '\0';
    do {
        digits[--at] = "0123456789abcdef"[address % 16];
        address /= 16;
    } while (address);
    while (*prefix && n + 2 < NAME_MAX_LEN) /* room for '@' and the NUL */
        out[n++] = *prefix++;
    out[n++] = '@';
    for (const char *d = digits + at; *d && n + 1 < NAME_MAX_LEN;)
        out[n++] = *d++;
    out[n] = '\0';
}

/* ------------------------------------------------------------ writing */

static void begin(struct writer *w, const char *name)
{
    if (w->rc == 0)
        w->rc = fdt_begin_node(w->fdt, name);
}

static void end(struct writer *w)
{
    if (w->rc == 0)
        w->rc = fdt_end_node(w->fdt);
}

static void prop(struct writer *w, const char *name, const void *value, size_t len)
{
    if (w->rc == 0)
        w->rc = fdt_property(w->fdt, name, value, (int)len);
}

static void prop_empty(struct writer *w, const char *name)
{
    prop(w, name, "", 0);
}

static void prop_u32(struct writer *w, const char *name, uint32_t value)
{
    uint8_t cell[4];

    prop(w, name, cell, put_cells(cell, value, 1));
}

static void prop_u64(struct writer *w, const char *name, uint64_t value)
{
    uint8_t cells[8];

    prop(w, name, cells, put_cells(cells, value, 2));
}

static void prop_string(struct writer *w, const char *name, const char *value)
{
    prop(w, name, value, strlen(value) + 1);
}

static void write_root(struct writer *w)
{
    static const char compatible[] = "xen,xenvm-" GUEST_FDT_XEN_VERSION "\0xen,xenvm";

    prop_u32(w, "#address-cells", ROOT_CELLS);
    prop_u32(w, "#size-cells", ROOT_CELLS);
    prop_string(w, "model", "XENVM-" GUEST_FDT_XEN_VERSION);
    prop(w, "compatible", compatible, sizeof(compatible));
    prop_u32(w, "interrupt-parent", GUEST_FDT_GIC_PHANDLE);
}

/* Linux's chosen binding: linux,initrd-start inclusive, linux,initrd-end exclusive. */
static void write_chosen(struct writer *w, const struct guest_fdt_params *p)
{
    begin(w, "chosen");
    if (p->bootargs && p->bootargs[0])
        prop_string(w, "bootargs", p->bootargs);
    if (p->ramdisk_end) {
        prop_u64(w, "linux,initrd-start", p->ramdisk_base);
        prop_u64(w, "linux,initrd-end", p->ramdisk_end);
    }
    end(w);
}

/* PSCI 1.0 over HVC, with the 0.1 IDs a kernel without 0.2 support would use. */
static void write_psci(struct writer *w)
{
    static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

    begin(w, "psci");
    prop(w, "compatible", compatible, sizeof(compatible));
    prop_string(w, "method", "hvc");
    prop_u32(w, "cpu_off", PSCI_0_1_CPU_OFF);
    prop_u32(w, "cpu_on", PSCI_0_1_CPU_ON);
    end(w);
}

/*
 * arm/cpus.yaml on arm64: reg = MPIDR_EL1 affinity; with #address-cells 1 the
 * cell holds Aff2..Aff0 ([23:0]), with 2 the first cell holds Aff3 ([39:32]).
 */
static void write_cpus(struct writer *w, const struct guest_fdt_params *p)
{
    unsigned cells = 1;
    char name[NAME_MAX_LEN];
    uint8_t reg[8];

    for (unsigned i = 0; i < p->nr_vcpus; i++)
        if (p->vcpu_mpidr[i] & MPIDR_AFF3_MASK)
            cells = 2;
    begin(w, "cpus");
    prop_u32(w, "#address-cells", cells);
    prop_u32(w, "#size-cells", 0);
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        unit_name(name, "cpu", p->vcpu_mpidr[i]);
        begin(w, name);
        prop_string(w, "device_type", "cpu");
        prop_string(w, "compatible", "arm,armv8");
        prop(w, "reg", reg, put_cells(reg, p->vcpu_mpidr[i], cells));
        prop_string(w, "enable-method", "psci");
        end(w);
    }
    end(w);
}

static void write_memory(struct writer *w, const struct guest_fdt_params *p)
{
    char name[NAME_MAX_LEN];
    uint8_t reg[16];

    unit_name(name, "memory", p->ram_base);
    begin(w, name);
    prop_string(w, "device_type", "memory");
    prop(w, "reg", reg, put_range(reg, p->ram_base, p->ram_size));
    end(w);
}

/* arm,gic-v3.yaml: reg = GICD, then one GICR region (so no #redistributor-regions). */
static void write_gic(struct writer *w, const struct guest_fdt_params *p)
{
    char name[NAME_MAX_LEN];
    uint8_t reg[32];
    size_t n;

    unit_name(name, "interrupt-controller", p->gicd_base);
    begin(w, name);
    prop_string(w, "compatible", "arm,gic-v3");
    prop_u32(w, "#interrupt-cells", 3);
    prop_u32(w, "#address-cells", ROOT_CELLS);
    prop_u32(w, "#size-cells", ROOT_CELLS);
    prop_empty(w, "ranges");
    prop_empty(w, "interrupt-controller");
    n = put_range(reg, p->gicd_base, p->gicd_size);
    prop(w, "reg", reg, n + put_range(reg + n, p->gicr_base, p->gicr_size));
    prop_u32(w, "phandle", GUEST_FDT_GIC_PHANDLE);
    end(w);
}

/* timer/arm,arch_timer.yaml order: secure phys, non-secure phys, virtual, hypervisor. */
static void write_timer(struct writer *w)
{
    static const unsigned ppis[] = {GUEST_FDT_TIMER_SECURE_PPI, GUEST_FDT_TIMER_NONSECURE_PPI,
                                    GUEST_FDT_TIMER_VIRT_PPI, GUEST_FDT_TIMER_HYP_PPI};
    uint8_t irqs[12 * ARRAY_SIZE(ppis)];
    size_t n = 0;

    for (unsigned i = 0; i < ARRAY_SIZE(ppis); i++)
        n += put_ppi(irqs + n, ppis[i]);
    begin(w, "timer");
    prop_string(w, "compatible", "arm,armv8-timer");
    prop(w, "interrupts", irqs, n);
    prop_u32(w, "interrupt-parent", GUEST_FDT_GIC_PHANDLE);
    end(w);
}

/* arm/xen.txt: the grant-table region and the event-channel PPI. */
static void write_hypervisor(struct writer *w, const struct guest_fdt_params *p)
{
    static const char compatible[] = "xen,xen-" GUEST_FDT_XEN_VERSION "\0xen,xen";
    uint8_t reg[16], irq[12];

    begin(w, "hypervisor");
    prop(w, "compatible", compatible, sizeof(compatible));
    prop(w, "reg", reg, put_range(reg, p->gnttab_base, p->gnttab_size));
    prop(w, "interrupts", irq, put_ppi(irq, p->evtchn_ppi - GIC_PPI_FIRST));
    prop_u32(w, "interrupt-parent", GUEST_FDT_GIC_PHANDLE);
    end(w);
}

static int write_tree(void *buf, int size, const struct guest_fdt_params *p)
{
    struct writer w = {buf, fdt_create(buf, size)};

    if (w.rc == 0)
        w.rc = fdt_finish_reservemap(buf);
    begin(&w, "");
    write_root(&w);
    write_chosen(&w, p);
    write_psci(&w);
    write_cpus(&w, p);
    write_memory(&w, p);
    write_gic(&w, p);
    write_timer(&w);
    write_hypervisor(&w, p);
    end(&w);
    if (w.rc == 0)
        w.rc = fdt_finish(buf);
    return w.rc;
}

/*
 * Checks p, then writes the tree of guest_fdt.h into buf: 0, or -EINVAL /
 * -ENOMEM with a message and the used part of buf zeroed (guest_fdt.h).
 */
int guest_fdt_build(void *buf, size_t bufsize, const struct guest_fdt_params *p, char *err)
{
    int size = bufsize > GUEST_FDT_MAX_SIZE ? (int)GUEST_FDT_MAX_SIZE : (int)bufsize;
    int rc;

    err[0] = '\0';
    if (!p)
        rc = fail(err, EINVAL, "no parameters", "");
    else
        rc = check_params(buf, p, err);
    if (rc == 0) {
        rc = write_tree(buf, size, p);
        if (rc == -FDT_ERR_NOSPACE)
            rc = fail_number(err, ENOMEM, "does not fit in ", (uint64_t)size, false, " bytes");
        else if (rc)
            rc = fail(err, EINVAL, "libfdt: ", fdt_strerror(rc));
    }
    if (rc && buf)
        memset(buf, 0, (size_t)size);
    return rc;
}
