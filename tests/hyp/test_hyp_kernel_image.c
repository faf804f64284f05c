/*
 * Host tests of the arm64 Image header parser and the guest boot layout
 * (xen/common/kernel_image.c), against the rules of Linux's
 * Documentation/arch/arm64/booting.rst and against a real image: the test
 * guest build/guest/selftest.bin (mk/build-tests.mk builds it first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <flaxen/kernel_image.h>
#include <flaxen/types.h>

#include "unit.h"

#define RAM_BASE 0x40000000ull
#define TWO_MIB (2ull << 20)

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

/* A 64-byte header (in a buffer of len >= 64 bytes) with the given fields. */
static void make_header(uint8_t *b, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
    memset(b, 0, KERNEL_IMAGE_HEADER_SIZE);
    put_le(b, 0x14000010, 4); /* code0: b +64, as a real Image starts */
    put_le(b + 8, text_offset, 8);
    put_le(b + 16, image_size, 8);
    put_le(b + 24, flags, 8);
    put_le(b + 56, KERNEL_IMAGE_MAGIC, 4);
}

static bool layout_is_zero(const struct guest_layout *l)
{
    static const struct guest_layout zero;

    return memcmp(l, &zero, sizeof(zero)) == 0;
}

static bool inside(uint64_t base, uint64_t end, uint64_t ram_base, uint64_t ram_end)
{
    return base <= end && base >= ram_base && end <= ram_end;
}

/* Every rule of booting.rst that a successful layout must keep. */
static void check_layout(struct unit *u, const struct kernel_image *k, uint64_t ram_base,
                         uint64_t ram_size, uint64_t dtb_size, uint64_t ramdisk_size,
                         const struct guest_layout *l)
{
    uint64_t ram_end = ram_base + ram_size;
    uint64_t reserve = k->image_size ? k->image_size : k->file_size;

    UNIT_CHECK(u, IS_ALIGNED(l->kernel_base - k->text_offset, TWO_MIB));
    UNIT_CHECK(u, l->kernel_base - k->text_offset >= ram_base);
    UNIT_CHECK(u, l->kernel_base - k->text_offset - ram_base < TWO_MIB);
    UNIT_CHECK_EQ(u, l->kernel_end - l->kernel_base, reserve);
    UNIT_CHECK_EQ(u, l->entry, l->kernel_base);
    UNIT_CHECK(u, inside(l->kernel_base, l->kernel_end, ram_base, ram_end));
    UNIT_CHECK_EQ(u, l->dtb_end - l->dtb_base, dtb_size);
    UNIT_CHECK(u, IS_ALIGNED(l->dtb_base, 8));
    UNIT_CHECK_EQ(u, l->dtb_base / TWO_MIB, (l->dtb_end - 1) / TWO_MIB);
    UNIT_CHECK(u, l->dtb_base >= l->kernel_end);
    UNIT_CHECK(u, l->dtb_end - l->kernel_base <= KERNEL_IMAGE_DTB_WINDOW);
    UNIT_CHECK(u, inside(l->dtb_base, l->dtb_end, ram_base, ram_end));
    if (ramdisk_size == 0) {
        UNIT_CHECK(u, l->ramdisk_base == 0 && l->ramdisk_end == 0);
        return;
    }
    UNIT_CHECK_EQ(u, l->ramdisk_end - l->ramdisk_base, ramdisk_size);
    UNIT_CHECK(u, IS_ALIGNED(l->ramdisk_base, PAGE_SIZE));
    UNIT_CHECK(u, l->ramdisk_base - l->dtb_base >= TWO_MIB); /* outside the DTB's slot */
    UNIT_CHECK(u, inside(l->ramdisk_base, l->ramdisk_end, ram_base, ram_end));
    UNIT_CHECK(u, l->ramdisk_end - ALIGN_DOWN(l->kernel_base, KERNEL_IMAGE_INITRD_ALIGN) <=
                      KERNEL_IMAGE_INITRD_WINDOW);
}

static int place(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_size,
                 uint64_t dtb_size, uint64_t ramdisk_size, struct guest_layout *l, char *err)
{
    memset(l, 0xa5, sizeof(*l));
    memset(err, 'x', KERNEL_IMAGE_ERROR_LEN);
    return kernel_image_place(k, ram_base, ram_size, dtb_size, ramdisk_size, l, err);
}

/* A failure: the code, a message, and nothing placed. */
static void check_refused(struct unit *u, int rc, int expect, const struct guest_layout *l,
                          const char *err)
{
    UNIT_CHECK_EQ(u, rc, expect);
    UNIT_CHECK(u, layout_is_zero(l));
    UNIT_CHECK(u, memchr(err, '\0', KERNEL_IMAGE_ERROR_LEN) && err[0] != '\0');
}

/* ------------------------------------------------------------ parse */

static void test_parse_header(struct unit *u)
{
    uint8_t b[4096];
    struct kernel_image k;
    char err[KERNEL_IMAGE_ERROR_LEN];

    make_header(b, 0x80000, 0x30000, 0xa); /* LE, 4K pages, anywhere */
    UNIT_CHECK_EQ(u, kernel_image_parse(b, sizeof(b), &k, err), 0);
    UNIT_CHECK_EQ(u, k.text_offset, 0x80000);
    UNIT_CHECK_EQ(u, k.image_size, 0x30000);
    UNIT_CHECK_EQ(u, k.file_size, sizeof(b));
    UNIT_CHECK(u, !k.big_endian);
    UNIT_CHECK_EQ(u, err[0], '\0');
    /* Exactly the header, and a file exactly image_size long, are fine. */
    make_header(b, 0, KERNEL_IMAGE_HEADER_SIZE, 0);
    UNIT_CHECK_EQ(u, kernel_image_parse(b, KERNEL_IMAGE_HEADER_SIZE, &k, err), 0);
    UNIT_CHECK_EQ(u, k.file_size, KERNEL_IMAGE_HEADER_SIZE);
}

static void check_parse_refused(struct unit *u, const void *data, uint64_t len)
{
    struct kernel_image k;
    char err[KERNEL_IMAGE_ERROR_LEN];

    memset(&k, 0xa5, sizeof(k));
    UNIT_CHECK_EQ(u, kernel_image_parse(data, len, &k, err), -EINVAL);
    UNIT_CHECK(u, k.text_offset == 0 && k.image_size == 0 && k.file_size == 0 && !k.big_endian);
    UNIT_CHECK(u, memchr(err, '\0', sizeof(err)) && err[0] != '\0');
}

static void test_parse_refuses(struct unit *u)
{
    uint8_t b[256];

    make_header(b, 0, sizeof(b), 0);
    check_parse_refused(u, NULL, sizeof(b));
    check_parse_refused(u, b, 0);
    check_parse_refused(u, b, KERNEL_IMAGE_HEADER_SIZE - 1); /* short */
    b[59] ^= 0x01;                                           /* magic */
    check_parse_refused(u, b, sizeof(b));
    make_header(b, 0, sizeof(b), 1); /* big-endian */
    check_parse_refused(u, b, sizeof(b));
    make_header(b, 0, sizeof(b), 0xb); /* big-endian among other flags */
    check_parse_refused(u, b, sizeof(b));
    make_header(b, 0, sizeof(b) - 1, 0); /* file_size > image_size */
    check_parse_refused(u, b, sizeof(b));
    make_header(b, 0x80002, sizeof(b), 0); /* entry not on an instruction */
    check_parse_refused(u, b, sizeof(b));
    make_header(b, 0, UINT64_MAX, 0); /* fine to parse: placing it fails */
    {
        struct kernel_image k;
        char err[KERNEL_IMAGE_ERROR_LEN];

        UNIT_CHECK_EQ(u, kernel_image_parse(b, sizeof(b), &k, err), 0);
    }
}

/* Before Linux 3.17: image_size 0, text_offset of unknown endianness, assume 0x80000. */
static void test_parse_legacy(struct unit *u)
{
    uint8_t b[8192];
    struct kernel_image k;
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    make_header(b, 0x0000080000000000ull, 0, 0); /* 0x80000 big-endian */
    UNIT_CHECK_EQ(u, kernel_image_parse(b, sizeof(b), &k, err), 0);
    UNIT_CHECK_EQ(u, k.text_offset, KERNEL_IMAGE_LEGACY_TEXT_OFFSET);
    UNIT_CHECK_EQ(u, k.image_size, 0);
    UNIT_CHECK_EQ(u, k.file_size, sizeof(b));
    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(64), 4096, 0, &l, err), 0);
    UNIT_CHECK_EQ(u, l.kernel_base, RAM_BASE + 0x80000);
    UNIT_CHECK_EQ(u, l.kernel_end, RAM_BASE + 0x80000 + sizeof(b)); /* file_size reserved */
    check_layout(u, &k, RAM_BASE, MIB(64), 4096, 0, &l);
}

/* The test guests are arm64 Images (tests/guest/lib/guest.ld): parse and place one. */
static void test_parse_real_guest(struct unit *u)
{
    size_t len = 0;
    uint8_t *image = unit_read_file(unit_build_path("guest/selftest.bin"), &len);
    struct kernel_image k;
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    UNIT_CHECK_MSG(u, image, "cannot read %s (make guests)", unit_build_path("guest/selftest.bin"));
    if (!image)
        return;
    UNIT_CHECK_MSG(u, kernel_image_parse(image, len, &k, err) == 0, "%s", err);
    UNIT_CHECK_EQ(u, k.text_offset, 0); /* what the guest README promises */
    UNIT_CHECK(u, k.image_size >= len && k.image_size < MIB(2));
    UNIT_CHECK_EQ(u, k.file_size, len);
    UNIT_CHECK_MSG(u, place(&k, RAM_BASE, MIB(16), 0x2000, 0x1000, &l, err) == 0, "%s", err);
    UNIT_CHECK_EQ(u, l.kernel_base, RAM_BASE);
    UNIT_CHECK_EQ(u, l.entry, RAM_BASE);
    UNIT_CHECK_EQ(u, l.dtb_base, RAM_BASE + MIB(2));
    UNIT_CHECK_EQ(u, l.ramdisk_base, RAM_BASE + MIB(4));
    check_layout(u, &k, RAM_BASE, MIB(16), 0x2000, 0x1000, &l);
    free(image);
}

/* ------------------------------------------------------------ place */

static void test_place_typical(struct unit *u)
{
    struct kernel_image k = {
        .text_offset = 0x80000, .image_size = MIB(16) + 0x1234, .file_size = MIB(12)};
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(128), 0x1800, MIB(5) + 10, &l, err), 0);
    UNIT_CHECK_EQ(u, err[0], '\0');
    UNIT_CHECK_EQ(u, l.kernel_base, RAM_BASE + 0x80000);
    UNIT_CHECK_EQ(u, l.kernel_end, RAM_BASE + 0x80000 + MIB(16) + 0x1234);
    UNIT_CHECK_EQ(u, l.dtb_base, RAM_BASE + MIB(18));
    UNIT_CHECK_EQ(u, l.dtb_end, RAM_BASE + MIB(18) + 0x1800);
    UNIT_CHECK_EQ(u, l.ramdisk_base, RAM_BASE + MIB(20));
    UNIT_CHECK_EQ(u, l.ramdisk_end, RAM_BASE + MIB(25) + 10);
    check_layout(u, &k, RAM_BASE, MIB(128), 0x1800, MIB(5) + 10, &l);

    /* RAM not 2 MiB aligned: the kernel's base is the next 2 MiB boundary. */
    UNIT_CHECK_EQ(u, place(&k, RAM_BASE + 0x1000, MIB(128), 0x1800, 0, &l, err), 0);
    UNIT_CHECK_EQ(u, l.kernel_base, RAM_BASE + MIB(2) + 0x80000);
    check_layout(u, &k, RAM_BASE + 0x1000, MIB(128), 0x1800, 0, &l);

    /* A DTB of exactly 2 MiB fills its slot. */
    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(128), MIB(2), 1, &l, err), 0);
    UNIT_CHECK_EQ(u, l.dtb_end, l.dtb_base + MIB(2));
    check_layout(u, &k, RAM_BASE, MIB(128), MIB(2), 1, &l);
}

static void test_place_exact_fit(struct unit *u)
{
    struct kernel_image k = {.text_offset = 0, .image_size = MIB(6), .file_size = 4096};
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    /* kernel 6 MiB, DTB slot 2 MiB, ramdisk 1 MiB: 9 MiB exactly. */
    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(9), 4096, MIB(1), &l, err), 0);
    UNIT_CHECK_EQ(u, l.ramdisk_end, RAM_BASE + MIB(9));
    check_refused(u, place(&k, RAM_BASE, MIB(9) - 1, 4096, MIB(1), &l, err), -ENOMEM, &l, err);
    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(6) + 4096, 4096, 0, &l, err), 0);
    check_refused(u, place(&k, RAM_BASE, MIB(6) + 4095, 4096, 0, &l, err), -ENOMEM, &l, err);
    /* The image alone bigger than RAM. */
    check_refused(u, place(&k, RAM_BASE, MIB(6) - 1, 4096, 0, &l, err), -ENOMEM, &l, err);
    /* RAM smaller than the way up to the first 2 MiB boundary. */
    check_refused(u, place(&k, RAM_BASE + 4096, MIB(2) - 8192, 8, 0, &l, err), -ENOMEM, &l, err);
}

/* booting.rst: the DTB within the first 512 MiB from the kernel's start. */
static void test_place_dtb_window(struct unit *u)
{
    struct kernel_image k = {.text_offset = 0, .image_size = MIB(510), .file_size = 4096};
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, MIB(1024), MIB(2), 0, &l, err), 0);
    UNIT_CHECK_EQ(u, l.dtb_end, RAM_BASE + MIB(512));
    check_layout(u, &k, RAM_BASE, MIB(1024), MIB(2), 0, &l);
    k.image_size = MIB(510) + 1;
    check_refused(u, place(&k, RAM_BASE, MIB(1024), 8, 0, &l, err), -ENOMEM, &l, err);
}

/* booting.rst: the initrd in a 1 GiB aligned window of at most 32 GiB covering the kernel. */
static void test_place_initrd_window(struct unit *u)
{
    struct kernel_image k = {.text_offset = 0, .image_size = MIB(2), .file_size = 4096};
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];
    uint64_t window = 32ull << 30;

    UNIT_CHECK_EQ(u, place(&k, RAM_BASE, 64ull << 30, 4096, window - MIB(4), &l, err), 0);
    UNIT_CHECK_EQ(u, l.ramdisk_end, RAM_BASE + window);
    check_layout(u, &k, RAM_BASE, 64ull << 30, 4096, window - MIB(4), &l);
    check_refused(u, place(&k, RAM_BASE, 64ull << 30, 4096, window - MIB(4) + 1, &l, err), -ENOMEM,
                  &l, err);
}

static void test_place_refuses_arguments(struct unit *u)
{
    struct kernel_image good = {.text_offset = 0, .image_size = MIB(1), .file_size = 4096};
    struct kernel_image k;
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];

    check_refused(u, place(&good, RAM_BASE, 0, 4096, 0, &l, err), -EINVAL, &l, err);
    check_refused(u, place(&good, RAM_BASE, MIB(64), 0, 0, &l, err), -EINVAL, &l, err);
    check_refused(u, place(&good, RAM_BASE, MIB(64), MIB(2) + 1, 0, &l, err), -EINVAL, &l, err);
    check_refused(u, place(&good, RAM_BASE, MIB(64), UINT64_MAX, 0, &l, err), -EINVAL, &l, err);
    k = good;
    k.big_endian = true;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 4096, 0, &l, err), -EINVAL, &l, err);
    k = good;
    k.file_size = k.image_size + 1;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 4096, 0, &l, err), -EINVAL, &l, err);
    k = good;
    k.image_size = k.file_size = 0;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 4096, 0, &l, err), -EINVAL, &l, err);
    k = good;
    k.text_offset = 2;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 4096, 0, &l, err), -EINVAL, &l, err);
}

/* Every addition near 2^64 must fail cleanly, never wrap into a "valid" layout. */
static void test_place_overflow(struct unit *u)
{
    struct kernel_image k = {.text_offset = 0, .image_size = MIB(1), .file_size = 4096};
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];
    const uint64_t top = UINT64_MAX - MIB(2) + 1; /* the last 2 MiB boundary */

    /* RAM wrapping past 2^64, or ending exactly at 2^64 (not representable). */
    check_refused(u, place(&k, UINT64_MAX - 0xfff, 0x1000, 8, 0, &l, err), -EINVAL, &l, err);
    check_refused(u, place(&k, 0x1000, UINT64_MAX, 8, 0, &l, err), -EINVAL, &l, err);
    /* Rounding RAM's base up to 2 MiB overflows. */
    check_refused(u, place(&k, top + 1, MIB(2) - 2, 8, 0, &l, err), -ENOMEM, &l, err);
    /* The kernel fits at the very top, the DTB's slot would start at 2^64. */
    check_refused(u, place(&k, top, MIB(2) - 1, 8, 0, &l, err), -ENOMEM, &l, err);
    /* Huge header values. */
    k.text_offset = UINT64_MAX - 3;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 8, 0, &l, err), -ENOMEM, &l, err);
    k.text_offset = 0;
    k.image_size = UINT64_MAX;
    check_refused(u, place(&k, RAM_BASE, MIB(64), 8, 0, &l, err), -ENOMEM, &l, err);
    k.image_size = UINT64_MAX - RAM_BASE; /* kernel_end 2^64 - 1: no overflow, past RAM */
    check_refused(u, place(&k, RAM_BASE, MIB(64), 8, 0, &l, err), -ENOMEM, &l, err);
    k.image_size = MIB(1);
    check_refused(u, place(&k, RAM_BASE, MIB(64), 8, UINT64_MAX, &l, err), -ENOMEM, &l, err);
    check_refused(u, place(&k, RAM_BASE, MIB(64), 8, UINT64_MAX - RAM_BASE - MIB(4), &l, err),
                  -ENOMEM, &l, err);
    /* RAM ending at the last byte below 2^64: everything fits. */
    UNIT_CHECK_EQ(u, place(&k, top - MIB(8), MIB(10) - 1, 8, 4096, &l, err), 0);
    check_layout(u, &k, top - MIB(8), MIB(10) - 1, 8, 4096, &l);
}

/* Random requests, many near the edges: each either a valid layout or a clean refusal. */
static void test_place_random(struct unit *u)
{
    static const uint64_t edges[] = {0,
                                     1,
                                     4,
                                     8,
                                     0xfff,
                                     0x1000,
                                     MIB(2) - 1,
                                     MIB(2),
                                     MIB(2) + 1,
                                     MIB(512),
                                     1ull << 30,
                                     32ull << 30,
                                     UINT64_MAX - MIB(2),
                                     UINT64_MAX - 7,
                                     UINT64_MAX};
    uint64_t state = 0x9e3779b97f4a7c15ull;
    unsigned ok = 0;

    for (unsigned i = 0; i < 200000 && !u->failures; i++) {
        uint64_t v[6];
        struct kernel_image k;
        struct guest_layout l;
        char err[KERNEL_IMAGE_ERROR_LEN];
        int rc;

        for (unsigned j = 0; j < 6; j++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            v[j] = (state >> 33) & 1 ? edges[(state >> 40) % ARRAY_SIZE(edges)]
                                     : (state >> 20) & ((1ull << (state % 40)) - 1);
        }
        k = (struct kernel_image){
            .text_offset = v[0] & ~3ull, .image_size = v[1], .file_size = v[1] ? v[1] : 64};
        rc = place(&k, v[2], v[3], v[4] % (MIB(2) + 2), v[5], &l, err);
        if (rc == 0) {
            ok++;
            check_layout(u, &k, v[2], v[3], v[4] % (MIB(2) + 2), v[5], &l);
        } else {
            UNIT_CHECK(u, rc == -EINVAL || rc == -ENOMEM);
            check_refused(u, rc, rc, &l, err);
        }
    }
    UNIT_CHECK_MSG(u, ok > 1000, "only %u random layouts succeeded", ok);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_parse_header),
    UNIT_CASE(test_parse_refuses),
    UNIT_CASE(test_parse_legacy),
    UNIT_CASE(test_parse_real_guest),
    UNIT_CASE(test_place_typical),
    UNIT_CASE(test_place_exact_fit),
    UNIT_CASE(test_place_dtb_window),
    UNIT_CASE(test_place_initrd_window),
    UNIT_CASE(test_place_refuses_arguments),
    UNIT_CASE(test_place_overflow),
    UNIT_CASE(test_place_random),
    {0},
};
