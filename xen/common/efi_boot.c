/*
 * The EFI stub (flaxen/efi.h): from the firmware's efi_entry to the
 * hypervisor's own entry, with the firmware's event log and memory map.
 *
 * Runs before anything of the hypervisor is set up: the image has not
 * applied its relocations (it may not even be writable: a loader may map text
 * and read-only data read-only), BSS is not cleared, there is no console but
 * the firmware's. So this file takes only PC-relative addresses, writes only
 * memory it allocated and its stack, and calls only the firmware, memcpy /
 * memset and the event-log reader (which touch nothing else).
 */
#include <flaxen/efi.h>
#include <flaxen/event_log.h>
#include <flaxen/string.h>
#include <flaxen/types.h>

/* Where the hypervisor runs: a stack slot (asm/layout.h) must be aligned to its 32 KiB. */
#define IMAGE_ALIGN KIB(64)
#define FINAL_EVENTS_ROOM KIB(64) /* room for events logged after the copy */

extern char _start[], _end[], __bss_start[], efi_primary_entry[];

unsigned efi_current_el(void);
NORETURN void efi_enter_image(paddr_t entry, paddr_t fdt, paddr_t handover);
void dcache_clean_inval_range(const void *start, const void *end);
efi_status efi_main(efi_handle image, struct efi_system_table *st, char *base);

static const struct efi_guid dtb_guid = EFI_DTB_TABLE_GUID;
static const struct efi_guid tcg2_guid = EFI_TCG2_PROTOCOL_GUID;
static const struct efi_guid final_guid = EFI_TCG2_FINAL_EVENTS_TABLE_GUID;

/* Prints ASCII text on the firmware's console (before ExitBootServices only). */
static void say(struct efi_system_table *st, const char *text)
{
    uint16_t wide[128];
    size_t n = 0;

    while (*text) {
        if (*text == '\n' && n < ARRAY_SIZE(wide) - 2)
            wide[n++] = '\r';
        wide[n++] = (uint8_t)*text++;
        if (n >= ARRAY_SIZE(wide) - 2 || !*text) {
            wide[n] = 0;
            if (st->con_out)
                st->con_out->output_string(st->con_out, wide);
            n = 0;
        }
    }
}

static void say_hex(struct efi_system_table *st, uint64_t v)
{
    char text[19] = "0x";

    for (int i = 0; i < 16; i++)
        text[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    text[18] = '\0';
    say(st, text);
}

static efi_status fail(struct efi_system_table *st, const char *why, efi_status status)
{
    say(st, "Flaxen: cannot start: ");
    say(st, why);
    say(st, "\n");
    return status;
}

static void *config_table(struct efi_system_table *st, const struct efi_guid *guid)
{
    for (uint64_t i = 0; i < st->number_of_table_entries; i++)
        if (!memcmp(&st->configuration_table[i].guid, guid, sizeof(*guid)))
            return st->configuration_table[i].table;
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The firmware's event log at the time of the call: its length, 0 when none. */
static uint64_t firmware_log(struct efi_system_table *st, struct efi_tcg2_protocol *tcg2,
                             const uint8_t **log, struct event_log_algs *algs, uint32_t *flags)
{
    uint64_t location = 0, last = 0;
    bool truncated = false;
    long header, size;

    if (tcg2->get_event_log(tcg2, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, &location, &last, &truncated) !=
            EFI_SUCCESS ||
        !location) {
        say(st, "Flaxen: the firmware has a TCG2 protocol but no crypto-agile event log\n");
        *flags |= EFI_HANDOVER_LOG_TRUNCATED;
        return 0;
    }
    *log = (const uint8_t *)(uintptr_t)location;
    header = event_log_header(*log, MIB(1), algs);
    if (header < 0 || (last && last < location + (uint64_t)header) || last - location > MIB(16)) {
        say(st, "Flaxen: the firmware's event log has no usable header\n");
        *flags |= EFI_HANDOVER_LOG_TRUNCATED;
        return 0;
    }
    if (truncated)
        *flags |= EFI_HANDOVER_LOG_TRUNCATED;
    if (!last || last == location)
        return (uint64_t)header;
    size = event_log_event(algs, (const uint8_t *)(uintptr_t)last, MIB(1), NULL);
    if (size < 0) {
        *flags |= EFI_HANDOVER_LOG_TRUNCATED;
        return last - location;
    }
    return last - location + (uint64_t)size;
}

/*
 * After ExitBootServices: appends the final events table's events from
 * number `from` on (those the firmware logged after the copy was taken).
 */
static void final_events(struct efi_handover *h, const struct efi_tcg2_final_events_table *t,
                         uint64_t from, const struct event_log_algs *algs)
{
    uint8_t *log = (uint8_t *)(h + 1);
    const uint8_t *p;

    if (t->version != 1 || t->number_of_events < from || t->number_of_events - from > 4096) {
        h->flags |= EFI_HANDOVER_FINAL_BAD;
        return;
    }
    p = (const uint8_t *)(t + 1);
    for (uint64_t i = 0; i < t->number_of_events; i++) {
        long size = event_log_event(algs, p, KIB(64), NULL);

        if (size < 0) {
            h->flags |= EFI_HANDOVER_FINAL_BAD;
            return;
        }
        if (i >= from) {
            if (h->log_max - h->log_len < (uint64_t)size) {
                h->flags |= EFI_HANDOVER_LOG_TRUNCATED;
                return;
            }
            memcpy(log + h->log_len, p, (size_t)size);
            h->log_len += (uint64_t)size;
            h->final_events++;
        }
        p += size;
    }
}

static bool firmware_keeps(uint32_t type)
{
    return type != EFI_LOADER_CODE && type != EFI_LOADER_DATA && type != EFI_BOOT_SERVICES_CODE &&
           type != EFI_BOOT_SERVICES_DATA && type != EFI_CONVENTIONAL_MEMORY;
}

/* The memory the firmware keeps, merged where adjacent; false when it does not fit. */
static bool record_reserved(struct efi_handover *h, const uint8_t *map, uint64_t size,
                            uint64_t desc_size)
{
    h->nr_reserved = 0;
    for (uint64_t at = 0; at + desc_size <= size; at += desc_size) {
        const struct efi_memory_descriptor *d = (const void *)(map + at);
        struct efi_handover_region *last = h->nr_reserved ? &h->reserved[h->nr_reserved - 1] : NULL;
        uint64_t bytes = d->number_of_pages << 12;

        if (!firmware_keeps(d->type) || d->type == EFI_MEMORY_MAPPED_IO ||
            d->type == EFI_MEMORY_MAPPED_IO_PORT_SPACE || !bytes)
            continue;
        if (last && last->base + last->size == d->physical_start) {
            last->size += bytes;
            continue;
        }
        if (h->nr_reserved == EFI_HANDOVER_MAX_RESERVED)
            return false;
        h->reserved[h->nr_reserved++] = (struct efi_handover_region){d->physical_start, bytes};
    }
    return true;
}

efi_status efi_main(efi_handle image, struct efi_system_table *st, char *base)
{
    struct efi_boot_services *bs = st->boot_services;
    struct efi_tcg2_protocol *tcg2 = NULL;
    const struct efi_tcg2_final_events_table *final;
    struct event_log_algs algs = {0};
    const uint8_t *fdt, *log = NULL;
    struct efi_handover *h;
    uint64_t log_len = 0, final_from = 0, pages, copy, block, map_size, key, desc_size;
    uint64_t image_size = (uintptr_t)_end - (uintptr_t)_start;
    uint64_t file_size = (uintptr_t)__bss_start - (uintptr_t)_start;
    uint32_t flags = 0, version;
    uint8_t *map;
    efi_status rc;

    say(st, "Flaxen " FLAXEN_VERSION ": started by UEFI\n");
    if (efi_current_el() != 2)
        return fail(st,
                    "the firmware runs at EL1; the hypervisor needs EL2 (QEMU: -machine "
                    "virtualization=on)",
                    EFI_UNSUPPORTED);
    fdt = config_table(st, &dtb_guid);
    if (!fdt || be32(fdt) != 0xd00dfeed)
        return fail(st,
                    "no device tree from the firmware or the boot loader (QEMU: -machine "
                    "acpi=off, so the firmware passes its device tree)",
                    EFI_NOT_FOUND);

    /* The measurements so far: the log, and where later events will be. */
    if (bs->locate_protocol(&tcg2_guid, NULL, (void **)&tcg2) == EFI_SUCCESS && tcg2) {
        flags |= EFI_HANDOVER_TCG2;
        log_len = firmware_log(st, tcg2, &log, &algs, &flags);
    }
    final = config_table(st, &final_guid);
    if (final)
        final_from = final->number_of_events;

    /* The image, copied where the hypervisor can run (BSS is cleared by head.S). */
    pages = (image_size + IMAGE_ALIGN) >> 12;
    if ((rc = bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_CODE, pages, &copy)))
        return fail(st, "no memory for the hypervisor image", rc);
    copy = ALIGN_UP(copy, IMAGE_ALIGN);
    memcpy((void *)(uintptr_t)copy, base, file_size);

    /* The hand-over block with the log copy. */
    pages = ALIGN_UP(sizeof(*h) + log_len + FINAL_EVENTS_ROOM, PAGE_SIZE) >> 12;
    if ((rc = bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA, pages, &block)))
        return fail(st, "no memory for the hand-over block", rc);
    h = (struct efi_handover *)(uintptr_t)block;
    memset(h, 0, sizeof(*h));
    h->magic = EFI_HANDOVER_MAGIC;
    h->size = pages << 12;
    h->flags = flags;
    h->log_max = h->size - sizeof(*h);
    h->log_len = log_len;
    if (log_len)
        memcpy(h + 1, log, log_len);

    /* The memory map last: ExitBootServices takes its key. */
    map_size = 0;
    rc = bs->get_memory_map(&map_size, NULL, &key, &desc_size, &version);
    if (rc != EFI_BUFFER_TOO_SMALL)
        return fail(st, "the firmware gives no memory map", rc);
    map_size += 16 * desc_size;
    if ((rc = bs->allocate_pool(EFI_LOADER_DATA, map_size, (void **)&map)))
        return fail(st, "no memory for the memory map", rc);
    for (int attempt = 0;; attempt++) {
        uint64_t size = map_size;

        rc = bs->get_memory_map(&size, (struct efi_memory_descriptor *)map, &key, &desc_size,
                                &version);
        if (rc)
            return attempt ? EFI_LOAD_ERROR : fail(st, "reading the memory map failed", rc);
        if (!record_reserved(h, map, size, desc_size))
            return attempt ? EFI_LOAD_ERROR
                           : fail(st, "the firmware keeps more memory ranges than fit", rc);
        if (attempt == 0) {
            say(st, "Flaxen: device tree at ");
            say_hex(st, (uint64_t)(uintptr_t)fdt);
            say(st, ", event log ");
            say_hex(st, log_len);
            say(st, " bytes; leaving boot services\n");
        }
        rc = bs->exit_boot_services(image, key);
        if (rc == EFI_SUCCESS)
            break;
        /* The map changed under us: only GetMemoryMap and ExitBootServices may follow. */
        if (rc != EFI_INVALID_PARAMETER || attempt == 3)
            return attempt ? EFI_LOAD_ERROR : fail(st, "ExitBootServices failed", rc);
    }

    /* Boot services are gone: no console, no allocation. */
    if (flags & EFI_HANDOVER_TCG2) {
        if (final && log_len)
            final_events(h, final, final_from, &algs);
        else
            h->flags |= EFI_HANDOVER_FINAL_BAD;
    }
    dcache_clean_inval_range((void *)(uintptr_t)copy, (void *)(uintptr_t)(copy + image_size));
    dcache_clean_inval_range(h, (uint8_t *)h + h->size);
    dcache_clean_inval_range(fdt, fdt + be32(fdt + 4));
    efi_enter_image(copy + ((uintptr_t)efi_primary_entry - (uintptr_t)_start),
                    (paddr_t)(uintptr_t)fdt, block);
}
