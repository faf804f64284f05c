/*
 * Declarations shared inside the guest library only (not for guest sources).
 */
#ifndef FLAXEN_GUEST_INTERNAL_H
#define FLAXEN_GUEST_INTERNAL_H

#include "guest.h"

/* Registers saved by vectors.S; offsets in layout.h. */
struct exception_frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t sp;
};
_Static_assert(__builtin_offsetof(struct exception_frame, elr) == FRAME_ELR, "frame layout");
_Static_assert(__builtin_offsetof(struct exception_frame, spsr) == FRAME_SPSR, "frame layout");
_Static_assert(__builtin_offsetof(struct exception_frame, esr) == FRAME_ESR, "frame layout");
_Static_assert(__builtin_offsetof(struct exception_frame, far) == FRAME_FAR, "frame layout");
_Static_assert(__builtin_offsetof(struct exception_frame, sp) == FRAME_SP, "frame layout");
_Static_assert(sizeof(struct exception_frame) == FRAME_SIZE, "frame layout");

/* A way back to a fault_call (see vectors.S). */
struct fault_jump {
    uint64_t saved[JUMP_SAVED_SIZE / 8];
    struct fault_jump *previous; /* the guard that was active before this one */
    struct fault_info fault;     /* filled when an exception resumed here */
};
_Static_assert(__builtin_offsetof(struct fault_jump, previous) == JUMP_SAVED_SIZE, "jump layout");

/* Per-CPU state, indexed by guest_cpu_index(). */
struct cpu_state {
    struct fault_jump *guard; /* innermost active fault guard, or NULL */
    struct fault_jump *abort; /* where a failed CHECK ends up (the test or the CPU function) */
    bool in_exception;
};

extern struct cpu_state cpu_states[GUEST_MAX_CPUS];

/* In vectors.S. */
int fault_call(struct fault_jump *jump, void (*fn)(void *), void *arg);
void fault_resume(struct fault_jump *jump, int value) __attribute__((noreturn));

/* In start.S: where CPU_ON starts a secondary CPU (x0 = its slot). */
void secondary_entry(void);

/*
 * Runs fn(arg) with `jump` as this CPU's innermost fault guard. Returns FAULT_CALL_RETURNED,
 * FAULT_CALL_FAULTED (jump->fault filled) or FAULT_CALL_ABORTED (a CHECK failed).
 */
int fault_guarded_call(struct fault_jump *jump, void (*fn)(void *), void *arg);

/* vectors.S calls this for every exception; see exception.c. */
void exception_handle(struct exception_frame *frame, uint64_t kind);
/* Where the image was loaded, for "image+0x..." in fault reports. */
void exception_set_load_address(uint64_t address);

/* Prints "exception ESR=... (class) FAR=... ELR=... (image+0x...)" for a report line, no newline.
 */
void fault_print(const struct fault_info *fault);

/* In irq.c: what vectors.S calls for an IRQ at the current EL. */
void irq_handle(struct exception_frame *frame, uint64_t kind);

/*
 * In gic.c: ICC_IAR1_EL1 (acknowledge) and ICC_EOIR1_EL1 (end; with EOImode 0 it also
 * deactivates); gic_cpu_forget marks this CPU's interface as not set up (after CPU_ON).
 */
uint32_t gic_acknowledge(void);
void gic_end_of_interrupt(uint32_t iar);
void gic_cpu_forget(void);

/* Reads the device tree, picks the mode and the console. */
void platform_init(uint64_t dtb_address, uint64_t load_address);
/* One "[guest] ..." line: image, mode, console, EL, CPUs, RAM. */
void platform_print_banner(void);

/* Console back ends; console_set_* choose one. */
void console_set_pl011(uintptr_t base);
void console_set_hypercall(void);
/*
 * console_defer(cpu, true): that CPU's completed lines go to its transcript (emptied now)
 * instead of the console; console_print_transcript writes them out (boot CPU) and empties it.
 */
void console_defer(unsigned int cpu, bool defer);
void console_print_transcript(unsigned int cpu);
/* Writes bytes straight to the back end, bypassing the line buffers (crash paths). */
void console_write_raw(const char *bytes, size_t length);
/* "pl011@0x9000000", "console_io hypercall" or "none". */
const char *console_describe(char *buffer, size_t size);

/* Runs the registered tests and powers off (test.c). */
void guest_main(uint64_t dtb_address, uint64_t load_address) __attribute__((noreturn));
/* C entry of a secondary CPU (cpu.c). */
void secondary_main(uint64_t slot) __attribute__((noreturn));

/* The image's name: tests/guest/guests/NAME.c (defined by the build for each guest). */
extern const char guest_image_name[];

#endif
