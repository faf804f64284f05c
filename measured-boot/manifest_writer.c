/* Serialises a manifest (flaxen/manifest.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_writer.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t entry_size(const struct manifest_entry *e)
{
    size_t used = MANIFEST_ENTRY_FIXED + strlen(e->name) + strlen(e->label) + strlen(e->mls);
    return (used + 7) & ~(size_t)7;
}

uint8_t *manifest_write_unsigned(const struct manifest *m, size_t *len)
{
    size_t total = MANIFEST_HEADER_SIZE, off;
    uint8_t *buf;

    if (m->count > MANIFEST_MAX_ENTRIES) {
        errno = EINVAL;
        return NULL;
    }
    for (uint32_t i = 0; i < m->count; i++) {
        const struct manifest_entry *e = &m->entries[i];
        if (strnlen(e->name, sizeof(e->name)) > MANIFEST_NAME_MAX ||
            strnlen(e->label, sizeof(e->label)) > MANIFEST_LABEL_MAX ||
            strnlen(e->mls, sizeof(e->mls)) > MANIFEST_LABEL_MAX) {
            errno = EINVAL;
            return NULL;
        }
        total += entry_size(e);
    }
    buf = calloc(1, total);
    if (!buf)
        return NULL;
    memcpy(buf, MANIFEST_MAGIC, 8);
    put32(buf + 8, MANIFEST_VERSION);
    put32(buf + 12, MANIFEST_HEADER_SIZE);
    put32(buf + 16, m->count);
    put32(buf + 20, (uint32_t)total);
    put32(buf + 24, (uint32_t)m->serial);
    put32(buf + 28, (uint32_t)(m->serial >> 32));
    memcpy(buf + 32, m->key_id, MANIFEST_KEY_ID_SIZE);
    off = MANIFEST_HEADER_SIZE;
    for (uint32_t i = 0; i < m->count; i++) {
        const struct manifest_entry *e = &m->entries[i];
        size_t n = strlen(e->name), l = strlen(e->label), s = strlen(e->mls);
        uint8_t *p = buf + off;

        put32(p, (uint32_t)entry_size(e));
        put16(p + 4, (uint16_t)n);
        put16(p + 6, (uint16_t)l);
        put16(p + 8, (uint16_t)s);
        memcpy(p + 16, e->image_sha256, 32);
        memcpy(p + 48, e->config_sha256, 32);
        memcpy(p + MANIFEST_ENTRY_FIXED, e->name, n);
        memcpy(p + MANIFEST_ENTRY_FIXED + n, e->label, l);
        memcpy(p + MANIFEST_ENTRY_FIXED + n + l, e->mls, s);
        off += entry_size(e);
    }
    *len = total;
    return buf;
}
