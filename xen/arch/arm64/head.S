/*
 * Entry points of the hypervisor image: the boot CPU's (from the loader) and
 * the secondary CPUs' (from PSCI CPU_ON), plus the few routines that must run
 * without a stack or with the MMU off.
 *
 * Image format: the arm64 Linux "Image" header (64 bytes: code0 starting with
 * "MZ", a branch, text_offset 0, image_size covering BSS, flags = little-endian /
 * 4 KiB pages / placement anywhere, magic "ARM\x64" at 0x38, the PE header's
 * offset at 0x3c), followed by a PE/COFF header (written by flaxen.lds) that
 * makes the same file an EFI application. QEMU -kernel, U-Boot's booti and
 * GRUB's xen_hypervisor load it; UEFI firmware starts it at efi_entry
 * (xen/common/efi_boot.c), which comes back through efi_primary_entry.
 *
 * Position: the image is linked at address 0 as a static PIE and runs where
 * it was loaded (any 4 KiB-aligned address). primary_entry applies the
 * R_AARCH64_RELATIVE relocations with the MMU off; from then on the
 * hypervisor runs identity-mapped (virtual == physical), so turning the MMU
 * on changes no address and needs no trampoline.
 *
 * Boot protocol (Linux's arm64 booting.rst, Xen's on Arm): entered at EL2
 * with the MMU and D-cache off, x0 = physical address of the device tree.
 * If the CPU is not at EL2 nothing useful can be done (no console is known
 * yet and EL1 cannot run a hypervisor): it parks in a WFE loop. The same
 * happens for a load address that is not 4 KiB aligned, or a relocation of a
 * kind the image should not contain (the build checks for those).
 */
#include <asm/layout.h>
#include <asm/mmu.h>

/* Physical/virtual address of a symbol, position-independent (+-4 GiB). */
.macro adr_l reg, sym
    adrp \reg, \sym
    add \reg, \reg, :lo12:\sym
.endm

/* EL2 control registers to a known state: AArch64 EL1, no VHE, MMU off,
 * FP/SIMD not trapped (guests need it; our C code never uses it), SVE and
 * SME trapped (their state is not saved yet). */
.macro el2_reset_state tmp
    msr daifset, #0xf
    mov \tmp, #(1 << 31)                /* HCR_EL2.RW: EL1 is AArch64; E2H = 0 */
    msr hcr_el2, \tmp
    ldr \tmp, =0x30c50830               /* SCTLR_EL2 RES1 bits only: MMU, caches off */
    msr sctlr_el2, \tmp
    mov \tmp, #0x33ff                   /* CPTR_EL2: RES1, TZ=1, TSM=1, TFP=0 */
    msr cptr_el2, \tmp
    isb
.endm

/* The header is split around image_size and the PE/COFF header, which
 * flaxen.lds writes: absolute link-time values that a PIE could not carry as
 * relocations. */
    .section .text.head.0, "ax"
    .global _start
_start:
    .long 0xfa405a4d                    /* code0: "MZ", as ccmp x18, #0, #0xd, pl (no effect) */
    b primary_entry                     /* code1 */
    .quad 0                             /* text_offset */
    /* image_size (8 bytes, including BSS): QUAD() in flaxen.lds */
    .section .text.head.1, "ax"
    .quad IMAGE_FLAGS                   /* flags */
    .quad 0, 0, 0                       /* res2, res3, res4 */
    .byte 0x41, 0x52, 0x4d, 0x64        /* magic "ARM\x64" */
    .long PE_HEADER_OFFSET              /* res5: the PE header, right after this one */
    /* the PE/COFF header (flaxen.lds), then .text.head.2 */
    .section .text.head.2, "ax"

primary_entry:
    mov x21, xzr                        /* no EFI hand-over */
/* From efi_enter_image: x0 = device tree, x21 = the EFI hand-over block. */
    .global efi_primary_entry
efi_primary_entry:
    mov x20, x0                         /* device tree */
    mrs x1, CurrentEL
    cmp x1, #(2 << 2)
    b.ne park                           /* not EL2: nothing sensible to do */
    el2_reset_state x1
    adr x19, _start                     /* where we were loaded */
    tst x19, #0xfff
    b.ne park
    bl apply_relocations
    adr_l x0, __bss_start
    adr_l x1, __bss_end
1:  cmp x0, x1
    b.hs 2f
    stp xzr, xzr, [x0], #16
    b 1b
2:  adr_l x0, __stacks_start            /* CPU 0's stack: slot 0 */
    mov x1, #STACK_TOP_OFFSET
    add x0, x0, x1
    mov sp, x0
    msr tpidr_el2, xzr                  /* logical CPU number 0 */
    adr_l x0, el2_vectors
    msr vbar_el2, x0
    isb
    mov x0, x20
    mov x1, x19
    mov x2, x21
    bl arch_boot_primary                /* never returns */
    b park

/* Applies every R_AARCH64_RELATIVE in .rela.dyn for load address x19. */
apply_relocations:
    adr_l x0, __rela_start
    adr_l x1, __rela_end
1:  cmp x0, x1
    b.hs 2f
    ldp x2, x3, [x0], #16               /* r_offset, r_info */
    ldr x4, [x0], #8                    /* r_addend */
    cmp x3, #1027                       /* R_AARCH64_RELATIVE, symbol 0 */
    b.ne park
    add x4, x4, x19
    str x4, [x19, x2]
    b 1b
2:  ret

park:
    wfe
    b park

/* The reserved FP/SIMD section (flaxen.lds): present in every image, empty
 * until boot-time library code or a bracketed FP user is placed there. */
    .section .text.fpsimd, "ax"

/*
 * PSCI CPU_ON entry point of secondary CPUs, x0 = logical CPU number (the
 * context id). MMU off, at EL2; turns the MMU on with mmu_config (which the
 * boot CPU cleaned to memory) before touching any memory through a stack.
 */
    .text
    .global secondary_entry
secondary_entry:
    el2_reset_state x1
    mov x19, x0
    msr tpidr_el2, x19
    adr_l x0, el2_vectors
    msr vbar_el2, x0
    adr_l x0, mmu_config
    bl arch_mmu_enable
    adr_l x0, __stacks_start
    mov x1, #STACK_SLOT_SIZE
    madd x0, x19, x1, x0
    mov x1, #STACK_TOP_OFFSET
    add x0, x0, x1
    mov sp, x0
    mov x0, x19
    bl arch_secondary_main              /* never returns */
    b park

/*
 * void arch_mmu_enable(const struct mmu_config *cfg)
 * Loads the translation registers, the pointer-authentication key when
 * cfg->sctlr enables it, invalidates this CPU's EL2 TLB, then SCTLR_EL2.
 * Identity-mapped, so execution continues at the next instruction.
 */
    .global arch_mmu_enable
arch_mmu_enable:
    bti c
    ldr x1, [x0, #MMU_CFG_MAIR]
    msr mair_el2, x1
    ldr x1, [x0, #MMU_CFG_TCR]
    msr tcr_el2, x1
    ldr x1, [x0, #MMU_CFG_TTBR]
    msr ttbr0_el2, x1
    ldr x1, [x0, #MMU_CFG_SCTLR]
    tbz x1, #SCTLR_EL2_ENIA_BIT, 1f
    ldr x2, [x0, #MMU_CFG_KEY_LO]
    msr S3_0_C2_C1_0, x2                /* APIAKeyLo_EL1 */
    ldr x2, [x0, #MMU_CFG_KEY_HI]
    msr S3_0_C2_C1_1, x2                /* APIAKeyHi_EL1 */
1:  isb
    tlbi alle2
    dsb nsh
    isb
    msr sctlr_el2, x1
    isb
    ic iallu
    dsb nsh
    isb
    ret

/*
 * EFI application entry (the PE header's AddressOfEntryPoint), called by the
 * firmware as an AAPCS64 function: x0 = image handle, x1 = system table.
 * efi_main returns only on failure, with the EFI status for the firmware.
 */
    .global efi_entry
efi_entry:
    bti c
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    adr_l x2, _start
    bl efi_main
    ldp x29, x30, [sp], #16
    ret

/* unsigned efi_current_el(void): the exception level efi_main runs at. */
    .global efi_current_el
efi_current_el:
    bti c
    mrs x0, CurrentEL
    lsr x0, x0, #2
    ret

/*
 * void efi_enter_image(paddr_t entry, paddr_t fdt, paddr_t handover)
 * After ExitBootServices: interrupts masked, MMU and caches off (the
 * firmware's identity map makes this code's address valid before and after),
 * then on to efi_primary_entry of the copy the stub prepared and cleaned to
 * the point of coherency.
 */
    .global efi_enter_image
efi_enter_image:
    bti c
    msr daifset, #0xf
    mov x19, x0
    mov x20, x1
    mov x21, x2
    mrs x3, sctlr_el2
    mov x4, #(1 << 0 | 1 << 2 | 1 << 12) /* M, C, I */
    bic x3, x3, x4
    dsb sy
    msr sctlr_el2, x3
    isb
    ic iallu
    tlbi alle2
    dsb nsh
    isb
    mov x0, x20
    br x19

/* x2 = D-cache line size (CTR_EL0.DminLine, log2 of words). */
.macro dcache_line_size reg, tmp
    mrs \tmp, ctr_el0
    ubfx \tmp, \tmp, #16, #4
    mov \reg, #4
    lsl \reg, \reg, \tmp
.endm

/* The body of the three range operations below: DC \op on every line of
 * [x0, x1), then DSB SY and return. */
.macro dcache_by_line op
    dcache_line_size x2, x3
    sub x3, x2, #1
    bic x0, x0, x3
1:  cmp x0, x1
    b.hs 2f
    dc \op, x0
    add x0, x0, x2
    b 1b
2:  dsb sy
    ret
.endm

/* void dcache_clean_range(const void *start, const void *end) */
    .global dcache_clean_range
dcache_clean_range:
    bti c
    dcache_by_line cvac

/* void dcache_inval_range(const void *start, const void *end)
 * Only for memory written with the MMU off: discards any stale line. */
    .global dcache_inval_range
dcache_inval_range:
    bti c
    dcache_by_line ivac

/* void dcache_clean_inval_range(const void *start, const void *end)
 * Before the MMU goes off: writes back and drops every line of the range. */
    .global dcache_clean_inval_range
dcache_clean_inval_range:
    bti c
    dcache_by_line civac
