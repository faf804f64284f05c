/*
 * Host tests of the TPM 2.0 commands (xen/common/tpm2.c) and the event log
 * (xen/common/event_log.c).
 *
 * - A scripted TPM checks the exact command bytes (TCG TPM 2.0 Library, Part
 *   3) and feeds responses, including RETRY and malformed ones.
 * - A real software TPM: swtpm, manufactured with only the SHA-256 bank,
 *   reached over its TCP port (raw commands). Every command runs against it:
 *   a PCR extend reads back as SHA-256(old || digest), and a quote's
 *   signature verifies with OpenSSL under the attestation key the TPM gave,
 *   over the nonce and the PCR digest.
 * - The event log is parsed by tpm2_eventlog (tpm2-tools), which must list
 *   each event and replay the PCR values we computed.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <flaxen/event_log.h>
#include <flaxen/sha256.h>
#include <flaxen/tpm.h>

#include "unit.h"

/* ---------------------------------------------------------------- scripted TPM */

struct script {
    const char *expect_hex[8]; /* the commands expected, in order (NULL: any) */
    const char *reply_hex[8];  /* the responses */
    unsigned step, count;
    char mismatch[200];
};

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;

    for (; hex[0] && hex[1] && n < max; hex += 2) {
        unsigned v;
        while (*hex == ' ')
            hex++;
        if (!hex[0] || sscanf(hex, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
    }
    return n;
}

static int scripted(void *ctx, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max,
                    size_t *rsp_len, char *err)
{
    struct script *s = ctx;
    uint8_t want[TPM_BUFFER_SIZE];
    size_t n;

    if (s->step >= s->count) {
        snprintf(err, TPM_ERROR_LEN, "script: no more responses");
        return -5;
    }
    if (s->expect_hex[s->step]) {
        n = unhex(s->expect_hex[s->step], want, sizeof(want));
        if (n != len || memcmp(want, cmd, len))
            snprintf(s->mismatch, sizeof(s->mismatch), "command %u differs (%zu bytes, want %zu)",
                     s->step, len, n);
    }
    *rsp_len = unhex(s->reply_hex[s->step], rsp, max);
    s->step++;
    return 0;
}

static void test_command_bytes(struct unit *u)
{
    static struct tpm t;
    struct script s = {
        .expect_hex = {"8001 0000000c 00000144 0000", "8001 0000000c 0000017b 0020",
                       "8002 00000041 00000182 0000000a 00000009 40000009 0000 00 0000 00000001 "
                       "000b 1111111111111111111111111111111111111111111111111111111111111111",
                       "8001 00000014 0000017e 00000001 000b 03 000400",
                       "8001 0000000e 00000165 80000000"},
        .reply_hex = {"8001 0000000a 00000100", /* INITIALIZE: started already */
                      "8001 0000002c 00000000 0020 "
                      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                      "8002 00000013 00000000 00000000 0000 01 0000",
                      "8001 0000003e 00000000 00000018 00000001 000b 03 000400 00000001 0020 "
                      "abababababababababababababababababababababababababababababababab",
                      "8001 0000000a 00000000"},
        .count = 5,
    };
    uint8_t digest[32], random[32], pcr[32];
    char err[TPM_ERROR_LEN] = "";

    t.transmit = scripted;
    t.ctx = &s;
    memset(digest, 0x11, sizeof(digest));
    UNIT_CHECK_EQ(u, tpm2_startup(&t, err), 0);
    UNIT_CHECK_EQ(u, tpm2_get_random(&t, random, sizeof(random), err), 0);
    UNIT_CHECK(u, random[0] == 0 && random[31] == 0x1f);
    UNIT_CHECK_EQ(u, tpm2_pcr_extend_sha256(&t, 10, digest, err), 0);
    UNIT_CHECK_EQ(u, tpm2_pcr_read_sha256(&t, 10, pcr, err), 0);
    UNIT_CHECK(u, pcr[0] == 0xab && pcr[31] == 0xab);
    UNIT_CHECK_EQ(u, tpm2_flush_context(&t, 0x80000000, err), 0);
    UNIT_CHECK_MSG(u, !s.mismatch[0], "%s", s.mismatch);
}

static void test_retry_and_errors(struct unit *u)
{
    static struct tpm t;
    struct script s = {
        .reply_hex = {"8001 0000000a 00000922", "8001 0000000a 00000922",
                      "8001 0000000a 00000000",      /* Startup after two RETRYs */
                      "8001 0000000a 00000101",      /* Startup: a real failure */
                      "8001 0000000b 00000000",      /* a size that is not the length */
                      "8001 0000000e 00000000 0020", /* GetRandom: 32 bytes promised, none */
                      "8002 00000013 00000000"},     /* short, then an extend of PCR 30 */
        .count = 7,
    };
    uint8_t b[32] = {0};
    char err[TPM_ERROR_LEN] = "";

    t.transmit = scripted;
    t.ctx = &s;
    UNIT_CHECK_EQ(u, tpm2_startup(&t, err), 0);
    UNIT_CHECK_EQ(u, s.step, 3);
    UNIT_CHECK_EQ(u, tpm2_startup(&t, err), -EPROTO);
    UNIT_CHECK_MSG(u, strstr(err, "0x101"), "%s", err);
    UNIT_CHECK_EQ(u, tpm2_startup(&t, err), -EPROTO);
    UNIT_CHECK_EQ(u, tpm2_get_random(&t, b, 32, err), -EPROTO);
    UNIT_CHECK_EQ(u, tpm2_pcr_extend_sha256(&t, 30, b, err), -EINVAL);
    UNIT_CHECK_EQ(u, s.step, 6); /* the bad PCR never reached the TPM */
}

/* ---------------------------------------------------------------- swtpm */

struct swtpm {
    pid_t pid;
    int fd;
    char dir[64];
};

static int tcp_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max,
                        size_t *rsp_len, char *err)
{
    struct swtpm *sw = ctx;
    size_t got = 0, want = 10;

    if (write(sw->fd, cmd, len) != (ssize_t)len) {
        snprintf(err, TPM_ERROR_LEN, "swtpm: write failed");
        return -5;
    }
    while (got < want) {
        ssize_t n = read(sw->fd, rsp + got, want - got);
        if (n <= 0) {
            snprintf(err, TPM_ERROR_LEN, "swtpm: read failed");
            return -5;
        }
        got += (size_t)n;
        if (got == 10) {
            want = (size_t)rsp[2] << 24 | (size_t)rsp[3] << 16 | (size_t)rsp[4] << 8 | rsp[5];
            if (want < 10 || want > max) {
                snprintf(err, TPM_ERROR_LEN, "swtpm: response size %zu", want);
                return -5;
            }
        }
    }
    *rsp_len = got;
    return 0;
}

static bool start_swtpm(struct unit *u, struct swtpm *sw)
{
    char cmd[512], state[96];
    int port = 21000 + (int)(getpid() % 4000) * 2;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

    snprintf(sw->dir, sizeof(sw->dir), "/tmp/flaxen-swtpm-XXXXXX");
    if (!mkdtemp(sw->dir))
        return false;
    snprintf(cmd, sizeof(cmd),
             "swtpm_setup --tpm2 --tpmstate %s --pcr-banks sha256 --overwrite >%s/setup.log 2>&1",
             sw->dir, sw->dir);
    UNIT_CHECK_MSG(u, system(cmd) == 0, "swtpm_setup failed (see %s/setup.log)", sw->dir);
    snprintf(state, sizeof(state), "dir=%s", sw->dir);
    snprintf(cmd, sizeof(cmd), "type=tcp,port=%d,bindaddr=127.0.0.1", port);
    sw->pid = fork();
    if (sw->pid == 0) {
        char ctrl[64];
        snprintf(ctrl, sizeof(ctrl), "type=tcp,port=%d,bindaddr=127.0.0.1", port + 1);
        execlp("swtpm", "swtpm", "socket", "--tpm2", "--tpmstate", state, "--server", cmd, "--ctrl",
               ctrl, "--flags", "not-need-init,startup-clear", (char *)NULL);
        _exit(127);
    }
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    for (int tries = 0; tries < 100; tries++) {
        sw->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(sw->fd, (struct sockaddr *)&a, sizeof(a)) == 0)
            return true;
        close(sw->fd);
        usleep(50000);
    }
    UNIT_CHECK_MSG(u, false, "swtpm did not listen on port %d", port);
    return false;
}

static void stop_swtpm(struct swtpm *sw)
{
    char cmd[128];

    close(sw->fd);
    if (sw->pid > 0) {
        kill(sw->pid, SIGTERM);
        waitpid(sw->pid, NULL, 0);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", sw->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", sw->dir);
}

/* Verifies an ECDSA P-256 TPMT_SIGNATURE over attest with the AK's TPM2B_PUBLIC. */
static bool quote_signature_ok(const uint8_t *pub, size_t pub_len, const uint8_t *attest,
                               size_t attest_len, const uint8_t *sig, size_t sig_len)
{
    uint8_t point[65] = {4};
    size_t at = 2 + 2 + 2 + 4; /* size, type, nameAlg, attributes */
    size_t policy, xs, ys, rs, ss;
    bool ok = false;

    if (pub_len < at + 2)
        return false;
    policy = (size_t)pub[at] << 8 | pub[at + 1];
    at += 2 + policy + 2 + 4 + 2 + 2; /* policy, symmetric, scheme + hash, curve, kdf */
    if (at + 2 > pub_len)
        return false;
    xs = (size_t)pub[at] << 8 | pub[at + 1];
    if (xs != 32 || at + 2 + 32 + 2 > pub_len)
        return false;
    memcpy(point + 1, pub + at + 2, 32);
    at += 2 + 32;
    ys = (size_t)pub[at] << 8 | pub[at + 1];
    if (ys != 32 || at + 2 + 32 > pub_len)
        return false;
    memcpy(point + 33, pub + at + 2, 32);
    /* TPMT_SIGNATURE: sigAlg, hash, r, s */
    if (sig_len < 6)
        return false;
    rs = (size_t)sig[4] << 8 | sig[5];
    if (6 + rs + 2 > sig_len)
        return false;
    ss = (size_t)sig[6 + rs] << 8 | sig[7 + rs];
    if (8 + rs + ss != sig_len)
        return false;

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    unsigned char *der = NULL;
    int der_len;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    if (bld && pctx && es && md &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(pctx) == 1 &&
        EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
        ECDSA_SIG_set0(es, BN_bin2bn(sig + 6, (int)rs, NULL),
                       BN_bin2bn(sig + 8 + rs, (int)ss, NULL)) == 1 &&
        (der_len = i2d_ECDSA_SIG(es, &der)) > 0 &&
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
        ok = EVP_DigestVerify(md, der, (size_t)der_len, attest + 2, attest_len - 2) == 1;
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return ok;
}

static void test_against_swtpm(struct unit *u)
{
    static struct tpm t;
    static struct swtpm sw;
    struct tpm_bank banks[TPM_MAX_BANKS];
    unsigned count = 0;
    uint8_t before[32], after[32], expect[32], digest[32], both[64], random[48];
    uint8_t pub[512], attest[1024], sig[256], nonce[20];
    size_t pub_len, attest_len, sig_len;
    uint32_t ak = 0;
    char err[TPM_ERROR_LEN] = "";

    if (!start_swtpm(u, &sw))
        return;
    t.transmit = tcp_transmit;
    t.ctx = &sw;
    UNIT_CHECK_MSG(u, tpm2_startup(&t, err) == 0, "Startup: %s", err);
    UNIT_CHECK_EQ(u, t.last_rc, TPM_RC_INITIALIZE); /* swtpm started itself */
    UNIT_CHECK_MSG(u, tpm2_pcr_banks(&t, banks, TPM_MAX_BANKS, &count, err) == 0, "%s", err);
    for (unsigned b = 0; b < count; b++)
        UNIT_CHECK_MSG(u,
                       banks[b].alg == TPM_ALG_SHA256 ? banks[b].pcr_mask == 0xffffff
                                                      : banks[b].pcr_mask == 0,
                       "bank %#x: PCRs %#x", banks[b].alg, banks[b].pcr_mask);
    UNIT_CHECK_MSG(u, tpm2_get_random(&t, random, sizeof(random), err) == 0, "%s", err);

    sha256_digest("flaxen", 6, digest);
    UNIT_CHECK_MSG(u, tpm2_pcr_read_sha256(&t, 10, before, err) == 0, "%s", err);
    UNIT_CHECK_MSG(u, tpm2_pcr_extend_sha256(&t, 10, digest, err) == 0, "%s", err);
    UNIT_CHECK_MSG(u, tpm2_pcr_read_sha256(&t, 10, after, err) == 0, "%s", err);
    memcpy(both, before, 32);
    memcpy(both + 32, digest, 32);
    sha256_digest(both, 64, expect);
    UNIT_CHECK_MSG(u, !memcmp(after, expect, 32), "PCR 10 is not SHA-256(old || digest)");

    UNIT_CHECK_MSG(u, tpm2_create_ak(&t, &ak, pub, sizeof(pub), &pub_len, err) == 0, "%s", err);
    memset(nonce, 0x5a, sizeof(nonce));
    UNIT_CHECK_MSG(u,
                   tpm2_quote(&t, ak, nonce, sizeof(nonce), 1u << 10, attest, sizeof(attest),
                              &attest_len, sig, sizeof(sig), &sig_len, err) == 0,
                   "Quote: %s", err);
    /* TPMS_ATTEST: magic, type, qualifiedSigner, extraData (the nonce), ..., pcrDigest last. */
    UNIT_CHECK(u, attest_len > 2 + 6 && !memcmp(attest + 2, "\xff\x54\x43\x47\x80\x18", 6));
    UNIT_CHECK(u, memmem(attest, attest_len, nonce, sizeof(nonce)) != NULL);
    sha256_digest(after, 32, expect); /* the digest of the one PCR quoted */
    UNIT_CHECK_MSG(u, attest_len > 32 && !memcmp(attest + attest_len - 32, expect, 32),
                   "the quote's PCR digest is not SHA-256(PCR 10)");
    UNIT_CHECK_MSG(u, quote_signature_ok(pub, pub_len, attest, attest_len, sig, sig_len),
                   "the quote's signature does not verify with the AK");
    attest[20] ^= 1;
    UNIT_CHECK(u, !quote_signature_ok(pub, pub_len, attest, attest_len, sig, sig_len));
    UNIT_CHECK_MSG(u, tpm2_flush_context(&t, ak, err) == 0, "%s", err);
    UNIT_CHECK_EQ(u, tpm2_flush_context(&t, ak, err), -EPROTO); /* gone */
    stop_swtpm(&sw);
}

/* ---------------------------------------------------------------- event log */

static void test_event_log_parses(struct unit *u)
{
    static uint8_t buf[4096];
    struct event_log log;
    uint8_t d1[32], d2[32], pcr[64], expect[32];
    char path[] = "/tmp/flaxen-eventlog-XXXXXX", cmd[256], line[512];
    int fd;
    FILE *out;
    bool saw_event = false, saw_pcr = false;

    UNIT_CHECK_EQ(u, event_log_init(&log, buf, sizeof(buf)), 0);
    sha256_digest("policy", 6, d1);
    sha256_digest("domain", 6, d2);
    UNIT_CHECK_EQ(u, event_log_append(&log, 10, EV_IPL, d1, "flask policy", 13), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 10, EV_IPL, d2, "domain dom0", 12), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 11, EV_IPL, d2, NULL, 0), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 11, EV_IPL, d2, buf, sizeof(buf)), -ENOSPC);
    fd = mkstemp(path);
    UNIT_CHECK(u, fd >= 0 && write(fd, buf, log.len) == (ssize_t)log.len);
    close(fd);
    /* PCR 10 replayed: SHA-256(SHA-256(0^32 || d1) || d2). */
    memset(pcr, 0, 32);
    memcpy(pcr + 32, d1, 32);
    sha256_digest(pcr, 64, expect);
    memcpy(pcr, expect, 32);
    memcpy(pcr + 32, d2, 32);
    sha256_digest(pcr, 64, expect);
    snprintf(cmd, sizeof(cmd), "tpm2_eventlog %s 2>&1", path);
    out = popen(cmd, "r");
    UNIT_CHECK(u, out != NULL);
    while (out && fgets(line, sizeof(line), out)) {
        char hex[65];
        for (int i = 0; i < 32; i++)
            sprintf(hex + 2 * i, "%02x", expect[i]);
        if (strstr(line, "domain dom0"))
            saw_event = true;
        if (strstr(line, hex))
            saw_pcr = true;
    }
    UNIT_CHECK_MSG(u, out && pclose(out) == 0, "tpm2_eventlog refused the log");
    UNIT_CHECK_MSG(u, saw_event, "tpm2_eventlog did not list the event");
    UNIT_CHECK_MSG(u, saw_pcr, "tpm2_eventlog's replay of PCR 10 differs from ours");
    unlink(path);
}

static unsigned grows;
static uint8_t *initial_buffer;

static uint8_t *grow_with_malloc(uint8_t *old, size_t len, size_t want)
{
    uint8_t *bigger = malloc(want);

    if (!bigger)
        return NULL;
    memcpy(bigger, old, len);
    if (old != initial_buffer)
        free(old);
    grows++;
    return bigger;
}

/* A log that starts in 200 bytes grows to hold 100 events, stops at its limit, and parses. */
static void test_event_log_grows(struct unit *u)
{
    static uint8_t small[200];
    struct event_log log;
    uint8_t digest[32], pcr[64];
    char path[] = "/tmp/flaxen-eventlog-XXXXXX", cmd[256], line[512], hex[65];
    unsigned appended = 0;
    bool saw_pcr = false;
    int fd;
    FILE *out;

    initial_buffer = small;
    memset(digest, 0, sizeof(digest));
    memset(pcr, 0, sizeof(pcr)); /* PCR 12 from zero, then the first event's zero digest */
    UNIT_CHECK_EQ(u, event_log_init(&log, small, sizeof(small)), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 12, EV_IPL, digest, "x", 2), 0); /* fits as it is */
    sha256_digest(pcr, 64, pcr);
    log.limit = 16384;
    log.grow = grow_with_malloc;
    for (unsigned i = 0; i < 1000; i++) {
        char text[64];
        snprintf(text, sizeof(text), "event %u", i);
        sha256_digest(text, strlen(text), digest);
        if (event_log_append(&log, 12, EV_IPL, digest, text, strlen(text) + 1))
            break;
        memcpy(pcr + 32, digest, 32);
        sha256_digest(pcr, 64, pcr);
        appended++;
    }
    UNIT_CHECK_MSG(u, appended > 100 && appended < 1000, "%u events before the limit", appended);
    UNIT_CHECK(u, grows >= 6 && log.max == 16384 && log.len <= 16384);
    fd = mkstemp(path);
    UNIT_CHECK(u, fd >= 0 && write(fd, log.buf, log.len) == (ssize_t)log.len);
    close(fd);
    for (int i = 0; i < 32; i++)
        sprintf(hex + 2 * i, "%02x", pcr[i]);
    snprintf(cmd, sizeof(cmd), "tpm2_eventlog %s 2>&1", path);
    out = popen(cmd, "r");
    while (out && fgets(line, sizeof(line), out))
        saw_pcr |= strstr(line, hex) != NULL;
    UNIT_CHECK_MSG(u, out && pclose(out) == 0, "tpm2_eventlog refused the grown log");
    UNIT_CHECK_MSG(u, saw_pcr, "tpm2_eventlog's replay of PCR 12 differs from ours");
    unlink(path);
    if (log.buf != small)
        free(log.buf);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_event_log_grows),  UNIT_CASE(test_command_bytes),
    UNIT_CASE(test_retry_and_errors), UNIT_CASE(test_against_swtpm),
    UNIT_CASE(test_event_log_parses), {0},
};
