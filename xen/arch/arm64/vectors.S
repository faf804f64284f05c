/*
 * The EL2 exception vector table (Arm ARM D1.3.1: 16 entries of 128 bytes,
 * table aligned to 2 KiB) and the register-frame save/restore around it.
 *
 * - Current EL (the hypervisor itself, SP_EL0 or SP_EL2): a hypervisor bug.
 *   The entry first checks that the stack pointer is still inside this CPU's
 *   stack (layout.h); if it overflowed into the guard it moves to the CPU's
 *   emergency stack and reports the overflow. Otherwise it saves the frame
 *   and calls trap_el2_fatal(), which prints ESR/FAR/ELR/SPSR and halts.
 * - Lower EL (a guest): saves the whole guest frame, calls
 *   trap_from_guest(regs, kind), restores the (possibly updated) frame and
 *   returns with ERET followed by a speculation barrier (dsb nsh; isb), so
 *   nothing after the ERET executes speculatively at EL2.
 *
 * Pointer authentication: EL2 (E2H = 0) and the guest share the key
 * registers, so when the hypervisor signs its return addresses
 * (SCTLR_EL2.EnIA) a guest exit saves the guest's APIA key in the frame and
 * loads the hypervisor's (mmu_config), and the way back restores the guest's.
 * The other keys are never used at EL2; they are switched with the vCPU.
 *
 * The guest frame always sits at the top of the CPU's stack (16 bytes
 * below its end): the stack pointer a guest leaves behind is that address,
 * and arch_guest_resume() builds a frame there to enter a vCPU.
 */
#include <asm/layout.h>
#include <asm/mmu.h>
#include <asm/regs.h>

#define APIAKEYLO_EL1 S3_0_C2_C1_0
#define APIAKEYHI_EL1 S3_0_C2_C1_1

/* Hypervisor exception: check the stack, then save x0/x1 and go to el2_trap. */
.macro el2_vector kind
    .align 7
    add sp, sp, x0                      /* sp' = sp + x0, x0 = sp without a free register */
    sub x0, sp, x0
    tbnz x0, #STACK_VALID_BIT, 1f
    and x1, x0, #~(STACK_SLOT_SIZE - 1) /* overflow: x0 = the bad sp; x0/x1 are lost */
    add x1, x1, #EMERGENCY_STACK_TOP
    mov sp, x1
    mov x1, #\kind
    b el2_stack_overflow
1:  sub x0, sp, x0                      /* undo: x0 and sp as they were */
    sub sp, sp, x0
    sub sp, sp, #REGS_SIZE
    stp x0, x1, [sp]
    mov x1, #\kind
    b el2_trap
.endm

/* Guest exception: save x0/x1 and go to guest_trap. */
.macro guest_vector kind
    .align 7
    sub sp, sp, #REGS_SIZE
    stp x0, x1, [sp]
    mov x1, #\kind
    b guest_trap
.endm

/* x2..x30 and the exception registers; x0/x1 are already at [sp]. */
.macro save_frame
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #REGS_X30]
    mrs x2, elr_el2
    mrs x3, spsr_el2
    stp x2, x3, [sp, #REGS_ELR]
    mrs x2, esr_el2
    mrs x3, far_el2
    stp x2, x3, [sp, #REGS_ESR]
    mrs x2, hpfar_el2
    str x2, [sp, #REGS_HPFAR]
.endm

    .text
    .align 11
    .global el2_vectors
el2_vectors:
    el2_vector (VEC_GROUP_EL2T * 4 + VEC_SYNC)
    el2_vector (VEC_GROUP_EL2T * 4 + VEC_IRQ)
    el2_vector (VEC_GROUP_EL2T * 4 + VEC_FIQ)
    el2_vector (VEC_GROUP_EL2T * 4 + VEC_SERROR)
    el2_vector (VEC_GROUP_EL2H * 4 + VEC_SYNC)
    el2_vector (VEC_GROUP_EL2H * 4 + VEC_IRQ)
    el2_vector (VEC_GROUP_EL2H * 4 + VEC_FIQ)
    el2_vector (VEC_GROUP_EL2H * 4 + VEC_SERROR)
    guest_vector (VEC_GROUP_A64 * 4 + VEC_SYNC)
    guest_vector (VEC_GROUP_A64 * 4 + VEC_IRQ)
    guest_vector (VEC_GROUP_A64 * 4 + VEC_FIQ)
    guest_vector (VEC_GROUP_A64 * 4 + VEC_SERROR)
    guest_vector (VEC_GROUP_A32 * 4 + VEC_SYNC)
    guest_vector (VEC_GROUP_A32 * 4 + VEC_IRQ)
    guest_vector (VEC_GROUP_A32 * 4 + VEC_FIQ)
    guest_vector (VEC_GROUP_A32 * 4 + VEC_SERROR)
    .align 7

/* x0 = the stack pointer that overflowed, x1 = kind, sp = emergency stack. */
el2_stack_overflow:
    mov x29, xzr
    bl trap_el2_stack_overflow          /* never returns */
    b .

/* Frame at sp with x0/x1 saved, x1 = kind. */
el2_trap:
    save_frame
    add x2, sp, #REGS_SIZE
    str x2, [sp, #REGS_SP]              /* the hypervisor's sp at the trap */
    mov x0, sp
    bl trap_el2_fatal                   /* never returns */
    b .

/* Frame at sp with x0/x1 saved, x1 = kind. */
guest_trap:
    save_frame
    mrs x2, sp_el0
    str x2, [sp, #REGS_SP]
    adrp x2, mmu_config
    add x2, x2, :lo12:mmu_config
    ldr x3, [x2, #MMU_CFG_SCTLR]
    tbz x3, #SCTLR_EL2_ENIA_BIT, 1f
    mrs x3, APIAKEYLO_EL1
    mrs x4, APIAKEYHI_EL1
    stp x3, x4, [sp, #REGS_APIA]
    ldp x3, x4, [x2, #MMU_CFG_KEY_LO]
    msr APIAKEYLO_EL1, x3
    msr APIAKEYHI_EL1, x4
    isb
1:  mov x29, xzr                        /* end of the hypervisor's frame chain */
    mov x0, sp
    bl trap_from_guest
    /* fall through: back to the same vCPU */

/* sp = a complete guest frame at the top of this CPU's stack. */
guest_return:
    adrp x2, mmu_config
    add x2, x2, :lo12:mmu_config
    ldr x3, [x2, #MMU_CFG_SCTLR]
    tbz x3, #SCTLR_EL2_ENIA_BIT, 1f
    ldp x3, x4, [sp, #REGS_APIA]
    msr APIAKEYLO_EL1, x3
    msr APIAKEYHI_EL1, x4
1:  ldp x2, x3, [sp, #REGS_ELR]
    msr elr_el2, x2
    msr spsr_el2, x3
    ldr x2, [sp, #REGS_SP]
    msr sp_el0, x2
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #REGS_X30]
    ldp x0, x1, [sp]
    add sp, sp, #REGS_SIZE
    eret
    dsb nsh
    isb

/*
 * void arch_guest_resume(const struct cpu_regs *frame): never returns.
 * Copies *frame (which must not be on this stack) to the top of the calling
 * CPU's stack, abandons everything below it and enters the guest with it.
 */
    .global arch_guest_resume
    .type arch_guest_resume, %function
arch_guest_resume:
    mov x1, sp
    and x1, x1, #~(STACK_SLOT_SIZE - 1)
    mov x2, #(STACK_TOP_OFFSET - REGS_SIZE)
    add x1, x1, x2
    mov sp, x1
    mov x2, #REGS_SIZE
2:  ldp x3, x4, [x0], #16
    stp x3, x4, [x1], #16
    subs x2, x2, #16
    b.ne 2b
    b guest_return
    .size arch_guest_resume, . - arch_guest_resume
