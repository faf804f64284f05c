/*
 * The arm64 Linux "Image" boot protocol, for the boot-time domain builder
 * (facts from Linux Documentation/arch/arm64/booting.rst; our test guests'
 * images follow it too, tests/guest/lib/guest.ld).
 *
 * The 64-byte header, every field little-endian:
 *    0  code0, code1   executable code (the entry point is the first byte)
 *    8  text_offset    where the image goes above a 2 MiB aligned base
 *   16  image_size     bytes the kernel uses from its start, BSS included
 *                      (0 before Linux 3.17: then text_offset is 0x80000)
 *   24  flags          bit 0 big-endian; bits 1-2 page size; bit 3 placement
 *   32  reserved (3 x u64)
 *   56  magic          0x644d5241, "ARM\x64"
 *   60  reserved       (the PE/COFF header offset of an EFI stub)
 *
 * Placement rules the layout keeps (booting.rst, "Setup the device tree",
 * "Setup the initrd" and "Call the kernel image"): the image at a 2 MiB
 * aligned address + text_offset with image_size bytes free from there; the
 * device tree 8-byte aligned, at most 2 MiB, not crossing a 2 MiB boundary
 * and within 512 MiB of the kernel's start; the initrd in a 1 GiB aligned
 * window of at most 32 GiB that also covers the kernel.
 *
 * Both functions are pure: they read their arguments, check every sum for
 * overflow, and fail with a message instead of guessing. Nothing here trusts
 * the image: it may come from a boot module anybody could have written.
 */
#ifndef FLAXEN_KERNEL_IMAGE_H
#define FLAXEN_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_IMAGE_ERROR_LEN 160
#define KERNEL_IMAGE_HEADER_SIZE 64u
#define KERNEL_IMAGE_MAGIC 0x644d5241u
#define KERNEL_IMAGE_LEGACY_TEXT_OFFSET 0x80000ull
#define KERNEL_IMAGE_FLAG_BIG_ENDIAN 1ull
#define KERNEL_IMAGE_BASE_ALIGN (2ull << 20) /* the kernel's base; also the DTB's slot */
#define KERNEL_IMAGE_DTB_MAX (2ull << 20)
#define KERNEL_IMAGE_DTB_WINDOW (512ull << 20)
#define KERNEL_IMAGE_INITRD_ALIGN (1ull << 30)
#define KERNEL_IMAGE_INITRD_WINDOW (32ull << 30)

struct kernel_image {
    uint64_t text_offset; /* effective: 0x80000 for a legacy image (image_size 0) */
    uint64_t image_size;  /* as in the header; 0 = legacy, reserve file_size */
    uint64_t file_size;   /* bytes of the file, header included */
    bool big_endian;      /* always false after a successful parse (refused) */
};

/* Guest-physical addresses; each *_end is exclusive. */
struct guest_layout {
    uint64_t kernel_base, kernel_end; /* the bytes reserved for the kernel */
    uint64_t entry;                   /* = kernel_base: vCPU 0's PC, x0 = dtb_base */
    uint64_t dtb_base, dtb_end;
    uint64_t ramdisk_base, ramdisk_end; /* 0, 0 = no ramdisk */
};

/*
 * Reads the Image header at data (len bytes, the whole file). Returns 0 and
 * fills *out, or -EINVAL with a message in err (KERNEL_IMAGE_ERROR_LEN bytes)
 * and *out zeroed: data NULL or shorter than the header, magic missing,
 * big-endian kernel (flags bit 0: Flaxen guests are little-endian), the file
 * larger than a non-zero image_size, or a text_offset that is not a multiple
 * of 4 (the entry point is the image's first instruction).
 */
int kernel_image_parse(const void *data, uint64_t len, struct kernel_image *out, char *err);

/*
 * Lays out, in guest RAM [ram_base, ram_base + ram_size), the kernel k, a
 * device tree of dtb_size bytes and a ramdisk of ramdisk_size bytes (0 =
 * none), without overlaps and by the rules at the top:
 *   kernel   the first 2 MiB aligned address >= ram_base, + text_offset;
 *            image_size bytes (file_size for a legacy image)
 *   dtb      the first 2 MiB aligned address at or after the kernel's end,
 *            so a DTB of at most 2 MiB never crosses a 2 MiB boundary; that
 *            whole 2 MiB slot is the DTB's
 *   ramdisk  right after the DTB's slot (page aligned)
 * Returns 0 and fills *out, or a negative errno with a message in err and
 * *out zeroed: -EINVAL for arguments that make no sense (an empty or wrapping
 * RAM range, a DTB of 0 or more than 2 MiB, a kernel_image that a parse
 * would not have produced), -ENOMEM when something does not fit in RAM or
 * in the protocol's windows. Every sum is checked for overflow.
 */
int kernel_image_place(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_size,
                       uint64_t dtb_size, uint64_t ramdisk_size, struct guest_layout *out,
                       char *err);

#endif
