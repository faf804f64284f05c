/*
 * EL2 stage-1 page tables: an identity map (virtual == physical) with a
 * 4 KiB granule, 48-bit input addresses, four levels (Arm ARM D8.2, VMSAv8-64
 * translation; descriptor formats D8.3).
 *
 * What is mapped, and how:
 *   image text            read-only, executable, BTI-guarded when FEAT_BTI
 *   image rodata          read-only, never executable (includes the GOT and
 *                         relocated pointers: relocated before the MMU is on)
 *   image data and BSS    read-write, never executable
 *   per-CPU stacks        read-write, never executable, with unmapped guard
 *                         pages below each stack (layout.h)
 *   device tree           read-only, never executable
 *   rest of RAM           read-write, never executable, Normal write-back
 *   UART, GIC             Device-nGnRnE, never executable
 * Nothing is writable and executable; SCTLR_EL2.WXN enforces it in hardware.
 *
 * Tables come from a fixed pool in BSS. Mappings are only ever added into
 * empty slots (invalid -> valid needs no TLB maintenance, Arm ARM D8.16);
 * nothing is unmapped yet.
 */
#include <asm/layout.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>

#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/lib.h>
#include <flaxen/memrange.h>
#include <flaxen/string.h>

#define PT_ENTRIES 512
#define PT_POOL_PAGES 32
#define VA_BITS 48

#define PTE_VALID (1ull << 0)
#define PTE_TABLE (1ull << 1) /* at levels 0-2; at level 3 it marks a page */
#define PTE_ATTR(idx) ((uint64_t)(idx) << 2)
#define PTE_AP_RW (1ull << 6) /* AP[2:1] = 01 (AP[1] is RES1 at EL2) */
#define PTE_AP_RO (3ull << 6) /* AP[2:1] = 11 */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_GP (1ull << 50) /* BTI guarded page */
#define PTE_XN (1ull << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000ull

_Static_assert(STACK_SLOTS == NR_CPUS, "one stack slot per CPU");

enum mm_type { MM_TEXT, MM_RODATA, MM_RW, MM_DEVICE };

typedef uint64_t pte_t;

static pte_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned pt_pool_used;
static pte_t *pt_root;
static bool mm_bti;
static unsigned mm_pa_bits;

struct mmu_config mmu_config;

static pte_t leaf_attrs(enum mm_type type)
{
    const pte_t normal = PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF;

    switch (type) {
    case MM_TEXT:
        return normal | PTE_AP_RO | (mm_bti ? PTE_GP : 0);
    case MM_RODATA:
        return normal | PTE_AP_RO | PTE_XN;
    case MM_RW:
        return normal | PTE_AP_RW | PTE_XN;
    default:
        return PTE_ATTR(MAIR_IDX_DEVICE) | PTE_AF | PTE_AP_RW | PTE_XN;
    }
}

static pte_t *table_alloc(void)
{
    if (pt_pool_used == PT_POOL_PAGES)
        return NULL;
    return pt_pool[pt_pool_used++]; /* BSS: already zero, never handed out twice */
}

/* The next-level table behind *entry, created if the slot is empty; NULL on a block. */
static pte_t *next_table(pte_t *entry)
{
    pte_t *table;

    if (*entry & PTE_VALID) {
        if (!(*entry & PTE_TABLE))
            return NULL;
        return (pte_t *)(uintptr_t)(*entry & PTE_ADDR_MASK);
    }
    table = table_alloc();
    if (table)
        *entry = (pte_t)(uintptr_t)table | PTE_TABLE | PTE_VALID;
    return table;
}

/* Whether a whole level-`level` block may map [va, va + span) to pa. */
static bool can_use_block(unsigned level, uint64_t va, paddr_t pa, uint64_t span, uint64_t size,
                          enum mm_type type)
{
    return (level == 1 || level == 2) && (type == MM_RW || type == MM_DEVICE) && size >= span &&
           IS_ALIGNED(va, span) && IS_ALIGNED(pa, span);
}

static int map_level(pte_t *table, unsigned level, uint64_t va, paddr_t pa, uint64_t size,
                     enum mm_type type)
{
    unsigned shift = 39 - 9 * level;
    uint64_t span = 1ull << shift;

    while (size) {
        pte_t *entry = &table[(va >> shift) & (PT_ENTRIES - 1)];
        uint64_t chunk = span - (va & (span - 1));
        int rc = 0;

        chunk = chunk < size ? chunk : size;
        if (level == 3 || can_use_block(level, va, pa, span, chunk, type)) {
            if (*entry & PTE_VALID)
                return -EEXIST;
            *entry = pa | leaf_attrs(type) | (level == 3 ? PTE_TABLE : 0) | PTE_VALID;
        } else {
            pte_t *next = next_table(entry);

            rc = next ? map_level(next, level + 1, va, pa, chunk, type) : -ENOMEM;
        }
        if (rc)
            return rc;
        va += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

/* Identity-maps the page-aligned range [start, end) as `type`. 0 or -errno. */
static int mm_map(paddr_t start, paddr_t end, enum mm_type type)
{
    if (!IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE) || end <= start ||
        end > (1ull << mm_pa_bits))
        return -EINVAL;
    return map_level(pt_root, 0, start, start, end - start, type);
}

/* After adding entries to live tables: make them visible to the table walker. */
static void mm_sync(void)
{
    dsb(ishst);
    isb();
}

static void map_or_die(const void *start, const void *end, enum mm_type type, const char *what)
{
    int rc = mm_map((paddr_t)(uintptr_t)start, (paddr_t)(uintptr_t)end, type);

    if (rc)
        panic("mm: cannot map %s %p-%p: error %d", what, start, end, rc);
}

/* Data and BSS read-write, except the unmapped guard pages in the stack slots. */
static void map_image_data(void)
{
    map_or_die(__data_start, __stacks_start, MM_RW, "data");
    for (unsigned cpu = 0; cpu < STACK_SLOTS; cpu++) {
        char *slot = __stacks_start + (uintptr_t)cpu * STACK_SLOT_SIZE;

        map_or_die(slot + EMERGENCY_STACK_OFFSET, slot + EMERGENCY_STACK_TOP, MM_RW,
                   "emergency stack");
        map_or_die(slot + STACK_OFFSET, slot + STACK_SLOT_SIZE, MM_RW, "stack");
    }
    if ((uintptr_t)__stacks_end < (uintptr_t)_end)
        map_or_die(__stacks_end, _end, MM_RW, "bss");
}

static unsigned pa_range_bits(void)
{
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48};
    unsigned range = ID_FIELD(READ_SYSREG(id_aa64mmfr0_el1), ID_MMFR0_PARANGE_SHIFT);

    return range < ARRAY_SIZE(bits) ? bits[range] : VA_BITS;
}

static void mmu_config_init(void)
{
    unsigned ps = ID_FIELD(READ_SYSREG(id_aa64mmfr0_el1), ID_MMFR0_PARANGE_SHIFT);

    mmu_config.mair = MAIR_EL2_VALUE;
    mmu_config.tcr = TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
                     TCR_SH0_INNER | TCR_TG0_4K | ((uint64_t)(ps > 5 ? 5 : ps) << TCR_PS_SHIFT);
    mmu_config.ttbr = (uint64_t)(uintptr_t)pt_root;
    mmu_config.sctlr =
        SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_SA | SCTLR_EL2_I | SCTLR_EL2_WXN;
}

void mm_boot_init(void)
{
    if ((uintptr_t)__stacks_end - (uintptr_t)__stacks_start != STACK_SLOTS * STACK_SLOT_SIZE ||
        !IS_ALIGNED((uintptr_t)__stacks_start, STACK_SLOT_SIZE))
        panic("mm: flaxen.lds and layout.h disagree on the stack slots");
    mm_pa_bits = pa_range_bits();
    mm_bti = ID_FIELD(READ_SYSREG(id_aa64pfr1_el1), ID_PFR1_BT_SHIFT) != 0;
    pt_root = table_alloc();
    map_or_die(_start, __text_end, MM_TEXT, "text");
    map_or_die(__rodata_start, __rodata_end, MM_RODATA, "rodata");
    map_image_data();
    mmu_config_init();
    /* Everything written so far went to memory (MMU off): drop stale cache lines. */
    dcache_inval_range(_start, _end);
    arch_mmu_enable(&mmu_config);
}

static uint32_t be32(const void *p)
{
    return __builtin_bswap32(*(const volatile uint32_t *)p);
}

uint64_t mm_map_fdt(paddr_t fdt_pa)
{
    const uint32_t fdt_magic = 0xd00dfeed, max_size = MIB(2);
    paddr_t first = ALIGN_DOWN(fdt_pa, PAGE_SIZE);
    uint32_t size;

    if (!fdt_pa || !IS_ALIGNED(fdt_pa, 8) || mm_map(first, first + PAGE_SIZE, MM_RODATA))
        return 0;
    mm_sync();
    if (be32((const void *)(uintptr_t)fdt_pa) != fdt_magic)
        return 0;
    size = be32((const void *)(uintptr_t)(fdt_pa + 4));
    if (size < 40 || size > max_size)
        return 0;
    if (ALIGN_UP(fdt_pa + size, PAGE_SIZE) > first + PAGE_SIZE &&
        mm_map(first + PAGE_SIZE, ALIGN_UP(fdt_pa + size, PAGE_SIZE), MM_RODATA))
        return 0;
    mm_sync();
    return size;
}

static int map_device(const struct bootinfo_region *r)
{
    if (!r->size)
        return 0;
    return mm_map(ALIGN_DOWN(r->base, PAGE_SIZE), ALIGN_UP(r->base + r->size, PAGE_SIZE),
                  MM_DEVICE);
}

static int map_devices(const struct bootinfo *bi)
{
    int rc = map_device(&bi->uart);

    rc = rc ? rc : map_device(&bi->gicd);
    rc = rc ? rc : map_device(&bi->tpm); /* the hypervisor's alone: never in a stage 2 */
    for (unsigned i = 0; !rc && i < bi->nr_gicr && i < BOOTINFO_MAX_REDIST; i++)
        rc = map_device(&bi->gicr[i]);
    return rc;
}

int mm_map_board(const struct bootinfo *bi, paddr_t fdt_pa, uint64_t fdt_size)
{
    struct memrange_set ram;
    int rc = 0;

    memrange_init(&ram);
    for (unsigned i = 0; !rc && i < bi->nr_ram && i < BOOTINFO_MAX_BANKS; i++)
        rc = memrange_add(&ram, ALIGN_UP(bi->ram[i].base, PAGE_SIZE),
                          ALIGN_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE));
    rc = rc ? rc : memrange_remove(&ram, (paddr_t)(uintptr_t)_start, (paddr_t)(uintptr_t)_end);
    rc = rc ? rc
            : memrange_remove(&ram, ALIGN_DOWN(fdt_pa, PAGE_SIZE),
                              ALIGN_UP(fdt_pa + fdt_size, PAGE_SIZE));
    for (unsigned i = 0; !rc && i < ram.nr; i++)
        rc = mm_map(ram.r[i].start, ram.r[i].end, MM_RW);
    rc = rc ? rc : map_devices(bi);
    mm_sync();
    return rc;
}

void mm_print_info(void)
{
    printk("mm: EL2 identity map, 4 KiB granule, %u-bit PA, %u of %u page-table pages used\n",
           mm_pa_bits, pt_pool_used, PT_POOL_PAGES);
}

bool mm_bti_enabled(void)
{
    return mm_bti;
}
