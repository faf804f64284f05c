/*
 * Boot modules told apart by their contents (flaxen/bootinfo.h): the FLASK
 * policy and the domain manifest, when the device tree does not say which
 * module is which (GRUB's xen_module, QEMU's guest-loader). Needs no libfdt:
 * it reads the module images, which the caller has mapped.
 */
#include "flaxen/bootinfo.h"

#include "fdt_read.h"

#define POLICY_MAGIC 0xf97cff8cu

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* The FLASK policy header: magic, then the length-prefixed target "XenFlask". */
bool bootinfo_is_policy_image(const void *data, size_t len)
{
    static const char target[] = "XenFlask";
    const uint8_t *b = data;

    if (!b || len < 8 + sizeof(target) - 1)
        return false;
    if (le32(b) != POLICY_MAGIC || le32(b + 4) != sizeof(target) - 1)
        return false;
    for (size_t i = 0; i < sizeof(target) - 1; i++)
        if (b[8 + i] != (uint8_t)target[i])
            return false;
    return true;
}

static int resolve_error(char *err, const char *what, unsigned a, unsigned b)
{
    struct fdt_read_text t = {err, BOOTINFO_ERROR_LEN, 0};

    fdt_read_text_put(&t, "boot modules ");
    fdt_read_text_put_u64(&t, a, 10);
    fdt_read_text_put(&t, " and ");
    fdt_read_text_put_u64(&t, b, 10);
    fdt_read_text_put(&t, ": ");
    fdt_read_text_put(&t, what);
    return -FDT_READ_EINVAL;
}

/*
 * Finds a policy and a domain manifest by their contents among the modules
 * directly under /chosen of kind UNKNOWN or RAMDISK, then settles dom0's
 * ramdisk (bootinfo.h). Idempotent.
 */
/*
 * Among the modules directly under /chosen of kind UNKNOWN or RAMDISK, the one
 * whose contents `is_kind` accepts becomes of kind `kind` and *slot its index
 * (which may already hold one named by its compatible: then two is an error).
 */
static int resolve_by_contents(struct bootinfo *bi, const void *const images[],
                               bool (*is_kind)(const void *, size_t),
                               enum bootinfo_module_kind kind, int *slot, const char *what,
                               char *err)
{
    int found = *slot;

    for (unsigned i = 0; i < bi->nr_modules; i++) {
        struct bootinfo_module *m = &bi->modules[i];
        size_t size = m->where.size > SIZE_MAX ? SIZE_MAX : (size_t)m->where.size;

        if (m->domain != -1 || (m->kind != BOOTMOD_UNKNOWN && m->kind != BOOTMOD_RAMDISK) ||
            !images || !images[i] || !is_kind(images[i], size))
            continue;
        if (found >= 0)
            return resolve_error(err, what, (unsigned)found, i);
        found = (int)i;
    }
    if (found >= 0) {
        bi->modules[found].kind = kind;
        *slot = found;
    }
    return 0;
}

/* A domain manifest starts with its magic (flaxen/manifest.h). */
bool bootinfo_is_manifest_image(const void *data, size_t len)
{
    static const char magic[] = "FLXMANI1";
    const uint8_t *b = data;

    if (!b || len < sizeof(magic) - 1)
        return false;
    for (size_t i = 0; i < sizeof(magic) - 1; i++)
        if (b[i] != (uint8_t)magic[i])
            return false;
    return true;
}

int bootinfo_resolve_policy(struct bootinfo *bi, const void *const images[], char *err)
{
    int rc;

    err[0] = '\0';
    rc = resolve_by_contents(bi, images, bootinfo_is_policy_image, BOOTMOD_POLICY, &bi->policy,
                             "two FLASK policies", err);
    if (!rc)
        rc = resolve_by_contents(bi, images, bootinfo_is_manifest_image, BOOTMOD_MANIFEST,
                                 &bi->manifest, "two domain manifests", err);
    if (rc)
        return rc;
    bi->dom0_ramdisk = -1;
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        if (bi->modules[i].domain != -1 || bi->modules[i].kind != BOOTMOD_RAMDISK)
            continue;
        if (bi->dom0_ramdisk >= 0)
            return resolve_error(err, "two ramdisks directly under /chosen, neither a policy",
                                 (unsigned)bi->dom0_ramdisk, i);
        bi->dom0_ramdisk = (int)i;
    }
    if (bi->dom0_ramdisk >= 0 && bi->dom0_kernel < 0)
        return resolve_error(err, "a ramdisk directly under /chosen but no dom0 kernel",
                             (unsigned)bi->dom0_ramdisk, (unsigned)bi->dom0_ramdisk);
    return 0;
}
