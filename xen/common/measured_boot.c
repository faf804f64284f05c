/*
 * Measured boot: the domain manifest and labels from measurements
 * (flaxen/measured_boot.h).
 *
 * The manifest is verified once, at boot, before any guest exists: the
 * Ed25519 code (Debian's libsodium, mk/sodium.mk) lives in .text.fpsimd and
 * may only run then. Afterwards the parsed copy is read-only.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/format.h>
#include <flaxen/lib.h>
#include <flaxen/manifest.h>
#include <flaxen/measured_boot.h>
#include <flaxen/sha256.h>
#include <flaxen/string.h>
#include <flaxen/types.h>
#include <xsm/xsm.h>

#include <flaxen/manifest_key.h> /* generated from the deployment's key (mk/measured-boot.mk) */

static struct manifest manifest;
static bool manifest_in_force;

static const char *mode_name(enum xsm_mode mode)
{
    return mode == XSM_MODE_ENFORCING    ? "enforcing"
           : mode == XSM_MODE_PERMISSIVE ? "permissive"
                                         : "disabled";
}

static void hex(char *out, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/*
 * A manifest that cannot be used: fatal when enforcing, reported otherwise.
 * where: the offset of the offending field, or -1 when there is none to name.
 */
static void refuse_manifest(enum xsm_mode mode, int module, const char *why, long where)
{
    char at[32] = "";

    if (where >= 0)
        format_snprintf(at, sizeof(at), " at offset %ld", where);
    if (mode == XSM_MODE_ENFORCING)
        boot_stop("measured boot: the domain manifest (boot module %d) is refused: %s%s", module,
                  why, at);
    printk("measured boot: the domain manifest (boot module %d) is refused: %s%s; %s mode: "
           "domains keep their device-tree labels, UNMEASURED\n",
           module, why, at, mode_name(mode));
}

void measured_boot_setup(const struct bootinfo *bi)
{
    enum xsm_mode mode = xsm_mode();
    char key_id[2 * MANIFEST_KEY_ID_SIZE + 1];
    uint8_t id[MANIFEST_KEY_ID_SIZE];
    const struct bootinfo_module *m;
    enum manifest_error rc;
    const uint8_t *data;
    size_t where = 0;

    manifest_key_id(manifest_public_key, id);
    hex(key_id, id, sizeof(id));
    if (bi->manifest < 0) {
        printk("measured boot: no domain manifest among the boot modules: %s\n",
               mode == XSM_MODE_ENFORCING ? "no boot-time domain can be labeled (enforcing)"
                                          : "domains keep their device-tree labels, UNMEASURED");
        return;
    }
    m = &bi->modules[bi->manifest];
    data = arch_phys_to_virt(m->where.base);
    if (m->where.size > MANIFEST_MAX_SIZE) {
        refuse_manifest(mode, bi->manifest, "larger than any manifest can be", -1);
        return;
    }
    rc = manifest_parse(data, (size_t)m->where.size, &manifest, &where);
    if (rc != MANIFEST_OK) {
        refuse_manifest(mode, bi->manifest, manifest_strerror(rc), (long)where);
        return;
    }
    rc = manifest_check_signature(data, (size_t)m->where.size, manifest_public_key);
    if (rc != MANIFEST_OK) {
        memset(&manifest, 0, sizeof(manifest));
        refuse_manifest(mode, bi->manifest, manifest_strerror(rc), -1);
        return;
    }
    manifest_in_force = true;
    printk("measured boot: domain manifest (boot module %d): serial %lu, %u domain%s, "
           "signature good (key id %s)\n",
           bi->manifest, (unsigned long)manifest.serial, manifest.count,
           manifest.count == 1 ? "" : "s", key_id);
}

int measured_boot_domain_label(const struct measured_domain *md, char *context, size_t context_len,
                               char *err)
{
    uint8_t image[SHA256_DIGEST_SIZE], ramdisk[SHA256_DIGEST_SIZE], config[SHA256_DIGEST_SIZE];
    char image_hex[2 * SHA256_DIGEST_SIZE + 1];
    const struct manifest_entry *e;
    size_t len;

    context[0] = '\0';
    if (!manifest_in_force) {
        if (xsm_mode() == XSM_MODE_ENFORCING) {
            format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                            "no valid domain manifest: an unmeasured domain gets no label");
            return -EACCES;
        }
        if (strlen(md->requested_label) >= context_len)
            return -EINVAL;
        strlcpy(context, md->requested_label, context_len);
        return 0;
    }
    sha256_digest(md->kernel, md->kernel_len, image);
    if (md->ramdisk)
        sha256_digest(md->ramdisk, md->ramdisk_len, ramdisk);
    manifest_config_digest(md->cmdline, md->ramdisk ? ramdisk : NULL, config);
    hex(image_hex, image, sizeof(image));
    e = manifest_find(&manifest, md->name);
    if (!e) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN, "the manifest lists no domain '%s'",
                        md->name);
        return -EACCES;
    }
    if (memcmp(e->image_sha256, image, sizeof(image))) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "its kernel image (sha256:%s) is not the one the manifest lists",
                        image_hex);
        return -EACCES;
    }
    if (memcmp(e->config_sha256, config, sizeof(config))) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "its command line%s differ%s from what the manifest lists",
                        md->ramdisk ? " or ramdisk" : "", md->ramdisk ? "" : "s");
        return -EACCES;
    }
    len = strlen(e->label) + (e->mls[0] ? 1 + strlen(e->mls) : 0);
    if (len >= context_len) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN, "the manifest's label is too long");
        return -EINVAL;
    }
    format_snprintf(context, context_len, "%s%s%s", e->label, e->mls[0] ? ":" : "", e->mls);
    if (md->requested_label[0] && strcmp(md->requested_label, context)) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "it asks for the label '%s', the manifest gives '%s'", md->requested_label,
                        context);
        context[0] = '\0';
        return -EACCES;
    }
    if (xsm_mode() == XSM_MODE_DISABLED)
        context[0] = '\0'; /* measured and listed; without FLASK a label means nothing */
    return 0;
}
