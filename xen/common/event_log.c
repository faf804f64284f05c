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
