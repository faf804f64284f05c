/*
 * Measured boot in the hypervisor (docs/security/measured-boot.md): the
 * signed domain manifest, and labels that boot-time domains get only from
 * their measurement.
 */
#ifndef FLAXEN_MEASURED_BOOT_H
#define FLAXEN_MEASURED_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flaxen/bootinfo.h>
#include <flaxen/types.h>

#define MEASURED_BOOT_ERROR_LEN 240

/*
 * After the FLASK policy is loaded, on the boot CPU: finds the manifest among
 * the boot modules, checks its structure and its signature with the public
 * key built into the image. In enforcing mode a manifest that fails either
 * check stops the boot; in permissive or disabled mode it is reported and
 * ignored. No manifest at all: in enforcing mode no boot-time domain can be
 * labeled (each is refused); otherwise domains keep their device-tree labels
 * and the console says they are unmeasured.
 */
void measured_boot_setup(const struct bootinfo *bi);

/*
 * Random bytes from the TPM of the device tree before measured boot has set
 * it up (started if need be, as measured_boot_setup does again later): for
 * the stack-protector canary. 0, or -EIO without a TPM that answers.
 */
int measured_boot_early_random(const struct bootinfo *bi, uint8_t *out, size_t len);

/* What a boot-time domain is measured over, and (measured_boot_measure) its digests. */
struct measured_domain {
    const char *name;
    const void *kernel;
    size_t kernel_len;
    const char *cmdline;
    const void *ramdisk; /* or NULL */
    size_t ramdisk_len;
    const char *requested_label; /* the device tree's seclabel, "" = none */
    uint8_t image_sha256[32];    /* out: SHA-256 of the kernel */
    uint8_t config_sha256[32];   /* out: manifest_config_digest of cmdline and ramdisk */
};

/* Hashes the domain's kernel and configuration into md's digests, once for label and record. */
void measured_boot_measure(struct measured_domain *md);

/*
 * Finds the measured domain's manifest entry; on success writes the
 * security context it must get into context (context_len bytes; "" = the
 * policy's initial SID, only without a manifest outside enforcing mode) and
 * returns 0. Refusals (-EACCES) say why in err: not in the manifest, listed
 * under another name, or a device-tree label other than the manifest's.
 */
int measured_boot_domain_label(const struct measured_domain *md, char *context, size_t context_len,
                               char *err);

/*
 * The label a domain measured as image and config (SHA-256 digests;
 * manifest_config_digest) gets from the manifest entry `name`: 0 and the
 * context (context_len bytes; "" = none: flask=disabled, or no manifest
 * outside enforcing mode with no label asked for), or -EACCES with the
 * reason in err (MEASURED_BOOT_ERROR_LEN). A requested_label other than ""
 * must be the manifest's.
 */
int measured_boot_label(const char *name, const uint8_t image[32], const uint8_t config[32],
                        bool has_ramdisk, const char *requested_label, char *context,
                        size_t context_len, char *err);

/*
 * Logs and extends "flaxen: domain NAME label CONTEXT image sha256:HEX config
 * sha256:HEX" into pcr (its digest is the SHA-256 of that text): 0, or an
 * error with err (TPM_ERROR_LEN) saying why (the log is full; in enforcing
 * mode, the extend failed).
 */
int measured_boot_record(unsigned pcr, const char *name, unsigned id, const char *context,
                         const uint8_t image[32], const uint8_t config[32], char *err);

/*
 * Records a built domain before it may start: an event "flaxen: domain NAME
 * label CONTEXT image sha256:HEX config sha256:HEX" in PCR 11, whose digest
 * is the SHA-256 of that text. In enforcing mode a failed extend stops the
 * boot.
 */
void measured_boot_domain_started(const struct measured_domain *md, unsigned id,
                                  const char *context);

/*
 * After the boot-time domains are built: reads PCRs 10 and 11 back from the
 * TPM and compares them with the replay of the events logged (from zero, as
 * nothing before Flaxen extends them). A difference stops the boot.
 */
void measured_boot_check(void);

#define MEASURED_BOOT_LOG_MAX MIB(4) /* the event log grows up to this, from 64 KiB */
/* What an attestation writes besides the log: quote, signature, key (tpm2.c's bounds). */
#define ATTEST_FIXED_BYTES (1024 + 256 + 512)

/* The event log's current length (it grows as domains are sealed). */
size_t measured_boot_log_len(void);

/* The four parts of an attestation, in the order they are written. */
enum { ATTEST_QUOTE, ATTEST_SIGNATURE, ATTEST_KEY, ATTEST_LOG, ATTEST_PARTS };

/*
 * A quote of the SHA-256 PCRs in pcr_mask over nonce (1-64 bytes), by the
 * attestation key (created on first use, kept loaded), written to out (max
 * bytes) as quote, signature, the key's TPM2B_PUBLIC and the event log;
 * lens[] gets each part's length. 0; -ENODEV without a TPM; -ENOBUFS when
 * max is too small (lens[] still set); -EIO when the TPM fails. Any CPU, at
 * run time: the TPM is used under a lock, a few milliseconds per quote.
 */
int measured_boot_attest(const uint8_t *nonce, size_t nonce_len, uint32_t pcr_mask, uint8_t *out,
                         size_t max, uint32_t lens[ATTEST_PARTS]);

#endif
