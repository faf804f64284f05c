/*
 * EL2 stage-1 translation (Arm ARM D8, VMSAv8-64) as Flaxen uses it: one
 * 48-bit address space through TTBR0_EL2, 4 KiB granule, four levels,
 * identity-mapped (virtual address == physical address).
 */
#ifndef ASM_MMU_H
#define ASM_MMU_H

/* Offsets in struct mmu_config, read by head.S before the MMU is on. */
#define MMU_CFG_MAIR 0
#define MMU_CFG_TCR 8
#define MMU_CFG_TTBR 16
#define MMU_CFG_SCTLR 24
#define MMU_CFG_KEY_LO 32
#define MMU_CFG_KEY_HI 40
#define MMU_CFG_SIZE 48

#define SCTLR_EL2_ENIA_BIT 31

#ifndef __ASSEMBLY__
#include <flaxen/bootinfo.h>
#include <flaxen/types.h>

/* Everything a CPU needs to turn its MMU on (and pointer authentication). */
struct mmu_config {
    uint64_t mair;
    uint64_t tcr;
    uint64_t ttbr;
    uint64_t sctlr; /* EnIA set: head.S loads the key pair first */
    uint64_t key_lo;
    uint64_t key_hi;
};

_Static_assert(sizeof(struct mmu_config) == MMU_CFG_SIZE, "mmu_config");
_Static_assert(__builtin_offsetof(struct mmu_config, key_hi) == MMU_CFG_KEY_HI, "key_hi");

/* The configuration secondary CPUs load (mm.c); cleaned to memory before each CPU_ON. */
extern struct mmu_config mmu_config;

/*
 * Builds the boot page tables (the image W^X, stacks with guard pages) with
 * the MMU off and turns the MMU on for the calling CPU.
 */
void mm_boot_init(void);

/*
 * Maps the device tree at fdt_pa read-only after checking its header.
 * Returns its size, or 0 if there is no valid device tree there.
 */
uint64_t mm_map_fdt(paddr_t fdt_pa);

/* Maps RAM (minus the image and the device tree) and the board's MMIO. 0 or -errno. */
int mm_map_board(const struct bootinfo *bi, paddr_t fdt_pa, uint64_t fdt_size);

/* Prints one line about the translation set-up. */
void mm_print_info(void);

/* Whether the text is mapped as BTI-guarded pages (the CPU has FEAT_BTI). */
bool mm_bti_enabled(void);

/* head.S: loads *cfg into MAIR/TCR/TTBR0/SCTLR_EL2 (keys first if EnIA). */
void arch_mmu_enable(const struct mmu_config *cfg);

/* head.S: cache maintenance by address to the point of coherency. */
void dcache_clean_range(const void *start, const void *end);
void dcache_inval_range(const void *start, const void *end);

/* Image layout from flaxen.lds. */
extern char _start[], __text_end[], __fpsimd_start[], __fpsimd_end[], __rodata_start[],
    __rodata_end[], __data_start[], __stacks_start[], __stacks_end[], _end[];
#endif

#endif
