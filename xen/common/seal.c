/*
 * XEN_DOMCTL_flaxen_seal (public/domctl.h): how a domain built at run time
 * gets its label and may run (docs/security/measured-boot.md).
 *
 * The builder never writes the new domain's memory itself: the hypervisor
 * copies the kernel image and ramdisk from the builder's memory through a
 * bounce buffer into the domain, hashing exactly the bytes it writes, so
 * what is measured is what will run, whatever the builder does with its own
 * buffers meanwhile. Then the command line and ramdisk digest make the
 * configuration digest, the manifest entry of the given name must list both
 * digests, and its label must be the one the builder asked for (the XSM hook
 * checked flaxen:seal and the relabel permissions to that label before
 * anything was copied). The hypervisor writes the device tree and the entry
 * point itself, gives the domain console and xenstore rings served by the
 * builder if it asks (FLAXEN_SEAL_*), records the domain in PCR 12 and
 * only then marks it sealed:
 * until then no caller can unpause it.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/domain_boot.h>
#include <flaxen/event_channel.h>
#include <flaxen/format.h>
#include <flaxen/grant_table.h>
#include <flaxen/kernel_image.h>
#include <flaxen/manifest.h>
#include <flaxen/measured_boot.h>
#include <flaxen/seal.h>
#include <flaxen/sha256.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <flaxen/tpm.h>
#include <flaxen/xmalloc.h>
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/hvm_op.h>
#include <xsm/xsm.h>
#include <xsm/xsm_hooks.h>

#define PCR_RUNTIME_DOMAINS 12
#define SEAL_IMAGE_MAX (1ull << 30)
#define SEAL_CHUNK 4096u
#define SEAL_ERROR_LEN 240

/*
 * The domain's RAM as one range from DOMAIN_GUEST_RAM_BASE, made of the
 * extents populated so far; false when they leave a hole or start elsewhere.
 */
static bool contiguous_ram(struct domain *d, uint64_t *size)
{
    uint64_t end = DOMAIN_GUEST_RAM_BASE;
    bool grew = true;

    while (grew) {
        grew = false;
        for (unsigned i = 0; i < d->nr_extents; i++)
            if (d->extents[i].gpa == end) {
                end += PAGE_SIZE << d->extents[i].order;
                grew = true;
            }
    }
    *size = end - DOMAIN_GUEST_RAM_BASE;
    return *size && *size >> PAGE_SHIFT == domain_page_count(d);
}

/* Copies len bytes from the builder's gva to the domain's gpa, hashing them on the way. */
static int copy_in(struct vcpu *v, struct domain *d, uint64_t gva, uint64_t gpa, uint64_t len,
                   uint8_t digest[SHA256_DIGEST_SIZE], uint8_t *bounce)
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    for (uint64_t off = 0; off < len; off += SEAL_CHUNK) {
        size_t n = len - off < SEAL_CHUNK ? (size_t)(len - off) : SEAL_CHUNK;

        if (copy_from_guest(v, bounce, gva + off, n))
            return -EFAULT;
        if (domain_copy_to_ram(d, gpa + off, bounce, n))
            return -EINVAL;
        sha256_update(&ctx, bounce, n);
    }
    sha256_final(&ctx, digest);
    return 0;
}

/* A seal's buffers, on the heap: too big for a hypervisor stack frame. */
struct seal_work {
    char cmdline[BOOTINFO_CMDLINE_MAX];
    char requested[BOOTINFO_LABEL_MAX];
    char context[BOOTINFO_LABEL_MAX];
    char tpm_err[TPM_ERROR_LEN];
    uint8_t bounce[SEAL_CHUNK];
};

/*
 * A ring the builder serves (the console, xenstore), as Xen's toolstack sets
 * one up: a zeroed page outside the domain's RAM, an event channel of the
 * domain only the builder may bind (created under the builder's XSM check,
 * with the domain's final label), the page granted to the builder in the
 * reserved grant entry `ref`, and the two HVM parameters the guest reads.
 */
static long seal_ring(struct vcpu *v, struct domain *d, uint64_t gpa, uint32_t ref,
                      unsigned pfn_param, unsigned evtchn_param, const char *what, char *err)
{
    long port = domain_add_magic_page(d, gpa);

    if (!port)
        port = evtchn_alloc_unbound(v->domain, d, v->domain);
    if (port > 0 && gnttab_seed(d, ref, v->domain->id, gpa >> PAGE_SHIFT))
        port = -ENOMEM;
    if (port <= 0) {
        format_snprintf(err, SEAL_ERROR_LEN, "its %s ring could not be set up", what);
        return port ? port : -EINVAL;
    }
    spin_lock(&d->lock);
    d->hvm_params[pfn_param] = gpa >> PAGE_SHIFT;
    d->hvm_params[evtchn_param] = (uint64_t)port;
    spin_unlock(&d->lock);
    return 0;
}

static long seal(struct vcpu *v, struct domain *d, const struct xen_domctl_flaxen_seal *s,
                 struct seal_work *w, char *err)
{
    uint8_t header[KERNEL_IMAGE_HEADER_SIZE], image[SHA256_DIGEST_SIZE];
    uint8_t ramdisk[SHA256_DIGEST_SIZE], config[SHA256_DIGEST_SIZE];
    char *cmdline = w->cmdline, *requested = w->requested, *context = w->context;
    struct guest_layout layout;
    struct kernel_image k;
    uint32_t sid, self_sid, old_sid, old_self_sid;
    long rc;

    if (copy_from_guest(v, cmdline, s->cmdline, s->cmdline_len) ||
        copy_from_guest(v, header, s->image, sizeof(header)))
        return -EFAULT;
    cmdline[s->cmdline_len] = '\0';
    if (strlen(cmdline) != s->cmdline_len) {
        format_snprintf(err, SEAL_ERROR_LEN, "a NUL inside the command line");
        return -EINVAL;
    }
    if (kernel_image_parse(header, s->image_size, &k, err) ||
        kernel_image_place(&k, d->ram_gpa, d->ram_size, DOMAIN_GUEST_FDT_MAX, s->ramdisk_size,
                           &layout, err))
        return -EINVAL;
    rc = copy_in(v, d, s->image, layout.kernel_base, s->image_size, image, w->bounce);
    if (!rc && s->ramdisk_size)
        rc = copy_in(v, d, s->ramdisk, layout.ramdisk_base, s->ramdisk_size, ramdisk, w->bounce);
    if (rc)
        return rc;
    manifest_config_digest(cmdline, s->ramdisk_size ? ramdisk : NULL, config);
    if (xsm_sid_to_context(s->ssidref, requested, BOOTINFO_LABEL_MAX))
        requested[0] = '\0';
    rc = measured_boot_label(s->name, image, config, s->ramdisk_size != 0, requested, context,
                             BOOTINFO_LABEL_MAX, err);
    if (rc)
        return rc;
    /* The manifest's label is the one asked for (or flask=disabled: none). */
    sid = s->ssidref;
    if (context[0] && (xsm_context_to_sid(context, &sid, NULL, 0) || sid != s->ssidref)) {
        format_snprintf(err, SEAL_ERROR_LEN, "the manifest's label %s is not the one asked for",
                        context);
        return -EACCES;
    }
    if (xsm_domain_self_sid(sid, &self_sid))
        return -EINVAL;
    rc = domain_write_fdt(d, cmdline, &layout, s->ramdisk_size != 0, err);
    if (rc)
        return rc;
    /* The label first: the console's event channel is labeled from it. Undone on failure. */
    spin_lock(&d->lock);
    old_sid = d->sid;
    old_self_sid = d->self_sid;
    d->sid = sid;
    d->self_sid = self_sid;
    spin_unlock(&d->lock);
    if (s->flags & FLAXEN_SEAL_CONSOLE)
        rc = seal_ring(v, d, DOMAIN_CONSOLE_GPA, GNTTAB_RESERVED_CONSOLE, HVM_PARAM_CONSOLE_PFN,
                       HVM_PARAM_CONSOLE_EVTCHN, "console", err);
    if (!rc && (s->flags & FLAXEN_SEAL_XENSTORE))
        rc = seal_ring(v, d, DOMAIN_XENSTORE_GPA, GNTTAB_RESERVED_XENSTORE, HVM_PARAM_STORE_PFN,
                       HVM_PARAM_STORE_EVTCHN, "xenstore", err);
    if (!rc) {
        rc = measured_boot_record(PCR_RUNTIME_DOMAINS, s->name, d->id, context, image, config,
                                  w->tpm_err);
        if (rc)
            format_snprintf(err, SEAL_ERROR_LEN, "%s", w->tpm_err);
    }
    spin_lock(&d->lock);
    if (rc) {
        d->sid = old_sid;
        d->self_sid = old_self_sid;
        spin_unlock(&d->lock);
        return rc;
    }
    d->boot_entry = layout.entry;
    d->boot_x0 = layout.dtb_base;
    strlcpy(d->name, s->name, sizeof(d->name));
    d->sealed = true;
    spin_unlock(&d->lock);
    printk("domain %u (%s): sealed by domain %u as %s, kernel %#lx, device tree %#lx\n", d->id,
           d->name, v->domain->id, context[0] ? context : "(no label)", (unsigned long)layout.entry,
           (unsigned long)layout.dtb_base);
    return 0;
}

long domctl_flaxen_seal(struct vcpu *v, struct domain *d, struct xen_domctl_flaxen_seal *s)
{
    char err[SEAL_ERROR_LEN] = "", context[BOOTINFO_LABEL_MAX];
    struct seal_work *w;
    uint64_t ram_size;
    long rc;

    if (d == v->domain || !manifest_name_valid(s->name, sizeof(s->name)) || s->image_size < 64 ||
        s->image_size > SEAL_IMAGE_MAX || s->ramdisk_size > SEAL_IMAGE_MAX ||
        (s->ramdisk_size == 0) != (s->ramdisk == 0) || s->cmdline_len >= BOOTINFO_CMDLINE_MAX ||
        (s->flags & ~(FLAXEN_SEAL_CONSOLE | FLAXEN_SEAL_XENSTORE)) || s->pad ||
        xsm_sid_to_context(s->ssidref, context, sizeof(context)))
        return -EINVAL;
    /* flaxen:seal on the domain, and relabelfrom/relabelto/transition to the label asked for. */
    rc = xsm_hook_obj(XSM_HOOK_DOMCTL_FLAXEN_SEAL, v->domain, d, s->ssidref);
    if (rc)
        return rc;
    spin_lock(&d->lock);
    if (d->state != DOMAIN_BUILDING || d->sealed || d->sealing) {
        rc = -EBUSY;
    } else if (!contiguous_ram(d, &ram_size)) {
        rc = -EINVAL; /* no RAM, or RAM with holes */
        format_snprintf(err, sizeof(err), "its RAM is not one range from %#lx",
                        (unsigned long)DOMAIN_GUEST_RAM_BASE);
    } else {
        d->sealing = true;
        d->ram_gpa = DOMAIN_GUEST_RAM_BASE;
        d->ram_size = ram_size;
    }
    spin_unlock(&d->lock);
    if (rc == -EBUSY)
        return rc;
    if (!rc) {
        w = xmalloc(sizeof(*w));
        rc = w ? seal(v, d, s, w, err) : -ENOMEM;
        xfree(w);
    }
    spin_lock(&d->lock);
    d->sealing = false;
    spin_unlock(&d->lock);
    if (rc)
        printk("domain %u (%s): seal as entry '%s' with label %s refused: %s (error %ld)\n", d->id,
               d->name, s->name, context, err[0] ? err : "copy failed", rc);
    return rc;
}
