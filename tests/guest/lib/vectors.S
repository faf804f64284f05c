/*
 * EL1 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes, table 2 KiB aligned;
 * groups: current EL with SP_EL0, current EL with SP_ELx, lower EL AArch64, lower EL
 * AArch32; in each: synchronous, IRQ, FIQ, SError). Every entry saves the full register
 * state into a struct exception_frame on the current stack, calls a C handler with
 * (frame, kind), kind = group * 4 + type, restores the (possibly edited) frame and returns
 * with eret. The two IRQ entries of the current EL go to irq_handle (irq.c), every other
 * entry to exception_handle (exception.c).
 *
 * fault_call / fault_resume give tests a way back from a fault: fault_call saves the
 * callee-saved registers and sp, then calls fn(arg); fault_resume(jump, value) restores them
 * and makes that fault_call return `value`. The exception handler resumes there by
 * pointing the frame's ELR at fault_resume.
 */
#include "layout.h"

    .macro  vector_entry kind, handler=exception_entry
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       \handler
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global guest_vectors
guest_vectors:
    vector_entry 0
    vector_entry 1, irq_entry
    vector_entry 2
    vector_entry 3
    vector_entry 4
    vector_entry 5, irq_entry
    vector_entry 6
    vector_entry 7
    vector_entry 8
    vector_entry 9
    vector_entry 10
    vector_entry 11
    vector_entry 12
    vector_entry 13
    vector_entry 14
    vector_entry 15

/* Completes the struct exception_frame that vector_entry started (x0, x1 saved, x1 = kind). */
    .macro  frame_save
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, elr_el1
    stp     x30, x2, [sp, #240]
    mrs     x3, spsr_el1
    mrs     x4, esr_el1
    stp     x3, x4, [sp, #FRAME_SPSR]
    mrs     x5, far_el1
    add     x6, sp, #FRAME_SIZE
    stp     x5, x6, [sp, #FRAME_FAR]
    mov     x0, sp
    .endm

/* Restores the (possibly edited) frame and returns from the exception. */
    .macro  frame_restore_eret
    ldp     x2, x3, [sp, #FRAME_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
    dsb     nsh
    isb
    .endm

/* Synchronous exceptions, FIQ, SError, and anything from a lower EL: exception.c. */
exception_entry:
    frame_save
    bl      exception_handle
    frame_restore_eret

/* IRQ at the current EL: irq.c acknowledges, dispatches and ends each pending interrupt. */
irq_entry:
    frame_save
    bl      irq_handle
    frame_restore_eret

/* int fault_call(struct fault_jump *jump, void (*fn)(void *), void *arg) */
    .text
    .global fault_call
    .type   fault_call, %function
fault_call:
    mov     x9, sp
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    str     x9, [x0, #JUMP_SP]
    mov     x19, x0
    mov     x0, x2
    blr     x1
    mov     x0, x19
    mov     x1, #FAULT_CALL_RETURNED
    b       fault_resume
    .size   fault_call, . - fault_call

/* void fault_resume(struct fault_jump *jump, int value): returns from jump's fault_call */
    .global fault_resume
    .type   fault_resume, %function
fault_resume:
    ldp     x19, x20, [x0, #0]
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]
    ldr     x9, [x0, #JUMP_SP]
    mov     sp, x9
    mov     w0, w1
    ret
    .size   fault_resume, . - fault_resume
