/*
 * Host tests of a boot-time domain's device tree (xen/common/guest_fdt.c).
 *
 * Each tree guest_fdt_build() writes is read four ways: by libfdt (fdt_check_full,
 * then every node and property compared byte for byte with what the bindings
 * say, nothing more and nothing less), by the hypervisor's own bootinfo_parse(),
 * by the test guests' DTB reader (tests/guest/lib/fdt.c, what a guest in "xen"
 * mode looks up at boot), and by dtc (the blob and its decompiled source are left
 * in $BUILD/test-dtb/; dtc must warn about nothing but the /hypervisor node's
 * missing unit address, which Linux requires: see guest_fdt.h).
 *
 * This file is compiled twice (mk/build-tests.mk). With GUEST_LIB_SHIM it is
 * only guestlib_read(), built against the guest library's fdt.h with the
 * library's function names prefixed "guestlib_" (they would clash with libfdt's);
 * without, it is the test itself, built against libfdt.
 */
#include <stdbool.h>
#include <stdint.h>

#define GUESTLIB_MAX_CPUS 8

/* What a test guest learns from its device tree (tests/guest/lib/platform.c). */
struct guestlib_view {
    bool opened;
    bool xen_mode; /* /hypervisor is compatible with "xen,xen" */
    const char *bootargs;
    unsigned cpus; /* cpu nodes at depth 2 with a readable reg */
    uint64_t mpidr[GUESTLIB_MAX_CPUS];
    bool ram_found;
    uint64_t ram_base, ram_size;
    bool hypervisor_reg; /* /hypervisor's first reg entry, decoded */
    uint64_t hypervisor_base, hypervisor_size;
};

void guestlib_read(const void *blob, uint32_t max_size, struct guestlib_view *v);

#ifdef GUEST_LIB_SHIM

#include <string.h>

#include "fdt.h" /* tests/guest/lib/fdt.h */

static bool has_type(const struct fdt *fdt, const struct fdt_node *node, const char *type)
{
    const char *value = fdt_property_string(fdt, node, "device_type");

    return value && strcmp(value, type) == 0;
}

static int visit(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct guestlib_view *v = context;
    uint64_t base, size;

    if (node->depth == 2 && has_type(fdt, node, "cpu") && fdt_reg(fdt, node, 0, &base, &size) &&
        v->cpus < GUESTLIB_MAX_CPUS)
        v->mpidr[v->cpus++] = base;
    if (node->depth == 1 && has_type(fdt, node, "memory") && !v->ram_found &&
        fdt_reg(fdt, node, 0, &v->ram_base, &v->ram_size))
        v->ram_found = true;
    return 0;
}

void guestlib_read(const void *blob, uint32_t max_size, struct guestlib_view *v)
{
    struct fdt fdt;
    struct fdt_node node;
    uint32_t length;

    memset(v, 0, sizeof(*v));
    v->opened = fdt_open(&fdt, blob, max_size);
    if (!v->opened)
        return;
    if (fdt_find_path(&fdt, "/hypervisor", &node)) {
        const void *compatible = fdt_property(&fdt, &node, "compatible", &length);

        v->xen_mode = compatible && fdt_string_list_contains(compatible, length, "xen,xen");
        v->hypervisor_reg = fdt_reg(&fdt, &node, 0, &v->hypervisor_base, &v->hypervisor_size);
    }
    if (fdt_find_path(&fdt, "/chosen", &node))
        v->bootargs = fdt_property_string(&fdt, &node, "bootargs");
    if (fdt_walk(&fdt, visit, v) != 0)
        v->opened = false;
}

#else /* the test */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include <flaxen/bootinfo.h>
#include <flaxen/guest_fdt.h>
#include <flaxen/types.h>

#include "unit.h"

#define BUF_WORDS 2048 /* 16 KiB, 8-byte aligned */
#define CANARY 0xa5
#define MAX_PROPS 10
#define MAX_NODES (10 + GUESTLIB_MAX_CPUS)
#define HYPERVISOR_WARNING                                                                         \
    "Warning (unit_address_vs_reg): /hypervisor: node has a reg or ranges property, but no "       \
    "unit name"

static const uint64_t mpidr_flat[GUESTLIB_MAX_CPUS] = {0, 1, 2, 3, 4, 5, 6, 7};
static const uint64_t mpidr_aff3[4] = {0, 0x100, 0x10000, 0x100000000ull};

static struct guest_fdt_params params(unsigned nr_vcpus, const uint64_t *mpidr)
{
    /* Xen 4.17's domU layout (public arch-arm.h) with 256 MiB of RAM. */
    return (struct guest_fdt_params){
        .bootargs = "",
        .ram_base = 0x40000000,
        .ram_size = MIB(256),
        .nr_vcpus = nr_vcpus,
        .vcpu_mpidr = mpidr,
        .gicd_base = 0x03001000,
        .gicd_size = 0x10000,
        .gicr_base = 0x03020000,
        .gicr_size = 0x1000000,
        .gnttab_base = 0x38000000,
        .gnttab_size = 0x1000000,
        .evtchn_ppi = 31,
    };
}

/* ------------------------------------------------------------ the expected tree */

struct want_prop {
    const char *name;
    uint8_t value[96];
    size_t len;
};

struct want_node {
    char path[64];
    struct want_prop props[MAX_PROPS];
    unsigned nr;
};

struct want_tree {
    struct want_node nodes[MAX_NODES];
    unsigned nr;
};

static struct want_node *want_node(struct want_tree *t, const char *prefix, uint64_t unit)
{
    struct want_node *n = &t->nodes[t->nr++];

    if (unit == UINT64_MAX)
        snprintf(n->path, sizeof(n->path), "%s", prefix);
    else
        snprintf(n->path, sizeof(n->path), "%s@%llx", prefix, (unsigned long long)unit);
    return n;
}

static void want_bytes(struct want_node *n, const char *name, const void *value, size_t len)
{
    struct want_prop *p = &n->props[n->nr++];

    p->name = name;
    memcpy(p->value, value, len);
    p->len = len;
}

/* count 32-bit cells, big-endian. */
static void want_cells(struct want_node *n, const char *name, unsigned count, const uint32_t *c)
{
    uint8_t b[96];

    for (unsigned i = 0; i < count; i++)
        for (unsigned j = 0; j < 4; j++)
            b[4 * i + j] = (uint8_t)(c[i] >> (24 - 8 * j));
    want_bytes(n, name, b, 4 * count);
}

static void want_u32(struct want_node *n, const char *name, uint32_t value)
{
    want_cells(n, name, 1, &value);
}

static void want_string(struct want_node *n, const char *name, const char *s)
{
    want_bytes(n, name, s, strlen(s) + 1);
}

static void want_range(struct want_node *n, const char *name, uint64_t base, uint64_t size)
{
    const uint32_t c[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                           (uint32_t)size};

    want_cells(n, name, 4, c);
}

static void want_cpus(struct want_tree *t, const struct guest_fdt_params *p)
{
    uint32_t cells = 1;
    struct want_node *n;

    for (unsigned i = 0; i < p->nr_vcpus; i++)
        if (p->vcpu_mpidr[i] >> 32)
            cells = 2;
    n = want_node(t, "/cpus", UINT64_MAX);
    want_u32(n, "#address-cells", cells);
    want_u32(n, "#size-cells", 0);
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        const uint32_t reg[2] = {(uint32_t)(p->vcpu_mpidr[i] >> 32), (uint32_t)p->vcpu_mpidr[i]};

        n = want_node(t, "/cpus/cpu", p->vcpu_mpidr[i]);
        want_string(n, "device_type", "cpu");
        want_string(n, "compatible", "arm,armv8");
        want_cells(n, "reg", cells, reg + 2 - cells);
        want_string(n, "enable-method", "psci");
    }
}

static void want_devices(struct want_tree *t, const struct guest_fdt_params *p)
{
    static const char xen[] = "xen,xen-4.17\0xen,xen";
    const uint32_t timer[] = {1, 13, 0xf08, 1, 14, 0xf08, 1, 11, 0xf08, 1, 10, 0xf08};
    const uint32_t evtchn[] = {1, p->evtchn_ppi - 16, 0xf08};
    const uint32_t gic[] = {(uint32_t)(p->gicd_base >> 32), (uint32_t)p->gicd_base,
                            (uint32_t)(p->gicd_size >> 32), (uint32_t)p->gicd_size,
                            (uint32_t)(p->gicr_base >> 32), (uint32_t)p->gicr_base,
                            (uint32_t)(p->gicr_size >> 32), (uint32_t)p->gicr_size};
    struct want_node *n = want_node(t, "/memory", p->ram_base);

    want_string(n, "device_type", "memory");
    want_range(n, "reg", p->ram_base, p->ram_size);
    n = want_node(t, "/interrupt-controller", p->gicd_base);
    want_string(n, "compatible", "arm,gic-v3");
    want_u32(n, "#interrupt-cells", 3);
    want_u32(n, "#address-cells", 2);
    want_u32(n, "#size-cells", 2);
    want_bytes(n, "ranges", "", 0);
    want_bytes(n, "interrupt-controller", "", 0);
    want_cells(n, "reg", ARRAY_SIZE(gic), gic);
    want_u32(n, "phandle", 65000);
    n = want_node(t, "/timer", UINT64_MAX);
    want_string(n, "compatible", "arm,armv8-timer");
    want_cells(n, "interrupts", ARRAY_SIZE(timer), timer);
    want_u32(n, "interrupt-parent", 65000);
    n = want_node(t, "/hypervisor", UINT64_MAX);
    want_bytes(n, "compatible", xen, sizeof(xen));
    want_range(n, "reg", p->gnttab_base, p->gnttab_size);
    want_cells(n, "interrupts", 3, evtchn);
    want_u32(n, "interrupt-parent", 65000);
}

/* The tree guest_fdt.h describes for p, written out property by property. */
static void want_tree(struct want_tree *t, const struct guest_fdt_params *p)
{
    static const char root[] = "xen,xenvm-4.17\0xen,xenvm";
    static const char psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    struct want_node *n = want_node(t, "/", UINT64_MAX);

    want_u32(n, "#address-cells", 2);
    want_u32(n, "#size-cells", 2);
    want_string(n, "model", "XENVM-4.17");
    want_bytes(n, "compatible", root, sizeof(root));
    want_u32(n, "interrupt-parent", 65000);
    n = want_node(t, "/chosen", UINT64_MAX);
    if (p->bootargs && p->bootargs[0])
        want_string(n, "bootargs", p->bootargs);
    if (p->ramdisk_end) {
        uint8_t u64[8];

        for (unsigned i = 0; i < 8; i++)
            u64[i] = (uint8_t)(p->ramdisk_base >> (56 - 8 * i));
        want_bytes(n, "linux,initrd-start", u64, 8);
        for (unsigned i = 0; i < 8; i++)
            u64[i] = (uint8_t)(p->ramdisk_end >> (56 - 8 * i));
        want_bytes(n, "linux,initrd-end", u64, 8);
    }
    n = want_node(t, "/psci", UINT64_MAX);
    want_bytes(n, "compatible", psci, sizeof(psci));
    want_string(n, "method", "hvc");
    want_u32(n, "cpu_off", 1);
    want_u32(n, "cpu_on", 2);
    want_cpus(t, p);
    want_devices(t, p);
}

/* ------------------------------------------------------------ the four readers */

static void check_node(struct unit *u, const void *fdt, const struct want_node *w)
{
    int node = fdt_path_offset(fdt, w->path), off;
    unsigned count = 0;

    UNIT_CHECK_MSG(u, node >= 0, "no node %s", w->path);
    if (node < 0)
        return;
    /* Exactly: libfdt would find "/hypervisor@1" for "/hypervisor", Linux would not. */
    UNIT_CHECK_MSG(u, strcmp(fdt_get_name(fdt, node, NULL), strrchr(w->path, '/') + 1) == 0,
                   "%s is named %s", w->path, fdt_get_name(fdt, node, NULL));
    fdt_for_each_property_offset(off, fdt, node) count++;
    UNIT_CHECK_MSG(u, count == w->nr, "%s: %u properties, not %u", w->path, count, w->nr);
    for (unsigned i = 0; i < w->nr; i++) {
        int len;
        const void *v = fdt_getprop(fdt, node, w->props[i].name, &len);

        UNIT_CHECK_MSG(u,
                       v && (size_t)len == w->props[i].len &&
                           memcmp(v, w->props[i].value, w->props[i].len) == 0,
                       "%s: %s differs (length %d, want %zu)", w->path, w->props[i].name,
                       v ? len : -1, w->props[i].len);
    }
}

/* libfdt: a valid, compact version-17 blob holding exactly the expected tree. */
static void check_with_libfdt(struct unit *u, const void *fdt, size_t bufsize,
                              const struct guest_fdt_params *p)
{
    struct want_tree *t = calloc(1, sizeof(*t));
    int node = 0, depth = 0;
    unsigned nodes = 0;

    UNIT_CHECK(u, t != NULL);
    if (!t)
        return;
    UNIT_CHECK_EQ(u, fdt_check_full(fdt, bufsize), 0);
    UNIT_CHECK_EQ(u, fdt_magic(fdt), FDT_MAGIC);
    UNIT_CHECK_EQ(u, fdt_version(fdt), 17);
    UNIT_CHECK_EQ(u, fdt_last_comp_version(fdt), 16);
    UNIT_CHECK_EQ(u, fdt_boot_cpuid_phys(fdt), 0);
    UNIT_CHECK_EQ(u, fdt_num_mem_rsv(fdt), 0);
    UNIT_CHECK_EQ(u, fdt_totalsize(fdt), fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt));
    UNIT_CHECK(u, fdt_totalsize(fdt) <= bufsize);
    want_tree(t, p);
    for (; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth))
        nodes++;
    UNIT_CHECK_EQ(u, nodes, t->nr);
    for (unsigned i = 0; i < t->nr; i++)
        check_node(u, fdt, &t->nodes[i]);
    free(t);
}

static bool region_is(const struct bootinfo_region *r, uint64_t base, uint64_t size)
{
    return r->base == base && r->size == size;
}

/* The hypervisor's boot-time parser finds RAM, GIC, timer, PSCI "hvc", the CPUs. */
static void check_with_bootinfo(struct unit *u, const void *fdt, const struct guest_fdt_params *p)
{
    struct bootinfo *bi = calloc(1, sizeof(*bi));
    char err[BOOTINFO_ERROR_LEN];

    UNIT_CHECK(u, bi != NULL);
    if (!bi)
        return;
    UNIT_CHECK_MSG(u, bootinfo_parse(fdt, fdt_totalsize(fdt), bi, err) == 0, "bootinfo: %s", err);
    UNIT_CHECK_EQ(u, bi->nr_ram, 1);
    UNIT_CHECK(u, region_is(&bi->ram[0], p->ram_base, p->ram_size));
    UNIT_CHECK(u, region_is(&bi->gicd, p->gicd_base, p->gicd_size));
    UNIT_CHECK_EQ(u, bi->nr_gicr, 1);
    UNIT_CHECK(u, region_is(&bi->gicr[0], p->gicr_base, p->gicr_size));
    UNIT_CHECK_EQ(u, bi->timer_ppi_phys_ns, 30);
    UNIT_CHECK_EQ(u, bi->timer_ppi_virt, 27);
    UNIT_CHECK_EQ(u, bi->timer_ppi_hyp, 26);
    UNIT_CHECK(u, bi->has_psci && !bi->psci_smc);
    UNIT_CHECK_EQ(u, bi->nr_cpus, p->nr_vcpus);
    for (unsigned i = 0; i < p->nr_vcpus && i < bi->nr_cpus; i++)
        UNIT_CHECK_EQ(u, bi->cpu_mpidr[i], p->vcpu_mpidr[i]);
    UNIT_CHECK_EQ(u, bi->nr_modules, 0);
    UNIT_CHECK_EQ(u, bi->uart.size, 0);
    UNIT_CHECK_EQ(u, bi->tpm.size, 0);
    UNIT_CHECK(u, strcmp(bi->cmdline, p->bootargs ? p->bootargs : "") == 0);
    free(bi);
}

/* A test guest (tests/guest/lib) picks "xen" mode and finds bootargs, CPUs and RAM. */
static void check_with_guest_library(struct unit *u, const void *fdt,
                                     const struct guest_fdt_params *p)
{
    struct guestlib_view v;
    bool has_bootargs = p->bootargs && p->bootargs[0];

    guestlib_read(fdt, fdt_totalsize(fdt), &v);
    UNIT_CHECK(u, v.opened);
    UNIT_CHECK(u, v.xen_mode);
    UNIT_CHECK(u, has_bootargs ? v.bootargs && strcmp(v.bootargs, p->bootargs) == 0
                               : v.bootargs == NULL);
    UNIT_CHECK_EQ(u, v.cpus, p->nr_vcpus);
    for (unsigned i = 0; i < p->nr_vcpus && i < v.cpus; i++)
        UNIT_CHECK_EQ(u, v.mpidr[i], p->vcpu_mpidr[i]);
    UNIT_CHECK(u, v.ram_found && v.ram_base == p->ram_base && v.ram_size == p->ram_size);
    UNIT_CHECK(u, v.hypervisor_reg && v.hypervisor_base == p->gnttab_base &&
                      v.hypervisor_size == p->gnttab_size);
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;

    if (f && fclose(f))
        ok = false;
    return ok;
}

/* dtc decompiles it; its only warning may be the expected one about /hypervisor. */
static void check_with_dtc(struct unit *u, const void *fdt, const char *name)
{
    char dtb[512], dts[512], log[512], cmd[2048];
    const char *dtc = getenv("DTC") && *getenv("DTC") ? getenv("DTC") : "dtc";
    char *out, *line, *save = NULL;
    size_t len = 0;
    int rc;

    mkdir(unit_build_path("test-dtb"), 0777);
    snprintf(dtb, sizeof(dtb), "%s/%s.dtb", unit_build_path("test-dtb"), name);
    snprintf(dts, sizeof(dts), "%s/%s.dts", unit_build_path("test-dtb"), name);
    snprintf(log, sizeof(log), "%s/%s.dtc.log", unit_build_path("test-dtb"), name);
    UNIT_CHECK_MSG(u, write_file(dtb, fdt, fdt_totalsize(fdt)), "cannot write %s", dtb);
    snprintf(cmd, sizeof(cmd), "'%s' -I dtb -O dts -o '%s' '%s' 2>'%s'", dtc, dts, dtb, log);
    rc = system(cmd);
    UNIT_CHECK_MSG(u, rc == 0, "%s: status %d (see %s)", cmd, rc, log);
    out = unit_read_file(log, &len);
    UNIT_CHECK_MSG(u, out != NULL, "cannot read %s", log);
    for (line = out ? strtok_r(out, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
        UNIT_CHECK_MSG(u, strstr(line, HYPERVISOR_WARNING), "dtc on %s: %s", dtb, line);
    free(out);
}

/* Builds the tree for p into an aligned buffer and runs every reader over it. */
static void check_all(struct unit *u, const struct guest_fdt_params *p, const char *name)
{
    uint64_t *buf = calloc(BUF_WORDS, 8);
    char err[GUEST_FDT_ERROR_LEN];
    int rc;

    UNIT_CHECK(u, buf != NULL);
    if (!buf)
        return;
    rc = guest_fdt_build(buf, BUF_WORDS * 8, p, err);
    UNIT_CHECK_MSG(u, rc == 0, "guest_fdt_build: %d: %s", rc, err);
    if (rc == 0) {
        UNIT_CHECK_EQ(u, err[0], '\0');
        check_with_libfdt(u, buf, BUF_WORDS * 8, p);
        check_with_bootinfo(u, buf, p);
        check_with_guest_library(u, buf, p);
        check_with_dtc(u, buf, name);
    }
    free(buf);
}

/* ------------------------------------------------------------ cases */

/* 1 and 4 vCPUs, with and without a ramdisk, with and without bootargs. */
static void test_variants(struct unit *u)
{
    static const unsigned vcpus[] = {1, 4};

    for (unsigned c = 0; c < ARRAY_SIZE(vcpus); c++)
        for (unsigned ramdisk = 0; ramdisk < 2; ramdisk++)
            for (unsigned bootargs = 0; bootargs < 3; bootargs++) {
                struct guest_fdt_params p = params(vcpus[c], mpidr_flat);
                char name[64];

                p.bootargs = bootargs == 0 ? NULL : bootargs == 1 ? "" : "console=hvc0 tests=a,b";
                if (ramdisk) {
                    p.ramdisk_base = 0x48000000;
                    p.ramdisk_end = 0x48123457;
                }
                snprintf(name, sizeof(name), "guest_fdt_%ucpu%s%s", vcpus[c],
                         ramdisk ? "_ramdisk" : "",
                         bootargs == 0   ? "_nullargs"
                         : bootargs == 1 ? "_emptyargs"
                                         : "_bootargs");
                check_all(u, &p, name);
            }
}

/* An MPIDR with Aff3 needs #address-cells 2 under /cpus (arm/cpus.yaml). */
static void test_aff3_uses_two_cells(struct unit *u)
{
    struct guest_fdt_params p = params(4, mpidr_aff3);

    p.bootargs = "x";
    check_all(u, &p, "guest_fdt_aff3");
}

/* Edge values that must be accepted. */
static void test_accepts_edges(struct unit *u)
{
    struct guest_fdt_params p = params(8, mpidr_flat);

    p.gicr_size = 8 * 0x20000; /* exactly one redistributor per vCPU */
    p.evtchn_ppi = 16;
    p.ramdisk_base = p.ram_base; /* the whole of RAM */
    p.ramdisk_end = p.ram_base + p.ram_size;
    check_all(u, &p, "guest_fdt_edges");
    p = params(1, mpidr_flat);
    p.evtchn_ppi = 28;                  /* the hypervisor virtual timer's, free here */
    p.ram_base = 0xffffffffe0000000ull; /* RAM ending one 256 MiB bank below 2^64 */
    p.ram_size = 0x10000000;
    check_all(u, &p, "guest_fdt_top");
}

/* Every size below the tree's own fails with -ENOMEM, zeroed, without writing past it. */
static void test_small_buffer(struct unit *u)
{
    struct guest_fdt_params p = params(4, mpidr_flat);
    uint64_t full[BUF_WORDS];
    char err[GUEST_FDT_ERROR_LEN];
    size_t need;

    p.bootargs = "console=hvc0";
    p.ramdisk_base = 0x48000000;
    p.ramdisk_end = 0x49000000;
    UNIT_CHECK_EQ(u, guest_fdt_build(full, sizeof(full), &p, err), 0);
    need = fdt_totalsize(full);
    for (size_t size = 0; size <= need && !u->failures; size++) {
        uint8_t *b = malloc(size + 64);
        int rc;

        UNIT_CHECK(u, b != NULL);
        if (!b)
            return;
        memset(b, CANARY, size + 64);
        rc = guest_fdt_build(b, size, &p, err);
        if (size < need) {
            UNIT_CHECK_MSG(u, rc == -ENOMEM, "size %zu: %d", size, rc);
            UNIT_CHECK(u, err[0] != '\0');
            for (size_t i = 0; i < size; i++)
                UNIT_CHECK_MSG(u, b[i] == 0, "size %zu: byte %zu left non-zero", size, i);
        } else {
            UNIT_CHECK_EQ(u, rc, 0);
            UNIT_CHECK(u, memcmp(b, full, need) == 0);
        }
        for (size_t i = size; i < size + 64; i++)
            UNIT_CHECK_MSG(u, b[i] == CANARY, "size %zu: wrote byte %zu", size, i);
        free(b);
    }
}

/* A buffer larger than the boot protocol's 2 MiB: only 2 MiB of it is used. */
static void test_large_buffer(struct unit *u)
{
    struct guest_fdt_params p = params(2, mpidr_flat);
    size_t size = 2 * GUEST_FDT_MAX_SIZE;
    uint8_t *b = malloc(size);
    char err[GUEST_FDT_ERROR_LEN];

    UNIT_CHECK(u, b != NULL);
    if (!b)
        return;
    memset(b, CANARY, size);
    UNIT_CHECK_EQ(u, guest_fdt_build(b, size, &p, err), 0);
    UNIT_CHECK(u, fdt_check_full(b, size) == 0 && fdt_totalsize(b) < 4096);
    for (size_t i = GUEST_FDT_MAX_SIZE; i < size; i++)
        if (b[i] != CANARY) {
            UNIT_CHECK_MSG(u, false, "byte %zu beyond 2 MiB written", i);
            break;
        }
    free(b);
}

static void check_refused(struct unit *u, const struct guest_fdt_params *p, const char *what)
{
    uint64_t buf[BUF_WORDS];
    char err[GUEST_FDT_ERROR_LEN];
    int rc;

    memset(buf, CANARY, sizeof(buf));
    memset(err, 'x', sizeof(err));
    rc = guest_fdt_build(buf, sizeof(buf), p, err);
    UNIT_CHECK_MSG(u, rc == -EINVAL, "%s: %d", what, rc);
    UNIT_CHECK_MSG(u, memchr(err, '\0', sizeof(err)) && err[0], "%s: no message", what);
    for (size_t i = 0; i < BUF_WORDS; i++)
        if (buf[i] != 0) {
            UNIT_CHECK_MSG(u, false, "%s: buffer not zeroed", what);
            break;
        }
}

static void test_refuses_vcpus(struct unit *u)
{
    static const uint64_t bad_bits[] = {1ull << 24, 1ull << 30, 1ull << 31, 1ull << 40, 1ull << 63};
    static const uint64_t duplicate[] = {0, 1, 0x100, 1};
    struct guest_fdt_params p = params(0, mpidr_flat);
    uint64_t mpidr[2] = {0, 0};

    check_refused(u, &p, "no vCPU");
    p.nr_vcpus = GUEST_FDT_MAX_VCPUS + 1;
    check_refused(u, &p, "129 vCPUs");
    p = params(1, NULL);
    check_refused(u, &p, "no MPIDR list");
    for (unsigned i = 0; i < ARRAY_SIZE(bad_bits); i++) {
        p = params(2, mpidr);
        mpidr[1] = bad_bits[i];
        check_refused(u, &p, "MPIDR outside the affinity fields");
    }
    p = params(4, duplicate);
    check_refused(u, &p, "duplicate MPIDR");
}

static void test_refuses_regions(struct unit *u)
{
    struct guest_fdt_params base = params(4, mpidr_flat), p;

    p = base, p.ram_size = 0;
    check_refused(u, &p, "empty RAM");
    p = base, p.ram_base = UINT64_MAX - 0xfff, p.ram_size = 0x2000;
    check_refused(u, &p, "RAM wrapping");
    p = base, p.ram_base = UINT64_MAX - 0xfff, p.ram_size = 0x1000;
    check_refused(u, &p, "RAM ending at 2^64 (no end address)");
    p = base, p.gicd_size = 0;
    check_refused(u, &p, "empty GICD");
    p = base, p.gicd_base = p.ram_base + p.ram_size - 0x1000;
    check_refused(u, &p, "GICD overlapping RAM");
    p = base, p.gicr_base = p.gicd_base + 0x8000;
    check_refused(u, &p, "GICR overlapping GICD");
    p = base, p.gicr_size = 4 * 0x20000 - 0x10000;
    check_refused(u, &p, "GICR too small for the vCPUs");
    p = base, p.gnttab_size = 0;
    check_refused(u, &p, "empty grant-table region");
    p = base, p.gnttab_base = p.ram_base - 0x1000, p.gnttab_size = 0x2000;
    check_refused(u, &p, "grant table overlapping RAM");
    p = base, p.gnttab_base = p.gicr_base + p.gicr_size - 1;
    check_refused(u, &p, "grant table overlapping GICR");
}

static void test_refuses_ramdisk_and_irq(struct unit *u)
{
    static const unsigned bad_ppis[] = {0, 15, 32, 1023, 26, 27, 29, 30};
    struct guest_fdt_params base = params(1, mpidr_flat), p;

    p = base, p.ramdisk_base = 0, p.ramdisk_end = 0x48000000;
    check_refused(u, &p, "ramdisk below RAM");
    p = base, p.ramdisk_base = 0x48000000, p.ramdisk_end = 0x48000000;
    check_refused(u, &p, "empty ramdisk");
    p = base, p.ramdisk_base = 0x48000000, p.ramdisk_end = 0x47000000;
    check_refused(u, &p, "ramdisk ending before it starts");
    p = base, p.ramdisk_base = 0x48000000, p.ramdisk_end = p.ram_base + p.ram_size + 1;
    check_refused(u, &p, "ramdisk past RAM");
    p = base, p.ramdisk_base = 0x48000000, p.ramdisk_end = 0;
    check_refused(u, &p, "ramdisk without an end");
    for (unsigned i = 0; i < ARRAY_SIZE(bad_ppis); i++) {
        p = base, p.evtchn_ppi = bad_ppis[i];
        check_refused(u, &p, "event channel not a free PPI");
    }
}

static void test_refuses_buffer(struct unit *u)
{
    struct guest_fdt_params p = params(1, mpidr_flat);
    uint64_t buf[BUF_WORDS];
    char err[GUEST_FDT_ERROR_LEN];

    memset(buf, CANARY, sizeof(buf));
    UNIT_CHECK_EQ(u, guest_fdt_build(NULL, sizeof(buf), &p, err), -EINVAL);
    UNIT_CHECK(u, err[0] != '\0');
    UNIT_CHECK_EQ(u, guest_fdt_build((uint8_t *)buf + 4, sizeof(buf) - 4, &p, err), -EINVAL);
    UNIT_CHECK(u, err[0] != '\0');
    UNIT_CHECK_EQ(u, guest_fdt_build(buf, sizeof(buf), NULL, err), -EINVAL);
    UNIT_CHECK(u, err[0] != '\0');
    UNIT_CHECK_EQ(u, fdt_check_header(buf), -FDT_ERR_BADMAGIC);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_variants),        UNIT_CASE(test_aff3_uses_two_cells),
    UNIT_CASE(test_accepts_edges),   UNIT_CASE(test_small_buffer),
    UNIT_CASE(test_large_buffer),    UNIT_CASE(test_refuses_vcpus),
    UNIT_CASE(test_refuses_regions), UNIT_CASE(test_refuses_ramdisk_and_irq),
    UNIT_CASE(test_refuses_buffer),  {0},
};

#endif
