/*
 * Booting as a UEFI application (GRUB's xen_hypervisor, or the firmware
 * itself): the few UEFI structures the stub uses (UEFI 2.9, TCG EFI Protocol
 * Specification 1.0), and the hand-over block the stub leaves for the
 * hypervisor.
 *
 * Flow (xen/common/efi_boot.c): the firmware calls efi_entry at EL2 with the
 * MMU on. The stub finds the device tree (a configuration table: GRUB puts
 * the boot modules in it), copies the TCG2 event log, copies the image to an
 * address the hypervisor's stack layout accepts, records which memory the
 * firmware keeps, exits boot services, adds the events the firmware logged
 * since (the final events table), then turns the MMU off and enters the copy
 * at efi_primary_entry with the device tree and this block. From there the
 * boot is the direct one (head.S), except that the hypervisor keeps the
 * memory listed here and continues the firmware's event log.
 */
#ifndef FLAXEN_EFI_H
#define FLAXEN_EFI_H

#include <flaxen/types.h>

/* ---------------------------------------------------------------- the hand-over block */

#define EFI_HANDOVER_MAGIC 0x31304946454c4621ull /* "!FLEFI01" */
#define EFI_HANDOVER_MAX_RESERVED 64

/* flags */
#define EFI_HANDOVER_TCG2 (1u << 0)          /* the firmware has a TCG2 protocol and log */
#define EFI_HANDOVER_LOG_TRUNCATED (1u << 1) /* the firmware's log or its copy is incomplete */
#define EFI_HANDOVER_FINAL_BAD (1u << 2)     /* the final events table could not be read */

struct efi_handover_region {
    uint64_t base, size;
};

struct efi_handover {
    uint64_t magic;
    uint64_t size; /* this block and the log copy after it, bytes */
    uint32_t flags;
    uint32_t nr_reserved;
    uint64_t log_len;      /* the firmware's log, copied right after this block */
    uint64_t log_max;      /* room for it */
    uint64_t final_events; /* events taken from the final events table */
    /* RAM the firmware keeps after ExitBootServices (runtime services, ACPI,
       reserved): the hypervisor never allocates it. */
    struct efi_handover_region reserved[EFI_HANDOVER_MAX_RESERVED];
};

/*
 * Checks a block found at `block` (`max` bytes readable) and, when it is
 * sound, points *log (unless NULL) at the firmware's event log in it. 0, or a negative
 * error with a reason in why[64].
 */
int efi_handover_check(const struct efi_handover *block, uint64_t max, const uint8_t **log,
                       char why[64]);

/*
 * Checks the block at physical address pa (mapped at h, `max` bytes of RAM
 * from there) and records what it hands over in *bi: the block itself and
 * the firmware's ranges as reserved, the firmware's log. 0 or -EINVAL.
 */
struct bootinfo;
int efi_handover_apply(struct bootinfo *bi, const struct efi_handover *h, paddr_t pa, uint64_t max,
                       char why[64]);

/* ---------------------------------------------------------------- UEFI */

#define EFI_SUCCESS 0ull
#define EFI_ERROR_BIT (1ull << 63)
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_OUT_OF_RESOURCES (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)

typedef uint64_t efi_status;
typedef void *efi_handle;

struct efi_guid {
    uint32_t a;
    uint16_t b, c;
    uint8_t d[8];
};

#define EFI_DTB_TABLE_GUID                                                                         \
    {                                                                                              \
        0xb1b621d5, 0xf19c, 0x41a5,                                                                \
        {                                                                                          \
            0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0                                         \
        }                                                                                          \
    }
#define EFI_TCG2_PROTOCOL_GUID                                                                     \
    {                                                                                              \
        0x607f766c, 0x7455, 0x42be,                                                                \
        {                                                                                          \
            0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f                                         \
        }                                                                                          \
    }
#define EFI_TCG2_FINAL_EVENTS_TABLE_GUID                                                           \
    {                                                                                              \
        0x1e2ed096, 0x30e2, 0x4254,                                                                \
        {                                                                                          \
            0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25                                         \
        }                                                                                          \
    }

#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 2u

enum efi_memory_type {
    EFI_RESERVED_MEMORY,
    EFI_LOADER_CODE,
    EFI_LOADER_DATA,
    EFI_BOOT_SERVICES_CODE,
    EFI_BOOT_SERVICES_DATA,
    EFI_RUNTIME_SERVICES_CODE,
    EFI_RUNTIME_SERVICES_DATA,
    EFI_CONVENTIONAL_MEMORY,
    EFI_UNUSABLE_MEMORY,
    EFI_ACPI_RECLAIM_MEMORY,
    EFI_ACPI_MEMORY_NVS,
    EFI_MEMORY_MAPPED_IO,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE,
    EFI_PAL_CODE,
    EFI_PERSISTENT_MEMORY,
};

#define EFI_ALLOCATE_ANY_PAGES 0u

struct efi_memory_descriptor {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
};

struct efi_table_header {
    uint64_t signature;
    uint32_t revision, header_size, crc32, reserved;
};

struct efi_text_output {
    void *reset;
    efi_status (*output_string)(struct efi_text_output *self, const uint16_t *text);
};

struct efi_configuration_table {
    struct efi_guid guid;
    void *table;
};

struct efi_boot_services {
    struct efi_table_header hdr;
    void *raise_tpl, *restore_tpl;
    efi_status (*allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages,
                                 uint64_t *address);
    efi_status (*free_pages)(uint64_t address, uint64_t pages);
    efi_status (*get_memory_map)(uint64_t *size, struct efi_memory_descriptor *map, uint64_t *key,
                                 uint64_t *descriptor_size, uint32_t *version);
    efi_status (*allocate_pool)(uint32_t memory_type, uint64_t size, void **buffer);
    efi_status (*free_pool)(void *buffer);
    void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface;
    void *uninstall_protocol_interface, *handle_protocol, *reserved, *register_protocol_notify;
    void *locate_handle, *locate_device_path, *install_configuration_table;
    void *load_image, *start_image, *exit, *unload_image;
    efi_status (*exit_boot_services)(efi_handle image, uint64_t key);
    void *get_next_monotonic_count, *stall, *set_watchdog_timer;
    void *connect_controller, *disconnect_controller;
    void *open_protocol, *close_protocol, *open_protocol_information;
    void *protocols_per_handle, *locate_handle_buffer;
    efi_status (*locate_protocol)(const struct efi_guid *guid, void *registration,
                                  void **interface);
};

struct efi_system_table {
    struct efi_table_header hdr;
    uint16_t *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    void *con_in;
    efi_handle console_out_handle;
    struct efi_text_output *con_out;
    efi_handle standard_error_handle;
    void *std_err;
    void *runtime_services;
    struct efi_boot_services *boot_services;
    uint64_t number_of_table_entries;
    struct efi_configuration_table *configuration_table;
};

struct efi_tcg2_protocol {
    void *get_capability;
    efi_status (*get_event_log)(struct efi_tcg2_protocol *self, uint32_t format, uint64_t *location,
                                uint64_t *last_entry, bool *truncated);
    void *hash_log_extend_event, *submit_command;
    void *get_active_pcr_banks, *set_active_pcr_banks, *get_result_of_set_active_pcr_banks;
};

struct efi_tcg2_final_events_table {
    uint64_t version;
    uint64_t number_of_events;
    /* the events (TCG_PCR_EVENT2) follow */
};

#endif
