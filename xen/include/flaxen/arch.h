/*
 * What portable code (xen/common, xen/drivers) needs from the architecture.
 *
 * Implemented in xen/arch/arm64/ for the hypervisor and by host tests for the
 * fake architecture. Nothing here names a system register or needs inline
 * assembly at the call site; the arm64 implementation says which Arm ARM
 * mechanism each function uses.
 */
#ifndef FLAXEN_ARCH_H
#define FLAXEN_ARCH_H

#include <flaxen/types.h>

/* The most CPUs the hypervisor brings up; further ones in the DT are ignored. */
#define NR_CPUS 8

/* Logical number of the calling CPU: 0 is the boot CPU. */
unsigned arch_cpu_id(void);

/* Hardware id of the calling CPU (on arm64 the MPIDR affinity fields). */
uint64_t arch_cpu_hwid(void);

/* A hint for busy-wait loops (lets an SMT sibling or the emulator run). */
void arch_cpu_relax(void);

/* Stops the calling CPU for good: interrupts masked, a low-power wait loop. */
NORETURN void arch_halt(void);

/* Turns the whole machine off (PSCI SYSTEM_OFF); halts if it cannot. */
NORETURN void arch_power_off(void);

/*
 * Starts secondary CPU `cpu` (logical number, 1..NR_CPUS-1) whose hardware id
 * is `hwid`; it enters smp_secondary_main(cpu). Returns 0 or a negative
 * error (the firmware refused, or the CPU does not exist).
 */
int arch_cpu_start(unsigned cpu, uint64_t hwid);

/* A monotonic clock in nanoseconds since an arbitrary origin. */
uint64_t arch_time_ns(void);

/*
 * 64 random bits for secrets made at boot (stack canary, pointer
 * authentication keys). Returns the name of the source used: the CPU's
 * random number instruction when present, otherwise a documented weaker
 * fallback (which the boot log states).
 */
const char *arch_random_u64(uint64_t *value);

/*
 * Quick boot-time checks of architecture mechanisms the rest relies on (on
 * arm64: a round trip through the guest trap path). Panics on a failure.
 */
void arch_boot_selfcheck(void);

/*
 * Registers the CPU's hash instructions with the portable SHA-256 code when
 * there are any and they agree with it (flaxen/sha256.h); prints which one
 * measurements will use.
 */
void arch_sha256_init(void);

/* Prints one or more lines describing the CPU and the hardening in force. */
void arch_print_cpu_info(void);

/*
 * Pointer to the bytes of physical page(s) at `pa`, which must be RAM the
 * page allocator manages (the hypervisor maps all of it). The fake arch of
 * host tests maps it to a host buffer.
 */
void *arch_phys_to_virt(paddr_t pa);

/* The inverse of arch_phys_to_virt for a pointer it returned (or into such memory). */
paddr_t arch_virt_to_phys(const void *va);

/* ---------------------------------------------------------------- domains and vCPUs */
struct domain;
struct vcpu;

/* Stage-2 address space and virtual devices of a new domain. 0 or -errno (nothing left). */
int arch_domain_init(struct domain *d);

/* Frees what arch_domain_init and arch_domain_map_ram set up (TLBs invalidated). */
void arch_domain_destroy(struct domain *d);

/* Maps host-physical [pa, pa + size) at guest-physical gpa as d's RAM. 0 or -errno. */
int arch_domain_map_ram(struct domain *d, uint64_t gpa, paddr_t pa, uint64_t size);

/* The host-physical address of d's RAM at gpa (writable too when `write`), or -ENOENT. */
int arch_domain_translate(struct domain *d, uint64_t gpa, bool write, paddr_t *pa);

/*
 * Maps the page at host-physical pa at page-aligned gpa of d (read-only
 * unless writable), replacing what was there; *old_pa (may be NULL) gets
 * the page that was mapped, or 0. Takes effect on every CPU before return.
 * 0, -EINVAL, -ENOMEM. The caller keeps track of who owns both pages.
 */
int arch_domain_set_page(struct domain *d, uint64_t gpa, paddr_t pa, bool writable,
                         paddr_t *old_pa);

/* Unmaps the page at gpa of d; *old_pa as arch_domain_set_page. 0, -EINVAL, -ENOMEM. */
int arch_domain_clear_page(struct domain *d, uint64_t gpa, paddr_t *old_pa);

/* A vCPU in its reset state: EL1, MMU off, registers zero, its MPIDR set from v->mpidr. */
void arch_vcpu_init(struct vcpu *v);

/* Where v starts (boot, PSCI CPU_ON): pc = entry, x0 = arg, EL1h, DAIF masked, MMU off. */
void arch_vcpu_set_entry(struct vcpu *v, uint64_t entry, uint64_t arg);

/* Loads v onto the calling CPU and runs it; returns only through a trap. */
NORETURN void arch_vcpu_enter(struct vcpu *v);

/* Saves the state of v, which just left the calling CPU, into v. */
void arch_vcpu_save(struct vcpu *v);

/*
 * Makes interrupt `intid` (a PPI of v, e.g. the event-channel upcall) pending
 * for vCPU v and kicks it. Safe from any CPU; not with the scheduler lock held.
 */
void arch_vcpu_raise_irq(struct vcpu *v, unsigned intid);

/* The registers of v, which is on no CPU (domctl getvcpucontext; public/domctl.h). */
struct vcpu_guest_context;
void arch_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *ctx);

/* Whether v has an interrupt that ends a wait for interrupt. */
bool arch_vcpu_has_pending_irq(struct vcpu *v);

/* When v's own timer fires (arch_time_ns() time), 0 for never. */
uint64_t arch_vcpu_timer_deadline(const struct vcpu *v);

/* Idle CPU: waits for an interrupt and handles what arrived. */
void arch_idle_wait(void);

/* Arms the calling CPU's scheduler timer (0: disarm). */
void arch_timer_set(uint64_t deadline_ns);

/* Cleans [start, start + len) to the point of coherency (guest RAM written by us). */
void arch_dcache_clean(const void *start, size_t len);

/* Boot CPU, once, before the other CPUs start: stage-2 set-up, GIC distributor. */
struct bootinfo;
void arch_virt_boot_init(const struct bootinfo *bi);

/* Each CPU, before it first runs a vCPU: traps, stage-2 control, GIC CPU interface, timer. */
void arch_cpu_virt_init(void);

/* Interrupts CPU `cpu` so that it reschedules. */
void arch_send_reschedule(unsigned cpu);

/*
 * Copies between hypervisor memory and the running vCPU v's memory at guest
 * virtual address gva (translated through the guest's own stage 1 and then
 * its stage 2). 0, or -EFAULT when any byte is not accessible RAM of v's
 * domain with the needed permission. v must be the vCPU that trapped.
 */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

/* The host address of the running vCPU v's virtual address gva (same translation); -EFAULT. */
int guest_va_to_pa(struct vcpu *v, uint64_t gva, bool write, paddr_t *pa);

#endif
