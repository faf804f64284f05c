/*
 * The EFI stub's hand-over block, read by the hypervisor (flaxen/efi.h).
 *
 * The block comes from code in this image, but it lies in RAM the firmware
 * and the boot loader could write too: every field is checked before the
 * boot relies on it.
 */
#include <flaxen/bootinfo.h>
#include <flaxen/efi.h>
#include <flaxen/string.h>

static int refuse(char why[64], const char *text)
{
    size_t n = strlen(text);

    if (n > 63)
        n = 63;
    memcpy(why, text, n);
    why[n] = '\0';
    return -EINVAL;
}

int efi_handover_check(const struct efi_handover *h, uint64_t max, const uint8_t **log,
                       char why[64])
{
    if (max < sizeof(*h))
        return refuse(why, "shorter than its header");
    if (h->magic != EFI_HANDOVER_MAGIC)
        return refuse(why, "no magic: not the EFI stub's block");
    if (h->size < sizeof(*h) || h->size > max || h->size % PAGE_SIZE)
        return refuse(why, "its size is wrong");
    if (h->log_max != h->size - sizeof(*h) || h->log_len > h->log_max)
        return refuse(why, "its log does not fit in it");
    if (h->nr_reserved > EFI_HANDOVER_MAX_RESERVED)
        return refuse(why, "too many reserved ranges");
    for (uint32_t i = 0; i < h->nr_reserved; i++)
        if (!h->reserved[i].size || h->reserved[i].base + h->reserved[i].size < h->reserved[i].base)
            return refuse(why, "a reserved range is empty or wraps");
    if (h->flags &
        ~(uint32_t)(EFI_HANDOVER_TCG2 | EFI_HANDOVER_LOG_TRUNCATED | EFI_HANDOVER_FINAL_BAD))
        return refuse(why, "unknown flags");
    if (log)
        *log = (const uint8_t *)(h + 1);
    return 0;
}

int efi_handover_apply(struct bootinfo *bi, const struct efi_handover *h, paddr_t pa, uint64_t max,
                       char why[64])
{
    int rc = efi_handover_check(h, max, NULL, why);

    if (rc)
        return rc;
    bi->efi = true;
    bi->nr_reserved = 0;
    bi->reserved[bi->nr_reserved++] = (struct bootinfo_region){pa, h->size};
    for (uint32_t i = 0; i < h->nr_reserved; i++)
        bi->reserved[bi->nr_reserved++] =
            (struct bootinfo_region){h->reserved[i].base, h->reserved[i].size};
    bi->fw_log = (struct bootinfo_region){h->log_len ? pa + sizeof(*h) : 0, h->log_len};
    bi->fw_log_flags = h->flags;
    return 0;
}
