/*
 * The signed domain manifest (flaxen/manifest.h): a strict parser, the
 * signature check and the lookup by digests.
 *
 * The parser reads every byte it accepts: sizes must add up exactly,
 * reserved fields and padding must be zero, and every string is checked
 * character by character before it is copied out. The signature is checked
 * with libsodium's Ed25519 (Debian's build: linked into the hypervisor from
 * the arm64 package, on the host from the host's).
 */
#include <flaxen/ed25519.h>
#include <flaxen/manifest.h>
#include <flaxen/sha256.h>
#include <flaxen/string.h>

const char *manifest_strerror(enum manifest_error e)
{
    switch (e) {
    case MANIFEST_OK:
        return "valid";
    case MANIFEST_ETRUNCATED:
        return "truncated";
    case MANIFEST_EMAGIC:
        return "not a Flaxen manifest (bad magic)";
    case MANIFEST_EVERSION:
        return "unknown format version or header size";
    case MANIFEST_ESIZE:
        return "sizes do not add up";
    case MANIFEST_ECOUNT:
        return "no entries, or too many";
    case MANIFEST_ERESERVED:
        return "a reserved field, flag or padding byte is not zero";
    case MANIFEST_ENAME:
        return "an entry's name is empty, too long or has a character outside [A-Za-z0-9._-]";
    case MANIFEST_ELABEL:
        return "an entry's label or MLS range is too long or has a character that is not "
               "printable, or the label is empty";
    case MANIFEST_EDUPLICATE:
        return "two entries share a name";
    case MANIFEST_EKEY:
        return "signed for another key";
    case MANIFEST_ESIGNATURE:
        return "the signature does not verify";
    }
    return "unknown error";
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static bool name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool manifest_name_valid(const char *name, size_t max)
{
    size_t n = strnlen(name, max);

    if (n == 0 || n == max || n > MANIFEST_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char((uint8_t)name[i]))
            return false;
    return true;
}

/* Printable ASCII other than space: what a security context is made of. */
static bool label_char(uint8_t c)
{
    return c > ' ' && c < 0x7f;
}

static bool copy_string(char *dst, const uint8_t *src, size_t len, bool (*ok)(uint8_t))
{
    for (size_t i = 0; i < len; i++)
        if (!ok(src[i]))
            return false;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return true;
}

static enum manifest_error fail(enum manifest_error e, size_t offset, size_t *where)
{
    if (where)
        *where = offset;
    return e;
}

/* Parses the entry at data[off]; *size is its size. */
static enum manifest_error parse_entry(const uint8_t *data, size_t end, size_t off,
                                       struct manifest_entry *e, size_t *size, size_t *where)
{
    const uint8_t *p = data + off;
    size_t name_len, label_len, mls_len, used;

    if (end - off < MANIFEST_ENTRY_FIXED)
        return fail(MANIFEST_ESIZE, off, where);
    *size = get32(p);
    name_len = get16(p + 4);
    label_len = get16(p + 6);
    mls_len = get16(p + 8);
    if (*size % 8 || *size < MANIFEST_ENTRY_FIXED || *size > end - off)
        return fail(MANIFEST_ESIZE, off, where);
    if (get16(p + 10) || get32(p + 12))
        return fail(MANIFEST_ERESERVED, off + 10, where);
    used = MANIFEST_ENTRY_FIXED + name_len + label_len + mls_len;
    if (used > *size || *size - used >= 8)
        return fail(MANIFEST_ESIZE, off, where); /* strings overrun, or more than padding */
    if (!all_zero(p + used, *size - used))
        return fail(MANIFEST_ERESERVED, off + used, where);
    if (name_len == 0 || name_len > MANIFEST_NAME_MAX ||
        !copy_string(e->name, p + MANIFEST_ENTRY_FIXED, name_len, name_char))
        return fail(MANIFEST_ENAME, off + MANIFEST_ENTRY_FIXED, where);
    if (label_len == 0 || label_len > MANIFEST_LABEL_MAX ||
        !copy_string(e->label, p + MANIFEST_ENTRY_FIXED + name_len, label_len, label_char))
        return fail(MANIFEST_ELABEL, off + MANIFEST_ENTRY_FIXED + name_len, where);
    if (mls_len > MANIFEST_LABEL_MAX ||
        !copy_string(e->mls, p + MANIFEST_ENTRY_FIXED + name_len + label_len, mls_len, label_char))
        return fail(MANIFEST_ELABEL, off + MANIFEST_ENTRY_FIXED + name_len + label_len, where);
    memcpy(e->image_sha256, p + 16, 32);
    memcpy(e->config_sha256, p + 48, 32);
    return MANIFEST_OK;
}

enum manifest_error manifest_parse(const uint8_t *data, size_t len, struct manifest *out,
                                   size_t *where)
{
    size_t signed_size, off;
    uint32_t count;

    memset(out, 0, sizeof(*out));
    if (len < MANIFEST_HEADER_SIZE + MANIFEST_SIGNATURE_SIZE)
        return fail(len >= 8 && memcmp(data, MANIFEST_MAGIC, 8) ? MANIFEST_EMAGIC
                                                                : MANIFEST_ETRUNCATED,
                    0, where);
    if (memcmp(data, MANIFEST_MAGIC, 8))
        return fail(MANIFEST_EMAGIC, 0, where);
    if (get32(data + 8) != MANIFEST_VERSION || get32(data + 12) != MANIFEST_HEADER_SIZE)
        return fail(MANIFEST_EVERSION, 8, where);
    count = get32(data + 16);
    signed_size = get32(data + 20);
    if (count == 0 || count > MANIFEST_MAX_ENTRIES)
        return fail(MANIFEST_ECOUNT, 16, where);
    if (signed_size < MANIFEST_HEADER_SIZE || signed_size > len - MANIFEST_SIGNATURE_SIZE)
        return fail(MANIFEST_ETRUNCATED, 20, where);
    if (signed_size + MANIFEST_SIGNATURE_SIZE != len)
        return fail(MANIFEST_ESIZE, 20, where); /* bytes after the signature */
    if (!all_zero(data + 48, 16))
        return fail(MANIFEST_ERESERVED, 48, where);
    out->serial = get64(data + 24);
    memcpy(out->key_id, data + 32, MANIFEST_KEY_ID_SIZE);

    off = MANIFEST_HEADER_SIZE;
    for (uint32_t i = 0; i < count; i++) {
        struct manifest_entry *e = &out->entries[i];
        size_t size;
        enum manifest_error rc = parse_entry(data, signed_size, off, e, &size, where);

        if (rc) {
            memset(out, 0, sizeof(*out));
            return rc;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (!strcmp(out->entries[j].name, e->name)) {
                memset(out, 0, sizeof(*out));
                return fail(MANIFEST_EDUPLICATE, off, where);
            }
        }
        off += size;
    }
    if (off != signed_size) {
        memset(out, 0, sizeof(*out));
        return fail(MANIFEST_ESIZE, off, where); /* entries do not fill the signed part */
    }
    out->count = count;
    return MANIFEST_OK;
}

void manifest_key_id(const uint8_t public_key[MANIFEST_PUBLIC_KEY_SIZE],
                     uint8_t id[MANIFEST_KEY_ID_SIZE])
{
    uint8_t digest[SHA256_DIGEST_SIZE];

    sha256_digest(public_key, MANIFEST_PUBLIC_KEY_SIZE, digest);
    memcpy(id, digest, MANIFEST_KEY_ID_SIZE);
}

enum manifest_error manifest_check_signature(const uint8_t *data, size_t len,
                                             const uint8_t public_key[MANIFEST_PUBLIC_KEY_SIZE])
{
    uint8_t id[MANIFEST_KEY_ID_SIZE];
    size_t signed_size;

    if (len < MANIFEST_HEADER_SIZE + MANIFEST_SIGNATURE_SIZE)
        return MANIFEST_ETRUNCATED;
    signed_size = len - MANIFEST_SIGNATURE_SIZE;
    if (get32(data + 20) != signed_size)
        return MANIFEST_ESIZE;
    manifest_key_id(public_key, id);
    if (memcmp(id, data + 32, MANIFEST_KEY_ID_SIZE))
        return MANIFEST_EKEY;
    if (crypto_sign_ed25519_verify_detached(data + signed_size, data, signed_size, public_key))
        return MANIFEST_ESIGNATURE;
    return MANIFEST_OK;
}

void manifest_hex(char *out, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void manifest_config_digest(const char *cmdline, const uint8_t *ramdisk_sha256, uint8_t digest[32])
{
    struct sha256_ctx ctx;
    char line[65];

    sha256_init(&ctx);
    sha256_update(&ctx, "cmdline=", 8);
    sha256_update(&ctx, cmdline, strlen(cmdline));
    sha256_update(&ctx, "\n", 1);
    if (ramdisk_sha256) {
        manifest_hex(line, ramdisk_sha256, 32);
        sha256_update(&ctx, "ramdisk=sha256:", 15);
        sha256_update(&ctx, line, 64);
        sha256_update(&ctx, "\n", 1);
    }
    sha256_final(&ctx, digest);
}

const struct manifest_entry *manifest_find(const struct manifest *m, const char *name)
{
    for (uint32_t i = 0; i < m->count; i++)
        if (!strcmp(m->entries[i].name, name))
            return &m->entries[i];
    return NULL;
}
