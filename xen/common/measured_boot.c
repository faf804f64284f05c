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
#include <flaxen/efi.h>
#include <flaxen/event_log.h>
#include <flaxen/format.h>
#include <flaxen/lib.h>
#include <flaxen/manifest.h>
#include <flaxen/measured_boot.h>
#include <flaxen/sha256.h>
#include <flaxen/spinlock.h>
#include <flaxen/string.h>
#include <flaxen/tpm.h>
#include <flaxen/types.h>
#include <flaxen/xmalloc.h>
#include <xsm/xsm.h>

#include <flaxen/manifest_key.h> /* generated from the deployment's key (mk/measured-boot.mk) */

#define PCR_CONFIG 10       /* the hypervisor's command line, policy and manifest */
#define PCR_BOOT_DOMAINS 11 /* each boot-time domain, with its label */
#define EVENT_LOG_INITIAL KIB(64)

static struct manifest manifest;
static bool manifest_in_force;

static struct tpm tpm; /* after boot: under tpm_lock */
static bool tpm_ready;
static struct spinlock tpm_lock;
static uint32_t ak_handle; /* 0: not created yet */
static uint8_t ak_public[512];
static size_t ak_public_len;
static uint8_t quote_buffer[1024], signature_buffer[256];
static uint8_t expected[TPM_MAX_PCRS][SHA256_DIGEST_SIZE]; /* replay of the log from zero */
static uint32_t logged_pcrs;                               /* the PCRs the log has events for */
static unsigned events;
static struct event_log event_log;
static uint8_t event_log_buffer[EVENT_LOG_INITIAL];

/* The log outgrew its buffer: a larger one from the heap (the boot-time one is static). */
static uint8_t *grow_log(uint8_t *old, size_t len, size_t want)
{
    uint8_t *bigger = xmalloc(want);

    if (!bigger)
        return NULL;
    memcpy(bigger, old, len);
    if (old != event_log_buffer)
        xfree(old);
    return bigger;
}

static int tis_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max,
                        size_t *rsp_len, char *err)
{
    (void)ctx;
    return tpm_tis_transmit(cmd, len, rsp, max, rsp_len, err);
}

static const char *mode_name(enum xsm_mode mode)
{
    return mode == XSM_MODE_ENFORCING    ? "enforcing"
           : mode == XSM_MODE_PERMISSIVE ? "permissive"
                                         : "disabled";
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

/* Without a usable TPM: fatal when enforcing, otherwise measurements are only logged. */
static void no_tpm(enum xsm_mode mode, const char *why)
{
    if (mode == XSM_MODE_ENFORCING)
        boot_stop("measured boot: %s: enforcing mode needs a TPM 2.0 to measure into", why);
    printk("measured boot: %s; %s mode: measurements are logged, not extended into a TPM\n", why,
           mode_name(mode));
}

static const char *bank_name(uint16_t alg)
{
    switch (alg) {
    case TPM_ALG_SHA1:
        return "SHA-1";
    case TPM_ALG_SHA256:
        return "SHA-256";
    case TPM_ALG_SHA384:
        return "SHA-384";
    case TPM_ALG_SHA512:
        return "SHA-512";
    default:
        return "unknown";
    }
}

/*
 * The TPM from the device tree: started (or found started by the firmware),
 * and only its SHA-256 bank may hold PCRs 10-12: Flaxen extends that bank
 * alone, and a quote of another bank would vouch for nothing.
 */
static void tpm_setup(const struct bootinfo *bi, enum xsm_mode mode)
{
    const uint32_t ours = 1u << PCR_CONFIG | 1u << PCR_BOOT_DOMAINS | 1u << 12;
    struct tpm_bank banks[TPM_MAX_BANKS];
    char err[TPM_ERROR_LEN] = "";
    unsigned count = 0;
    bool sha256 = false;
    uint32_t did_vid;

    if (!bi->tpm.size) {
        no_tpm(mode, "no TPM (tcg,tpm-tis-mmio) in the device tree");
        return;
    }
    tpm.transmit = tis_transmit;
    if (tpm_tis_init(bi->tpm.base, &did_vid, err) || tpm2_startup(&tpm, err) ||
        tpm2_pcr_banks(&tpm, banks, TPM_MAX_BANKS, &count, err)) {
        char why[TPM_ERROR_LEN + 48];

        format_snprintf(why, sizeof(why), "the TPM at %#lx does not answer: %s",
                        (unsigned long)bi->tpm.base, err);
        no_tpm(mode, why);
        return;
    }
    for (unsigned i = 0; i < count; i++) {
        if (banks[i].alg == TPM_ALG_SHA256 && (banks[i].pcr_mask & ours) == ours)
            sha256 = true;
        else if (banks[i].pcr_mask & ours) {
            char why[96];

            format_snprintf(why, sizeof(why),
                            "the TPM's %s bank holds PCRs 10-12, and Flaxen extends only SHA-256",
                            bank_name(banks[i].alg));
            no_tpm(mode, why);
            return;
        }
    }
    if (!sha256) {
        no_tpm(mode, "the TPM has no SHA-256 bank with PCRs 10-12");
        return;
    }
    tpm_ready = true;
    printk("measured boot: TPM 2.0 at %#lx (vendor %#x, device %#x), SHA-256 bank\n",
           (unsigned long)bi->tpm.base, did_vid & 0xffff, did_vid >> 16);
}

int measured_boot_early_random(const struct bootinfo *bi, uint8_t *out, size_t len)
{
    static struct tpm early; /* boot CPU, once: too large for the stack */
    char err[TPM_ERROR_LEN];
    uint32_t did_vid;

    early.transmit = tis_transmit;
    if (!bi->tpm.size || tpm_tis_init(bi->tpm.base, &did_vid, err) || tpm2_startup(&early, err) ||
        tpm2_get_random(&early, out, len, err))
        return -EIO;
    return 0;
}

/*
 * Logs an event and extends the TPM with its digest: 0, -ENOSPC (the log is
 * full: nothing logged or extended) or -EIO (the extend failed, err says
 * why). A failed extend outside enforcing mode is reported and counts as
 * done: measurements are then only logged.
 */
static void replay(unsigned pcr, const uint8_t digest[SHA256_DIGEST_SIZE])
{
    uint8_t both[2 * SHA256_DIGEST_SIZE];

    memcpy(both, expected[pcr], SHA256_DIGEST_SIZE);
    memcpy(both + SHA256_DIGEST_SIZE, digest, SHA256_DIGEST_SIZE);
    sha256_digest(both, sizeof(both), expected[pcr]);
    logged_pcrs |= 1u << pcr;
}

static int measure(unsigned pcr, const uint8_t digest[SHA256_DIGEST_SIZE], const char *what,
                   char *err)
{
    if (event_log_append(&event_log, pcr, EV_IPL, digest, what, strlen(what) + 1)) {
        format_snprintf(err, TPM_ERROR_LEN, "the event log is full (%lu KiB at most)",
                        (unsigned long)(MEASURED_BOOT_LOG_MAX >> 10));
        return -ENOSPC;
    }
    replay(pcr, digest);
    events++;
    if (tpm_ready && tpm2_pcr_extend_sha256(&tpm, pcr, digest, err)) {
        if (xsm_mode() == XSM_MODE_ENFORCING)
            return -EIO;
        printk("measured boot: extending PCR %u failed: %s\n", pcr, err);
    }
    return 0;
}

/* At boot: what cannot be measured stops the boot (fail closed). */
static void measure_bytes(unsigned pcr, const void *data, size_t len, const char *what)
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    char err[TPM_ERROR_LEN] = "";

    sha256_digest(data, len, digest);
    if (measure(pcr, digest, what, err))
        boot_stop("measured boot: measuring '%s' into PCR %u failed: %s", what, pcr, err);
}

/* A firmware log Flaxen cannot continue: fatal when enforcing, else the log starts afresh. */
static bool refuse_firmware_log(enum xsm_mode mode, const char *why, long where)
{
    char at[32] = "";

    if (where >= 0)
        format_snprintf(at, sizeof(at), " (at offset %ld)", where);
    if (mode == XSM_MODE_ENFORCING)
        boot_stop("measured boot: the firmware's event log %s%s: the chain from the firmware is "
                  "broken",
                  why, at);
    printk("measured boot: the firmware's event log %s%s; %s mode: Flaxen's log starts afresh, "
           "without the firmware's measurements\n",
           why, at, mode_name(mode));
    memset(expected, 0, sizeof(expected));
    logged_pcrs = 0;
    return false;
}

/*
 * Booted through UEFI: the log so far is the firmware's and the boot
 * loader's (PCRs 0-9); Flaxen appends to it in the same format, so it must
 * list SHA-256 alone. Its replay becomes the expected PCR values, which
 * measured_boot_check() compares with the TPM.
 */
static bool continue_firmware_log(const struct bootinfo *bi, enum xsm_mode mode)
{
    const uint8_t *fw = arch_phys_to_virt(bi->fw_log.base);
    size_t len = (size_t)bi->fw_log.size;
    struct event_log_algs algs;
    unsigned fw_events = 0;
    uint8_t *buf = event_log_buffer;
    long at;

    if (bi->fw_log_flags & (EFI_HANDOVER_LOG_TRUNCATED | EFI_HANDOVER_FINAL_BAD))
        return refuse_firmware_log(mode,
                                   bi->fw_log_flags & EFI_HANDOVER_FINAL_BAD
                                       ? "lacks the events of its final events table"
                                       : "is incomplete (truncated)",
                                   -1);
    at = event_log_header(fw, len, &algs);
    if (at < 0)
        return refuse_firmware_log(mode, "has no crypto-agile (Spec ID Event03) header", 0);
    if (algs.count != 1 || algs.alg[0] != TPM_ALG_SHA256 || algs.size[0] != SHA256_DIGEST_SIZE)
        return refuse_firmware_log(mode,
                                   "records other digests than SHA-256 alone (the TPM has "
                                   "other PCR banks active)",
                                   -1);
    while ((size_t)at < len) {
        struct event_log_event e;
        long n = event_log_event(&algs, fw + at, len - (size_t)at, &e);

        if (n < 0 || !e.sha256 || e.pcr >= TPM_MAX_PCRS)
            return refuse_firmware_log(mode, "has a malformed event", at);
        if (e.type != EV_NO_ACTION) {
            replay(e.pcr, e.sha256);
            fw_events++;
        }
        at += n;
    }
    if (len > sizeof(event_log_buffer) && !(buf = xmalloc(2 * len)))
        boot_stop("measured boot: no memory for the firmware's event log (%lu bytes)",
                  (unsigned long)len);
    memcpy(buf, fw, len);
    event_log = (struct event_log){
        buf, len, len > sizeof(event_log_buffer) ? 2 * len : sizeof(event_log_buffer),
        MEASURED_BOOT_LOG_MAX, grow_log};
    printk("measured boot: continuing the firmware's event log: %u events, %lu bytes\n", fw_events,
           (unsigned long)len);
    return true;
}

/* PCR 10: what the hypervisor was told, before it acts on it. */
static void measure_configuration(const struct bootinfo *bi, enum xsm_mode mode)
{
    if (bi->efi && !(bi->fw_log_flags & EFI_HANDOVER_TCG2))
        printk("measured boot: started by UEFI without a TCG2 protocol: nothing measured the "
               "hypervisor; the log starts here\n");
    if (!bi->fw_log.size || !continue_firmware_log(bi, mode)) {
        if (event_log_init(&event_log, event_log_buffer, sizeof(event_log_buffer)))
            boot_stop("measured boot: no room for the event log");
        event_log.limit = MEASURED_BOOT_LOG_MAX;
        event_log.grow = grow_log;
    }
    measure_bytes(PCR_CONFIG, bi->cmdline, strlen(bi->cmdline), "flaxen: command line");
    if (bi->policy >= 0)
        measure_bytes(PCR_CONFIG, arch_phys_to_virt(bi->modules[bi->policy].where.base),
                      (size_t)bi->modules[bi->policy].where.size, "flaxen: FLASK policy");
    if (bi->manifest >= 0)
        measure_bytes(PCR_CONFIG, arch_phys_to_virt(bi->modules[bi->manifest].where.base),
                      (size_t)bi->modules[bi->manifest].where.size, "flaxen: domain manifest");
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

    tpm_setup(bi, mode);
    measure_configuration(bi, mode);
    manifest_key_id(manifest_public_key, id);
    manifest_hex(key_id, id, sizeof(id));
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

int measured_boot_label(const char *name, const uint8_t image[SHA256_DIGEST_SIZE],
                        const uint8_t config[SHA256_DIGEST_SIZE], bool has_ramdisk,
                        const char *requested_label, char *context, size_t context_len, char *err)
{
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
        if (strlen(requested_label) >= context_len)
            return -EINVAL;
        strlcpy(context, requested_label, context_len);
        return 0;
    }
    manifest_hex(image_hex, image, SHA256_DIGEST_SIZE);
    e = manifest_find(&manifest, name);
    if (!e) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN, "the manifest lists no domain '%s'", name);
        return -EACCES;
    }
    if (memcmp(e->image_sha256, image, SHA256_DIGEST_SIZE)) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "its kernel image (sha256:%s) is not the one the manifest lists",
                        image_hex);
        return -EACCES;
    }
    if (memcmp(e->config_sha256, config, SHA256_DIGEST_SIZE)) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "its command line%s differ%s from what the manifest lists",
                        has_ramdisk ? " or ramdisk" : "", has_ramdisk ? "" : "s");
        return -EACCES;
    }
    len = strlen(e->label) + (e->mls[0] ? 1 + strlen(e->mls) : 0);
    if (len >= context_len) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN, "the manifest's label is too long");
        return -EINVAL;
    }
    format_snprintf(context, context_len, "%s%s%s", e->label, e->mls[0] ? ":" : "", e->mls);
    if (requested_label[0] && strcmp(requested_label, context)) {
        format_snprintf(err, MEASURED_BOOT_ERROR_LEN,
                        "it asks for the label '%s', the manifest gives '%s'", requested_label,
                        context);
        context[0] = '\0';
        return -EACCES;
    }
    if (xsm_mode() == XSM_MODE_DISABLED)
        context[0] = '\0'; /* measured and listed; without FLASK a label means nothing */
    return 0;
}

void measured_boot_measure(struct measured_domain *md)
{
    uint8_t ramdisk[SHA256_DIGEST_SIZE];

    sha256_digest(md->kernel, md->kernel_len, md->image_sha256);
    if (md->ramdisk)
        sha256_digest(md->ramdisk, md->ramdisk_len, ramdisk);
    manifest_config_digest(md->cmdline, md->ramdisk ? ramdisk : NULL, md->config_sha256);
}

int measured_boot_domain_label(const struct measured_domain *md, char *context, size_t context_len,
                               char *err)
{
    return measured_boot_label(md->name, md->image_sha256, md->config_sha256, md->ramdisk != NULL,
                               md->requested_label, context, context_len, err);
}

int measured_boot_record(unsigned pcr, const char *name, unsigned id, const char *context,
                         const uint8_t image[SHA256_DIGEST_SIZE],
                         const uint8_t config[SHA256_DIGEST_SIZE], char *err)
{
    char image_hex[2 * SHA256_DIGEST_SIZE + 1], config_hex[2 * SHA256_DIGEST_SIZE + 1];
    char what[BOOTINFO_NAME_MAX + BOOTINFO_LABEL_MAX + 200];
    uint8_t digest[SHA256_DIGEST_SIZE];
    int rc;

    manifest_hex(image_hex, image, SHA256_DIGEST_SIZE);
    manifest_hex(config_hex, config, SHA256_DIGEST_SIZE);
    format_snprintf(what, sizeof(what),
                    "flaxen: domain %s label %s image sha256:%s config sha256:%s", name,
                    context[0] ? context : "-", image_hex, config_hex);
    sha256_digest(what, strlen(what), digest);
    spin_lock(&tpm_lock); /* the TPM and the log are shared with attestation */
    rc = measure(pcr, digest, what, err);
    spin_unlock(&tpm_lock);
    if (!rc)
        printk("measured boot: PCR %u <- domain %u (%s) as %s\n", pcr, id, name,
               context[0] ? context : "(no label)");
    return rc;
}

void measured_boot_domain_started(const struct measured_domain *md, unsigned id,
                                  const char *context)
{
    char err[TPM_ERROR_LEN] = "";

    if (measured_boot_record(PCR_BOOT_DOMAINS, md->name, id, context, md->image_sha256,
                             md->config_sha256, err))
        boot_stop("measured boot: recording domain %u (%s) failed: %s", id, md->name, err);
}

/* " 0-9 10 11": the PCRs of a mask, runs of three or more as ranges. */
static const char *pcr_list(uint32_t mask, char *out, size_t max)
{
    size_t len = 0;

    out[0] = '\0';
    for (unsigned pcr = 0; pcr < TPM_MAX_PCRS; pcr++) {
        unsigned last = pcr;

        if (!(mask & (1u << pcr)))
            continue;
        while (last + 1 < TPM_MAX_PCRS && (mask & (1u << (last + 1))))
            last++;
        if (last < pcr + 2)
            last = pcr; /* one or two: named one by one */
        if (last > pcr)
            len += format_snprintf(out + len, max - len, " %u-%u", pcr, last);
        else
            len += format_snprintf(out + len, max - len, " %u", pcr);
        pcr = last;
        if (len >= max)
            break;
    }
    return out;
}

void measured_boot_check(void)
{
    char list[3 * TPM_MAX_PCRS + 8];
    uint8_t value[SHA256_DIGEST_SIZE];
    char err[TPM_ERROR_LEN] = "";

    if (!tpm_ready)
        return;
    /* Flaxen's PCRs always (no event: nothing else may have extended them), and every
       PCR the firmware's part of the log has events for. */
    logged_pcrs |= 1u << PCR_CONFIG | 1u << PCR_BOOT_DOMAINS;
    for (unsigned pcr = 0; pcr < TPM_MAX_PCRS; pcr++) {
        if (!(logged_pcrs & (1u << pcr)))
            continue;
        if (tpm2_pcr_read_sha256(&tpm, pcr, value, err))
            boot_stop("measured boot: reading PCR %u failed: %s", pcr, err);
        if (memcmp(value, expected[pcr], sizeof(value)))
            boot_stop("measured boot: PCR %u is not the replay of the event log: something else "
                      "extended it",
                      pcr);
    }
    printk("measured boot: PCRs%s agree with the event log (%u events of Flaxen's)\n",
           pcr_list(logged_pcrs, list, sizeof(list)), events);
}

size_t measured_boot_log_len(void)
{
    size_t len;

    spin_lock(&tpm_lock);
    len = event_log.len;
    spin_unlock(&tpm_lock);
    return len;
}

int measured_boot_attest(const uint8_t *nonce, size_t nonce_len, uint32_t pcr_mask, uint8_t *out,
                         size_t max, uint32_t lens[ATTEST_PARTS])
{
    char err[TPM_ERROR_LEN] = "";
    size_t quote_len = 0, sig_len = 0, total;
    int rc = 0;

    if (!tpm_ready)
        return -ENODEV;
    spin_lock(&tpm_lock);
    if (!ak_handle &&
        tpm2_create_ak(&tpm, &ak_handle, ak_public, sizeof(ak_public), &ak_public_len, err)) {
        ak_handle = 0;
        rc = -EIO;
    }
    if (!rc &&
        tpm2_quote(&tpm, ak_handle, nonce, nonce_len, pcr_mask, quote_buffer, sizeof(quote_buffer),
                   &quote_len, signature_buffer, sizeof(signature_buffer), &sig_len, err))
        rc = -EIO;
    if (!rc) {
        lens[ATTEST_QUOTE] = (uint32_t)quote_len;
        lens[ATTEST_SIGNATURE] = (uint32_t)sig_len;
        lens[ATTEST_KEY] = (uint32_t)ak_public_len;
        lens[ATTEST_LOG] = (uint32_t)event_log.len;
        total = quote_len + sig_len + ak_public_len + event_log.len;
        if (total > max) {
            rc = -ENOBUFS;
        } else {
            memcpy(out, quote_buffer, quote_len);
            memcpy(out + quote_len, signature_buffer, sig_len);
            memcpy(out + quote_len + sig_len, ak_public, ak_public_len);
            memcpy(out + quote_len + sig_len + ak_public_len, event_log.buf, event_log.len);
        }
    }
    spin_unlock(&tpm_lock);
    if (rc == -EIO)
        printk("measured boot: attestation failed: %s\n", err);
    return rc;
}
