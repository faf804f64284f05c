/*
 * The TPM 2.0 commands measured boot needs (flaxen/tpm.h), from the TCG TPM
 * 2.0 Library, Part 3 (commands) and Part 2 (structures). Commands with an
 * authorization use one password session with an empty password (TPM_RS_PW).
 * Every response is parsed with bounds checks: a malformed one is an error,
 * never a read past the buffer.
 */
#include <flaxen/format.h>
#include <flaxen/string.h>
#include <flaxen/tpm.h>
#include <flaxen/types.h>

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_CC_CREATE_PRIMARY 0x131
#define TPM_CC_STARTUP 0x144
#define TPM_CC_QUOTE 0x158
#define TPM_CC_FLUSH_CONTEXT 0x165
#define TPM_CC_GET_CAPABILITY 0x17a
#define TPM_CC_GET_RANDOM 0x17b
#define TPM_CC_PCR_READ 0x17e
#define TPM_CC_PCR_EXTEND 0x182
#define TPM_SU_CLEAR 0x0000
#define TPM_CAP_PCRS 0x00000005
#define TPM_RH_ENDORSEMENT 0x4000000b
#define TPM_RS_PW 0x40000009
#define TPM_ALG_NULL 0x0010
#define TPM_ALG_ECC 0x0023
#define TPM_ALG_ECDSA 0x0018
#define TPM_ECC_NIST_P256 0x0003
/* fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign */
#define AK_ATTRIBUTES 0x00050072u
#define TPM_RETRIES 20

/* Building a command. */
struct out {
    uint8_t *p;
    size_t len, max;
    bool overflow;
};

static void put8(struct out *o, uint8_t v)
{
    if (o->len < o->max)
        o->p[o->len++] = v;
    else
        o->overflow = true;
}

static void put16(struct out *o, uint16_t v)
{
    put8(o, (uint8_t)(v >> 8));
    put8(o, (uint8_t)v);
}

static void put32(struct out *o, uint32_t v)
{
    put16(o, (uint16_t)(v >> 16));
    put16(o, (uint16_t)v);
}

static void put_bytes(struct out *o, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(o, b[i]);
}

static void begin(struct tpm *t, struct out *o, uint16_t tag, uint32_t cc)
{
    *o = (struct out){t->cmd, 0, sizeof(t->cmd), false};
    put16(o, tag);
    put32(o, 0); /* the size, set by finish() */
    put32(o, cc);
}

/* The authorization area: one password session, empty password. */
static void put_password_session(struct out *o)
{
    put32(o, 9);
    put32(o, TPM_RS_PW);
    put16(o, 0); /* nonce */
    put8(o, 0);  /* attributes */
    put16(o, 0); /* hmac: the empty password */
}

/* A TPML_PCR_SELECTION of the SHA-256 bank, PCRs in mask. */
static void put_sha256_selection(struct out *o, uint32_t mask)
{
    put32(o, 1);
    put16(o, TPM_ALG_SHA256);
    put8(o, 3);
    put8(o, (uint8_t)mask);
    put8(o, (uint8_t)(mask >> 8));
    put8(o, (uint8_t)(mask >> 16));
}

/* Reading a response. */
struct in {
    const uint8_t *p;
    size_t len, at;
    bool bad;
};

static uint32_t get(struct in *i, unsigned bytes)
{
    uint32_t v = 0;

    if (i->len - i->at < bytes) {
        i->bad = true;
        i->at = i->len;
        return 0;
    }
    for (unsigned k = 0; k < bytes; k++)
        v = v << 8 | i->p[i->at++];
    return v;
}

/* A TPM2B: its size, then that many bytes (copied to out when it fits max). */
static size_t get_tpm2b(struct in *i, uint8_t *out, size_t max)
{
    size_t n = get(i, 2);

    if (i->bad || i->len - i->at < n || (out && n > max)) {
        i->bad = true;
        return 0;
    }
    if (out)
        memcpy(out, i->p + i->at, n);
    i->at += n;
    return n;
}

static int protocol_error(char *err, const char *what, uint32_t rc)
{
    format_snprintf(err, TPM_ERROR_LEN, "%s: TPM response code %#x", what, (unsigned)rc);
    return -EPROTO;
}

/*
 * Sends the command in t->cmd (o->len bytes) and checks the response header;
 * on success *in covers the response after the header. Retries while the
 * TPM asks for it.
 */
static int run(struct tpm *t, struct out *o, const char *what, struct in *in, char *err)
{
    size_t rsp_len = 0;
    int rc;

    if (o->overflow) {
        format_snprintf(err, TPM_ERROR_LEN, "%s: command longer than %u bytes", what,
                        TPM_BUFFER_SIZE);
        return -EINVAL;
    }
    t->cmd[2] = (uint8_t)(o->len >> 24);
    t->cmd[3] = (uint8_t)(o->len >> 16);
    t->cmd[4] = (uint8_t)(o->len >> 8);
    t->cmd[5] = (uint8_t)o->len;
    for (unsigned attempt = 0;; attempt++) {
        *in = (struct in){t->rsp, 0, 0, false};
        rc = t->transmit(t->ctx, t->cmd, o->len, t->rsp, sizeof(t->rsp), &rsp_len, err);
        if (rc)
            return rc;
        in->len = rsp_len;
        get(in, 2); /* tag */
        if (get(in, 4) != rsp_len || in->bad)
            return protocol_error(err, what, 0xffffffffu);
        t->last_rc = get(in, 4);
        if ((t->last_rc == TPM_RC_RETRY || t->last_rc == TPM_RC_YIELDED ||
             t->last_rc == TPM_RC_TESTING) &&
            attempt < TPM_RETRIES)
            continue;
        return 0;
    }
}

/* run(), then a response code other than success is an error. */
static int run_ok(struct tpm *t, struct out *o, const char *what, struct in *in, char *err)
{
    int rc = run(t, o, what, in, err);

    if (!rc && t->last_rc != TPM_RC_SUCCESS)
        return protocol_error(err, what, t->last_rc);
    return rc;
}

static int malformed(char *err, const char *what)
{
    format_snprintf(err, TPM_ERROR_LEN, "%s: malformed response", what);
    return -EPROTO;
}

int tpm2_startup(struct tpm *t, char *err)
{
    struct out o;
    struct in in;
    int rc;

    begin(t, &o, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
    put16(&o, TPM_SU_CLEAR);
    rc = run(t, &o, "Startup", &in, err);
    if (!rc && t->last_rc != TPM_RC_SUCCESS && t->last_rc != TPM_RC_INITIALIZE)
        return protocol_error(err, "Startup", t->last_rc);
    return rc;
}

int tpm2_pcr_banks(struct tpm *t, struct tpm_bank *banks, unsigned max, unsigned *count, char *err)
{
    struct out o;
    struct in in;
    uint32_t n;
    int rc;

    begin(t, &o, TPM_ST_NO_SESSIONS, TPM_CC_GET_CAPABILITY);
    put32(&o, TPM_CAP_PCRS);
    put32(&o, 0); /* property */
    put32(&o, 1); /* count */
    rc = run_ok(t, &o, "GetCapability(PCRS)", &in, err);
    if (rc)
        return rc;
    get(&in, 1); /* moreData */
    if (get(&in, 4) != TPM_CAP_PCRS)
        return malformed(err, "GetCapability(PCRS)");
    n = get(&in, 4);
    if (in.bad || n > max)
        return malformed(err, "GetCapability(PCRS)");
    for (uint32_t b = 0; b < n; b++) {
        uint32_t size, mask = 0;

        banks[b].alg = (uint16_t)get(&in, 2);
        size = get(&in, 1);
        for (uint32_t k = 0; k < size; k++) {
            uint32_t byte = get(&in, 1);

            if (k < 4)
                mask |= byte << (8 * k);
        }
        banks[b].pcr_mask = mask;
    }
    if (in.bad)
        return malformed(err, "GetCapability(PCRS)");
    *count = n;
    return 0;
}

int tpm2_get_random(struct tpm *t, uint8_t *out, size_t len, char *err)
{
    while (len) {
        size_t want = len > 32 ? 32 : len, got;
        struct out o;
        struct in in;
        int rc;

        begin(t, &o, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
        put16(&o, (uint16_t)want);
        rc = run_ok(t, &o, "GetRandom", &in, err);
        if (rc)
            return rc;
        got = get_tpm2b(&in, out, want);
        if (in.bad || got == 0)
            return malformed(err, "GetRandom");
        out += got;
        len -= got;
    }
    return 0;
}

int tpm2_pcr_extend_sha256(struct tpm *t, unsigned pcr, const uint8_t digest[32], char *err)
{
    struct out o;
    struct in in;

    if (pcr >= TPM_MAX_PCRS) {
        format_snprintf(err, TPM_ERROR_LEN, "PCR_Extend: no PCR %u", pcr);
        return -EINVAL;
    }
    begin(t, &o, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
    put32(&o, pcr);
    put_password_session(&o);
    put32(&o, 1); /* TPML_DIGEST_VALUES: one digest */
    put16(&o, TPM_ALG_SHA256);
    put_bytes(&o, digest, 32);
    return run_ok(t, &o, "PCR_Extend", &in, err);
}

int tpm2_pcr_read_sha256(struct tpm *t, unsigned pcr, uint8_t digest[32], char *err)
{
    struct out o;
    struct in in;
    uint32_t sels;
    int rc;

    if (pcr >= TPM_MAX_PCRS) {
        format_snprintf(err, TPM_ERROR_LEN, "PCR_Read: no PCR %u", pcr);
        return -EINVAL;
    }
    begin(t, &o, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
    put_sha256_selection(&o, 1u << pcr);
    rc = run_ok(t, &o, "PCR_Read", &in, err);
    if (rc)
        return rc;
    get(&in, 4); /* pcrUpdateCounter */
    sels = get(&in, 4);
    for (uint32_t s = 0; s < sels && !in.bad; s++) {
        uint32_t size;

        get(&in, 2); /* hash */
        size = get(&in, 1);
        if (in.len - in.at < size)
            in.bad = true;
        else
            in.at += size;
    }
    if (get(&in, 4) != 1 || get_tpm2b(&in, NULL, 0) != 32 || in.bad)
        return malformed(err, "PCR_Read");
    memcpy(digest, in.p + in.at - 32, 32);
    return 0;
}

int tpm2_create_ak(struct tpm *t, uint32_t *handle, uint8_t *pub, size_t pub_max, size_t *pub_len,
                   char *err)
{
    struct out o;
    struct in in;
    size_t n;
    int rc;

    begin(t, &o, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
    put32(&o, TPM_RH_ENDORSEMENT);
    put_password_session(&o);
    put16(&o, 4); /* TPM2B_SENSITIVE_CREATE: empty userAuth and data */
    put16(&o, 0);
    put16(&o, 0);
    put16(&o, 24); /* TPM2B_PUBLIC */
    put16(&o, TPM_ALG_ECC);
    put16(&o, TPM_ALG_SHA256); /* nameAlg */
    put32(&o, AK_ATTRIBUTES);
    put16(&o, 0);            /* authPolicy */
    put16(&o, TPM_ALG_NULL); /* symmetric */
    put16(&o, TPM_ALG_ECDSA);
    put16(&o, TPM_ALG_SHA256);
    put16(&o, TPM_ECC_NIST_P256);
    put16(&o, TPM_ALG_NULL); /* kdf */
    put16(&o, 0);            /* unique.x */
    put16(&o, 0);            /* unique.y */
    put16(&o, 0);            /* outsideInfo */
    put32(&o, 0);            /* creationPCR: none */
    rc = run_ok(t, &o, "CreatePrimary", &in, err);
    if (rc)
        return rc;
    *handle = get(&in, 4);
    get(&in, 4); /* parameterSize */
    n = get_tpm2b(&in, NULL, 0);
    if (in.bad || n + 2 > pub_max)
        return malformed(err, "CreatePrimary");
    memcpy(pub, in.p + in.at - n - 2, n + 2);
    *pub_len = n + 2;
    return 0;
}

int tpm2_quote(struct tpm *t, uint32_t ak, const uint8_t *nonce, size_t nonce_len,
               uint32_t pcr_mask, uint8_t *attest, size_t attest_max, size_t *attest_len,
               uint8_t *sig, size_t sig_max, size_t *sig_len, char *err)
{
    struct out o;
    struct in in;
    size_t n, start;
    int rc;

    if (nonce_len > 64 || pcr_mask >> TPM_MAX_PCRS) {
        format_snprintf(err, TPM_ERROR_LEN, "Quote: nonce over 64 bytes or PCRs over 23");
        return -EINVAL;
    }
    begin(t, &o, TPM_ST_SESSIONS, TPM_CC_QUOTE);
    put32(&o, ak);
    put_password_session(&o);
    put16(&o, (uint16_t)nonce_len);
    put_bytes(&o, nonce, nonce_len);
    put16(&o, TPM_ALG_NULL); /* the key's own scheme */
    put_sha256_selection(&o, pcr_mask);
    rc = run_ok(t, &o, "Quote", &in, err);
    if (rc)
        return rc;
    get(&in, 4); /* parameterSize */
    n = get_tpm2b(&in, NULL, 0);
    if (in.bad || n + 2 > attest_max)
        return malformed(err, "Quote");
    memcpy(attest, in.p + in.at - n - 2, n + 2);
    *attest_len = n + 2;
    start = in.at;
    get(&in, 2); /* sigAlg */
    get(&in, 2); /* hash */
    get_tpm2b(&in, NULL, 0);
    get_tpm2b(&in, NULL, 0);
    if (in.bad || in.at - start > sig_max)
        return malformed(err, "Quote");
    memcpy(sig, in.p + start, in.at - start);
    *sig_len = in.at - start;
    return 0;
}

int tpm2_flush_context(struct tpm *t, uint32_t handle, char *err)
{
    struct out o;
    struct in in;

    begin(t, &o, TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT);
    put32(&o, handle);
    return run_ok(t, &o, "FlushContext", &in, err);
}
