/*
 * Ed25519 signature verification: libsodium's, linked from Debian's arm64
 * libsodium.a into the hypervisor (mk/sodium.mk) and from the host's into
 * host tools and tests. Uses FP/SIMD registers in the hypervisor: boot only.
 */
#ifndef FLAXEN_ED25519_H
#define FLAXEN_ED25519_H

/* 0 when sig (64 bytes) is pk's (32 bytes) signature of the mlen bytes at m. */
int crypto_sign_ed25519_verify_detached(const unsigned char *sig, const unsigned char *m,
                                        unsigned long long mlen, const unsigned char *pk);

#endif
