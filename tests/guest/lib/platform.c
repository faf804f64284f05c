/*
 * What the guest learns from its device tree, and how it leaves.
 *
 * Mode: a node /hypervisor whose "compatible" holds "xen,xen" means a Xen-compatible
 * hypervisor runs us: the console is the console_io hypercall and shutdown is sched_op.
 * Otherwise the guest runs bare on QEMU: the console is the PL011 named by
 * /chosen/stdout-path (path or alias, ":options" ignored) or else the first "arm,pl011"
 * node, and shutdown is PSCI SYSTEM_OFF.
 */
#include "internal.h"

/* The arm64 boot protocol limits the device tree to 2 MiB. */
#define DTB_MAX_SIZE (2u << 20)
/* Used only when there is no usable device tree at all: QEMU virt's first UART. */
#define QEMU_VIRT_PL011 0x09000000ul
#define GIB (1ull << 30)

static struct {
    enum guest_mode mode;
    bool have_fdt;
    struct fdt fdt;
    uint64_t dtb_address;
    uint64_t load_address;
    const char *bootargs;
    long console_probe; /* console_io's answer to a zero-length write (hypervisor mode) */
} platform = {.bootargs = ""};

enum guest_mode guest_mode(void)
{
    return platform.mode;
}

const char *guest_mode_name(void)
{
    return platform.mode == GUEST_MODE_XEN ? "xen" : "bare";
}

const struct fdt *guest_fdt(void)
{
    return platform.have_fdt ? &platform.fdt : NULL;
}

const char *guest_bootargs(void)
{
    return platform.bootargs;
}

uint64_t guest_load_address(void)
{
    return platform.load_address;
}

uint64_t guest_image_end(void)
{
    extern char _end[];
    return (uint64_t)(uintptr_t)_end;
}

bool guest_dtb_range(uint64_t *base, uint64_t *size)
{
    if (!platform.have_fdt)
        return false;
    *base = platform.dtb_address;
    *size = platform.fdt.total_size;
    return true;
}

bool guest_bootarg(const char *key, const char **value, size_t *length)
{
    size_t key_length = strlen(key);
    for (const char *at = platform.bootargs; *at != '\0'; at += strcspn(at, " ")) {
        while (*at == ' ')
            at++;
        if (strncmp(at, key, key_length) == 0 && at[key_length] == '=') {
            *value = at + key_length + 1;
            *length = strcspn(*value, " ");
            return true;
        }
    }
    return false;
}

bool guest_bootarg_is(const char *key, const char *expected)
{
    const char *value;
    size_t length;
    return guest_bootarg(key, &value, &length) && length == strlen(expected) &&
           !memcmp(value, expected, length);
}

uint64_t guest_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

/* The value of one digit in `base`, or -1. */
static int platform_digit(char character, unsigned int base)
{
    int digit = -1;
    if (character >= '0' && character <= '9')
        digit = character - '0';
    else if (character >= 'a' && character <= 'f')
        digit = character - 'a' + 10;
    else if (character >= 'A' && character <= 'F')
        digit = character - 'A' + 10;
    return digit >= 0 && (unsigned int)digit < base ? digit : -1;
}

bool guest_parse_u64(const char *text, size_t length, uint64_t *value)
{
    unsigned int base = 10;
    uint64_t result = 0;
    if (length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
        length -= 2;
    }
    if (length == 0)
        return false;
    for (size_t i = 0; i < length; i++) {
        int digit = platform_digit(text[i], base);
        if (digit < 0 || result > (UINT64_MAX - (uint64_t)digit) / base)
            return false;
        result = result * base + (uint64_t)digit;
    }
    *value = result;
    return true;
}

bool guest_bootarg_u64(const char *key, uint64_t fallback, uint64_t *value)
{
    const char *text;
    size_t length;
    *value = fallback;
    if (!guest_bootarg(key, &text, &length))
        return true;
    if (guest_parse_u64(text, length, value))
        return true;
    *value = fallback;
    return false;
}

/* Resolves stdout-path (an absolute path or an alias) to the console node. */
static bool platform_stdout_node(const struct fdt *fdt, struct fdt_node *node)
{
    struct fdt_node chosen;
    struct fdt_node aliases;
    char path[128];
    if (!fdt_find_path(fdt, "/chosen", &chosen))
        return false;
    const char *value = fdt_property_string(fdt, &chosen, "stdout-path");
    if (value == NULL)
        value = fdt_property_string(fdt, &chosen, "linux,stdout-path");
    if (value == NULL)
        return false;
    size_t length = strcspn(value, ":");
    if (length == 0 || length >= sizeof(path))
        return false;
    memcpy(path, value, length);
    path[length] = '\0';
    if (path[0] != '/') {
        if (!fdt_find_path(fdt, "/aliases", &aliases))
            return false;
        const char *target = fdt_property_string(fdt, &aliases, path);
        return target != NULL && fdt_find_path(fdt, target, node);
    }
    return fdt_find_path(fdt, path, node);
}

/* Whether the node is a UART the PL011 back end can drive (DR and FR registers). */
static bool platform_is_uart(const struct fdt *fdt, const struct fdt_node *node)
{
    uint32_t length;
    const void *compatible = fdt_property(fdt, node, "compatible", &length);
    return compatible != NULL && (fdt_string_list_contains(compatible, length, "arm,pl011") ||
                                  fdt_string_list_contains(compatible, length, "arm,sbsa-uart"));
}

/* The UART named by stdout-path, else the first PL011, else the first SBSA UART. */
static bool platform_find_uart(uint64_t *address)
{
    struct fdt_node node;
    uint64_t size;
    if (!platform.have_fdt)
        return false;
    bool found =
        platform_stdout_node(&platform.fdt, &node) && platform_is_uart(&platform.fdt, &node);
    if (!found)
        found = fdt_find_compatible(&platform.fdt, "arm,pl011", &node) ||
                fdt_find_compatible(&platform.fdt, "arm,sbsa-uart", &node);
    return found && fdt_reg(&platform.fdt, &node, 0, address, &size);
}

/*
 * Under the hypervisor: the console_io hypercall, unless it refuses a zero-length write
 * (policy may deny it to a domain); then the domain's own (virtual) UART if it has one.
 * Bare: the UART, or QEMU virt's when there is no device tree.
 */
static void platform_choose_console(void)
{
    uint64_t uart;
    if (platform.mode == GUEST_MODE_XEN) {
        platform.console_probe = xen_console_write("", 0);
        if (platform.console_probe >= 0 || !platform_find_uart(&uart))
            console_set_hypercall();
        else
            console_set_pl011((uintptr_t)uart);
    } else if (platform_find_uart(&uart)) {
        console_set_pl011((uintptr_t)uart);
    } else if (!platform.have_fdt) {
        console_set_pl011(QEMU_VIRT_PL011);
    }
}

void platform_init(uint64_t dtb_address, uint64_t load_address)
{
    struct fdt_node node;
    platform.dtb_address = dtb_address;
    platform.load_address = load_address;
    exception_set_load_address(load_address);
    platform.have_fdt = fdt_open(&platform.fdt, (const void *)(uintptr_t)dtb_address, DTB_MAX_SIZE);
    if (platform.have_fdt && fdt_find_path(&platform.fdt, "/hypervisor", &node)) {
        uint32_t length;
        const void *compatible = fdt_property(&platform.fdt, &node, "compatible", &length);
        if (compatible != NULL && fdt_string_list_contains(compatible, length, "xen,xen"))
            platform.mode = GUEST_MODE_XEN;
    }
    if (platform.have_fdt && fdt_find_path(&platform.fdt, "/chosen", &node)) {
        const char *bootargs = fdt_property_string(&platform.fdt, &node, "bootargs");
        if (bootargs != NULL)
            platform.bootargs = bootargs;
    }
    platform_choose_console();
}

struct cpu_search {
    unsigned int wanted;
    unsigned int seen;
    uint64_t mpidr;
};

static int platform_visit_cpu(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct cpu_search *search = context;
    uint64_t reg;
    uint64_t unused;
    const char *type = fdt_property_string(fdt, node, "device_type");
    if (node->depth != 2 || type == NULL || strcmp(type, "cpu") != 0)
        return 0;
    if (!fdt_reg(fdt, node, 0, &reg, &unused))
        return 0;
    if (search->seen++ == search->wanted) {
        search->mpidr = reg;
        return 1;
    }
    return 0;
}

unsigned int guest_cpu_count(void)
{
    struct cpu_search search = {~0u, 0, 0};
    if (!platform.have_fdt)
        return 1;
    fdt_walk(&platform.fdt, platform_visit_cpu, &search);
    return search.seen > 0 ? search.seen : 1;
}

bool guest_cpu_mpidr(unsigned int index, uint64_t *mpidr)
{
    struct cpu_search search = {index, 0, 0};
    if (!platform.have_fdt || fdt_walk(&platform.fdt, platform_visit_cpu, &search) != 1)
        return false;
    *mpidr = search.mpidr;
    return true;
}

struct ram_search {
    bool found;
    uint64_t first_base;
    uint64_t first_size;
    uint64_t end; /* highest end of any RAM range */
};

static int platform_visit_memory(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct ram_search *search = context;
    uint64_t base;
    uint64_t size;
    const char *type = fdt_property_string(fdt, node, "device_type");
    if (node->depth != 1 || type == NULL || strcmp(type, "memory") != 0)
        return 0;
    for (unsigned int i = 0; fdt_reg(fdt, node, i, &base, &size); i++) {
        if (!search->found) {
            search->found = true;
            search->first_base = base;
            search->first_size = size;
        }
        if (base + size > search->end)
            search->end = base + size;
    }
    return 0;
}

bool guest_ram_range(uint64_t *base, uint64_t *size)
{
    struct ram_search search = {false, 0, 0, 0};
    if (!platform.have_fdt)
        return false;
    fdt_walk(&platform.fdt, platform_visit_memory, &search);
    *base = search.first_base;
    *size = search.first_size;
    return search.found;
}

struct claim_search {
    uint64_t address;
};

/* Stops the walk when a top-level node's reg covers the candidate address. */
static int platform_visit_claims(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct claim_search *search = context;
    uint64_t base;
    uint64_t size;
    if (node->depth != 1)
        return 0;
    for (unsigned int i = 0; fdt_reg(fdt, node, i, &base, &size); i++) {
        if (search->address >= base && search->address - base < size)
            return 1;
    }
    return 0;
}

uint64_t guest_unmapped_address(void)
{
    struct ram_search ram = {false, 0, 0, 0};
    if (!platform.have_fdt)
        return 4 * GIB;
    fdt_walk(&platform.fdt, platform_visit_memory, &ram);
    struct claim_search claim = {(ram.end + GIB - 1) & ~(GIB - 1)};
    for (int tries = 0; tries < 64; tries++) {
        if (fdt_walk(&platform.fdt, platform_visit_claims, &claim) != 1)
            return claim.address;
        claim.address += GIB;
    }
    return claim.address;
}

void platform_print_banner(void)
{
    char console[40];
    uint64_t ram_base = 0;
    uint64_t ram_size = 0;
    guest_ram_range(&ram_base, &ram_size);
    printf("[guest] %s: mode=%s console=%s el=%u cpus=%u ram=0x%llx+0x%llx image=0x%llx "
           "dtb=0x%llx%s\n",
           guest_image_name, guest_mode_name(), console_describe(console, sizeof(console)),
           arch_current_el(), guest_cpu_count(), (unsigned long long)ram_base,
           (unsigned long long)ram_size, (unsigned long long)platform.load_address,
           (unsigned long long)platform.dtb_address,
           platform.have_fdt ? "" : " (no valid device tree)");
    if (platform.mode == GUEST_MODE_XEN) {
        long version = xen_version(XENVER_version, NULL);
        printf("[guest] hypervisor: Xen-compatible, version %ld.%ld; console_io %s (%ld)\n",
               version >> 16, version & 0xffff,
               platform.console_probe >= 0 ? "accepted" : "refused", platform.console_probe);
    } else {
        printf("[guest] no /hypervisor node: bare mode (PSCI from the firmware)\n");
    }
    if (platform.bootargs[0] != '\0')
        printf("[guest] bootargs: %s\n", platform.bootargs);
}

void guest_shutdown(unsigned int reason)
{
    console_flush();
    if (platform.mode == GUEST_MODE_XEN)
        sched_shutdown(reason);
    psci_system_off();
    for (;;)
        arch_wait_for_interrupt();
}
