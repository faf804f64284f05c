/*
 * Bounded reads from a binary policy image.
 */
#include "reader.h"

void reader_init(struct reader *r, const void *data, size_t len, struct ss_error *err)
{
    ss_memset(r, 0, sizeof(*r));
    r->data = data;
    r->len = len;
    r->err = err;
    r->what = "header";
}

int reader_fail(struct reader *r, const char *fmt, ...)
{
    va_list ap;
    char detail[160];

    if (r->failed)
        return -SS_EINVAL;
    r->failed = true;
    va_start(ap, fmt);
    ss_vformat(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    if (r->err)
        ss_error_set(r->err, "%s (in %s, at byte %zu)", detail, r->what, r->pos);
    return -SS_EINVAL;
}

static int take(struct reader *r, size_t n, const uint8_t **p)
{
    if (r->failed)
        return -SS_EINVAL;
    if (n > r->len - r->pos)
        return reader_fail(r, "policy ends early: %zu bytes wanted, %zu left", n, r->len - r->pos);
    *p = r->data + r->pos;
    r->pos += n;
    return 0;
}

int reader_u16(struct reader *r, uint16_t *out)
{
    const uint8_t *p = NULL;

    if (take(r, 2, &p))
        return -SS_EINVAL;
    *out = (uint16_t)(p[0] | (p[1] << 8));
    return 0;
}

int reader_u32(struct reader *r, uint32_t *out)
{
    const uint8_t *p = NULL;

    if (take(r, 4, &p))
        return -SS_EINVAL;
    *out = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    return 0;
}

int reader_u64(struct reader *r, uint64_t *out)
{
    uint32_t lo, hi;

    if (reader_u32(r, &lo) || reader_u32(r, &hi))
        return -SS_EINVAL;
    *out = ((uint64_t)hi << 32) | lo;
    return 0;
}

int reader_u32s(struct reader *r, uint32_t *out, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (reader_u32(r, &out[i]))
            return -SS_EINVAL;
    }
    return 0;
}

int reader_string(struct reader *r, uint32_t len, char **out)
{
    const uint8_t *p = NULL;
    char *s;

    *out = NULL;
    if (len == 0 || len > READER_MAX_STRING)
        return reader_fail(r, "string length %u out of range 1..%u", len, READER_MAX_STRING);
    if (take(r, len, &p))
        return -SS_EINVAL;
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] == 0)
            return reader_fail(r, "string holds a NUL byte");
    }
    s = ss_strndup((const char *)p, len);
    if (!s)
        return -SS_ENOMEM;
    *out = s;
    return 0;
}
