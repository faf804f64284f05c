/*
 * flaxen-verify: does a host run what its deployment expects?
 *
 *   flaxen-verify check --quote Q --signature S --key K --log L --nonce HEX
 *                       [--enrolled-key FILE] [--golden FILE]
 *       Q, S, K: the TPM2B_ATTEST, TPMT_SIGNATURE and TPM2B_PUBLIC of an attestation
 *       (XEN_SYSCTL_flaxen_attest), L its TCG crypto-agile event log. Checks the key
 *       (against the enrolled one when given), the quote's signature, that a TPM made it,
 *       the nonce, that the quoted PCR digest is the replay of the log, and each measured
 *       component against the golden values. Prints every check, then
 *       "VERDICT: TRUSTED" (exit 0) or "VERDICT: UNTRUSTED" naming what differs (exit 1).
 *   flaxen-verify golden --cmdline TEXT --policy FILE --manifest FILE [--boot NAME]...
 *       The golden values the build predicts for Flaxen's PCRs: one line per event,
 *       "PCR sha256:HEX TEXT" (docs/security/measured-boot.md has the events): PCR 10,
 *       PCR 11 for each boot-time domain (--boot; without it, every manifest entry), and,
 *       as "12?" (allowed, not required), every entry a toolstack may seal at run time.
 *   flaxen-verify record --log L [--pcrs FIRST-LAST]
 *       The events of those PCRs (default 0-7, the firmware's) of a reference boot's log
 *       as golden lines, "PCR sha256:HEX DESCRIPTION", for check --golden; EFI
 *       applications excepted (predicted instead: authenticode).
 *   flaxen-verify authenticode FILE
 *       The Authenticode SHA-256 of a PE/COFF image: what UEFI firmware measures into
 *       PCR 4 when it loads it as an EFI application.
 *
 * TPM structures are read with TPM2-TSS (libtss2-mu), signatures checked with OpenSSL.
 * Exit status 2: a usage or input error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <tss2/tss2_mu.h>

#include <flaxen/event_log.h>
#include <flaxen/manifest.h>
#include <flaxen/sha256.h>

#include "authenticode.h"
#include "tool.h"

#define MAX_EVENTS 1024
#define TEXT_MAX 1024

#define INPUT_MAX (64u << 20) /* quotes, keys, logs, golden files: at most 64 MiB */
static unsigned failures;
static char failed_names[2048];
static uint32_t quoted_pcrs; /* the SHA-256 PCRs the quote covers: only their events are proven */

static void result(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    printf("  %s %s", ok ? "OK  " : "FAIL", name);
    if (fmt) {
        printf(": ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
    if (!ok) {
        failures++;
        if (strlen(failed_names) + strlen(name) + 3 < sizeof(failed_names)) {
            if (failed_names[0])
                strcat(failed_names, "; ");
            strcat(failed_names, name);
        }
    }
}

static int parse_hex(const char *text, uint8_t *out, size_t max)
{
    size_t n = strlen(text) / 2;

    if (strlen(text) % 2 || n == 0 || n > max)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)n;
}

/* ---------------------------------------------------------------- the event log */

struct event {
    uint32_t pcr, type;
    uint8_t sha256[32];
    char text[TEXT_MAX]; /* the event data as text (printable bytes, up to a NUL) */
    char desc[TEXT_MAX]; /* what it measured, for people and golden files (describe()) */
};

static struct event events[MAX_EVENTS];
static unsigned nr_events;

#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define EV_EFI_VARIABLE_AUTHORITY 0x800000e0u

/*
 * One line for an event: its text when the data is text (GRUB's and Flaxen's
 * events, EV_EFI_ACTION), else what the TCG PC Client firmware profile says
 * it holds: an EFI variable by name, an EFI application, a separator.
 */
static void describe(uint32_t type, const uint8_t *data, uint32_t size, char *out, size_t max)
{
    size_t n = size && !data[size - 1] ? size - 1 : size;
    bool text = n > 0 && n < max;

    for (size_t i = 0; text && i < n; i++)
        text = data[i] >= 0x20 && data[i] < 0x7f;
    if (text) {
        snprintf(out, max, "%.*s", (int)n, (const char *)data);
    } else if ((type == EV_EFI_VARIABLE_DRIVER_CONFIG || type == EV_EFI_VARIABLE_BOOT ||
                type == EV_EFI_VARIABLE_AUTHORITY) &&
               size >= 32) {
        /* UEFI_VARIABLE_DATA: GUID, name length (UTF-16 units), data length, name, data */
        uint64_t chars = 0;
        size_t at = 0;

        memcpy(&chars, data + 16, 8);
        at = (size_t)snprintf(out, max, "EFI variable ");
        for (uint64_t i = 0; i < chars && 32 + 2 * i + 1 < size && at + 1 < max; i++) {
            uint8_t c = data[32 + 2 * i];
            out[at++] = c >= 0x20 && c < 0x7f && !data[32 + 2 * i + 1] ? (char)c : '?';
        }
        out[at] = '\0';
    } else if (type == EV_EFI_BOOT_SERVICES_APPLICATION) {
        snprintf(out, max, "EFI application (PE image, Authenticode)");
    } else if (type == EV_EFI_PLATFORM_FIRMWARE_BLOB) {
        snprintf(out, max, "firmware blob");
    } else if (type == EV_SEPARATOR) {
        snprintf(out, max, "separator");
    } else {
        snprintf(out, max, "event type %#x (%u bytes)", type, size);
    }
}

/* Parses a crypto-agile log (the hypervisor's own reader, event_log.h); false with a reason. */
static bool parse_log(const uint8_t *log, size_t len, char *why)
{
    struct event_log_algs algs;
    long at = event_log_header(log, len, &algs);

    if (at < 0) {
        strcpy(why, len >= 48 && !memcmp(log + 32, "Spec ID Event03", 16)
                        ? "a malformed header event"
                        : "no Spec ID Event03 header event");
        return false;
    }
    while ((size_t)at < len) {
        struct event *e = &events[nr_events];
        struct event_log_event ev;
        long n = event_log_event(&algs, log + at, len - (size_t)at, &ev);
        size_t t = 0;

        if (nr_events == MAX_EVENTS) {
            strcpy(why, "too many events");
            return false;
        }
        if (n < 0) {
            strcpy(why, "an event cut short, or with a digest of an algorithm the header does "
                        "not list");
            return false;
        }
        if (!ev.sha256) {
            strcpy(why, "an event without a SHA-256 digest");
            return false;
        }
        if (ev.pcr >= 24) {
            strcpy(why, "an event for a PCR over 23");
            return false;
        }
        e->pcr = ev.pcr;
        e->type = ev.type;
        memcpy(e->sha256, ev.sha256, 32);
        for (; t < ev.data_len && t < TEXT_MAX - 1 && ev.data[t]; t++)
            e->text[t] = ev.data[t] >= 0x20 && ev.data[t] < 0x7f ? (char)ev.data[t] : '?';
        e->text[t] = '\0';
        describe(e->type, ev.data, ev.data_len, e->desc, sizeof(e->desc));
        at += n;
        nr_events++;
    }
    return true;
}

/* ---------------------------------------------------------------- golden values */

struct golden {
    uint32_t pcr;
    uint8_t sha256[32];
    char text[TEXT_MAX];
    bool optional; /* "PCR?": allowed, not required (domains a toolstack may seal) */
    bool seen;
};

static struct golden goldens[MAX_EVENTS];
static unsigned nr_goldens;

static void read_golden(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[TEXT_MAX + 128];
    unsigned number = 0;

    if (!f)
        tool_die(2, "%s: %s", path, strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        struct golden *g = &goldens[nr_goldens];
        char digest[65];
        int used = 0;

        number++;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        g->optional = strchr(line, '?') && strchr(line, '?') < strchr(line, ' ');
        if (nr_goldens == MAX_EVENTS ||
            sscanf(line, g->optional ? "%u? sha256:%64s %n" : "%u sha256:%64s %n", &g->pcr, digest,
                   &used) != 2 ||
            !used || parse_hex(digest, g->sha256, 32) != 32 || g->pcr > 23)
            tool_die(2, "%s:%u: expected \"PCR[?] sha256:HEX TEXT\"", path, number);
        snprintf(g->text, sizeof(g->text), "%s", line + used);
        nr_goldens++;
    }
    fclose(f);
}

/* The component an event names: "domain NAME" for a domain, else its text. */
static void component(const char *text, char *out, size_t max)
{
    const char *p = strstr(text, " label ");

    if (!strncmp(text, "flaxen: domain ", 15) && p)
        snprintf(out, max, "%.*s", (int)(p - text), text);
    else
        snprintf(out, max, "%s", text);
}

/* Golden lines and logged events of one PCR, in log order, without EV_NO_ACTION. */
static unsigned golden_of(unsigned pcr, struct golden **out)
{
    unsigned n = 0;

    for (unsigned g = 0; g < nr_goldens; g++)
        if (goldens[g].pcr == pcr)
            out[n++] = &goldens[g];
    return n;
}

static unsigned events_of(unsigned pcr, struct event **out)
{
    unsigned n = 0;

    for (unsigned i = 0; i < nr_events; i++)
        if (events[i].pcr == pcr && events[i].type != EV_NO_ACTION)
            out[n++] = &events[i];
    return n;
}

/* Whether a golden line from i on describes `desc` (a later match: something is missing). */
static bool later(struct golden **g, unsigned i, unsigned n, const char *desc)
{
    for (; i < n; i++)
        if (!strcmp(g[i]->text, desc))
            return true;
    return false;
}

static bool later_event(struct event **e, unsigned j, unsigned n, const char *text)
{
    for (; j < n; j++)
        if (!strcmp(e[j]->desc, text))
            return true;
    return false;
}

/*
 * PCRs 0-9 (the firmware and the boot loader): event by event, in order,
 * against golden values recorded from a reference boot (firmware) and
 * predicted from the ESP (GRUB's files and commands). A log with such events
 * and no golden values for them vouches for nothing.
 */
static void compare_firmware(void)
{
    static struct golden *g[MAX_EVENTS];
    static struct event *e[MAX_EVENTS];
    bool any_golden = false, any_event = false;

    for (unsigned pcr = 0; pcr < 10; pcr++) {
        any_golden |= golden_of(pcr, g) > 0;
        any_event |= events_of(pcr, e) > 0;
    }
    if (!any_event && !any_golden)
        return; /* booted without firmware measurements (QEMU -kernel) */
    if (!any_golden) {
        result(false, "firmware and boot loader",
               "the log has PCR 0-9 events, the golden values none (make golden-efi)");
        return;
    }
    for (unsigned pcr = 0; pcr < 10; pcr++) {
        unsigned ng = golden_of(pcr, g), ne = events_of(pcr, e), ok = 0, bad = 0;
        unsigned i = 0, j = 0; /* the next golden line, the next event */
        char name[TEXT_MAX + 16], a[65], b[65];

        if (!(quoted_pcrs >> pcr & 1)) {
            if (ng) {
                snprintf(name, sizeof(name), "PCR %u", pcr);
                result(false, name, "has golden values but is not in the quote");
            }
            for (unsigned k = 0; k < ng; k++)
                g[k]->seen = true;
            continue;
        }

        while (i < ng || j < ne) {
            if (i < ng)
                g[i]->seen = true;
            if (i < ng && j < ne && !strcmp(e[j]->desc, g[i]->text)) {
                if (memcmp(e[j]->sha256, g[i]->sha256, 32)) {
                    manifest_hex(a, e[j]->sha256, 32);
                    manifest_hex(b, g[i]->sha256, 32);
                    snprintf(name, sizeof(name), "PCR %u %s", pcr, g[i]->text);
                    result(false, name, "sha256:%s, expected sha256:%s", a, b);
                    bad++;
                } else {
                    ok++;
                }
                i++, j++;
            } else if (j < ne && (i == ng || later_event(e, j + 1, ne, g[i]->text))) {
                /* the golden line comes later: this event is one too many */
                snprintf(name, sizeof(name), "PCR %u %s", pcr, e[j]->desc);
                result(false, name, "measured, not among the golden values");
                bad++, j++;
            } else if (j == ne || later(g, i + 1, ng, e[j]->desc)) {
                /* the event matches a later golden line: this one was not measured */
                snprintf(name, sizeof(name), "PCR %u %s", pcr, g[i]->text);
                result(false, name, "expected, not measured");
                bad++, i++;
            } else {
                snprintf(name, sizeof(name), "PCR %u %s", pcr, g[i]->text);
                result(false, name, "logged \"%s\" in its place", e[j]->desc);
                bad++, i++, j++;
            }
        }
        if (ok && !bad)
            result(true, "firmware and boot loader", "PCR %u: %u event%s as expected", pcr, ok,
                   ok == 1 ? "" : "s");
    }
}

/* The first golden line not yet matched for an event of this PCR and component, now matched. */
static struct golden *claim_golden(unsigned pcr, const char *name)
{
    char other[TEXT_MAX];

    for (unsigned g = 0; g < nr_goldens; g++) {
        component(goldens[g].text, other, sizeof(other));
        if (goldens[g].pcr == pcr && !strcmp(name, other) && !goldens[g].seen) {
            goldens[g].seen = true;
            return &goldens[g];
        }
    }
    return NULL;
}

static void compare_golden(void)
{
    compare_firmware();
    for (unsigned i = 0; i < nr_events; i++) {
        const struct event *e = &events[i];
        const struct golden *g;
        char name[TEXT_MAX], a[65], b[65];

        if (e->pcr != 10 && e->pcr != 11 && e->pcr != 12)
            continue; /* firmware and boot loader: compared through the PCR digest */
        component(e->text, name, sizeof(name));
        g = claim_golden(e->pcr, name);
        if (!(quoted_pcrs >> e->pcr & 1)) {
            /* the log says so, the TPM does not vouch for it: neither OK nor FAIL */
            printf("  --   %s: in PCR %u, which the quote does not cover: not verified\n", name,
                   e->pcr);
        } else if (!g) {
            result(false, name, "measured into PCR %u but not among the golden values", e->pcr);
        } else if (strcmp(e->text, g->text)) {
            result(false, name, "logged \"%s\", expected \"%s\"", e->text, g->text);
        } else {
            manifest_hex(a, e->sha256, 32);
            manifest_hex(b, g->sha256, 32);
            result(!memcmp(e->sha256, g->sha256, 32), name,
                   memcmp(e->sha256, g->sha256, 32) ? "sha256:%s, expected sha256:%s" : "sha256:%s",
                   a, b);
        }
    }
    for (unsigned g = 0; g < nr_goldens; g++)
        if (!goldens[g].seen && !goldens[g].optional && goldens[g].pcr >= 10) {
            char name[TEXT_MAX];
            component(goldens[g].text, name, sizeof(name));
            result(false, name,
                   quoted_pcrs >> goldens[g].pcr & 1
                       ? "expected in PCR %u, not measured"
                       : "expected in PCR %u, which the quote does not cover",
                   goldens[g].pcr);
        }
}

/* ---------------------------------------------------------------- the quote */

static EVP_PKEY *ecc_key(const TPM2B_PUBLIC *pub)
{
    const TPMT_PUBLIC *p = &pub->publicArea;
    uint8_t point[1 + 2 * 66];
    size_t xs = p->unique.ecc.x.size, ys = p->unique.ecc.y.size;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;

    if (p->type != TPM2_ALG_ECC || p->parameters.eccDetail.curveID != TPM2_ECC_NIST_P256 ||
        xs != 32 || ys != 32)
        return NULL;
    point[0] = 4;
    memcpy(point + 1, p->unique.ecc.x.buffer, 32);
    memcpy(point + 33, p->unique.ecc.y.buffer, 32);
    if (bld && ctx &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 65) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static bool signature_ok(EVP_PKEY *key, const TPMT_SIGNATURE *sig, const uint8_t *msg, size_t len)
{
    const TPMS_SIGNATURE_ECC *e = &sig->signature.ecdsa;
    ECDSA_SIG *es = ECDSA_SIG_new();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char *der = NULL;
    int der_len;
    bool ok = false;

    if (sig->sigAlg == TPM2_ALG_ECDSA && e->hash == TPM2_ALG_SHA256 && es && md &&
        ECDSA_SIG_set0(es, BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL),
                       BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL)) == 1 &&
        (der_len = i2d_ECDSA_SIG(es, &der)) > 0 &&
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
        ok = EVP_DigestVerify(md, der, (size_t)der_len, msg, len) == 1;
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    return ok;
}

static int cmd_check(int argc, char **argv)
{
    const char *qf = NULL, *sf = NULL, *kf = NULL, *lf = NULL, *nonce_hex = NULL;
    const char *enrolled = NULL, *golden = NULL;
    uint8_t *qb, *sb, *kb, *lb, nonce[64], pcrs[24][32] = {{0}}, concat[24 * 32], digest[32];
    size_t ql, sl, kl, ll, off = 0, concat_len = 0;
    TPM2B_ATTEST q2b = {0};
    TPMS_ATTEST attest = {0};
    TPMT_SIGNATURE sig = {0};
    TPM2B_PUBLIC pub = {0};
    EVP_PKEY *key = NULL;
    char why[128] = "";
    int nonce_len;
    bool log_ok;

    for (int i = 0; i + 1 < argc; i += 2) {
        const char **slot = !strcmp(argv[i], "--quote")          ? &qf
                            : !strcmp(argv[i], "--signature")    ? &sf
                            : !strcmp(argv[i], "--key")          ? &kf
                            : !strcmp(argv[i], "--log")          ? &lf
                            : !strcmp(argv[i], "--nonce")        ? &nonce_hex
                            : !strcmp(argv[i], "--enrolled-key") ? &enrolled
                            : !strcmp(argv[i], "--golden")       ? &golden
                                                                 : NULL;
        if (!slot)
            tool_die(2, "unknown option %s", argv[i]);
        *slot = argv[i + 1];
    }
    if (argc % 2 || !qf || !sf || !kf || !lf || !nonce_hex)
        tool_die(2, "usage: check --quote Q --signature S --key K --log L --nonce HEX "
                    "[--enrolled-key FILE] [--golden FILE]");
    nonce_len = parse_hex(nonce_hex, nonce, sizeof(nonce));
    if (nonce_len < 0)
        tool_die(2, "--nonce: 2 to 128 hex digits");
    qb = tool_read_file(qf, &ql, INPUT_MAX);
    sb = tool_read_file(sf, &sl, INPUT_MAX);
    kb = tool_read_file(kf, &kl, INPUT_MAX);
    lb = tool_read_file(lf, &ll, INPUT_MAX);
    if (golden)
        read_golden(golden);
    printf("%s: checks\n", tool_name);

    /* The attestation key. */
    off = 0;
    if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(kb, kl, &off, &pub) || off != kl || !(key = ecc_key(&pub))) {
        result(false, "attestation key", "not an ECC P-256 TPM2B_PUBLIC");
    } else if (enrolled) {
        size_t el;
        uint8_t *eb = tool_read_file(enrolled, &el, INPUT_MAX);
        result(el == kl && !memcmp(eb, kb, kl), "attestation key",
               el == kl && !memcmp(eb, kb, kl) ? "the enrolled key" : "not the enrolled key");
        free(eb);
    } else {
        result(true, "attestation key", "ECC P-256 (no enrolled key given: not pinned)");
    }

    /* The quote and its signature. */
    off = 0;
    if (Tss2_MU_TPM2B_ATTEST_Unmarshal(qb, ql, &off, &q2b) || off != ql) {
        result(false, "quote", "not a TPM2B_ATTEST");
    } else {
        off = 0;
        if (Tss2_MU_TPMS_ATTEST_Unmarshal(q2b.attestationData, q2b.size, &off, &attest))
            result(false, "quote", "not a TPMS_ATTEST");
        else
            result(attest.magic == TPM2_GENERATED_VALUE && attest.type == TPM2_ST_ATTEST_QUOTE,
                   "quote made by a TPM", NULL);
        off = 0;
        if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(sb, sl, &off, &sig) || off != sl)
            result(false, "quote signature", "not a TPMT_SIGNATURE");
        else
            result(key && signature_ok(key, &sig, q2b.attestationData, q2b.size), "quote signature",
                   "ECDSA P-256 with SHA-256 under the attestation key");
        result(attest.extraData.size == (size_t)nonce_len &&
                   !memcmp(attest.extraData.buffer, nonce, (size_t)nonce_len),
               "nonce",
               attest.extraData.size == (size_t)nonce_len &&
                       !memcmp(attest.extraData.buffer, nonce, (size_t)nonce_len)
                   ? "the one asked for"
                   : "not the one asked for (a stale or replayed quote)");
    }

    /* The event log, replayed. */
    log_ok = parse_log(lb, ll, why);
    result(log_ok, "event log", log_ok ? "%u events" : "%s", log_ok ? nr_events : 0, why);
    for (unsigned i = 0; log_ok && i < nr_events; i++) {
        uint8_t both[64];
        if (events[i].type == EV_NO_ACTION)
            continue; /* informational: never extended */
        memcpy(both, pcrs[events[i].pcr], 32);
        memcpy(both + 32, events[i].sha256, 32);
        sha256_digest(both, 64, pcrs[events[i].pcr]);
    }
    if (attest.type == TPM2_ST_ATTEST_QUOTE) {
        const TPML_PCR_SELECTION *s = &attest.attested.quote.pcrSelect;
        char list[96] = "";
        bool sha256_only = s->count == 1 && s->pcrSelections[0].hash == TPM2_ALG_SHA256;

        for (unsigned pcr = 0; sha256_only && pcr < 24; pcr++)
            if (pcr / 8 < s->pcrSelections[0].sizeofSelect &&
                (s->pcrSelections[0].pcrSelect[pcr / 8] >> (pcr % 8) & 1)) {
                quoted_pcrs |= 1u << pcr;
                memcpy(concat + concat_len, pcrs[pcr], 32);
                concat_len += 32;
                snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u",
                         list[0] ? "," : "", pcr);
            }
        sha256_digest(concat, concat_len, digest);
        result(sha256_only && log_ok && attest.attested.quote.pcrDigest.size == 32 &&
                   !memcmp(attest.attested.quote.pcrDigest.buffer, digest, 32),
               "PCR digest", "PCRs %s of the SHA-256 bank %s the log's replay", list,
               !memcmp(attest.attested.quote.pcrDigest.buffer, digest, 32) ? "equal"
                                                                           : "differ from");
    }
    if (golden && log_ok)
        compare_golden();
    EVP_PKEY_free(key);
    free(qb);
    free(sb);
    free(kb);
    free(lb);
    if (failures) {
        printf("VERDICT: UNTRUSTED (%u check%s failed: %s)\n", failures, failures == 1 ? "" : "s",
               failed_names);
        return 1;
    }
    printf("VERDICT: TRUSTED\n");
    return 0;
}

/* ---------------------------------------------------------------- golden values */

static int cmd_golden(int argc, char **argv)
{
    const char *cmdline = NULL, *policy = NULL, *manifest_path = NULL;
    const char *boot[MANIFEST_MAX_ENTRIES];
    unsigned nr_boot = 0;
    static struct manifest m;
    uint8_t digest[32], *data;
    char h[65], ih[65], ch[65], text[TEXT_MAX];
    size_t len, where = 0;

    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cmdline"))
            cmdline = argv[i + 1];
        else if (!strcmp(argv[i], "--policy"))
            policy = argv[i + 1];
        else if (!strcmp(argv[i], "--manifest"))
            manifest_path = argv[i + 1];
        else if (!strcmp(argv[i], "--boot") && nr_boot < MANIFEST_MAX_ENTRIES)
            boot[nr_boot++] = argv[i + 1];
        else
            tool_die(2, "unknown option %s", argv[i]);
    }
    if (argc % 2 || !cmdline || !policy || !manifest_path)
        tool_die(2, "usage: golden --cmdline TEXT --policy FILE --manifest FILE [--boot NAME]...");
    printf("# Flaxen's PCRs as the build predicts them: PCR sha256:DIGEST EVENT\n");
    sha256_digest(cmdline, strlen(cmdline), digest);
    manifest_hex(h, digest, 32);
    printf("10 sha256:%s flaxen: command line\n", h);
    data = tool_read_file(policy, &len, INPUT_MAX);
    sha256_digest(data, len, digest);
    manifest_hex(h, digest, 32);
    printf("10 sha256:%s flaxen: FLASK policy\n", h);
    free(data);
    data = tool_read_file(manifest_path, &len, INPUT_MAX);
    sha256_digest(data, len, digest);
    manifest_hex(h, digest, 32);
    printf("10 sha256:%s flaxen: domain manifest\n", h);
    if (manifest_parse(data, len, &m, &where) != MANIFEST_OK)
        tool_die(2, "%s: not a valid manifest (offset %zu)", manifest_path, where);
    free(data);
    for (uint32_t i = 0; i < m.count; i++) {
        const struct manifest_entry *e = &m.entries[i];

        manifest_hex(ih, e->image_sha256, 32);
        manifest_hex(ch, e->config_sha256, 32);
        snprintf(text, sizeof(text),
                 "flaxen: domain %s label %s%s%s image sha256:%s config sha256:%s", e->name,
                 e->label, e->mls[0] ? ":" : "", e->mls, ih, ch);
        sha256_digest(text, strlen(text), digest);
        manifest_hex(h, digest, 32);
        bool at_boot = nr_boot == 0;
        for (unsigned b = 0; b < nr_boot; b++)
            at_boot |= !strcmp(boot[b], e->name);
        if (at_boot)
            printf("11 sha256:%s %s\n", h, text); /* a boot-time domain: required */
        printf("12? sha256:%s %s\n", h, text);    /* any entry may be sealed at run time */
    }
    return 0;
}

static int cmd_authenticode(int argc, char **argv)
{
    const char *why;
    uint8_t *img, digest[32];
    char h[65];
    size_t len;

    if (argc != 1)
        tool_die(2, "usage: authenticode FILE");
    img = tool_read_file(argv[0], &len, INPUT_MAX);
    if (authenticode_sha256(img, len, digest, &why))
        tool_die(1, "%s: %s", argv[0], why);
    manifest_hex(h, digest, 32);
    printf("%s\n", h);
    free(img);
    return 0;
}

/* The events of PCRs FIRST-LAST of a log as golden lines: a reference boot's record. */
static int cmd_record(int argc, char **argv)
{
    unsigned first = 0, last = 7;
    char why[128] = "", h[65];
    uint8_t *lb;
    size_t ll;

    if ((argc != 2 && argc != 4) || strcmp(argv[0], "--log") ||
        (argc == 4 && (strcmp(argv[2], "--pcrs") || sscanf(argv[3], "%u-%u", &first, &last) != 2 ||
                       first > last || last > 23)))
        tool_die(2, "usage: record --log L [--pcrs FIRST-LAST]   (default 0-7)");
    lb = tool_read_file(argv[1], &ll, INPUT_MAX);
    if (!parse_log(lb, ll, why))
        tool_die(1, "%s: %s", argv[1], why);
    printf("# PCRs %u-%u as a reference boot measured them: PCR sha256:DIGEST EVENT\n"
           "# (not the EFI applications: their digests are predicted from the images with\n"
           "# flaxen-verify authenticode)\n",
           first, last);
    for (unsigned i = 0; i < nr_events; i++) {
        const struct event *e = &events[i];

        if (e->pcr < first || e->pcr > last || e->type == EV_NO_ACTION ||
            e->type == EV_EFI_BOOT_SERVICES_APPLICATION)
            continue;
        manifest_hex(h, e->sha256, 32);
        printf("%u sha256:%s %s\n", e->pcr, h, e->desc);
    }
    free(lb);
    return 0;
}

int main(int argc, char **argv)
{
    tool_name = "flaxen-verify";
    if (argc >= 2 && !strcmp(argv[1], "check"))
        return cmd_check(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "golden"))
        return cmd_golden(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "record"))
        return cmd_record(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "authenticode"))
        return cmd_authenticode(argc - 2, argv + 2);
    fprintf(stderr, "usage: %s check|golden|record|authenticode ...\n", tool_name);
    return 2;
}
