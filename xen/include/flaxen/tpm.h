/*
 * TPM 2.0: the TIS transport (xen/drivers/tpm_tis.c) and the commands
 * measured boot needs (xen/common/tpm2.c). Structures and numbers are the
 * TCG TPM 2.0 Library's (Part 2); every field on the wire is big-endian.
 *
 * The commands are portable C over a transport function, so the host tests
 * run them against a scripted TPM and against swtpm.
 */
#ifndef FLAXEN_TPM_H
#define FLAXEN_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TPM_ERROR_LEN 160
#define TPM_BUFFER_SIZE 4096 /* the largest command or response handled */

#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000b
#define TPM_ALG_SHA384 0x000c
#define TPM_ALG_SHA512 0x000d

#define TPM_RC_SUCCESS 0x000
#define TPM_RC_INITIALIZE 0x100 /* Startup when the TPM is started already */
#define TPM_RC_RETRY 0x922
#define TPM_RC_YIELDED 0x908
#define TPM_RC_TESTING 0x90a

#define TPM_MAX_BANKS 8
#define TPM_MAX_PCRS 24

/* Sends a command (len bytes) and receives the whole response; 0 or -EIO with err set. */
typedef int tpm_transmit_fn(void *ctx, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max,
                            size_t *rsp_len, char *err);

struct tpm {
    tpm_transmit_fn *transmit;
    void *ctx;
    uint32_t last_rc; /* the TPM's response code of the last command, for messages */
    uint8_t cmd[TPM_BUFFER_SIZE];
    uint8_t rsp[TPM_BUFFER_SIZE];
};

struct tpm_bank {
    uint16_t alg;      /* TPM_ALG_* */
    uint32_t pcr_mask; /* bit n: PCR n allocated in this bank */
};

/*
 * Each returns 0, -EIO (the transport failed: err says how) or -EPROTO (the
 * TPM answered with an error, in t->last_rc, or with a malformed response).
 * Commands answered TPM_RC_RETRY, YIELDED or TESTING are sent again, up to
 * 20 times.
 */
int tpm2_startup(struct tpm *t, char *err); /* TPM_RC_INITIALIZE counts as success */
int tpm2_pcr_banks(struct tpm *t, struct tpm_bank *banks, unsigned max, unsigned *count, char *err);
int tpm2_get_random(struct tpm *t, uint8_t *out, size_t len, char *err);
int tpm2_pcr_extend_sha256(struct tpm *t, unsigned pcr, const uint8_t digest[32], char *err);
int tpm2_pcr_read_sha256(struct tpm *t, unsigned pcr, uint8_t digest[32], char *err);

/*
 * An attestation key: CreatePrimary under the endorsement hierarchy with a
 * fixed template (ECC P-256, ECDSA with SHA-256, restricted signing, fixed to
 * this TPM), so the same TPM always gives the same key. pub receives the
 * TPM2B_PUBLIC as the TPM returned it (size prefix included).
 */
int tpm2_create_ak(struct tpm *t, uint32_t *handle, uint8_t *pub, size_t pub_max, size_t *pub_len,
                   char *err);

/*
 * Quote over the SHA-256 PCRs in pcr_mask with qualifying data nonce
 * (at most 64 bytes). attest receives the TPM2B_ATTEST, sig the TPMT_SIGNATURE,
 * both as the TPM returned them.
 */
int tpm2_quote(struct tpm *t, uint32_t ak, const uint8_t *nonce, size_t nonce_len,
               uint32_t pcr_mask, uint8_t *attest, size_t attest_max, size_t *attest_len,
               uint8_t *sig, size_t sig_max, size_t *sig_len, char *err);
int tpm2_flush_context(struct tpm *t, uint32_t handle, char *err);

/* The TIS transport: the registers at base (mapped), locality 0. */
int tpm_tis_init(uint64_t base, uint32_t *did_vid, char *err);
int tpm_tis_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max, size_t *rsp_len,
                     char *err);

#endif
