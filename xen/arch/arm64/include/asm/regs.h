/*
 * The register frame saved by every exception entry (vectors.S) and the
 * kinds of exception, shared by assembly and C.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#define REGS_X30 240
#define REGS_SP 248 /* trap from EL2: SP at the trap; from a guest: the guest's SP_EL0 */
#define REGS_ELR 256
#define REGS_SPSR 264
#define REGS_ESR 272
#define REGS_FAR 280
#define REGS_HPFAR 288
#define REGS_APIA 296 /* guest frames: the guest's APIA key (lo, hi) while EL2 uses its own */
#define REGS_SIZE 320

/* Vector kinds: group * 4 + type (Arm ARM D1.3.1, vector table layout). */
#define VEC_GROUP_EL2T 0 /* current EL, SP_EL0: never used by Flaxen */
#define VEC_GROUP_EL2H 1 /* current EL, SP_EL2: a hypervisor bug */
#define VEC_GROUP_A64 2  /* lower EL, AArch64: a guest */
#define VEC_GROUP_A32 3  /* lower EL, AArch32: a guest (not supported) */
#define VEC_SYNC 0
#define VEC_IRQ 1
#define VEC_FIQ 2
#define VEC_SERROR 3

#ifndef __ASSEMBLY__
#include <stdint.h>

struct cpu_regs {
    uint64_t x[31];
    uint64_t sp;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t hpfar;
    uint64_t apia_lo;
    uint64_t apia_hi;
    uint64_t pad;
};

_Static_assert(__builtin_offsetof(struct cpu_regs, x[30]) == REGS_X30, "x30");
_Static_assert(__builtin_offsetof(struct cpu_regs, sp) == REGS_SP, "sp");
_Static_assert(__builtin_offsetof(struct cpu_regs, elr) == REGS_ELR, "elr");
_Static_assert(__builtin_offsetof(struct cpu_regs, spsr) == REGS_SPSR, "spsr");
_Static_assert(__builtin_offsetof(struct cpu_regs, esr) == REGS_ESR, "esr");
_Static_assert(__builtin_offsetof(struct cpu_regs, far) == REGS_FAR, "far");
_Static_assert(__builtin_offsetof(struct cpu_regs, hpfar) == REGS_HPFAR, "hpfar");
_Static_assert(__builtin_offsetof(struct cpu_regs, apia_lo) == REGS_APIA, "apia");
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE && REGS_SIZE % 16 == 0, "size");
#endif

#endif
