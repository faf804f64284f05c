/* The Authenticode digest of a PE/COFF image (authenticode.h). */
#include <stdint.h>
#include <string.h>

#include <flaxen/sha256.h>

#include "authenticode.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int authenticode_sha256(const uint8_t *img, size_t len, uint8_t digest[32], const char **why)
{
    struct sha256_ctx ctx;
    size_t pe, opt, headers, sections, nsec, sum, cert_dir, cert_size = 0;
    size_t order[96];

    *why = "not a PE/COFF image";
    if (len < 0x40 || img[0] != 'M' || img[1] != 'Z' || (pe = rd32(img + 0x3c)) > len - 24 ||
        memcmp(img + pe, "PE\0\0", 4))
        return -1;
    opt = pe + 24;
    nsec = le16(img + pe + 6);
    sections = opt + le16(img + pe + 20);
    if (opt + 112 > len || le16(img + opt) != 0x20b || nsec > 96 || sections + 40 * nsec > len)
        return -1; /* PE32+ only: Flaxen and GRUB on arm64 */
    headers = rd32(img + opt + 60);
    if (headers > len || headers < sections + 40 * nsec)
        return -1;
    sha256_init(&ctx);
    sha256_update(&ctx, img, opt + 64); /* up to the checksum */
    if (rd32(img + opt + 108) > 4) {    /* NumberOfRvaAndSizes: a certificate-table entry */
        cert_dir = opt + 112 + 4 * 8;
        cert_size = rd32(img + cert_dir + 4);
        sha256_update(&ctx, img + opt + 68, cert_dir - (opt + 68));
        sha256_update(&ctx, img + cert_dir + 8, headers - (cert_dir + 8));
    } else {
        sha256_update(&ctx, img + opt + 68, headers - (opt + 68));
    }
    sum = headers;
    for (size_t i = 0; i < nsec; i++) { /* file order: by PointerToRawData */
        size_t at = i;
        order[i] = i;
        while (at > 0 && rd32(img + sections + 40 * order[at - 1] + 20) >
                             rd32(img + sections + 40 * order[at] + 20)) {
            size_t t = order[at];
            order[at] = order[at - 1];
            order[at - 1] = t;
            at--;
        }
    }
    for (size_t i = 0; i < nsec; i++) {
        const uint8_t *sec = img + sections + 40 * order[i];
        size_t raw = rd32(sec + 16), off = rd32(sec + 20);

        if (!raw)
            continue;
        *why = "a section beyond the end of the file";
        if (off > len || raw > len - off)
            return -1;
        sha256_update(&ctx, img + off, raw);
        sum += raw;
    }
    if (len > sum + cert_size)
        sha256_update(&ctx, img + sum, len - sum - cert_size);
    sha256_final(&ctx, digest);
    return 0;
}
