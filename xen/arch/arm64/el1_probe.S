/*
 * A boot-time check of the guest trap path (vectors.S, lower-EL entries): the
 * hypervisor drops to EL1 (MMU off, no stage 2) into a few instructions of
 * its own text that fill x1-x30 with known values and make two HVCs:
 *   hvc #0       an ordinary hypercall: trap_from_guest() answers -ENOSYS in
 *                x0; every other register must come back unchanged and
 *                execution must resume after the HVC (ELR/SPSR restored);
 *   hvc #0xf1a5  the exit: trap_from_guest() hands x0 (0 = all good, else the
 *                number of the first register that changed, or 31 for a
 *                wrong x0) to el1_probe_exit(), which resumes the hypervisor
 *                where el1_probe_run() was called.
 * Only while el1_probe_active is set does the exit HVC mean anything.
 */
#include <asm/mmu.h>

.macro adr_l reg, sym
    adrp \reg, \sym
    add \reg, \reg, :lo12:\sym
.endm

#define PROBE_EXIT_IMM 0xf1a5
#define SCTLR_EL1_MMU_OFF 0x30d00800 /* RES1 bits only: MMU and caches off, little-endian */
#define SPSR_EL1H_MASKED 0x3c5       /* EL1h, D/A/I/F masked */

    .text
/* uint64_t el1_probe_run(void): the result el1_probe_exit() receives. */
    .global el1_probe_run
el1_probe_run:
    bti c
    adr_l x9, probe_context
    stp x19, x20, [x9, #0]
    stp x21, x22, [x9, #16]
    stp x23, x24, [x9, #32]
    stp x25, x26, [x9, #48]
    stp x27, x28, [x9, #64]
    stp x29, x30, [x9, #80]
    mov x10, sp
    str x10, [x9, #96]
    ldr x10, =SCTLR_EL1_MMU_OFF
    msr sctlr_el1, x10
    adr_l x10, el1_probe_code
    msr elr_el2, x10
    mov x10, #SPSR_EL1H_MASKED
    msr spsr_el2, x10
    isb
    eret
    dsb nsh
    isb

/* void el1_probe_exit(uint64_t result): back into el1_probe_run's caller. */
    .global el1_probe_exit
el1_probe_exit:
    bti c
    adr_l x9, probe_context
    ldp x19, x20, [x9, #0]
    ldp x21, x22, [x9, #16]
    ldp x23, x24, [x9, #32]
    ldp x25, x26, [x9, #48]
    ldp x27, x28, [x9, #64]
    ldp x29, x30, [x9, #80]
    ldr x10, [x9, #96]
    mov sp, x10
    ret

/* Runs at EL1. Register n holds n * 131 (fits a CMP immediate). */
el1_probe_code:
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    mov x\n, #(\n * 131)
    .endr
    mov x0, #0
    hvc #0
    cmn x0, #38                         /* x0 == -ENOSYS */
    mov x0, #31
    b.ne 2f
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    cmp x\n, #(\n * 131)
    mov x0, #\n
    b.ne 2f
    .endr
    mov x0, #0
2:  hvc #PROBE_EXIT_IMM
    b .

    .bss
    .balign 16
probe_context:
    .skip 112
