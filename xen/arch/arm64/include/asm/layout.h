/*
 * Memory layout facts shared by the assembly and C parts of arm64.
 *
 * Per-CPU stacks live in the image's BSS, one 32 KiB slot per CPU, aligned to
 * its size so a CPU's stack region can be told from its guard by one bit of
 * the stack pointer (vectors.S checks it before touching the stack):
 *
 *   slot + 0      .. slot + 4 KiB    unmapped (guard under the emergency stack)
 *   slot + 4 KiB  .. slot + 12 KiB   emergency stack: used only to report a fatal
 *                                    stack overflow
 *   slot + 12 KiB .. slot + 16 KiB   unmapped guard page under the stack
 *   slot + 16 KiB .. slot + 32 KiB   the CPU's stack (grows down from the top)
 *
 * A stack pointer inside the stack has bit 14 set; one that overflowed into
 * the guard (or further) has it clear. The initial stack pointer is 16 bytes
 * below the top so it never equals the next slot's base.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define STACK_SLOT_SHIFT 15
#define STACK_SLOT_SIZE (1 << STACK_SLOT_SHIFT)
#define STACK_SIZE (16 * 1024)
#define STACK_OFFSET (STACK_SLOT_SIZE - STACK_SIZE)
#define STACK_TOP_OFFSET (STACK_SLOT_SIZE - 16)
#define STACK_VALID_BIT 14 /* set in any stack pointer inside the stack */
#define EMERGENCY_STACK_OFFSET (4 * 1024)
#define EMERGENCY_STACK_SIZE (8 * 1024)
#define EMERGENCY_STACK_TOP (EMERGENCY_STACK_OFFSET + EMERGENCY_STACK_SIZE)

/* NR_CPUS (flaxen/arch.h) slots; checked by a _Static_assert in mm.c. */
#define STACK_SLOTS 8

/* arm64 Image header flags: little-endian, 4 KiB pages, placement anywhere. */
#define IMAGE_FLAGS 0xa

/* The PE/COFF header (EFI application) follows the 64-byte Image header. */
#define PE_HEADER_OFFSET 0x40

#endif
