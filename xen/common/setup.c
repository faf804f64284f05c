/*
 * The arch-neutral boot flow: banner, what the device tree described, the
 * page allocator, the other CPUs, the security server and its policy, the
 * boot-time domains, then every CPU enters the scheduler.
 */
#include <flaxen/arch.h>
#include <flaxen/cmdline.h>
#include <flaxen/console.h>
#include <flaxen/domain_boot.h>
#include <flaxen/hypercall.h>
#include <flaxen/lib.h>
#include <flaxen/measured_boot.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>
#include <flaxen/selftest.h>
#include <flaxen/setup.h>
#include <flaxen/smp.h>
#include <flaxen/stack_protector.h>
#include <flaxen/string.h>
#include <xsm/xsm.h>

#ifndef FLAXEN_VERSION
#define FLAXEN_VERSION "unknown"
#endif

static struct page_alloc boot_page_alloc;
/* Boot CPU only, before the other CPUs start: too big for the stack. */
static struct memrange_set boot_ram, boot_free;

static const char *module_kind_name(enum bootinfo_module_kind kind)
{
    switch (kind) {
    case BOOTMOD_KERNEL:
        return "kernel";
    case BOOTMOD_RAMDISK:
        return "ramdisk";
    case BOOTMOD_POLICY:
        return "XSM policy";
    case BOOTMOD_MANIFEST:
        return "domain manifest";
    default:
        return "unknown";
    }
}

static void print_region(const char *what, paddr_t start, paddr_t end)
{
    printk("  %-12s %#014lx - %#014lx (%lu KiB)\n", what, (unsigned long)start, (unsigned long)end,
           (unsigned long)((end - start) >> 10));
}

static void print_memory_map(const struct bootinfo *bi, const struct boot_layout *layout)
{
    printk("memory map:\n");
    for (unsigned i = 0; i < bi->nr_ram; i++)
        print_region("RAM", bi->ram[i].base, bi->ram[i].base + bi->ram[i].size);
    print_region("hypervisor", layout->image.start, layout->image.end);
    print_region("device tree", layout->fdt.start, layout->fdt.end);
    if (bi->uart.size)
        print_region("UART", bi->uart.base, bi->uart.base + bi->uart.size);
    for (unsigned i = 0; i < bi->nr_reserved; i++)
        print_region(i ? "firmware" : "EFI hand-over", bi->reserved[i].base,
                     bi->reserved[i].base + bi->reserved[i].size);
    if (bi->cmdline[0])
        printk("command line: %s\n", bi->cmdline);
    printk("boot modules: %u\n", bi->nr_modules);
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct bootinfo_module *m = &bi->modules[i];

        printk("  module[%u] %#014lx - %#014lx %s%s%s\n", i, (unsigned long)m->where.base,
               (unsigned long)(m->where.base + m->where.size), module_kind_name(m->kind),
               m->cmdline[0] ? ": " : "", m->cmdline);
    }
}

/* RAM minus everything in use at boot: the image, the device tree, what the firmware
   keeps, the modules. */
static void free_ram(const struct bootinfo *bi, const struct boot_layout *layout,
                     struct memrange_set *ram, struct memrange_set *free)
{
    int rc = 0;

    memrange_init(ram);
    for (unsigned i = 0; !rc && i < bi->nr_ram; i++)
        rc = memrange_add(ram, bi->ram[i].base, bi->ram[i].base + bi->ram[i].size);
    *free = *ram;
    rc = rc ? rc : memrange_remove(free, layout->image.start, layout->image.end);
    rc = rc ? rc : memrange_remove(free, layout->fdt.start, layout->fdt.end);
    for (unsigned i = 0; !rc && i < bi->nr_reserved; i++)
        rc = memrange_remove(free, bi->reserved[i].base,
                             bi->reserved[i].base + bi->reserved[i].size);
    for (unsigned i = 0; !rc && i < bi->nr_modules; i++) {
        const struct bootinfo_region *w = &bi->modules[i].where;

        if (w->base < layout->image.end && w->base + w->size > layout->image.start)
            panic("boot module %u overlaps the hypervisor image", i);
        rc = memrange_remove(free, w->base, w->base + w->size);
    }
    if (rc)
        panic("too many RAM ranges to track: error %d", rc);
}

/* Takes `bytes` (page-rounded) from the top of the highest free range that fits. */
static paddr_t carve(struct memrange_set *free, uint64_t bytes)
{
    bytes = ALIGN_UP(bytes, PAGE_SIZE);
    for (unsigned i = free->nr; i-- > 0;) {
        paddr_t end = ALIGN_DOWN(free->r[i].end, PAGE_SIZE);
        paddr_t start = ALIGN_UP(free->r[i].start, PAGE_SIZE);

        if (end > start && end - start >= bytes) {
            if (memrange_remove(free, end - bytes, end))
                break;
            return end - bytes;
        }
    }
    panic("no room for %lu bytes of page allocator metadata", (unsigned long)bytes);
}

static void page_alloc_setup(const struct bootinfo *bi, const struct boot_layout *layout)
{
    struct memrange_set *free = &boot_free;
    uint64_t entries, meta_bytes;
    paddr_t meta;
    int rc;

    free_ram(bi, layout, &boot_ram, free);
    entries = page_alloc_meta_entries(&boot_ram);
    meta_bytes = entries * sizeof(struct page_meta);
    meta = carve(free, meta_bytes);
    rc = page_alloc_init(&boot_page_alloc, &boot_ram, arch_phys_to_virt(meta), entries);
    for (unsigned i = 0; !rc && i < free->nr; i++) {
        paddr_t start = ALIGN_UP(free->r[i].start, PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(free->r[i].end, PAGE_SIZE);

        if (end > start)
            rc = page_alloc_add_free(&boot_page_alloc, start, end);
    }
    if (rc)
        panic("page allocator setup failed: error %d", rc);
    page_alloc_set_global(&boot_page_alloc);
    printk("page allocator: %lu MiB free in %u ranges, %lu KiB of metadata\n",
           (unsigned long)(page_alloc_free_count(&boot_page_alloc) >> (20 - PAGE_SHIFT)), free->nr,
           (unsigned long)(ALIGN_UP(meta_bytes, PAGE_SIZE) >> 10));
}

/* A quick end-to-end check on the real allocator: blocks are aligned, zeroed, reusable. */
static void page_alloc_selfcheck(void)
{
    static const unsigned orders[] = {0, 4, 9};
    paddr_t block[ARRAY_SIZE(orders)];
    uint64_t before = page_alloc_free_count(&boot_page_alloc);

    for (unsigned i = 0; i < ARRAY_SIZE(orders); i++) {
        const unsigned char *bytes;

        if (alloc_pages(orders[i], &block[i]))
            panic("page allocator self-check: no block of order %u", orders[i]);
        bytes = arch_phys_to_virt(block[i]);
        if (!IS_ALIGNED(block[i], PAGE_SIZE << orders[i]) || bytes[0] ||
            memcmp(bytes, bytes + 1, (PAGE_SIZE << orders[i]) - 1))
            panic("page allocator self-check: bad block %#lx", (unsigned long)block[i]);
        memset(arch_phys_to_virt(block[i]), 0xa5, PAGE_SIZE << orders[i]);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(orders); i++)
        if (free_pages(block[i], orders[i]))
            panic("page allocator self-check: free of %#lx refused", (unsigned long)block[i]);
    if (page_alloc_free_count(&boot_page_alloc) != before)
        panic("page allocator self-check: free count changed");
    printk("page allocator self-check: OK\n");
}

/*
 * The FLASK mode from the command line, the policy among the boot modules,
 * and the security server loaded with it. Fail closed: anything wrong here
 * stops the boot (enforcing without a policy, a policy that does not load,
 * an unknown flask= value).
 */
static void security_setup(struct bootinfo *bi)
{
    const void *images[BOOTINFO_MAX_MODULES];
    char err[XSM_ERROR_LEN > BOOTINFO_ERROR_LEN ? XSM_ERROR_LEN : BOOTINFO_ERROR_LEN] = "";
    enum xsm_mode mode;
    const void *policy = NULL;
    size_t policy_len = 0;

    char burst[12];
    uint64_t lines;

    if (xsm_parse_cmdline(bi->cmdline, &mode, err, sizeof(err)))
        boot_stop("Flask: %s", err);
    if (cmdline_get(bi->cmdline, "flask_audit_burst", burst, sizeof(burst))) {
        if (cmdline_parse_size(burst, &lines) || lines == 0 || lines > 1000000)
            boot_stop("flask_audit_burst=%s: expected a number of lines, 1 to 1000000", burst);
        xsm_set_audit_burst((uint32_t)lines);
    }
    for (unsigned i = 0; i < bi->nr_modules; i++)
        images[i] = arch_phys_to_virt(bi->modules[i].where.base);
    if (bootinfo_resolve_policy(bi, images, err))
        boot_stop("boot modules: %s", err);
    if (bi->policy >= 0) {
        policy = images[bi->policy];
        policy_len = bi->modules[bi->policy].where.size;
        printk("Flask: the policy is boot module %d (%#lx, %lu bytes)\n", bi->policy,
               (unsigned long)bi->modules[bi->policy].where.base, (unsigned long)policy_len);
    }
    if (xsm_boot_init(mode, policy, policy_len, err, sizeof(err)))
        boot_stop("Flask: %s", err);
    xsm_boot_selfcheck(bi->cmdline);
}

void start_flaxen(struct bootinfo *bi, const struct boot_layout *layout)
{
    unsigned online, started;

    printk("Flaxen hypervisor %s (EL2)\n", FLAXEN_VERSION);
    arch_print_cpu_info();
    stack_protector_report();
    print_memory_map(bi, layout);
    page_alloc_setup(bi, layout);
    page_alloc_selfcheck();
    arch_boot_selfcheck();
    arch_sha256_init();
    crypto_selftest();
    arch_virt_boot_init(bi);
    online = smp_boot_secondaries(bi);
    printk("%u CPU%s online\n", online, online == 1 ? "" : "s");
    selftest_run(bi->cmdline);
    security_setup(bi);
    measured_boot_setup(bi);
    hypercall_boot_init(bi->cmdline);
    started = domain_boot_all(bi);
    measured_boot_check();
    if (!started) {
        printk("no domains to run: powering off\n");
        arch_power_off();
    }
    printk("%u domain%s started\n", started, started == 1 ? "" : "s");
    arch_cpu_virt_init();
    smp_release_secondaries();
    sched_run();
}
