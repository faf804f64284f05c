/*
 * Stage-2 translation tables (asm/p2m.h).
 *
 * Descriptor format: Arm ARM D8.3 (VMSAv8-64 stage 2): S2AP[7:6] access,
 * MemAttr[5:2] with FWB off (0b1111 = Normal write-back inner and outer),
 * SH[9:8], AF[10], XN[54:53] = 0 (executable at EL1 and EL0).
 *
 * Tables come from the page allocator (zeroed, so every entry starts
 * invalid). RAM is added into empty slots while the domain is built. Later
 * changes are single pages (p2m_set_page / p2m_clear_page: shared_info,
 * grant mappings): a 2 MiB block around the page is first split into a
 * table of pages, break-before-make (Arm ARM D8.16.1): the block entry is
 * invalidated and its VMID's TLB entries flushed before the table entry is
 * written, all under the p2m lock. A vCPU of the domain that touches the
 * range in between takes a stage-2 fault, and the fault handler retries it
 * once p2m_lookup (which waits for the lock) finds the address mapped.
 * The whole tree is freed at once with p2m_destroy, after the domain's
 * vCPUs stopped and its VMID's TLB entries were invalidated.
 *
 * Lock order: d->arch.p2m.lock is a leaf lock.
 */
#include <asm/p2m.h>
#include <asm/sysregs.h>

#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/lib.h>
#include <flaxen/page_alloc.h>
#include <flaxen/spinlock.h>

#define S2_VALID (1ull << 0)
#define S2_TABLE (1ull << 1) /* levels 1-2: table; level 3: page */
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define S2_AP_RO (1ull << 6)
#define S2_AP_RW (3ull << 6)
#define S2_AP_MASK (3ull << 6)
#define S2_SH_INNER (3ull << 8)
#define S2_AF (1ull << 10)
#define S2_ADDR_MASK 0x0000fffffffff000ull
#define S2_ENTRIES 512
#define S2_START_LEVEL 1

#define VTCR_RES1 (1ull << 31)
#define VTCR_T0SZ(bits) (64ull - (bits))
#define VTCR_SL0_LEVEL1 (1ull << 6)
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_INNER (3ull << 12)
#define VTCR_TG0_4K (0ull << 14)
#define VTCR_PS_SHIFT 16

#define VMID_COUNT 256 /* 8-bit VMIDs; VMID 0 is never given to a guest */

typedef uint64_t s2_pte_t;

static struct spinlock vmid_lock = SPINLOCK_INIT;
static bool vmid_used[VMID_COUNT];
static uint64_t vtcr_value;

static s2_pte_t *table_at(paddr_t pa)
{
    return arch_phys_to_virt(pa);
}

void p2m_boot_init(void)
{
    unsigned ps = ID_FIELD(READ_SYSREG(id_aa64mmfr0_el1), ID_MMFR0_PARANGE_SHIFT);

    vtcr_value = VTCR_RES1 | VTCR_T0SZ(P2M_IPA_BITS) | VTCR_SL0_LEVEL1 | VTCR_IRGN0_WBWA |
                 VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K |
                 ((uint64_t)(ps > 5 ? 5 : ps) << VTCR_PS_SHIFT);
    vmid_used[0] = true;
}

void p2m_cpu_init(void)
{
    WRITE_SYSREG(vtcr_el2, vtcr_value);
    isb();
    /* Nothing a firmware or an earlier boot left for any VMID survives. */
    __asm__ volatile("tlbi alle1\n\tdsb nsh\n\tisb" ::: "memory");
}

static int vmid_alloc(unsigned *vmid)
{
    int rc = -EBUSY;

    spin_lock(&vmid_lock);
    for (unsigned i = 1; i < VMID_COUNT; i++) {
        if (!vmid_used[i]) {
            vmid_used[i] = true;
            *vmid = i;
            rc = 0;
            break;
        }
    }
    spin_unlock(&vmid_lock);
    return rc;
}

static void vmid_free(unsigned vmid)
{
    spin_lock(&vmid_lock);
    vmid_used[vmid] = false;
    spin_unlock(&vmid_lock);
}

int p2m_init(struct domain *d)
{
    struct p2m *p2m = &d->arch.p2m;
    int rc = vmid_alloc(&p2m->vmid);

    if (rc)
        return rc;
    rc = alloc_pages(0, &p2m->root);
    if (rc) {
        vmid_free(p2m->vmid);
        return rc;
    }
    p2m->nr_tables = 1;
    p2m->vttbr = ((uint64_t)p2m->vmid << 48) | p2m->root;
    p2m->lock = (struct spinlock)SPINLOCK_INIT;
    return 0;
}

/* The table behind *entry, allocated if the slot is empty. 0, -EEXIST (a block), -ENOMEM. */
static int next_table(struct p2m *p2m, s2_pte_t *entry, s2_pte_t **out)
{
    paddr_t pa;

    if (*entry & S2_VALID) {
        if (!(*entry & S2_TABLE))
            return -EEXIST;
        *out = table_at(*entry & S2_ADDR_MASK);
        return 0;
    }
    if (alloc_pages(0, &pa))
        return -ENOMEM;
    p2m->nr_tables++;
    /* The zeroed table must be visible to the walker before the entry that points at it. */
    dsb(ishst);
    *entry = pa | S2_TABLE | S2_VALID;
    *out = table_at(pa);
    return 0;
}

static s2_pte_t ram_leaf(paddr_t pa, unsigned level)
{
    return pa | S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF | S2_VALID |
           (level == 3 ? S2_TABLE : 0);
}

static int map_level(struct p2m *p2m, s2_pte_t *table, unsigned level, uint64_t gpa, paddr_t pa,
                     uint64_t size)
{
    unsigned shift = 39 - 9 * level;
    uint64_t span = 1ull << shift;

    while (size) {
        s2_pte_t *entry = &table[(gpa >> shift) & (S2_ENTRIES - 1)];
        uint64_t chunk = span - (gpa & (span - 1));
        bool block = level == 3 || (level == 2 && IS_ALIGNED(gpa | pa, span) && size >= span);
        int rc = 0;

        chunk = chunk < size ? chunk : size;
        if (block) {
            if (*entry & S2_VALID)
                return -EEXIST;
            *entry = ram_leaf(pa, level);
        } else {
            s2_pte_t *next;

            rc = next_table(p2m, entry, &next);
            rc = rc ? rc : map_level(p2m, next, level + 1, gpa, pa, chunk);
        }
        if (rc)
            return rc;
        gpa += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

int p2m_map_ram(struct domain *d, uint64_t gpa, paddr_t pa, uint64_t size)
{
    struct p2m *p2m = &d->arch.p2m;
    int rc;

    if (!size || !IS_ALIGNED(gpa | pa | size, PAGE_SIZE) || gpa + size < gpa ||
        gpa + size > (1ull << P2M_IPA_BITS))
        return -EINVAL;
    spin_lock(&p2m->lock);
    rc = map_level(p2m, table_at(p2m->root), S2_START_LEVEL, gpa, pa, size);
    dsb(ishst);
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_lookup(struct domain *d, uint64_t gpa, bool write, paddr_t *pa)
{
    struct p2m *p2m = &d->arch.p2m;
    s2_pte_t *table;
    int rc = -ENOENT;

    if (gpa >= (1ull << P2M_IPA_BITS))
        return -ENOENT;
    spin_lock(&p2m->lock);
    table = table_at(p2m->root);
    for (unsigned level = S2_START_LEVEL; level <= 3; level++) {
        unsigned shift = 39 - 9 * level;
        s2_pte_t entry = table[(gpa >> shift) & (S2_ENTRIES - 1)];

        if (!(entry & S2_VALID))
            break;
        if (level < 3 && (entry & S2_TABLE)) {
            table = table_at(entry & S2_ADDR_MASK);
            continue;
        }
        if (level == 3 && !(entry & S2_TABLE))
            break; /* reserved encoding at level 3: never written by us */
        if (write && (entry & S2_AP_MASK) != S2_AP_RW)
            break;
        *pa = (entry & S2_ADDR_MASK & ~((1ull << shift) - 1)) | (gpa & ((1ull << shift) - 1));
        rc = 0;
        break;
    }
    spin_unlock(&p2m->lock);
    return rc;
}

static void free_tables(struct p2m *p2m, paddr_t table_pa, unsigned level)
{
    s2_pte_t *table = table_at(table_pa);

    for (unsigned i = 0; level < 3 && i < S2_ENTRIES; i++)
        if ((table[i] & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE))
            free_tables(p2m, table[i] & S2_ADDR_MASK, level + 1);
    BUG_ON(free_pages(table_pa, 0));
    p2m->nr_tables--;
}

/* Invalidates every stage-1 and stage-2 TLB entry of `vttbr`'s VMID on all CPUs. */
static void flush_vmid(uint64_t vttbr)
{
    uint64_t saved = READ_SYSREG(vttbr_el2);

    WRITE_SYSREG(vttbr_el2, vttbr);
    isb();
    __asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb" ::: "memory");
    WRITE_SYSREG(vttbr_el2, saved);
    isb();
}

/*
 * The level-3 entry for gpa, splitting a level-2 block into pages (with
 * break-before-make) or adding empty tables as needed. Under the p2m lock.
 */
static int page_entry(struct p2m *p2m, uint64_t gpa, s2_pte_t **out)
{
    s2_pte_t *table = table_at(p2m->root);

    for (unsigned level = S2_START_LEVEL; level < 3; level++) {
        unsigned shift = 39 - 9 * level;
        s2_pte_t *entry = &table[(gpa >> shift) & (S2_ENTRIES - 1)];
        s2_pte_t block = *entry;
        int rc;

        if ((block & (S2_VALID | S2_TABLE)) == S2_VALID) {
            /* A block (level 2 only: level 1 blocks are never written) becomes 512 pages. */
            paddr_t tpa;
            s2_pte_t *pages;

            BUG_ON(level != 2);
            if (alloc_pages(0, &tpa))
                return -ENOMEM;
            p2m->nr_tables++;
            pages = table_at(tpa);
            for (unsigned i = 0; i < S2_ENTRIES; i++)
                pages[i] = (block + ((uint64_t)i << PAGE_SHIFT)) | S2_TABLE;
            *entry = 0;
            flush_vmid(p2m->vttbr);             /* break ... */
            *entry = tpa | S2_TABLE | S2_VALID; /* ... before make */
            dsb(ishst);
        }
        rc = next_table(p2m, entry, &table);
        if (rc)
            return rc;
    }
    *out = &table[(gpa >> PAGE_SHIFT) & (S2_ENTRIES - 1)];
    return 0;
}

/* Replaces the level-3 entry for gpa with `value` (0 = unmapped); the old page in *old_pa. */
static int page_replace(struct domain *d, uint64_t gpa, s2_pte_t value, paddr_t *old_pa)
{
    struct p2m *p2m = &d->arch.p2m;
    s2_pte_t *entry;
    int rc;

    if (!IS_ALIGNED(gpa, PAGE_SIZE) || gpa >= (1ull << P2M_IPA_BITS))
        return -EINVAL;
    spin_lock(&p2m->lock);
    rc = page_entry(p2m, gpa, &entry);
    if (!rc) {
        if (old_pa)
            *old_pa = (*entry & S2_VALID) ? (*entry & S2_ADDR_MASK) : 0;
        if (*entry & S2_VALID) {
            *entry = 0;
            flush_vmid(p2m->vttbr);
        }
        *entry = value;
        dsb(ishst);
    }
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_set_page(struct domain *d, uint64_t gpa, paddr_t pa, bool writable, paddr_t *old_pa)
{
    s2_pte_t leaf = ram_leaf(pa, 3);

    if (!IS_ALIGNED(pa, PAGE_SIZE))
        return -EINVAL;
    if (!writable)
        leaf = (leaf & ~S2_AP_MASK) | S2_AP_RO;
    return page_replace(d, gpa, leaf, old_pa);
}

int p2m_clear_page(struct domain *d, uint64_t gpa, paddr_t *old_pa)
{
    return page_replace(d, gpa, 0, old_pa);
}

void p2m_destroy(struct domain *d)
{
    struct p2m *p2m = &d->arch.p2m;

    if (!p2m->root)
        return;
    flush_vmid(p2m->vttbr);
    free_tables(p2m, p2m->root, S2_START_LEVEL);
    BUG_ON(p2m->nr_tables != 0);
    vmid_free(p2m->vmid);
    p2m->root = 0;
    p2m->vttbr = 0;
}
