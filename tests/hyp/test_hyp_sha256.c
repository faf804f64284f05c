/*
 * Host tests of the hypervisor's SHA-256 (xen/common/sha256.c): FIPS 180-4
 * example digests, and OpenSSL's digest for every length up to 1100 bytes
 * and random messages fed in random pieces. The arm64 instructions version is
 * checked at boot against the portable one (sha256_use_blocks) and by the
 * boot tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <flaxen/sha256.h>

#include "unit.h"

static void hex(const uint8_t *d, char out[65])
{
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void openssl_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;

    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != 32)
        abort();
}

static void test_fips_examples(struct unit *u)
{
    static const struct {
        const char *message;
        const char *digest;
    } examples[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    uint8_t d[32];
    char text[65];

    for (unsigned i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
        sha256_digest(examples[i].message, strlen(examples[i].message), d);
        hex(d, text);
        UNIT_CHECK_MSG(u, !strcmp(text, examples[i].digest), "\"%s\": %s", examples[i].message,
                       text);
    }
}

static void test_million_a(struct unit *u)
{
    struct sha256_ctx ctx;
    uint8_t chunk[1000], d[32];
    char text[65];

    memset(chunk, 'a', sizeof(chunk));
    sha256_init(&ctx);
    for (unsigned i = 0; i < 1000; i++)
        sha256_update(&ctx, chunk, sizeof(chunk));
    sha256_final(&ctx, d);
    hex(d, text);
    UNIT_CHECK_MSG(
        u, !strcmp(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        "a x 10^6: %s", text);
}

static void test_every_length_matches_openssl(struct unit *u)
{
    static uint8_t message[1100];
    uint8_t ours[32], theirs[32];
    unsigned bad = 0;

    for (size_t i = 0; i < sizeof(message); i++)
        message[i] = (uint8_t)(i * 167 + 13);
    for (size_t len = 0; len <= sizeof(message); len++) {
        sha256_digest(message, len, ours);
        openssl_sha256(message, len, theirs);
        if (memcmp(ours, theirs, 32) && bad++ < 5)
            UNIT_CHECK_MSG(u, false, "length %zu differs from OpenSSL", len);
    }
    UNIT_CHECK_EQ(u, bad, 0);
}

static void test_random_pieces_match_openssl(struct unit *u)
{
    static uint8_t message[70000];
    uint8_t ours[32], theirs[32];
    unsigned seed = 12345;

    srand(seed);
    for (unsigned round = 0; round < 200; round++) {
        size_t len = (size_t)rand() % sizeof(message);
        struct sha256_ctx ctx;

        for (size_t i = 0; i < len; i++)
            message[i] = (uint8_t)rand();
        sha256_init(&ctx);
        for (size_t done = 0; done < len;) {
            size_t piece = (size_t)rand() % 200;

            if (piece > len - done)
                piece = len - done;
            sha256_update(&ctx, message + done, piece);
            done += piece;
        }
        sha256_final(&ctx, ours);
        openssl_sha256(message, len, theirs);
        UNIT_CHECK_MSG(u, !memcmp(ours, theirs, 32), "round %u (%zu bytes) differs", round, len);
    }
}

/* A block function that gets one state word wrong after the first block. */
static void broken_blocks(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    sha256_blocks_portable(state, data, blocks);
    if (blocks > 1)
        state[5] ^= 1;
}

static size_t counted;

static void counting_blocks(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    counted += blocks;
    sha256_blocks_portable(state, data, blocks);
}

static void test_accelerated_function_is_checked(struct unit *u)
{
    uint8_t d[32], expect[32];

    UNIT_CHECK(u, !sha256_accelerated());
    UNIT_CHECK(u, !sha256_use_blocks(broken_blocks)); /* refused: a digest differs */
    UNIT_CHECK(u, !sha256_accelerated());
    UNIT_CHECK(u, sha256_use_blocks(counting_blocks));
    UNIT_CHECK(u, sha256_accelerated());
    counted = 0;
    sha256_digest("abc", 3, d);
    openssl_sha256("abc", 3, expect);
    UNIT_CHECK(u, !memcmp(d, expect, 32));
    UNIT_CHECK_EQ(u, counted, 1); /* the registered function did the work */
    UNIT_CHECK(u, sha256_use_blocks(NULL));
    UNIT_CHECK(u, !sha256_accelerated());
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_fips_examples),
    UNIT_CASE(test_million_a),
    UNIT_CASE(test_every_length_matches_openssl),
    UNIT_CASE(test_random_pieces_match_openssl),
    UNIT_CASE(test_accelerated_function_is_checked),
    {0},
};
