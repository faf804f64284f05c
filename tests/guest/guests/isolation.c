/*
 * Memory isolation between domains, seen from inside one of them. Parameters (bootargs):
 *
 *   secret=X        64-bit pattern this domain writes into its own RAM (required)
 *   foreign=Y       the other domain's secret: it must appear nowhere in this domain's RAM
 *                   (required)
 *   probe=A,B,...   addresses that must not be accessible: loads and stores there must take a
 *                   data abort with FAR = the address (optional; the first byte after this
 *                   domain's RAM is always probed as well)
 *   fill_kib=N      size of the secret region (default 1024)
 *   settle_ms=N     pause after filling, so that a domain started at the same time has
 *                   filled its own region before this one scans (default 200)
 *   stray=A         last of all, a load from A with no fault guard: nothing in the guest
 *                   catches the abort, so the domain ends crashed (no "[test] DONE")
 *
 * The secret region lies in this domain's RAM outside the image and the device tree. The
 * scan reads every aligned 64-bit word of the RAM except the image itself (which holds the
 * parsed parameters and the stacks). Stores to probes write this domain's secret, so a store
 * that reached another domain's memory would also show up in that domain's scan.
 */
#include "guest.h"

#define KIB 1024ull
#define REGION_ALIGN (64 * KIB)
#define MAX_PROBES 8

static struct {
    bool parsed;
    uint64_t secret;
    uint64_t foreign;
    uint64_t probes[MAX_PROBES];
    unsigned int probe_count;
    uint64_t ram_base;
    uint64_t ram_size;
    uint64_t region;
    uint64_t region_size;
} isolation;

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

static bool overlaps(uint64_t base, uint64_t size, uint64_t other, uint64_t other_size)
{
    return base < other + other_size && other < base + size;
}

static void parse_probes(void)
{
    const char *text;
    size_t length;
    if (!guest_bootarg("probe", &text, &length))
        return;
    for (size_t at = 0; at < length;) {
        size_t item = 0;
        while (at + item < length && text[at + item] != ',')
            item++;
        CHECK_MSG(isolation.probe_count < MAX_PROBES, "more than %u probes", MAX_PROBES);
        CHECK_MSG(guest_parse_u64(text + at, item, &isolation.probes[isolation.probe_count]),
                  "bad probe address (item %u of probe=)", isolation.probe_count + 1);
        isolation.probe_count++;
        at += item + 1;
    }
}

/* Places the secret region after the image (and after the device tree if it is in the way). */
static void place_region(uint64_t fill_kib)
{
    uint64_t dtb = 0;
    uint64_t dtb_size = 0;
    isolation.region_size = fill_kib * KIB;
    isolation.region = align_up(guest_image_end(), REGION_ALIGN);
    if (guest_dtb_range(&dtb, &dtb_size) &&
        overlaps(isolation.region, isolation.region_size, dtb, dtb_size))
        isolation.region = align_up(dtb + dtb_size, REGION_ALIGN);
    CHECK_MSG(isolation.region + isolation.region_size <= isolation.ram_base + isolation.ram_size,
              "no room for %llu KiB after the image in RAM 0x%llx+0x%llx",
              (unsigned long long)fill_kib, (unsigned long long)isolation.ram_base,
              (unsigned long long)isolation.ram_size);
}

/* Reads the parameters once; every test calls it. */
static void parse_parameters(void)
{
    uint64_t fill_kib;
    if (isolation.parsed)
        return;
    CHECK_MSG(guest_bootarg_u64("secret", 0, &isolation.secret) && isolation.secret != 0,
              "bootargs need secret=<non-zero 64-bit value>");
    CHECK_MSG(guest_bootarg_u64("foreign", 0, &isolation.foreign) && isolation.foreign != 0,
              "bootargs need foreign=<non-zero 64-bit value>");
    CHECK_MSG(guest_bootarg_u64("fill_kib", 1024, &fill_kib) && fill_kib > 0, "bad fill_kib=");
    CHECK(guest_ram_range(&isolation.ram_base, &isolation.ram_size));
    parse_probes();
    place_region(fill_kib);
    isolation.parsed = true;
}

GUEST_TEST(secret_written)
{
    parse_parameters();
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)isolation.region;
    uint64_t count = isolation.region_size / 8;
    printf("[guest] secret 0x%llx in 0x%llx+0x%llx; RAM 0x%llx+0x%llx; image 0x%llx-0x%llx\n",
           (unsigned long long)isolation.secret, (unsigned long long)isolation.region,
           (unsigned long long)isolation.region_size, (unsigned long long)isolation.ram_base,
           (unsigned long long)isolation.ram_size, (unsigned long long)guest_load_address(),
           (unsigned long long)guest_image_end());
    for (uint64_t i = 0; i < count; i++)
        words[i] = isolation.secret;
    arch_dsb();
    for (uint64_t i = 0; i < count; i++)
        CHECK_MSG(words[i] == isolation.secret, "word %llu reads back 0x%llx",
                  (unsigned long long)i, (unsigned long long)words[i]);
}

/* Counts the words equal to `pattern` in [base, end), skipping the image. */
static uint64_t scan_for(uint64_t pattern, uint64_t base, uint64_t end, uint64_t *first)
{
    uint64_t skip_from = guest_load_address() & ~7ull;
    uint64_t skip_to = align_up(guest_image_end(), 8);
    uint64_t found = 0;
    for (uint64_t address = base; address + 8 <= end; address += 8) {
        if (address == skip_from) {
            address = skip_to - 8;
            continue;
        }
        if (*(volatile uint64_t *)(uintptr_t)address == pattern && found++ == 0)
            *first = address;
    }
    return found;
}

GUEST_TEST(foreign_secret_absent)
{
    uint64_t settle_ms;
    uint64_t first = 0;
    parse_parameters();
    CHECK_MSG(guest_bootarg_u64("settle_ms", 200, &settle_ms), "bad settle_ms=");
    timer_delay_us(settle_ms * 1000);
    uint64_t start = timer_count();
    uint64_t found = scan_for(isolation.foreign, isolation.ram_base,
                              isolation.ram_base + isolation.ram_size, &first);
    uint64_t elapsed_ms = (timer_count() - start) * 1000 / timer_frequency();
    printf("[guest] scanned 0x%llx bytes of RAM for 0x%llx in %llu ms\n",
           (unsigned long long)isolation.ram_size, (unsigned long long)isolation.foreign,
           (unsigned long long)elapsed_ms);
    CHECK_MSG(found == 0, "the foreign secret is in this domain's RAM: %llu words, first at 0x%llx",
              (unsigned long long)found, (unsigned long long)first);
}

static void load_from(void *address)
{
    uint64_t value = *(volatile uint64_t *)address;
    (void)value;
}

static void store_secret_to(void *address)
{
    *(volatile uint64_t *)address = isolation.secret;
}

GUEST_TEST(probes_fault)
{
    parse_parameters();
    uint64_t ram_end = isolation.ram_base + isolation.ram_size;
    for (unsigned int i = 0; i <= isolation.probe_count; i++) {
        uint64_t address = i < isolation.probe_count ? isolation.probes[i] : ram_end;
        CHECK_MSG(!overlaps(address, 8, isolation.ram_base, isolation.ram_size),
                  "probe 0x%llx lies in this domain's own RAM", (unsigned long long)address);
        CHECK_MSG((address & 7) == 0, "probe 0x%llx is not 8-byte aligned",
                  (unsigned long long)address);
        expect_data_abort(load_from, address, false);
        expect_data_abort(store_secret_to, address, true);
        printf("[guest] 0x%llx: load and store both aborted\n", (unsigned long long)address);
    }
}

GUEST_TEST(secret_intact)
{
    uint64_t first = 0;
    parse_parameters();
    uint64_t words = isolation.region_size / 8;
    uint64_t found = scan_for(isolation.secret, isolation.region,
                              isolation.region + isolation.region_size, &first);
    CHECK_MSG(found == words, "%llu of %llu words still hold the secret", (unsigned long long)found,
              (unsigned long long)words);
}

static const char *stray_requested(void)
{
    const char *value;
    size_t length;
    return guest_bootarg("stray", &value, &length) ? NULL : "no stray= in bootargs";
}

GUEST_TEST_WHEN(stray_access, stray_requested)
{
    uint64_t address;
    CHECK_MSG(guest_bootarg_u64("stray", 0, &address), "bad stray=");
    printf("[guest] loading from 0x%llx with no fault guard\n", (unsigned long long)address);
    guest_call_unguarded(load_from, (void *)(uintptr_t)address);
    CHECK_MSG(false, "the stray load from 0x%llx did not fault", (unsigned long long)address);
}
