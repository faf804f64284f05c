/*
 * The signed domain manifest (docs/security/measured-boot.md): which domain
 * images a deployment allows and the security label each one gets.
 *
 * Layout, little-endian, every length in bytes:
 *
 *   header (64):
 *     0  magic "FLXMANI1"
 *     8  u32 format version (1)
 *    12  u32 header size (64)
 *    16  u32 number of entries (1 .. MANIFEST_MAX_ENTRIES)
 *    20  u32 signed size: header + entries (the signature follows them)
 *    24  u64 serial number (chosen by the deployment, higher = newer)
 *    32  16 bytes: the first 16 bytes of SHA-256 of the signing public key
 *    48  16 bytes reserved, zero
 *   entries, one after another, each:
 *     0  u32 entry size (a multiple of 8)
 *     4  u16 name length, u16 label length, u16 MLS range length, u16 flags (0)
 *    12  u32 reserved, zero
 *    16  32 bytes: SHA-256 of the kernel image
 *    48  32 bytes: SHA-256 of the domain's configuration (manifest_config_digest)
 *    80  the name, the label, the MLS range (no NULs), then zeros up to the entry size
 *   signature (64): Ed25519 over the signed size's bytes from offset 0
 *
 * Names are 1-63 characters of [A-Za-z0-9._-]; a label is a full security
 * context, 1-255 printable characters without spaces; an MLS range is empty
 * or 1-255 such characters. Two entries may not share a name (several
 * domains may run the same image and configuration under different names).
 * Anything else is refused: a manifest is taken whole or not at all.
 */
#ifndef FLAXEN_MANIFEST_H
#define FLAXEN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_MAGIC "FLXMANI1"
#define MANIFEST_VERSION 1
#define MANIFEST_HEADER_SIZE 64
#define MANIFEST_ENTRY_FIXED 80
#define MANIFEST_SIGNATURE_SIZE 64
#define MANIFEST_KEY_ID_SIZE 16
#define MANIFEST_PUBLIC_KEY_SIZE 32
#define MANIFEST_MAX_ENTRIES 64
#define MANIFEST_NAME_MAX 63
#define MANIFEST_LABEL_MAX 255
#define MANIFEST_MAX_SIZE                                                                          \
    (MANIFEST_HEADER_SIZE + MANIFEST_MAX_ENTRIES * (MANIFEST_ENTRY_FIXED + 576) +                  \
     MANIFEST_SIGNATURE_SIZE)

struct manifest_entry {
    char name[MANIFEST_NAME_MAX + 1];
    char label[MANIFEST_LABEL_MAX + 1];
    char mls[MANIFEST_LABEL_MAX + 1]; /* "" when the entry names none */
    uint8_t image_sha256[32];
    uint8_t config_sha256[32];
};

struct manifest {
    uint64_t serial;
    uint8_t key_id[MANIFEST_KEY_ID_SIZE];
    uint32_t count;
    struct manifest_entry entries[MANIFEST_MAX_ENTRIES];
};

enum manifest_error {
    MANIFEST_OK = 0,
    MANIFEST_ETRUNCATED, /* shorter than its header or its signed size says */
    MANIFEST_EMAGIC,     /* not a manifest */
    MANIFEST_EVERSION,   /* a format version or header size this code does not know */
    MANIFEST_ESIZE,      /* sizes that do not add up, or trailing bytes */
    MANIFEST_ECOUNT,     /* no entries, or more than MANIFEST_MAX_ENTRIES */
    MANIFEST_ERESERVED,  /* a reserved field, flags or padding not zero */
    MANIFEST_ENAME,      /* an empty, too long or badly formed name */
    MANIFEST_ELABEL,     /* an empty, too long or badly formed label or MLS range */
    MANIFEST_EDUPLICATE, /* two entries with one name */
    MANIFEST_EKEY,       /* signed for another key (the key id differs) */
    MANIFEST_ESIGNATURE, /* the signature does not verify */
};

/* A NUL-terminated name within max bytes that an entry may carry (1-63 of [A-Za-z0-9._-]). */
bool manifest_name_valid(const char *name, size_t max);

/* A sentence for an error (never NULL). */
const char *manifest_strerror(enum manifest_error e);

/*
 * Checks the structure of len bytes at data and fills *out (its previous
 * contents are lost, also on failure). Does not check the signature. On an
 * error, *where (if not NULL) is the offset of the offending field.
 */
enum manifest_error manifest_parse(const uint8_t *data, size_t len, struct manifest *out,
                                   size_t *where);

/* The key id of a public key: the first 16 bytes of its SHA-256. */
void manifest_key_id(const uint8_t public_key[MANIFEST_PUBLIC_KEY_SIZE],
                     uint8_t id[MANIFEST_KEY_ID_SIZE]);

/*
 * Checks that a structurally valid manifest (manifest_parse said OK) names
 * this key and that its Ed25519 signature verifies with it.
 */
enum manifest_error manifest_check_signature(const uint8_t *data, size_t len,
                                             const uint8_t public_key[MANIFEST_PUBLIC_KEY_SIZE]);

/*
 * The configuration digest of a domain: SHA-256 of the text
 *   "cmdline=" <its command line> "\n"
 * followed, when it has a ramdisk, by
 *   "ramdisk=sha256:" <the ramdisk's SHA-256 in lower-case hex> "\n".
 * ramdisk_sha256 is NULL for a domain without one.
 */
void manifest_config_digest(const char *cmdline, const uint8_t *ramdisk_sha256, uint8_t digest[32]);

/* n bytes as 2n lower-case hex digits and a NUL (out: 2n + 1 bytes). */
void manifest_hex(char *out, const uint8_t *bytes, size_t n);

/* The entry of that name, or NULL. */
const struct manifest_entry *manifest_find(const struct manifest *m, const char *name);

#endif
