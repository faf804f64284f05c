/*
 * Boot-time domains (flaxen/domain_boot.h).
 *
 * Guest-physical layout (Xen's on Arm, so guests written for Xen find the
 * same): RAM from 0x40000000, the virtual GIC at 0x03001000/0x03020000
 * (asm/vgic.h), the grant-table window at 0x38000000, the event-channel
 * PPI 31. Domain ids: 0 for dom0, then 1, 2, ... in device-tree order.
 *
 * Order per domain: label first, from the measurement of its images against
 * the signed manifest (measured_boot.h); a domain the manifest does not list,
 * or whose label the policy does not know, stops before anything is
 * allocated. Then memory and images, and the vCPUs start only after every
 * domain is built.
 */
#include <flaxen/arch.h>
#include <flaxen/cmdline.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/domain_boot.h>
#include <flaxen/format.h>
#include <flaxen/guest_fdt.h>
#include <flaxen/kernel_image.h>
#include <flaxen/measured_boot.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <xsm/xsm.h>

#include <asm/vgic.h>

#define GUEST_RAM_BASE DOMAIN_GUEST_RAM_BASE
#define GUEST_GNTTAB_BASE 0x38000000ull
#define GUEST_GNTTAB_SIZE 0x01000000ull
#define GUEST_EVTCHN_PPI 31
#define DOM0_DEFAULT_MEM MIB(128)
#define GUEST_FDT_MAX DOMAIN_GUEST_FDT_MAX
#define BUILD_ERROR_LEN 200

/* What one boot-time domain is made of. */
struct boot_domain {
    domid_t id;
    const char *name;
    const char *seclabel; /* empty: the policy's initial SID */
    bool hardware;
    uint64_t memory;
    unsigned vcpus;
    const struct bootinfo_module *kernel;
    const struct bootinfo_module *ramdisk; /* or NULL */
};

/* Under fdt_lock. */
static unsigned char fdt_buffer[GUEST_FDT_MAX] __attribute__((aligned(8)));

static const void *module_bytes(const struct bootinfo_module *m)
{
    return arch_phys_to_virt(m->where.base);
}

/*
 * The domain's SID, from its measurement (measured_boot.h): the manifest's
 * label for its image and configuration, which the policy must know. Without
 * a manifest outside enforcing mode: its device-tree seclabel, or the
 * policy's initial SID.
 */
static int domain_label(const struct boot_domain *bd, const struct measured_domain *md,
                        uint32_t *sid, char *context, char *err)
{
    int rc = measured_boot_domain_label(md, context, BOOTINFO_LABEL_MAX, err);

    if (rc)
        return rc;
    if (context[0])
        return xsm_context_to_sid(context, sid, err, BUILD_ERROR_LEN);
    return xsm_initial_domain_sid(bd->hardware, sid);
}

static struct spinlock fdt_lock; /* fdt_buffer: boot-time domains, and seals at run time */

int domain_write_fdt(struct domain *d, const char *bootargs, const struct guest_layout *l,
                     bool has_ramdisk, char *err)
{
    uint64_t mpidr[DOMAIN_MAX_VCPUS];
    struct guest_fdt_params p = {
        .bootargs = bootargs,
        .ram_base = d->ram_gpa,
        .ram_size = d->ram_size,
        .nr_vcpus = d->nr_vcpus,
        .vcpu_mpidr = mpidr,
        .gicd_base = VGIC_GICD_BASE,
        .gicd_size = VGIC_GICD_SIZE,
        .gicr_base = VGIC_GICR_BASE,
        .gicr_size = VGIC_GICR_STRIDE * d->nr_vcpus,
        .ramdisk_base = has_ramdisk ? l->ramdisk_base : 0,
        .ramdisk_end = has_ramdisk ? l->ramdisk_end : 0,
        .gnttab_base = GUEST_GNTTAB_BASE,
        .gnttab_size = GUEST_GNTTAB_SIZE,
        .evtchn_ppi = GUEST_EVTCHN_PPI,
    };
    int rc;

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        mpidr[i] = d->vcpus[i]->mpidr;
    spin_lock(&fdt_lock);
    rc = guest_fdt_build(fdt_buffer, sizeof(fdt_buffer), &p, err);
    rc = rc ? rc : domain_copy_to_ram(d, l->dtb_base, fdt_buffer, l->dtb_end - l->dtb_base);
    spin_unlock(&fdt_lock);
    return rc;
}

/* Memory, images and device tree of a created domain. */
static int populate(struct domain *d, const struct boot_domain *bd, struct guest_layout *l,
                    char *err)
{
    struct kernel_image k;
    uint64_t ramdisk_size = bd->ramdisk ? bd->ramdisk->where.size : 0;
    int rc = kernel_image_parse(module_bytes(bd->kernel), bd->kernel->where.size, &k, err);

    rc = rc ? rc : domain_alloc_ram(d, GUEST_RAM_BASE, bd->memory);
    if (rc == -ENOMEM)
        format_snprintf(err, BUILD_ERROR_LEN, "not enough free memory for %lu KiB of RAM",
                        (unsigned long)(bd->memory >> 10));
    rc = rc ? rc
            : kernel_image_place(&k, d->ram_gpa, d->ram_size, GUEST_FDT_MAX, ramdisk_size, l, err);
    rc = rc ? rc
            : domain_copy_to_ram(d, l->kernel_base, module_bytes(bd->kernel),
                                 bd->kernel->where.size);
    if (!rc && bd->ramdisk)
        rc = domain_copy_to_ram(d, l->ramdisk_base, module_bytes(bd->ramdisk), ramdisk_size);
    return rc ? rc : domain_write_fdt(d, bd->kernel->cmdline, l, bd->ramdisk != NULL, err);
}

/* The domain's self SID, when the policy gives it one of its own (its own frame). */
static __attribute__((noinline)) void print_self_sid(const struct domain *d)
{
    char self_context[BOOTINFO_LABEL_MAX];

    if (d->self_sid != d->sid &&
        !xsm_sid_to_context(d->self_sid, self_context, sizeof(self_context)))
        printk("domain %u (%s): self SID %s\n", d->id, d->name, self_context);
}

static struct domain *build_one(const struct boot_domain *bd)
{
    char err[BUILD_ERROR_LEN] = "", context[BOOTINFO_LABEL_MAX];
    struct measured_domain md = {
        .name = bd->name,
        .kernel = module_bytes(bd->kernel),
        .kernel_len = bd->kernel->where.size,
        .cmdline = bd->kernel->cmdline,
        .ramdisk = bd->ramdisk ? module_bytes(bd->ramdisk) : NULL,
        .ramdisk_len = bd->ramdisk ? bd->ramdisk->where.size : 0,
        .requested_label = bd->seclabel,
    };
    struct guest_layout layout;
    struct domain *d = NULL;
    uint32_t sid;
    int rc;

    measured_boot_measure(&md); /* hashed once: for its label now, for PCR 11 once built */
    rc = domain_label(bd, &md, &sid, context, err); /* context: the label asked of the policy */

    if (rc == -EACCES) {
        printk("domain %u (%s): %s: not built\n", bd->id, bd->name, err);
        return NULL;
    }
    if (rc) {
        printk("domain %u (%s): seclabel '%s' refused: %s: not built\n", bd->id, bd->name, context,
               err[0] ? err : "unknown to the policy");
        return NULL;
    }
    rc = domain_create(bd->id, bd->name, bd->vcpus, &d);
    if (!rc) {
        d->is_hardware = bd->hardware;
        rc = populate(d, bd, &layout, err);
    }
    if (rc) {
        printk("domain %u (%s): cannot build: %s (error %d)\n", bd->id, bd->name,
               err[0] ? err : "no memory", rc);
        if (d)
            domain_destroy(d);
        return NULL;
    }
    if (xsm_domain_self_sid(sid, &d->self_sid)) {
        printk("domain %u (%s): the policy gives no self SID: not built\n", bd->id, bd->name);
        domain_destroy(d);
        return NULL;
    }
    d->sid = sid;
    d->boot_entry = layout.entry;
    d->boot_x0 = layout.dtb_base;
    if (xsm_sid_to_context(sid, context, sizeof(context)))
        context[0] = '\0'; /* flask=disabled: no labels */
    print_self_sid(d);
    measured_boot_domain_started(&md, d->id, context); /* PCR 11, before any vCPU runs */
    d->sealed = true;
    printk("domain %u (%s): %s, %u vCPU%s, %lu MiB at %#lx, kernel %#lx, device tree %#lx\n", d->id,
           d->name, context[0] ? context : "?", d->nr_vcpus, d->nr_vcpus == 1 ? "" : "s",
           (unsigned long)(d->ram_size >> 20), (unsigned long)d->ram_gpa,
           (unsigned long)layout.entry, (unsigned long)layout.dtb_base);
    return d;
}

static uint64_t dom0_memory(const struct bootinfo *bi)
{
    char value[32];
    uint64_t bytes;

    if (cmdline_get(bi->cmdline, "dom0_mem", value, sizeof(value)) != 1)
        return DOM0_DEFAULT_MEM;
    if (cmdline_parse_size(value, &bytes) || bytes < MIB(1)) {
        printk("dom0_mem=%s not understood: using %lu MiB\n", value,
               (unsigned long)(DOM0_DEFAULT_MEM >> 20));
        return DOM0_DEFAULT_MEM;
    }
    return bytes;
}

static unsigned dom0_vcpus(const struct bootinfo *bi)
{
    char value[8];

    if (cmdline_get(bi->cmdline, "dom0_max_vcpus", value, sizeof(value)) == 1 && value[0] >= '1' &&
        value[0] <= '8' && !value[1])
        return (unsigned)(value[0] - '0');
    return 1;
}

unsigned domain_boot_all(const struct bootinfo *bi)
{
    struct domain *built[BOOTINFO_MAX_DOMAINS + 1];
    unsigned n = 0, started = 0;
    domid_t next_id = 1;

    domain_note_free_pages();
    if (bi->dom0_kernel >= 0) {
        struct boot_domain bd = {0,
                                 "dom0",
                                 "",
                                 true,
                                 dom0_memory(bi),
                                 dom0_vcpus(bi),
                                 &bi->modules[bi->dom0_kernel],
                                 bi->dom0_ramdisk >= 0 ? &bi->modules[bi->dom0_ramdisk] : NULL};
        built[n] = build_one(&bd);
        n += built[n] != NULL;
    }
    for (unsigned i = 0; i < bi->nr_domains; i++) {
        const struct bootinfo_domain *bd_info = &bi->domains[i];
        struct boot_domain bd = {next_id++,
                                 bd_info->name,
                                 bd_info->seclabel,
                                 false,
                                 bd_info->memory_kib << 10,
                                 bd_info->vcpus,
                                 bd_info->kernel >= 0 ? &bi->modules[bd_info->kernel] : NULL,
                                 bd_info->ramdisk >= 0 ? &bi->modules[bd_info->ramdisk] : NULL};

        if (!bd.kernel) {
            printk("domain %u (%s): no kernel module: not built\n", bd.id, bd.name);
            continue;
        }
        built[n] = build_one(&bd);
        n += built[n] != NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        int rc = domain_start(built[i], built[i]->boot_entry, built[i]->boot_x0);

        if (rc)
            printk("domain %u (%s): not started: error %d\n", built[i]->id, built[i]->name, rc);
        started += rc == 0;
    }
    return started;
}
