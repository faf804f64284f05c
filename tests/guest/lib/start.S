/*
 * Entry of a test guest, per the arm64 boot protocol: EL1, MMU off, interrupts masked,
 * x0 = physical address of the device tree. Zeroes BSS, applies the image's own
 * R_AARCH64_RELATIVE relocations (linked at 0, running wherever it was placed), sets up the
 * per-CPU stack and the EL1 vectors, then calls guest_main(dtb, load_base).
 *
 * Secondary CPUs enter at secondary_entry through PSCI CPU_ON with x0 = context id = the
 * CPU's slot in the guest's tables (0 is the boot CPU).
 */
#include "layout.h"

#define R_AARCH64_RELATIVE 1027

    .section .head.code, "ax"
    b       primary_entry           /* code0 */
    .long   0                       /* code1 */

    .section .text.entry, "ax"
primary_entry:
    msr     daifset, #0xf
    mov     x19, x0                 /* device tree */
    adr     x20, _head              /* where the image runs = relocation offset */

    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b

2:  adrp    x0, __rela_start
    add     x0, x0, :lo12:__rela_start
    adrp    x1, __rela_end
    add     x1, x1, :lo12:__rela_end
3:  cmp     x0, x1
    b.hs    4f
    ldp     x2, x3, [x0], #16       /* r_offset, r_info */
    ldr     x4, [x0], #8            /* r_addend */
    and     x3, x3, #0xffffffff
    cmp     x3, #R_AARCH64_RELATIVE
    b.ne    3b                      /* the build rejects images with any other type */
    add     x4, x4, x20
    str     x4, [x20, x2]
    b       3b

4:  msr     tpidr_el1, xzr          /* CPU slot 0 */
    adrp    x0, guest_stacks
    add     x0, x0, :lo12:guest_stacks
    add     x0, x0, #GUEST_STACK_SIZE
    mov     sp, x0
    adrp    x0, guest_vectors
    add     x0, x0, :lo12:guest_vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x19
    mov     x1, x20
    bl      guest_main
5:  wfi
    b       5b

    .global secondary_entry
    .type   secondary_entry, %function
secondary_entry:
    msr     daifset, #0xf
    cmp     x0, #GUEST_MAX_CPUS
    b.hs    6f
    msr     tpidr_el1, x0
    adrp    x1, guest_stacks
    add     x1, x1, :lo12:guest_stacks
    add     x2, x0, #1
    lsl     x2, x2, #GUEST_STACK_SHIFT
    add     x1, x1, x2
    mov     sp, x1
    adrp    x1, guest_vectors
    add     x1, x1, :lo12:guest_vectors
    msr     vbar_el1, x1
    isb
    bl      secondary_main
6:  wfi
    b       6b
    .size   secondary_entry, . - secondary_entry

    .section .bss.stacks, "aw", %nobits
    .balign 16
    .global guest_stacks
guest_stacks:
    .space  GUEST_STACK_SIZE * GUEST_MAX_CPUS
