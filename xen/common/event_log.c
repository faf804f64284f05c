/* The crypto-agile measurement log (flaxen/event_log.h). */
#include <flaxen/event_log.h>
#include <flaxen/string.h>
#include <flaxen/types.h>

#define SPEC_ID_SIZE 33 /* the Spec ID Event03 structure with one algorithm */
#define HEADER_EVENT_SIZE (4 + 4 + 20 + 4 + SPEC_ID_SIZE)
#define TPM_ALG_SHA256 0x000b

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
    return p + 4;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return p + 2;
}

int event_log_init(struct event_log *log, void *buf, size_t max)
{
    uint8_t *p = buf;

    log->buf = buf;
    log->len = 0;
    log->max = max;
    log->limit = 0;
    log->grow = NULL;
    if (max < HEADER_EVENT_SIZE)
        return -ENOSPC;
    p = put32(p, 0); /* PCR */
    p = put32(p, EV_NO_ACTION);
    memset(p, 0, 20); /* the SHA-1-sized digest of the old format */
    p += 20;
    p = put32(p, SPEC_ID_SIZE);
    memcpy(p, "Spec ID Event03", 16); /* NUL included */
    p += 16;
    p = put32(p, 0); /* platformClass: client */
    *p++ = 0;        /* specVersionMinor */
    *p++ = 2;        /* specVersionMajor */
    *p++ = 0;        /* specErrata */
    *p++ = 2;        /* uintnSize: UINT64 */
    p = put32(p, 1); /* numberOfAlgorithms */
    p = put16(p, TPM_ALG_SHA256);
    p = put16(p, 32);
    *p++ = 0; /* vendorInfoSize */
    log->len = (size_t)(p - (uint8_t *)buf);
    return 0;
}

int event_log_append(struct event_log *log, unsigned pcr, uint32_t type, const uint8_t digest[32],
                     const void *data, size_t len)
{
    size_t need = 4 + 4 + 4 + 2 + 32 + 4 + len;
    uint8_t *p;

    if (len > UINT32_MAX)
        return -ENOSPC;
    if (log->max - log->len < need) {
        size_t want = log->max;
        uint8_t *bigger;

        while (want - log->len < need && want < log->limit)
            want = want * 2 > log->limit ? log->limit : want * 2;
        if (!log->grow || want - log->len < need)
            return -ENOSPC;
        bigger = log->grow(log->buf, log->len, want);
        if (!bigger)
            return -ENOSPC;
        log->buf = bigger;
        log->max = want;
    }
    p = log->buf + log->len;
    p = put32(p, pcr);
    p = put32(p, type);
    p = put32(p, 1); /* digests: one */
    p = put16(p, TPM_ALG_SHA256);
    memcpy(p, digest, 32);
    p += 32;
    p = put32(p, (uint32_t)len);
    if (len)
        memcpy(p, data, len);
    log->len += need;
    return 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * TCG_PCR_EVENT: pcr(4) type(4) digest(20) size(4) data; data = "Spec ID
 * Event03\0"(16) platformClass(4) minor major errata uintnSize(1 each)
 * numberOfAlgorithms(4) {alg(2) size(2)}... vendorInfoSize(1) vendorInfo.
 */
long event_log_header(const uint8_t *log, size_t len, struct event_log_algs *algs)
{
    const uint8_t *spec = log + 32;
    uint32_t size, count;
    size_t need;

    if (len < 32 + 24 + 4 + 1 || get32(log + 4) != EV_NO_ACTION ||
        memcmp(spec, "Spec ID Event03", 16))
        return -1;
    size = get32(log + 28);
    count = get32(spec + 24);
    if (count == 0 || count > EVENT_LOG_MAX_ALGS || size > len - 32)
        return -1;
    need = 24 + 4 + 4 * (size_t)count + 1;
    if (size < need || size < need + spec[need - 1])
        return -1;
    algs->count = count;
    for (uint32_t i = 0; i < count; i++) {
        algs->alg[i] = get16(spec + 28 + 4 * i);
        algs->size[i] = get16(spec + 30 + 4 * i);
        if (algs->size[i] == 0 || algs->size[i] > 64)
            return -1;
    }
    return 32 + (long)size;
}

long event_log_event(const struct event_log_algs *algs, const uint8_t *p, size_t max,
                     struct event_log_event *e)
{
    struct event_log_event ev = {0};
    uint32_t count;
    size_t at = 12;

    if (max < 12)
        return -1;
    ev.pcr = get32(p);
    ev.type = get32(p + 4);
    count = get32(p + 8);
    if (count > EVENT_LOG_MAX_ALGS)
        return -1;
    for (uint32_t d = 0; d < count; d++) {
        uint16_t alg, size = 0;

        if (max - at < 2)
            return -1;
        alg = get16(p + at);
        for (unsigned i = 0; i < algs->count; i++)
            if (algs->alg[i] == alg)
                size = algs->size[i];
        if (size == 0 || max - at - 2 < size)
            return -1;
        if (alg == TPM_ALG_SHA256 && size == 32)
            ev.sha256 = p + at + 2;
        at += 2 + (size_t)size;
    }
    if (max - at < 4 || max - at - 4 < get32(p + at))
        return -1;
    ev.data_len = get32(p + at);
    ev.data = p + at + 4;
    at += 4 + (size_t)ev.data_len;
    if (e)
        *e = ev;
    return (long)at;
}
