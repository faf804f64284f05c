/*
 * SHA-256 (FIPS 180-4) for measurements: the hypervisor image's policy,
 * manifest and domain images, and the TPM's event log.
 *
 * The portable C compression function is always there; an architecture
 * that has SHA-256 instructions registers its own block function after
 * checking it against the portable one (sha256_use_blocks). Such a function
 * must leave every register the rest of the hypervisor or a vCPU relies on
 * as it found it: on arm64 it saves and restores the FP/SIMD registers around
 * its work (STYLE.md's FP/SIMD bracket).
 */
#ifndef FLAXEN_SHA256_H
#define FLAXEN_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[SHA256_BLOCK_SIZE];
    size_t used; /* bytes of block filled */
};

/* Compresses `blocks` 64-byte blocks at data into state. */
typedef void sha256_blocks_fn(uint32_t state[8], const uint8_t *data, size_t blocks);

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and wipes the context. */
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);
/* One call: the digest of len bytes at data. */
void sha256_digest(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

/* The portable compression function (also what an accelerated one is tested against). */
void sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/*
 * Use fn for whole blocks from now on (NULL: the portable function again).
 * It is checked first against the portable function on a set of messages;
 * returns false, and keeps the current function, when any digest differs.
 */
bool sha256_use_blocks(sha256_blocks_fn *fn);

/* Whether an accelerated function is in use. */
bool sha256_accelerated(void);

#endif
