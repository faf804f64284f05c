/*
 * flaxen-attest: a quote of the host's measured-boot PCRs for a remote
 * verifier, from dom0 (or any domain the policy grants flaxen:attest), over
 * XEN_SYSCTL_flaxen_attest. Flaxen's own; Xen has no such operation.
 *
 *   flaxen-attest [-p PCRS] [-o DIR] NONCE
 *
 *   NONCE   the verifier's challenge, 1-64 bytes in hex
 *   -p      the SHA-256 PCRs to quote, a hex mask of PCRs 0-23 (default fff: 0-11)
 *   -o DIR  writes DIR/quote (TPM2B_ATTEST), DIR/signature (TPMT_SIGNATURE),
 *           DIR/key (the attestation key's TPM2B_PUBLIC) and DIR/log (the TCG
 *           event log), the files flaxen-verify check reads
 *
 * Without -o the four parts go to standard output as text lines
 * "attest: PART OFFSET HEX" (40 bytes a line), for a console a verifier
 * captures. Exit status 0 on success; errors name the cause (a refusal by
 * the policy says so: the hypervisor's console has the AVC line).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/xencall.h"
#include "public/sysctl.h"

#define HC_SYSCTL 35
#define FIRST_BUFFER (128u * 1024u)
#define MAX_BUFFER (4u * 1024u * 1024u)

static struct xen_sysctl sc;

static int usage(void)
{
    fprintf(stderr, "usage: flaxen-attest [-p PCRS] [-o DIR] NONCE\n"
                    "  NONCE  1-64 bytes in hex; PCRS a hex mask of PCRs 0-23 (default fff)\n");
    return 2;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The nonce's bytes from hex text: their number, or -1 if it is not 1-64 bytes of hex. */
static int parse_nonce(const char *text, uint8_t *out)
{
    size_t len = strlen(text);

    if (len == 0 || len % 2 || len / 2 > sizeof(sc.u.flaxen_attest.nonce))
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (int)(len / 2);
}

/* A PCR mask in hex (PCRs 0-23, at least one): 0 if the text is not one. */
static uint32_t parse_mask(const char *text)
{
    uint32_t mask = 0;

    if (!*text || strlen(text) > 6)
        return 0;
    for (; *text; text++) {
        int digit = hex_digit(*text);
        if (digit < 0)
            return 0;
        mask = mask << 4 | (uint32_t)digit;
    }
    return mask;
}

static long attest(uint32_t mask, const uint8_t *nonce, int nonce_len, uint8_t *buffer,
                   uint32_t buffer_len)
{
    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_flaxen_attest;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sc.u.flaxen_attest.pcr_mask = mask;
    sc.u.flaxen_attest.nonce_len = (uint32_t)nonce_len;
    memcpy(sc.u.flaxen_attest.nonce, nonce, (size_t)nonce_len);
    sc.u.flaxen_attest.buffer = (uint64_t)(uintptr_t)buffer;
    sc.u.flaxen_attest.buffer_len = buffer_len;
    return xencall(HC_SYSCTL, (unsigned long)&sc, 0, 0, 0, 0);
}

static void print_part(const char *name, const uint8_t *bytes, uint32_t len)
{
    for (uint32_t off = 0; off < len; off += 40) {
        uint32_t n = len - off < 40 ? len - off : 40;
        printf("attest: %s %u ", name, off);
        for (uint32_t i = 0; i < n; i++)
            printf("%02x", bytes[off + i]);
        putchar('\n');
    }
}

static int write_part(const char *dir, const char *name, const uint8_t *bytes, uint32_t len)
{
    char path[4096];
    FILE *f;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        fprintf(stderr, "flaxen-attest: %s/%s: path too long\n", dir, name);
        return -1;
    }
    f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "flaxen-attest: writing %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *parts[4] = {"quote", "signature", "key", "log"};
    uint32_t mask = 0xfff, buffer_len = FIRST_BUFFER, lengths[4];
    uint8_t nonce[sizeof(sc.u.flaxen_attest.nonce)], *buffer = NULL;
    int opt, nonce_len;
    long rc;

    while ((opt = getopt(argc, argv, "p:o:h")) != -1) {
        if (opt == 'p' && (mask = parse_mask(optarg)) && mask < (1u << 24))
            continue;
        if (opt == 'p') {
            fprintf(stderr, "flaxen-attest: -p %s: want a hex mask of PCRs 0-23, not 0\n", optarg);
            return 2;
        }
        if (opt == 'o') {
            dir = optarg;
            continue;
        }
        return usage();
    }
    if (optind != argc - 1)
        return usage();
    nonce_len = parse_nonce(argv[optind], nonce);
    if (nonce_len < 0) {
        fprintf(stderr, "flaxen-attest: the nonce must be 1-64 bytes in hex\n");
        return 2;
    }
    /* One quote normally; a second only if the first buffer was too small. */
    for (;;) {
        free(buffer);
        buffer = malloc(buffer_len);
        if (!buffer) {
            fprintf(stderr, "flaxen-attest: out of memory (%u bytes)\n", buffer_len);
            return 1;
        }
        memset(buffer, 0, buffer_len); /* populated before the call: no fault-in */
        rc = attest(mask, nonce, nonce_len, buffer, buffer_len);
        if (rc != -ENOBUFS)
            break;
        uint64_t need = (uint64_t)sc.u.flaxen_attest.quote_len + sc.u.flaxen_attest.signature_len +
                        sc.u.flaxen_attest.key_len + sc.u.flaxen_attest.log_len;
        if (need <= buffer_len || need > MAX_BUFFER) {
            fprintf(stderr, "flaxen-attest: the hypervisor asks for %llu bytes\n",
                    (unsigned long long)need);
            return 1;
        }
        buffer_len = (uint32_t)need;
    }
    if (rc < 0) {
        fprintf(stderr, "flaxen-attest: %s%s\n", strerror((int)-rc),
                rc == -EACCES   ? " (refused by the security policy, flaxen:attest: see xl dmesg)"
                : rc == -ENODEV ? " (no TPM: the host booted without measured boot)"
                                : "");
        free(buffer);
        return 1;
    }
    lengths[0] = sc.u.flaxen_attest.quote_len;
    lengths[1] = sc.u.flaxen_attest.signature_len;
    lengths[2] = sc.u.flaxen_attest.key_len;
    lengths[3] = sc.u.flaxen_attest.log_len;
    if ((uint64_t)lengths[0] + lengths[1] + lengths[2] + lengths[3] > buffer_len) {
        fprintf(stderr, "flaxen-attest: the hypervisor's lengths exceed the buffer\n");
        free(buffer);
        return 1;
    }
    for (uint32_t i = 0, off = 0; i < 4; off += lengths[i], i++) {
        if (!dir)
            print_part(parts[i], buffer + off, lengths[i]);
        else if (write_part(dir, parts[i], buffer + off, lengths[i])) {
            free(buffer);
            return 1;
        }
    }
    free(buffer);
    return fflush(stdout) ? 1 : 0;
}
