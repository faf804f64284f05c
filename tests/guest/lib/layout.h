/*
 * Sizes shared by the assembly start-up and the C library: how many CPUs a guest may use
 * and the stack each gets. Also the exception frame layout (vectors.S builds it,
 * struct exception_frame in internal.h reads it; _Static_asserts keep them equal).
 */
#ifndef FLAXEN_GUEST_LAYOUT_H
#define FLAXEN_GUEST_LAYOUT_H

#define GUEST_MAX_CPUS 4
#define GUEST_STACK_SHIFT 14 /* 16 KiB per CPU */
#define GUEST_STACK_SIZE (1 << GUEST_STACK_SHIFT)

#define FRAME_ELR 248
#define FRAME_SPSR 256
#define FRAME_ESR 264
#define FRAME_FAR 272
#define FRAME_SP 280
#define FRAME_SIZE 288

/* struct fault_jump: callee-saved x19-x30 and sp, as fault_call saves them. */
#define JUMP_SP 96
#define JUMP_SAVED_SIZE 104

/* What fault_call returns. */
#define FAULT_CALL_RETURNED 0
#define FAULT_CALL_FAULTED 1
#define FAULT_CALL_ABORTED 2

#endif
