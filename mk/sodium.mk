# Ed25519 signature verification for the hypervisor: Debian's arm64 libsodium.
#
# Only the objects behind crypto_sign_ed25519_verify_detached are taken from the
# package's libsodium.a (libsodium 1.0.18), with their code moved into the reserved
# FP/SIMD section (scripts/fpsimd-archive.sh): they use SIMD registers, and the
# hypervisor calls them only at boot, before any guest exists, to check the domain
# manifest's signature. What those objects need from outside
# (`aarch64-linux-gnu-nm -u`): memcpy, memmove, memset and the stack protector
# (xen/common), abort, sodium_memcmp, sodium_memzero and sodium_is_zero
# (xen/common/sodium_shim.c). The link fails if anything else is missing
# (--no-undefined).
#
# Exports
#   SODIUM_HYP_ARCHIVE    $(BUILD)/hyp/libsodium-ed25519.a
#   SODIUM_HOST_LIBS      -lsodium (host libsodium-dev) for unit tests and fuzzing

SODIUM_ARM64_A := $(BUILD)/cache/arm64/usr/lib/aarch64-linux-gnu/libsodium.a
SODIUM_HYP_ARCHIVE := $(BUILD)/hyp/libsodium-ed25519.a
SODIUM_HYP_WORK := $(BUILD)/hyp/libsodium.work
SODIUM_HOST_LIBS := -lsodium
SODIUM_MEMBERS := libsodium_la-open.o libsodium_la-sign.o libsodium_la-hash_sha512_cp.o \
	libsodium_la-verify.o libsodium_la-ed25519_ref10.o

$(SODIUM_ARM64_A):
	$(Q)scripts/deps.sh

$(SODIUM_HYP_ARCHIVE): $(SODIUM_ARM64_A) mk/sodium.mk scripts/fpsimd-archive.sh
	$(Q)HYP_CROSS=$(HYP_CROSS) scripts/fpsimd-archive.sh $@ $< $(SODIUM_HYP_WORK) $(SODIUM_MEMBERS)
