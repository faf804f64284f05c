/*
 * Host tests of the signed domain manifest (xen/common/manifest.c): Ed25519
 * against RFC 8032's test vectors (libsodium, the library the hypervisor
 * links, and OpenSSL agree on each), manifests signed with OpenSSL and
 * checked by the hypervisor's code, every truncation and every single-byte
 * change refused, and each structural error named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include <flaxen/manifest.h>
#include <flaxen/sha256.h>

#include "measured-boot/manifest_writer.h"
#include "unit.h"

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            abort();
        out[i] = (uint8_t)v;
    }
}

/* An OpenSSL Ed25519 key from a 32-byte seed, and its public key. */
static EVP_PKEY *key_from_seed(const uint8_t seed[32], uint8_t pub[32])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    size_t n = 32;

    if (!key || !EVP_PKEY_get_raw_public_key(key, pub, &n) || n != 32)
        abort();
    return key;
}

static void openssl_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = 64;

    if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
        EVP_DigestSign(ctx, sig, &n, msg, len) != 1 || n != 64)
        abort();
    EVP_MD_CTX_free(ctx);
}

static void test_rfc8032_vectors(struct unit *u)
{
    static const struct {
        const char *seed, *pub, *msg, *sig;
    } v[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
         "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };

    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t seed[32], pub[32], derived[32], sig[64], ours[64], msg[2];
        size_t len = strlen(v[i].msg) / 2;
        EVP_PKEY *key;

        unhex(v[i].seed, seed, 32);
        unhex(v[i].pub, pub, 32);
        unhex(v[i].sig, sig, 64);
        unhex(v[i].msg, msg, len);
        key = key_from_seed(seed, derived);
        UNIT_CHECK_MSG(u, !memcmp(pub, derived, 32), "vector %u: OpenSSL's public key differs", i);
        openssl_sign(key, msg, len, ours);
        UNIT_CHECK_MSG(u, !memcmp(sig, ours, 64), "vector %u: OpenSSL's signature differs", i);
        UNIT_CHECK_MSG(u, crypto_sign_ed25519_verify_detached(sig, msg, len, pub) == 0,
                       "vector %u: libsodium refuses it", i);
        sig[i * 7] ^= 0x10;
        UNIT_CHECK_MSG(u, crypto_sign_ed25519_verify_detached(sig, msg, len, pub) != 0,
                       "vector %u: a changed signature verifies", i);
        EVP_PKEY_free(key);
    }
}

static void fill(struct manifest *m, const uint8_t pub[32])
{
    static const char *const names[] = {"dom0", "guest-a", "guest.b"};
    static const char *const labels[] = {"system_u:system_r:dom0_t", "system_u:system_r:domU_t",
                                         "system_u:system_r:domU_t"};

    memset(m, 0, sizeof(*m));
    m->serial = 0x0102030405060708ull;
    manifest_key_id(pub, m->key_id);
    m->count = 3;
    for (unsigned i = 0; i < 3; i++) {
        struct manifest_entry *e = &m->entries[i];
        char text[32];

        snprintf(e->name, sizeof(e->name), "%s", names[i]);
        snprintf(e->label, sizeof(e->label), "%s", labels[i]);
        if (i == 2)
            snprintf(e->mls, sizeof(e->mls), "s0-s3:c0.c7");
        snprintf(text, sizeof(text), "image %u", i);
        sha256_digest(text, strlen(text), e->image_sha256);
        snprintf(text, sizeof(text), "console=hvc0 n=%u", i);
        sha256_digest(text, strlen(text), e->config_sha256);
    }
}

/* A signed manifest of m (malloc'ed), *len bytes. */
static uint8_t *signed_manifest(EVP_PKEY *key, const struct manifest *m, size_t *len)
{
    size_t body;
    uint8_t *unsigned_part = manifest_write_unsigned(m, &body);
    uint8_t *full;

    if (!unsigned_part)
        abort();
    full = realloc(unsigned_part, body + 64);
    if (!full)
        abort();
    openssl_sign(key, full, body, full + body);
    *len = body + 64;
    return full;
}

static struct manifest parsed; /* 41 KiB: not on the stack */

static void test_signed_manifest_round_trip(struct unit *u)
{
    uint8_t seed[32] = {1, 2, 3}, pub[32], other_seed[32] = {9}, other_pub[32];
    EVP_PKEY *key = key_from_seed(seed, pub), *other = key_from_seed(other_seed, other_pub);
    static struct manifest m;
    size_t len, where = 0;
    uint8_t *data;

    fill(&m, pub);
    data = signed_manifest(key, &m, &len);
    UNIT_CHECK_EQ(u, manifest_parse(data, len, &parsed, &where), MANIFEST_OK);
    UNIT_CHECK_EQ(u, parsed.count, 3);
    UNIT_CHECK(u, parsed.serial == m.serial);
    UNIT_CHECK(u, !memcmp(parsed.entries, m.entries, 3 * sizeof(m.entries[0])));
    UNIT_CHECK_EQ(u, manifest_check_signature(data, len, pub), MANIFEST_OK);
    UNIT_CHECK_EQ(u, manifest_check_signature(data, len, other_pub), MANIFEST_EKEY);
    UNIT_CHECK(u, manifest_find(&parsed, "guest-a") == &parsed.entries[1]);
    UNIT_CHECK(u, !manifest_find(&parsed, "guest-c"));
    UNIT_CHECK(u, !manifest_find(&parsed, "guest"));
    UNIT_CHECK(u, !strcmp(parsed.entries[2].mls, "s0-s3:c0.c7"));
    UNIT_CHECK(u, !strcmp(parsed.entries[0].mls, ""));
    free(data);

    /* The key id says pub, the signature is another key's: the signature check fails. */
    data = signed_manifest(other, &m, &len);
    UNIT_CHECK_EQ(u, manifest_parse(data, len, &parsed, NULL), MANIFEST_OK);
    UNIT_CHECK_EQ(u, manifest_check_signature(data, len, pub), MANIFEST_ESIGNATURE);
    free(data);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}

static void test_every_corruption_refused(struct unit *u)
{
    uint8_t seed[32] = {4, 5, 6}, pub[32];
    EVP_PKEY *key = key_from_seed(seed, pub);
    static struct manifest m;
    size_t len;
    uint8_t *data;
    unsigned accepted = 0;

    fill(&m, pub);
    data = signed_manifest(key, &m, &len);
    for (size_t cut = 0; cut < len; cut++)
        if (manifest_parse(data, cut, &parsed, NULL) == MANIFEST_OK)
            accepted++;
    UNIT_CHECK_MSG(u, accepted == 0, "%u truncations parsed", accepted);
    for (size_t at = 0; at < len; at++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            data[at] ^= (uint8_t)(1u << bit);
            if (manifest_parse(data, len, &parsed, NULL) == MANIFEST_OK &&
                manifest_check_signature(data, len, pub) == MANIFEST_OK && accepted++ < 3)
                UNIT_CHECK_MSG(u, false, "byte %zu bit %u changed, still accepted", at, bit);
            data[at] ^= (uint8_t)(1u << bit);
        }
    }
    UNIT_CHECK_EQ(u, accepted, 0);
    UNIT_CHECK_EQ(u, manifest_check_signature(data, len, pub), MANIFEST_OK); /* restored */
    free(data);
    EVP_PKEY_free(key);
}

/* The unsigned bytes of m with a fake signature: structure checks only. */
static enum manifest_error parse_changed(struct manifest *m, void (*change)(uint8_t *, size_t),
                                         size_t extra)
{
    size_t body;
    uint8_t *data = manifest_write_unsigned(m, &body);
    enum manifest_error rc;

    if (!data)
        return MANIFEST_OK + 100;
    uint8_t *grown = realloc(data, body + 64 + extra);
    if (!grown)
        abort();
    data = grown;
    memset(data + body, 0x5a, 64 + extra);
    if (change)
        change(data, body);
    rc = manifest_parse(data, body + 64 + extra, &parsed, NULL);
    free(data);
    return rc;
}

static void bad_magic(uint8_t *d, size_t n)
{
    (void)n;
    d[3] = 'X';
}
static void bad_version(uint8_t *d, size_t n)
{
    (void)n;
    d[8] = 2;
}
static void zero_count(uint8_t *d, size_t n)
{
    (void)n;
    d[16] = 0;
}
static void reserved_header(uint8_t *d, size_t n)
{
    (void)n;
    d[50] = 1;
}
static void entry_flags(uint8_t *d, size_t n)
{
    (void)n;
    d[64 + 10] = 1;
}
static void entry_size_odd(uint8_t *d, size_t n)
{
    (void)n;
    d[64] += 1;
}
static void padding_byte(uint8_t *d, size_t n)
{
    d[n - 1] = 1; /* the last entry's padding: "guest.b" + label + range leave some */
}

static void test_structural_errors_named(struct unit *u)
{
    uint8_t pub[32] = {0};
    static struct manifest m;

    fill(&m, pub);
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_OK);
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 1), MANIFEST_ESIZE); /* a byte after it */
    UNIT_CHECK_EQ(u, parse_changed(&m, bad_magic, 0), MANIFEST_EMAGIC);
    UNIT_CHECK_EQ(u, parse_changed(&m, bad_version, 0), MANIFEST_EVERSION);
    UNIT_CHECK_EQ(u, parse_changed(&m, zero_count, 0), MANIFEST_ECOUNT);
    UNIT_CHECK_EQ(u, parse_changed(&m, reserved_header, 0), MANIFEST_ERESERVED);
    UNIT_CHECK_EQ(u, parse_changed(&m, entry_flags, 0), MANIFEST_ERESERVED);
    UNIT_CHECK_EQ(u, parse_changed(&m, entry_size_odd, 0), MANIFEST_ESIZE);
    UNIT_CHECK_EQ(u, parse_changed(&m, padding_byte, 0), MANIFEST_ERESERVED);

    fill(&m, pub);
    strcpy(m.entries[1].name, "bad name");
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_ENAME);
    fill(&m, pub);
    m.entries[1].label[0] = '\0';
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_ELABEL);
    fill(&m, pub);
    strcpy(m.entries[2].mls, "s0 -s3");
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_ELABEL);
    fill(&m, pub);
    strcpy(m.entries[2].name, "dom0");
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_EDUPLICATE);
    fill(&m, pub);
    memcpy(m.entries[2].image_sha256, m.entries[0].image_sha256, 32);   /* one image and config, */
    memcpy(m.entries[2].config_sha256, m.entries[0].config_sha256, 32); /* two names: fine */
    UNIT_CHECK_EQ(u, parse_changed(&m, NULL, 0), MANIFEST_OK);
    UNIT_CHECK(u, *manifest_strerror(MANIFEST_EDUPLICATE) != '\0');
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_rfc8032_vectors),
    UNIT_CASE(test_signed_manifest_round_trip),
    UNIT_CASE(test_every_corruption_refused),
    UNIT_CASE(test_structural_errors_named),
    {0},
};
