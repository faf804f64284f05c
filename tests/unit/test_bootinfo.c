/*
 * bootinfo_parse() against device trees whose contents we know: the boards in
 * tests/unit/dts/ (compiled into $BUILD/dtb/ by mk/fdt.mk), a tree QEMU's virt
 * machine dumped with guest-loader modules, edits of those made here with the
 * host's libfdt, every error case (each message must name the node and the
 * property), truncated and corrupted blobs, and the policy-by-contents helpers.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flaxen/bootinfo.h"
#include "unit.h"

#define EINVAL_RC (-22)
#define E2BIG_RC (-7)
#define ROOM 65536 /* space added to an edited tree */

struct parsed {
    int rc;
    char err[BOOTINFO_ERROR_LEN];
    struct bootinfo bi;
};

static void *alloc8(size_t n)
{
    return aligned_alloc(8, (n + 8) / 8 * 8); /* a size that is a multiple of 8 */
}

static void *load(struct unit *u, const char *rel, size_t *len)
{
    void *data = unit_read_file(unit_build_path(rel), len);

    UNIT_CHECK_MSG(u, data, "cannot read %s (make dtbs policy)", unit_build_path(rel));
    return data;
}

/* A copy of $BUILD/dtb/NAME.dtb with room for edits; NULL if missing. */
static void *editable(struct unit *u, const char *name)
{
    char rel[256];
    size_t len;
    void *src, *fdt;

    snprintf(rel, sizeof(rel), "dtb/%s.dtb", name);
    if (!(src = load(u, rel, &len)))
        return NULL;
    fdt = alloc8(len + ROOM);
    UNIT_CHECK(u, fdt && fdt_open_into(src, fdt, (int)(len + ROOM)) == 0);
    free(src);
    return fdt;
}

static struct parsed *parse_blob(const void *fdt, size_t size)
{
    struct parsed *p = calloc(1, sizeof(*p));

    memset(p->err, 'X', sizeof(p->err));
    p->rc = bootinfo_parse(fdt, size, &p->bi, p->err);
    return p;
}

static struct parsed *parse_tree(const void *fdt)
{
    return parse_blob(fdt, fdt_totalsize(fdt));
}

static struct parsed *parse_name(struct unit *u, const char *name)
{
    void *fdt = editable(u, name);
    struct parsed *p = fdt ? parse_tree(fdt) : NULL;

    free(fdt);
    return p;
}

static int node(void *fdt, const char *path)
{
    return fdt_path_offset(fdt, path);
}

/* Sets a string property (edits must succeed: they are the test's own). */
static void set_string(struct unit *u, void *fdt, const char *path, const char *name,
                       const char *value)
{
    UNIT_CHECK_MSG(u, fdt_setprop_string(fdt, node(fdt, path), name, value) == 0, "%s %s", path,
                   name);
}

static void check_region(struct unit *u, const struct bootinfo_region *r, uint64_t base,
                         uint64_t size, const char *what)
{
    UNIT_CHECK_MSG(u, r->base == base && r->size == size, "%s: %#llx+%#llx, want %#llx+%#llx", what,
                   (unsigned long long)r->base, (unsigned long long)r->size,
                   (unsigned long long)base, (unsigned long long)size);
}

static void check_ok(struct unit *u, const struct parsed *p, const char *what)
{
    UNIT_CHECK_MSG(u, p && p->rc == 0 && p->err[0] == '\0', "%s: rc %d: %s", what, p ? p->rc : 0,
                   p ? p->err : "");
}

/* Fails unless parsing failed with rc and a message holding both fragments. */
static void check_error(struct unit *u, const struct parsed *p, int rc, const char *where,
                        const char *property, const char *what)
{
    UNIT_CHECK_MSG(u, p && p->rc == rc, "%s: rc %d, want %d (%s)", what, p ? p->rc : 0, rc,
                   p ? p->err : "");
    if (!p)
        return;
    UNIT_CHECK_MSG(u, memchr(p->err, '\0', sizeof(p->err)), "%s: message not terminated", what);
    UNIT_CHECK_MSG(u, strstr(p->err, where) && strstr(p->err, property),
                   "%s: \"%s\" does not name %s and %s", what, p->err, where, property);
    UNIT_CHECK_MSG(u, p->bi.nr_ram == 0 && p->bi.nr_modules == 0 && p->bi.dom0_kernel == -1,
                   "%s: a failed parse left data behind", what);
}

/* The common board of board.dtsi. */
static void check_board(struct unit *u, const struct bootinfo *bi)
{
    UNIT_CHECK_EQ(u, bi->nr_ram, 3);
    check_region(u, &bi->ram[0], 0x40000000, 0x40000000, "ram 0");
    check_region(u, &bi->ram[1], 0x100000000, 0x10000000, "ram 1");
    check_region(u, &bi->ram[2], 0x200000000, 0x8000000, "ram 2");
    check_region(u, &bi->uart, 0x9000000, 0x1000, "uart");
    UNIT_CHECK_EQ(u, bi->uart_irq, 33);
    check_region(u, &bi->gicd, 0x8000000, 0x10000, "gicd");
    UNIT_CHECK_EQ(u, bi->nr_gicr, 2);
    check_region(u, &bi->gicr[0], 0x80a0000, 0xf60000, "gicr 0");
    check_region(u, &bi->gicr[1], 0xa100000, 0x100000, "gicr 1");
    UNIT_CHECK_EQ(u, bi->timer_ppi_phys_ns, 30);
    UNIT_CHECK_EQ(u, bi->timer_ppi_virt, 27);
    UNIT_CHECK_EQ(u, bi->timer_ppi_hyp, 26);
    UNIT_CHECK(u, bi->has_psci && bi->psci_smc);
    check_region(u, &bi->tpm, 0xc000000, 0x5000, "tpm");
    UNIT_CHECK(u, !strcmp(bi->tpm_path, "/platform-bus@c000000/tpm_tis@0"));
    UNIT_CHECK_EQ(u, bi->nr_cpus, 3);
    UNIT_CHECK(u, bi->cpu_mpidr[0] == 0 && bi->cpu_mpidr[1] == 1 && bi->cpu_mpidr[2] == 0x10100);
}

static void test_board(struct unit *u)
{
    struct parsed *p = parse_name(u, "board");
    const struct bootinfo *bi = &p->bi;

    check_ok(u, p, "board");
    if (!p || p->rc) {
        free(p);
        return;
    }
    check_board(u, bi);
    UNIT_CHECK(u, !strcmp(bi->cmdline, "console=dtuart dtuart=serial0 flask=enforcing"));
    UNIT_CHECK_EQ(u, bi->nr_modules, 4);
    UNIT_CHECK_EQ(u, bi->dom0_kernel, 0);
    UNIT_CHECK_EQ(u, bi->dom0_ramdisk, 1);
    UNIT_CHECK_EQ(u, bi->policy, 2);
    UNIT_CHECK_EQ(u, bi->modules[0].kind, BOOTMOD_KERNEL);
    check_region(u, &bi->modules[0].where, 0x48000000, 0x800000, "kernel");
    UNIT_CHECK(u, !strcmp(bi->modules[0].cmdline, "console=hvc0 earlycon=xenboot rdinit=/init"));
    UNIT_CHECK_EQ(u, bi->modules[1].kind, BOOTMOD_RAMDISK);
    check_region(u, &bi->modules[1].where, 0x49000000, 0x400000, "ramdisk");
    UNIT_CHECK_EQ(u, bi->modules[2].kind, BOOTMOD_POLICY);
    check_region(u, &bi->modules[2].where, 0x4a000000, 0x2acb, "policy");
    UNIT_CHECK_EQ(u, bi->modules[3].kind, BOOTMOD_UNKNOWN);
    UNIT_CHECK(u, bi->modules[1].cmdline[0] == '\0' && bi->modules[3].cmdline[0] == '\0');
    for (unsigned i = 0; i < bi->nr_modules; i++)
        UNIT_CHECK_EQ(u, bi->modules[i].domain, -1);
    UNIT_CHECK_EQ(u, bi->nr_domains, 0);
    free(p);
}

static void test_dom0less(struct unit *u)
{
    struct parsed *p = parse_name(u, "dom0less");
    const struct bootinfo *bi = &p->bi;
    const struct bootinfo_domain *d1 = &bi->domains[0], *d2 = &bi->domains[1];

    check_ok(u, p, "dom0less");
    if (!p || p->rc) {
        free(p);
        return;
    }
    check_board(u, bi);
    UNIT_CHECK(u, !strcmp(bi->cmdline, "console=dtuart loglvl=all"));
    UNIT_CHECK_EQ(u, bi->nr_modules, 5);
    UNIT_CHECK_EQ(u, bi->dom0_kernel, 0);
    check_region(u, &bi->modules[0].where, 0x48000000, 0x800000, "dom0 kernel (1-cell)");
    UNIT_CHECK(u, !strcmp(bi->modules[0].cmdline, "console=hvc0 root=/dev/vda"));
    UNIT_CHECK(u, bi->dom0_ramdisk == -1 && bi->policy == -1);
    UNIT_CHECK_EQ(u, bi->nr_domains, 2);
    UNIT_CHECK(u, !strcmp(d1->name, "domU1") && d1->memory_kib == 0x20000 && d1->vcpus == 2);
    UNIT_CHECK(u, !strcmp(d1->seclabel, "system_u:system_r:domU_t"));
    UNIT_CHECK(u, d1->kernel == 1 && d1->ramdisk == 2);
    check_region(u, &bi->modules[1].where, 0x50000000, 0x200000, "domU1 kernel (2-cell)");
    UNIT_CHECK(u, !strcmp(bi->modules[1].cmdline, "console=ttyAMA0"));
    UNIT_CHECK(u, bi->modules[1].domain == 0 && bi->modules[2].domain == 0);
    UNIT_CHECK(u, !strcmp(d2->name, "domU2") && d2->memory_kib == 65536 && d2->vcpus == 1);
    UNIT_CHECK(u, d2->seclabel[0] == '\0' && d2->kernel == 3 && d2->ramdisk == -1);
    check_region(u, &bi->modules[3].where, 0x52000000, 0x100000, "domU2 kernel (inherited)");
    UNIT_CHECK(u, bi->modules[4].kind == BOOTMOD_UNKNOWN && bi->modules[4].domain == 1);
    free(p);
}

static void test_minimal(struct unit *u)
{
    struct parsed *p = parse_name(u, "minimal");
    const struct bootinfo *bi = &p->bi;

    check_ok(u, p, "minimal");
    if (!p || p->rc) {
        free(p);
        return;
    }
    UNIT_CHECK_EQ(u, bi->nr_ram, 1);
    check_region(u, &bi->ram[0], 0x80000000, 0x10000000, "ram");
    check_region(u, &bi->gicd, 0x2f000000, 0x10000, "gicd");
    UNIT_CHECK_EQ(u, bi->nr_gicr, 1);
    UNIT_CHECK(u, bi->timer_ppi_phys_ns == 30 && bi->timer_ppi_hyp == 26);
    UNIT_CHECK(u, bi->nr_cpus == 1 && bi->cpu_mpidr[0] == 0x100000000ull);
    UNIT_CHECK(u, bi->uart.size == 0 && !bi->has_psci && bi->tpm.size == 0 && !bi->tpm_path[0]);
    UNIT_CHECK(u, bi->nr_modules == 0 && bi->dom0_kernel == -1 && bi->cmdline[0] == '\0');
    free(p);
}

static int module_at(const struct bootinfo *bi, uint64_t base)
{
    for (unsigned i = 0; i < bi->nr_modules; i++)
        if (bi->modules[i].where.base == base)
            return (int)i;
    return -1;
}

/* QEMU's own tree: guest-loader modules in reverse order, the policy as a second initrd. */
static void test_qemu_virt_loader(struct unit *u)
{
    struct parsed *p = parse_name(u, "qemu-virt-loader");
    struct bootinfo *bi = &p->bi;
    size_t klen = 0, ilen = 0, plen = 0;
    void *kernel = load(u, "dtb/payload-kernel.bin", &klen);
    void *initrd = load(u, "dtb/payload-initrd.bin", &ilen);
    void *policy = load(u, "policy/flaxen.30", &plen);
    const void *images[BOOTINFO_MAX_MODULES] = {0};
    int k, i, pol;

    check_ok(u, p, "qemu-virt-loader");
    if (!p || p->rc || !kernel || !initrd || !policy)
        goto out;
    UNIT_CHECK_EQ(u, bi->nr_ram, 1);
    check_region(u, &bi->ram[0], 0x40000000, 0x40000000, "ram");
    check_region(u, &bi->uart, 0x9000000, 0x1000, "uart");
    UNIT_CHECK_EQ(u, bi->uart_irq, 33);
    check_region(u, &bi->gicd, 0x8000000, 0x10000, "gicd");
    UNIT_CHECK_EQ(u, bi->nr_gicr, 1);
    check_region(u, &bi->gicr[0], 0x80a0000, 0xf60000, "gicr");
    UNIT_CHECK(u, bi->timer_ppi_phys_ns == 30 && bi->timer_ppi_virt == 27);
    UNIT_CHECK_EQ(u, bi->timer_ppi_hyp, 26);
    UNIT_CHECK(u, bi->has_psci && bi->psci_smc); /* virtualization=on: PSCI over SMC */
    UNIT_CHECK(u, bi->nr_cpus == 2 && bi->cpu_mpidr[0] == 0 && bi->cpu_mpidr[1] == 1);
    UNIT_CHECK(u, bi->tpm.size == 0);
    UNIT_CHECK(u, !strcmp(bi->cmdline, "console=dtuart flask=enforcing"));
    UNIT_CHECK_EQ(u, bi->nr_modules, 3);
    k = module_at(bi, 0x49000000), i = module_at(bi, 0x50000000), pol = module_at(bi, 0x52000000);
    UNIT_CHECK(u, k >= 0 && i >= 0 && pol >= 0);
    if (k < 0 || i < 0 || pol < 0)
        goto out;
    UNIT_CHECK(u, bi->dom0_kernel == k && bi->modules[k].where.size == klen);
    UNIT_CHECK(u, !strcmp(bi->modules[k].cmdline, "console=hvc0 rdinit=/init"));
    UNIT_CHECK(u, bi->modules[i].where.size == ilen && bi->modules[pol].where.size == plen);
    UNIT_CHECK(u, bi->modules[pol].kind == BOOTMOD_RAMDISK && bi->policy == -1);
    UNIT_CHECK_EQ(u, bi->dom0_ramdisk, pol); /* first in tree order: the last on the command line */
    images[k] = kernel, images[i] = initrd, images[pol] = policy;
    UNIT_CHECK_EQ(u, bootinfo_resolve_policy(bi, images, p->err), 0);
    UNIT_CHECK(u, bi->policy == pol && bi->modules[pol].kind == BOOTMOD_POLICY);
    UNIT_CHECK_EQ(u, bi->dom0_ramdisk, i);
out:
    free(kernel), free(initrd), free(policy), free(p);
}

/* Xen's command-line rules, on edits of board.dtb. */
static void test_command_lines(struct unit *u)
{
    static const struct {
        bool xen, dom0, module; /* which of the three sources stay */
        const char *hypervisor, *dom0_line;
    } cases[] = {
        {true, true, true, "console=dtuart dtuart=serial0 flask=enforcing",
         "console=hvc0 earlycon"},
        {false, true, true, "console=ttyAMA0 for-native-linux", "console=hvc0 earlycon"},
        {false, false, true, "console=ttyAMA0 for-native-linux", "console=hvc0 earlycon"},
        {true, true, false, "console=dtuart dtuart=serial0 flask=enforcing", "not-used"},
        {true, false, false, "console=dtuart dtuart=serial0 flask=enforcing", "console=ttyAMA0"},
        {false, true, false, "console=ttyAMA0 for-native-linux", "not-used"},
        {false, false, false, "", ""},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        void *fdt = editable(u, "board");
        struct parsed *p;

        if (!fdt)
            return;
        if (!cases[c].xen)
            fdt_delprop(fdt, node(fdt, "/chosen"), "xen,xen-bootargs");
        if (!cases[c].dom0)
            fdt_delprop(fdt, node(fdt, "/chosen"), "xen,dom0-bootargs");
        if (!cases[c].module)
            set_string(u, fdt, "/chosen/module@48000000", "bootargs", ""); /* empty = none */
        p = parse_tree(fdt);
        check_ok(u, p, "command lines");
        UNIT_CHECK_MSG(u, !strcmp(p->bi.cmdline, cases[c].hypervisor), "case %zu: \"%s\"", c,
                       p->bi.cmdline);
        UNIT_CHECK_MSG(
            u, !strncmp(p->bi.modules[0].cmdline, cases[c].dom0_line, strlen(cases[c].dom0_line)),
            "case %zu: dom0 \"%s\"", c, p->bi.modules[0].cmdline);
        free(p), free(fdt);
    }
}

/* Every tests/unit/dts/err-*.dts: the error code, the node and the property named. */
static void test_error_trees(struct unit *u)
{
    static const struct {
        const char *name;
        int rc;
        const char *where, *property;
    } cases[] = {
        {"err-cells", EINVAL_RC, "/chosen/module@48000000", "reg: #address-cells is 3"},
        {"err-missing-reg", EINVAL_RC, "/chosen/module@48000000", "reg: missing"},
        {"err-short-reg", EINVAL_RC, "/chosen/module@48000000", "reg: 12 bytes"},
        {"err-short-cpus", EINVAL_RC, "/chosen/domU1", "cpus: 2 bytes"},
        {"err-too-many-modules", E2BIG_RC, "/chosen/module@49000000", "more than 16 boot"},
        {"err-domain-no-kernel", EINVAL_RC, "/chosen/domU1", "compatible: xen,domain without"},
        {"err-domain-zero-memory", EINVAL_RC, "/chosen/domU1", "memory: zero"},
        {"err-domain-zero-cpus", EINVAL_RC, "/chosen/domU1", "cpus: zero"},
        {"err-too-many-domains", E2BIG_RC, "/chosen/domU9", "more than 8 xen,domain"},
        {"err-two-kernels", EINVAL_RC, "/chosen/module@49000000", "compatible: a second"},
        {"err-policy-in-domain", EINVAL_RC, "/chosen/domU1/policy@51000000", "xen,xsm-policy"},
        {"err-manifest-in-domain", EINVAL_RC, "/chosen/domU1/manifest@51000000",
         "flaxen,domain-manifest inside"},
        {"err-long-bootargs", E2BIG_RC, "/chosen/module@48000000", "bootargs: longer than 511"},
        {"err-stdout-path", EINVAL_RC, "/chosen", "stdout-path: names no node"},
        {"err-stdout-not-uart", EINVAL_RC, "/chosen", "stdout-path: does not name"},
        {"err-redist", EINVAL_RC, "/intc@8000000", "reg: 3 regions"},
        {"err-timer-spi", EINVAL_RC, "/timer", "interrupts: entry 0 is not a PPI"},
        {"err-no-memory", EINVAL_RC, "/", "device_type: no enabled \"memory\""},
        {"err-module-outside-ram", EINVAL_RC, "/chosen/module@10000000", "reg: not inside one RAM"},
        {"err-module-overlap", EINVAL_RC, "/chosen/module@48400000", "reg: overlaps an earlier"},
        {"err-cpu-duplicate", EINVAL_RC, "/cpus/cpu@2", "reg: the MPIDR of an earlier"},
        {"err-cpu-mpidr", EINVAL_RC, "/cpus/cpu@1000000", "reg: sets bits outside"},
        {"err-bus-no-ranges", EINVAL_RC, "/platform-bus@c000000", "ranges: missing"},
        {"err-kind-conflict", EINVAL_RC, "/chosen/module@48000000", "compatible: more than one"},
        {"err-three-ramdisks", EINVAL_RC, "/chosen/module@4b000000", "compatible: a third"},
        {"err-irq-parent", EINVAL_RC, "/pl011@9000000", "interrupt-parent: not the arm,gic-v3"},
        {"err-psci-method", EINVAL_RC, "/psci", "method: neither"},
        {"err-policy-two-ramdisks", EINVAL_RC, "/chosen", "compatible: two multiboot,ramdisk"},
        {"err-bootargs-padding", EINVAL_RC, "/chosen/module@48000000", "bootargs: not one"},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct parsed *p = parse_name(u, cases[c].name);

        check_error(u, p, cases[c].rc, cases[c].where, cases[c].property, cases[c].name);
        free(p);
    }
}

/* Each property bootinfo reads, cut short (or its NUL dropped): named in the error. */
static void test_short_properties(struct unit *u)
{
    static const struct {
        const char *path, *property;
        int keep; /* bytes kept; -1 = the string without its NUL */
    } cases[] = {
        {"/", "#address-cells", 2},
        {"/", "interrupt-parent", 3},
        {"/memory@40000000", "reg", 12},
        {"/intc@8000000", "#redistributor-regions", 2},
        {"/intc@8000000", "#interrupt-cells", 1},
        {"/intc@8000000", "reg", 40},
        {"/timer", "interrupts", 44},
        {"/pl011@9000000", "interrupts", 8},
        {"/pl011@9000000", "reg", 15},
        {"/pl011@9000000", "status", -1},
        {"/psci", "method", -1},
        {"/platform-bus@c000000", "ranges", 8},
        {"/platform-bus@c000000/tpm_tis@0", "reg", 4},
        {"/cpus", "#size-cells", 2},
        {"/cpus/cpu@1", "reg", 2},
        {"/chosen", "stdout-path", -1},
        {"/chosen", "xen,xen-bootargs", -1},
        {"/chosen/module@48000000", "reg", 8},
        {"/chosen/module@48000000", "bootargs", -1},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        void *fdt = editable(u, "board");
        int off, len;
        const char *old;
        char *copy;
        struct parsed *p;

        if (!fdt)
            return;
        off = node(fdt, cases[c].path);
        old = fdt_getprop(fdt, off, cases[c].property, &len);
        UNIT_CHECK_MSG(u, old && len > 0, "%s %s", cases[c].path, cases[c].property);
        if (!old || len <= 0)
            continue;
        copy = malloc((size_t)len);
        memcpy(copy, old, (size_t)len);
        fdt_setprop(fdt, off, cases[c].property, copy, cases[c].keep < 0 ? len - 1 : cases[c].keep);
        p = parse_tree(fdt);
        check_error(u, p, EINVAL_RC, cases[c].path, cases[c].property, cases[c].property);
        free(p), free(copy), free(fdt);
    }
}

/* One edit of board.dtb on each side of a bootinfo.h bound. */
static struct parsed *parse_edit(struct unit *u, const char *base, int n,
                                 void (*edit)(struct unit *, void *, int))
{
    void *fdt = editable(u, base);
    struct parsed *p;

    if (!fdt)
        return NULL;
    edit(u, fdt, n);
    p = parse_tree(fdt);
    free(fdt);
    return p;
}

static void edit_banks(struct unit *u, void *fdt, int n) /* n banks in all */
{
    uint32_t reg[4 * 8] = {0};

    for (int i = 0; i < n - 2; i++) { /* the first keeps board.dts's modules in RAM */
        reg[4 * i + 1] = cpu_to_fdt32(i ? 0x50000000 + 0x1000000 * (uint32_t)i : 0x40000000);
        reg[4 * i + 3] = cpu_to_fdt32(i ? 0x100000 : 0x10000000);
    }
    UNIT_CHECK(u, fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg,
                              (int)sizeof(uint32_t) * 4 * (n - 2)) == 0);
}

static void edit_cpus(struct unit *u, void *fdt, int n) /* n cpus in all */
{
    for (int i = 3; i < n; i++) {
        char name[32];
        int off;

        snprintf(name, sizeof(name), "cpu@%x", 0x200 + i);
        off = fdt_add_subnode(fdt, node(fdt, "/cpus"), name);
        UNIT_CHECK(u, off >= 0 && fdt_setprop_string(fdt, off, "device_type", "cpu") == 0);
        UNIT_CHECK(u, fdt_setprop_u32(fdt, off, "reg", 0x200u + (uint32_t)i) == 0);
    }
}

static void edit_redist(struct unit *u, void *fdt, int n) /* and 1 + n regions */
{
    uint32_t reg[4 * 8] = {0, cpu_to_fdt32(0x8000000), 0, cpu_to_fdt32(0x10000)};

    for (int i = 1; i <= n && i < 8; i++) {
        reg[4 * i + 1] = cpu_to_fdt32(0x0a000000 + 0x100000 * (uint32_t)i);
        reg[4 * i + 3] = cpu_to_fdt32(0x100000);
    }
    fdt_setprop_u32(fdt, node(fdt, "/intc@8000000"), "#redistributor-regions", (uint32_t)n);
    UNIT_CHECK(u, fdt_setprop(fdt, node(fdt, "/intc@8000000"), "reg", reg,
                              (int)sizeof(uint32_t) * 4 * (n + 1 < 8 ? n + 1 : 8)) == 0);
}

static void edit_string(struct unit *u, void *fdt, const char *path, const char *name, int n)
{
    char *s = malloc((size_t)n + 1);

    memset(s, 'a', (size_t)n);
    s[n] = '\0';
    set_string(u, fdt, path, name, s);
    free(s);
}

static void edit_hypervisor_line(struct unit *u, void *fdt, int n)
{
    edit_string(u, fdt, "/chosen", "xen,xen-bootargs", n);
}

static void edit_seclabel(struct unit *u, void *fdt, int n)
{
    edit_string(u, fdt, "/chosen/domU1", "seclabel", n);
}

static void edit_domain_name(struct unit *u, void *fdt, int n)
{
    char name[128];

    memset(name, 'd', (size_t)n);
    name[n] = '\0';
    UNIT_CHECK(u, fdt_set_name(fdt, node(fdt, "/chosen/domU1"), name) == 0);
}

static void edit_tpm_name(struct unit *u, void *fdt, int n) /* the path is 22 + n long */
{
    char name[160];

    memset(name, 't', (size_t)n);
    name[n] = '\0';
    UNIT_CHECK(u, fdt_set_name(fdt, node(fdt, "/platform-bus@c000000/tpm_tis@0"), name) == 0);
}

static void edit_depth(struct unit *u, void *fdt, int n) /* a chain of nodes n deep */
{
    int off = 0;

    for (int i = 0; i < n && off >= 0; i++)
        off = fdt_add_subnode(fdt, off, "n");
    UNIT_CHECK(u, off >= 0);
}

static void test_bounds(struct unit *u)
{
    static const struct {
        const char *base, *what;
        void (*edit)(struct unit *, void *, int);
        int fits;
        int rc_over;
    } cases[] = {
        {"board", "RAM banks", edit_banks, BOOTINFO_MAX_BANKS, E2BIG_RC},
        {"board", "cpus", edit_cpus, BOOTINFO_MAX_CPUS, E2BIG_RC},
        {"board", "redistributor regions", edit_redist, BOOTINFO_MAX_REDIST, E2BIG_RC},
        {"board", "hypervisor command line", edit_hypervisor_line, BOOTINFO_CMDLINE_MAX - 1,
         E2BIG_RC},
        {"dom0less", "seclabel", edit_seclabel, BOOTINFO_LABEL_MAX - 1, E2BIG_RC},
        {"dom0less", "domain name", edit_domain_name, BOOTINFO_NAME_MAX - 1, E2BIG_RC},
        {"board", "TPM path", edit_tpm_name, BOOTINFO_NAME_MAX * 2 - 1 - 22, E2BIG_RC},
        {"minimal", "nesting", edit_depth, 31, EINVAL_RC},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct parsed *fits = parse_edit(u, cases[c].base, cases[c].fits, cases[c].edit);
        struct parsed *over = parse_edit(u, cases[c].base, cases[c].fits + 1, cases[c].edit);

        check_ok(u, fits, cases[c].what);
        UNIT_CHECK_MSG(u, over && over->rc == cases[c].rc_over && over->err[0],
                       "%s: one over the bound gave %d (%s)", cases[c].what, over ? over->rc : 0,
                       over ? over->err : "");
        free(fits), free(over);
    }
    /* 16 modules and 8 domains fit: the error trees minus their last node. */
    for (int i = 0; i < 2; i++) {
        void *fdt = editable(u, i ? "err-too-many-domains" : "err-too-many-modules");
        struct parsed *p;

        if (!fdt)
            return;
        fdt_del_node(fdt, node(fdt, i ? "/chosen/domU9" : "/chosen/module@49000000"));
        p = parse_tree(fdt);
        check_ok(u, p, i ? "8 domains" : "16 modules");
        UNIT_CHECK(u, p->bi.nr_domains == (i ? 8u : 0u) && p->bi.nr_modules == (i ? 8u : 16u));
        free(p), free(fdt);
    }
}

/* status and stdout-path choose the console. */
static void test_console_choice(struct unit *u)
{
    void *fdt = editable(u, "board");
    struct parsed *p;

    if (!fdt)
        return;
    fdt_delprop(fdt, node(fdt, "/chosen"), "stdout-path"); /* the first enabled PL011 */
    p = parse_tree(fdt);
    check_ok(u, p, "no stdout-path");
    UNIT_CHECK(u, p->bi.uart.base == 0x9000000 && p->bi.uart_irq == 33);
    free(p);
    set_string(u, fdt, "/pl011@9040000", "status", "okay");
    p = parse_tree(fdt);
    UNIT_CHECK(u, p->rc == 0 && p->bi.uart.base == 0x9040000 && p->bi.uart_irq == 40);
    free(p);
    set_string(u, fdt, "/chosen", "stdout-path", "/pl011@9000000");
    p = parse_tree(fdt);
    UNIT_CHECK(u, p->rc == 0 && p->bi.uart.base == 0x9000000);
    free(p);
    set_string(u, fdt, "/pl011@9000000", "status", "disabled");
    p = parse_tree(fdt);
    check_error(u, p, EINVAL_RC, "/chosen", "stdout-path", "stdout-path names a disabled UART");
    free(p), free(fdt);
}

/* A device whose registers are RAM, and a second enabled GIC, are refused. */
static void test_device_conflicts(struct unit *u)
{
    const uint32_t in_ram[4] = {0, cpu_to_fdt32(0x44000000), 0, cpu_to_fdt32(0x1000)};
    void *fdt = editable(u, "board");
    struct parsed *p;

    if (!fdt)
        return;
    fdt_setprop(fdt, node(fdt, "/pl011@9000000"), "reg", in_ram, sizeof(in_ram));
    p = parse_tree(fdt);
    check_error(u, p, EINVAL_RC, "/pl011@9000000", "reg: region 0 overlaps RAM", "uart in RAM");
    free(p), free(fdt);
    if (!(fdt = editable(u, "board")))
        return;
    set_string(u, fdt, "/pl011@9040000", "compatible", "arm,gic-v3");
    p = parse_tree(fdt);
    check_ok(u, p, "a second, disabled GIC"); /* skipped */
    free(p);
    fdt_delprop(fdt, node(fdt, "/pl011@9040000"), "status"); /* now enabled: counted */
    p = parse_tree(fdt);
    check_error(u, p, EINVAL_RC, "/pl011@9040000", "compatible: a second", "two GICs");
    free(p), free(fdt);
}

/* Every prefix of a good blob, and broken headers, are refused with a message. */
static void test_truncated_and_corrupt(struct unit *u)
{
    size_t len;
    uint8_t *good = load(u, "dtb/board.dtb", &len), *buf;
    struct parsed *p;

    if (!good)
        return;
    for (size_t n = 0; n < len; n++) {
        buf = alloc8(n); /* the parser may read n bytes */
        memcpy(buf, good, n);
        p = parse_blob(buf, n);
        UNIT_CHECK_MSG(u, p->rc == EINVAL_RC && p->err[0], "%zu of %zu bytes: rc %d", n, len,
                       p->rc);
        free(p), free(buf);
    }
    buf = alloc8(len + 8);
    struct {
        size_t offset;
        uint32_t value;
        const char *message;
    } headers[] = {
        {0, 0xd00dfeee, "header"},                   /* magic */
        {4, (uint32_t)len + 1, "header: totalsize"}, /* beyond the bytes given */
        {8, (uint32_t)len, "header"},                /* off_dt_struct past the end */
        {12, (uint32_t)len, "header"},               /* off_dt_strings */
        {20, 16, "header: version 16"},              /* version < 17 */
        {24, 18, "header"},                          /* last_comp_version */
        {32, 0x7fffffff, "header"},                  /* size_dt_strings */
        {36, 0x7fffffff, "header"},                  /* size_dt_struct */
    };
    for (size_t h = 0; h < sizeof(headers) / sizeof(headers[0]); h++) {
        memcpy(buf, good, len);
        *(uint32_t *)(buf + headers[h].offset) = cpu_to_fdt32(headers[h].value);
        p = parse_blob(buf, len);
        UNIT_CHECK_MSG(u, p->rc == EINVAL_RC && strstr(p->err, headers[h].message),
                       "header field at %zu: rc %d: %s", headers[h].offset, p->rc, p->err);
        free(p);
    }
    memcpy(buf, good, len); /* a bad tag in the structure block */
    *(uint32_t *)(buf + fdt_off_dt_struct(good) + 8) = cpu_to_fdt32(0x77);
    p = parse_blob(buf, len);
    UNIT_CHECK_MSG(u, p->rc == EINVAL_RC && strstr(p->err, "structure"), "bad tag: %s", p->err);
    free(p);
    memcpy(buf + 4, good, len); /* misaligned */
    p = parse_blob(buf + 4, len);
    UNIT_CHECK(u, p->rc == EINVAL_RC && strstr(p->err, "aligned"));
    free(p);
    p = parse_blob(NULL, 0);
    UNIT_CHECK(u, p->rc == EINVAL_RC && p->err[0]);
    free(p);
    /* Every byte of the structure and strings inverted: a result or an error, never a crash. */
    for (size_t i = fdt_off_dt_struct(good); i < len; i++) {
        memcpy(buf, good, len);
        buf[i] ^= 0xff;
        p = parse_blob(buf, len);
        UNIT_CHECK_MSG(u, p->rc == 0 || (p->rc < 0 && p->err[0]), "byte %zu: rc %d", i, p->rc);
        free(p);
    }
    free(buf), free(good);
}

static void test_policy_image(struct unit *u)
{
    static const char *const policies[] = {"policy/flaxen.30", "policy/flaxen.24",
                                           "policy/flaxen-mls.30", NULL};
    uint8_t near[16] = {0x8c, 0xff, 0x7c, 0xf9, 8, 0, 0, 0, 'X', 'e', 'n', 'F', 'l', 'a', 's', 'k'};
    uint8_t probe[16];

    for (int i = 0; policies[i]; i++) {
        size_t len;
        void *image = load(u, policies[i], &len);

        UNIT_CHECK_MSG(u, image && bootinfo_is_policy_image(image, len), "%s", policies[i]);
        free(image);
    }
    UNIT_CHECK(u, bootinfo_is_policy_image(near, sizeof(near)));
    UNIT_CHECK(u, !bootinfo_is_policy_image(near, 15));
    UNIT_CHECK(u, !bootinfo_is_policy_image(NULL, 16));
    for (int i = 0; i < 16; i++) { /* any byte changed */
        memcpy(probe, near, sizeof(probe));
        probe[i] ^= 0x20;
        UNIT_CHECK_MSG(u, !bootinfo_is_policy_image(probe, sizeof(probe)), "byte %d", i);
    }
    memcpy(probe, near, sizeof(probe)); /* SELinux's own target */
    memcpy(probe + 8, "SE Linux", 8);
    UNIT_CHECK(u, !bootinfo_is_policy_image(probe, sizeof(probe)));
    probe[0] = 0xf9, probe[1] = 0x7c, probe[2] = 0xff, probe[3] = 0x8c; /* big-endian magic */
    memcpy(probe + 8, "XenFlask", 8);
    UNIT_CHECK(u, !bootinfo_is_policy_image(probe, sizeof(probe)));
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_board),
    UNIT_CASE(test_dom0less),
    UNIT_CASE(test_minimal),
    UNIT_CASE(test_qemu_virt_loader),
    UNIT_CASE(test_command_lines),
    UNIT_CASE(test_error_trees),
    UNIT_CASE(test_short_properties),
    UNIT_CASE(test_bounds),
    UNIT_CASE(test_console_choice),
    UNIT_CASE(test_device_conflicts),
    UNIT_CASE(test_truncated_and_corrupt),
    UNIT_CASE(test_policy_image),
    {0},
};
