/*
 * kernel_image: the arm64 Image header and a guest's boot layout
 * (kernel_image.h; facts from Linux Documentation/arch/arm64/booting.rst).
 *
 * Every address computation goes through add_fits()/align_up_fits(): a sum
 * that would pass 2^64 is a failure ("does not fit"), never a wrapped value.
 * The layout is built in a local structure and copied out only when complete,
 * so a caller never sees half a layout.
 */
#include <stdarg.h>

#include <flaxen/format.h>
#include <flaxen/kernel_image.h>
#include <flaxen/types.h>

#define HEADER_TEXT_OFFSET 8
#define HEADER_IMAGE_SIZE 16
#define HEADER_FLAGS 24
#define HEADER_MAGIC 56
#define ENTRY_ALIGN 4u /* A64 instructions: the entry point must be one */

typedef unsigned long long ull; /* what format_snprintf's %ll conversions take */

/* n bytes at b as a little-endian number (n <= 8). */
static uint64_t read_le(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;

    while (n-- > 0)
        v = v << 8 | b[n];
    return v;
}

static int PRINTF_LIKE(3, 4) fail(char *err, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_vsnprintf(err, KERNEL_IMAGE_ERROR_LEN, fmt, ap);
    va_end(ap);
    return code;
}

/* *sum = a + b; false when that does not fit in 64 bits. */
static bool add_fits(uint64_t a, uint64_t b, uint64_t *sum)
{
    *sum = a + b;
    return *sum >= a;
}

/* *out = x rounded up to align (a power of two); false on overflow. */
static bool align_up_fits(uint64_t x, uint64_t align, uint64_t *out)
{
    uint64_t sum;

    if (!add_fits(x, align - 1, &sum))
        return false;
    *out = sum & ~(align - 1);
    return true;
}

/*
 * Reads the 64-byte header (booting.rst, "Call the kernel image"). A legacy
 * image (image_size 0) gets text_offset 0x80000: its header field may be in
 * the kernel's own endianness, and the protocol says to assume 0x80000.
 */
int kernel_image_parse(const void *data, uint64_t len, struct kernel_image *out, char *err)
{
    const uint8_t *h = data;
    struct kernel_image k = {0};
    uint32_t magic;

    err[0] = '\0';
    *out = k;
    if (!h)
        return fail(err, -EINVAL, "kernel image: none given");
    if (len < KERNEL_IMAGE_HEADER_SIZE)
        return fail(err, -EINVAL, "kernel image: %llu bytes, shorter than the %u-byte Image header",
                    (ull)len, KERNEL_IMAGE_HEADER_SIZE);
    magic = (uint32_t)read_le(h + HEADER_MAGIC, 4);
    if (magic != KERNEL_IMAGE_MAGIC)
        return fail(err, -EINVAL,
                    "kernel image: magic 0x%x at offset 56, not 0x%x: not an arm64 Image", magic,
                    KERNEL_IMAGE_MAGIC);
    if (read_le(h + HEADER_FLAGS, 8) & KERNEL_IMAGE_FLAG_BIG_ENDIAN)
        return fail(err, -EINVAL,
                    "kernel image: big-endian kernel (flags bit 0); guests must be little-endian");
    k.image_size = read_le(h + HEADER_IMAGE_SIZE, 8);
    k.text_offset =
        k.image_size ? read_le(h + HEADER_TEXT_OFFSET, 8) : KERNEL_IMAGE_LEGACY_TEXT_OFFSET;
    k.file_size = len;
    if (k.image_size && len > k.image_size)
        return fail(err, -EINVAL, "kernel image: the file's %llu bytes exceed its image_size %llu",
                    (ull)len, (ull)k.image_size);
    if (k.text_offset % ENTRY_ALIGN)
        return fail(err, -EINVAL, "kernel image: text_offset 0x%llx is not a multiple of %u",
                    (ull)k.text_offset, ENTRY_ALIGN);
    *out = k;
    return 0;
}

/* What a parse guarantees, the RAM range and the DTB's size; *ram_end = exclusive end. */
static int check_request(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_size,
                         uint64_t dtb_size, uint64_t *ram_end, char *err)
{
    if (k->big_endian)
        return fail(err, -EINVAL, "kernel image: big-endian");
    if (k->text_offset % ENTRY_ALIGN)
        return fail(err, -EINVAL, "kernel image: text_offset 0x%llx is not a multiple of %u",
                    (ull)k->text_offset, ENTRY_ALIGN);
    if (k->image_size ? k->file_size > k->image_size : k->file_size == 0)
        return fail(err, -EINVAL, "kernel image: file_size %llu does not fit image_size %llu",
                    (ull)k->file_size, (ull)k->image_size);
    if (ram_size == 0)
        return fail(err, -EINVAL, "guest RAM: empty");
    if (!add_fits(ram_base, ram_size, ram_end))
        return fail(err, -EINVAL, "guest RAM: 0x%llx + 0x%llx passes the end of the address space",
                    (ull)ram_base, (ull)ram_size);
    if (dtb_size == 0 || dtb_size > KERNEL_IMAGE_DTB_MAX)
        return fail(err, -EINVAL, "device tree: %llu bytes; the boot protocol wants 1 to %llu",
                    (ull)dtb_size, (ull)KERNEL_IMAGE_DTB_MAX);
    return 0;
}

/* The first 2 MiB aligned address in RAM + text_offset, image_size (or file_size) bytes. */
static int place_kernel(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_end,
                        struct guest_layout *l, char *err)
{
    uint64_t base, reserve = k->image_size ? k->image_size : k->file_size;

    if (!align_up_fits(ram_base, KERNEL_IMAGE_BASE_ALIGN, &base) ||
        !add_fits(base, k->text_offset, &l->kernel_base) ||
        !add_fits(l->kernel_base, reserve, &l->kernel_end) || l->kernel_end > ram_end)
        return fail(err, -ENOMEM,
                    "kernel: 0x%llx bytes at a 2 MiB aligned base + 0x%llx do not fit in guest "
                    "RAM [0x%llx, 0x%llx)",
                    (ull)reserve, (ull)k->text_offset, (ull)ram_base, (ull)ram_end);
    l->entry = l->kernel_base;
    return 0;
}

/* The DTB owns the 2 MiB slot after the kernel, which must lie within 512 MiB of its start. */
static int place_dtb(uint64_t dtb_size, uint64_t ram_end, struct guest_layout *l, char *err)
{
    uint64_t limit;

    if (!align_up_fits(l->kernel_end, KERNEL_IMAGE_BASE_ALIGN, &l->dtb_base) ||
        !add_fits(l->dtb_base, dtb_size, &l->dtb_end) || l->dtb_end > ram_end)
        return fail(err, -ENOMEM,
                    "device tree: %llu bytes after the kernel (ending at 0x%llx) do not fit in "
                    "guest RAM ending at 0x%llx",
                    (ull)dtb_size, (ull)l->kernel_end, (ull)ram_end);
    if (!add_fits(l->kernel_base, KERNEL_IMAGE_DTB_WINDOW, &limit))
        limit = UINT64_MAX;
    if (l->dtb_end > limit)
        return fail(err, -ENOMEM,
                    "device tree: would end at 0x%llx, more than 512 MiB past the kernel's start "
                    "0x%llx",
                    (ull)l->dtb_end, (ull)l->kernel_base);
    return 0;
}

/* After the DTB's slot (so page aligned), in a 32 GiB window from the kernel's 1 GiB base. */
static int place_ramdisk(uint64_t size, uint64_t ram_end, struct guest_layout *l, char *err)
{
    uint64_t window = ALIGN_DOWN(l->kernel_base, KERNEL_IMAGE_INITRD_ALIGN);

    if (size == 0)
        return 0;
    if (!add_fits(l->dtb_base, KERNEL_IMAGE_BASE_ALIGN, &l->ramdisk_base) ||
        !add_fits(l->ramdisk_base, size, &l->ramdisk_end) || l->ramdisk_end > ram_end)
        return fail(err, -ENOMEM,
                    "ramdisk: %llu bytes after the device tree's slot at 0x%llx do not fit in "
                    "guest RAM ending at 0x%llx",
                    (ull)size, (ull)l->dtb_base, (ull)ram_end);
    if (l->ramdisk_end - window > KERNEL_IMAGE_INITRD_WINDOW)
        return fail(err, -ENOMEM,
                    "ramdisk: would end at 0x%llx, outside the 32 GiB window from 0x%llx that "
                    "must hold the kernel and the initrd",
                    (ull)l->ramdisk_end, (ull)window);
    return 0;
}

/*
 * The layout of kernel_image.h: kernel, then the DTB's 2 MiB slot, then the
 * ramdisk, all inside RAM and disjoint by construction (each starts at or
 * after the previous one's end). *out is written once, complete or zeroed.
 */
int kernel_image_place(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_size,
                       uint64_t dtb_size, uint64_t ramdisk_size, struct guest_layout *out,
                       char *err)
{
    struct guest_layout l = {0};
    uint64_t ram_end = 0;
    int rc;

    err[0] = '\0';
    *out = l;
    rc = check_request(k, ram_base, ram_size, dtb_size, &ram_end, err);
    if (rc == 0)
        rc = place_kernel(k, ram_base, ram_end, &l, err);
    if (rc == 0)
        rc = place_dtb(dtb_size, ram_end, &l, err);
    if (rc == 0)
        rc = place_ramdisk(ramdisk_size, ram_end, &l, err);
    if (rc == 0)
        *out = l;
    return rc;
}
