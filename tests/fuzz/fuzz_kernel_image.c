/*
 * Fuzz target: kernel_image_parse() on arbitrary bytes, then kernel_image_place()
 * with a guest RAM, DTB and ramdisk size taken from the input's last 32 bytes
 * (so the fuzzer steers them towards the edges of 64-bit arithmetic).
 *
 * The input is copied to a heap buffer of exactly its length (ASan catches any
 * read past it). A success must give a layout that keeps every rule of
 * Documentation/arch/arm64/booting.rst as kernel_image.h states them; a failure
 * must leave a terminated, non-empty message and a zeroed result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flaxen/kernel_image.h"

#define TWO_MIB (2ull << 20)

static uint64_t tail_u64(const uint8_t *data, size_t size, unsigned index)
{
    uint64_t v = 0;

    if (size < 32)
        return 0;
    memcpy(&v, data + size - 32 + 8 * index, sizeof(v));
    return v;
}

static void check_message(const char *err, int rc)
{
    if (!memchr(err, '\0', KERNEL_IMAGE_ERROR_LEN) || (rc != 0) != (err[0] != '\0'))
        __builtin_trap();
}

static void check_layout(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_end,
                         uint64_t dtb_size, uint64_t ramdisk_size, const struct guest_layout *l)
{
    uint64_t reserve = k->image_size ? k->image_size : k->file_size;
    uint64_t base = l->kernel_base - k->text_offset;
    int bad = 0;

    bad |= base % TWO_MIB != 0 || base < ram_base || base - ram_base >= TWO_MIB;
    bad |= l->kernel_end - l->kernel_base != reserve || l->kernel_end > ram_end;
    bad |= l->entry != l->kernel_base || l->entry % 4 != 0;
    bad |= l->dtb_base < l->kernel_end || l->dtb_base % 8 != 0 || l->dtb_end > ram_end;
    bad |=
        l->dtb_end - l->dtb_base != dtb_size || l->dtb_base / TWO_MIB != (l->dtb_end - 1) / TWO_MIB;
    bad |= l->dtb_end - l->kernel_base > KERNEL_IMAGE_DTB_WINDOW;
    if (ramdisk_size == 0) {
        bad |= l->ramdisk_base != 0 || l->ramdisk_end != 0;
    } else {
        bad |= l->ramdisk_base - l->dtb_base < TWO_MIB || l->ramdisk_base % 4096 != 0;
        bad |= l->ramdisk_end - l->ramdisk_base != ramdisk_size || l->ramdisk_end > ram_end;
        bad |= l->ramdisk_end - (l->kernel_base & ~(KERNEL_IMAGE_INITRD_ALIGN - 1)) >
               KERNEL_IMAGE_INITRD_WINDOW;
    }
    if (bad)
        __builtin_trap();
}

/* Place k; on success the layout must keep the rules, on failure be zeroed. */
static void place_and_check(const struct kernel_image *k, uint64_t ram_base, uint64_t ram_size,
                            uint64_t dtb_size, uint64_t ramdisk_size)
{
    static const struct guest_layout zero;
    struct guest_layout l;
    char err[KERNEL_IMAGE_ERROR_LEN];
    int rc = kernel_image_place(k, ram_base, ram_size, dtb_size, ramdisk_size, &l, err);

    check_message(err, rc);
    if (rc == 0)
        check_layout(k, ram_base, ram_base + ram_size, dtb_size, ramdisk_size, &l);
    else if (memcmp(&l, &zero, sizeof(l)) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    struct kernel_image k;
    char err[KERNEL_IMAGE_ERROR_LEN];
    uint64_t ram_base = tail_u64(data, size, 0), ram_size = tail_u64(data, size, 1);
    uint64_t dtb_size = tail_u64(data, size, 2) % (KERNEL_IMAGE_DTB_MAX + 2);
    uint64_t ramdisk_size = tail_u64(data, size, 3);
    int rc;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    rc = kernel_image_parse(copy, size, &k, err);
    check_message(err, rc);
    if (rc == 0) {
        if (k.big_endian || k.file_size != size || (k.image_size && k.image_size < size))
            __builtin_trap();
        place_and_check(&k, ram_base, ram_size, dtb_size, ramdisk_size);
    }
    /* Also a kernel_image no parse produced: place must refuse what parse would. */
    if (size >= 32) {
        memcpy(&k.text_offset, data, 8);
        memcpy(&k.image_size, data + 8, 8);
        memcpy(&k.file_size, data + 16, 8);
        k.big_endian = data[24] & 1;
        place_and_check(&k, ram_base, ram_size, dtb_size, ramdisk_size);
    }
    free(copy);
    return 0;
}
