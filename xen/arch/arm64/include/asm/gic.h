/*
 * The physical GICv3 (gic.c): distributor, this CPU's redistributor and its
 * system-register CPU interface, as the hypervisor uses them at EL2.
 *
 * Physical interrupts are never taken at EL2 as exceptions: PSTATE.I stays
 * set at EL2. While a guest runs, HCR_EL2.IMO routes them to EL2 (the IRQ
 * vector from a lower EL); in the idle loop the CPU waits with WFI and then
 * polls. Either way gic_handle_irqs() acknowledges and dispatches them.
 *
 * The CPU interface runs with ICC_CTLR_EL1.EOImode = 1: writing ICC_EOIR1
 * only drops the running priority, ICC_DIR deactivates. That lets the
 * virtual timer's PPI stay active after the hypervisor acknowledged it, until
 * the guest deactivates the virtual interrupt linked to it (ICH_LR.HW = 1).
 *
 * The second half of this header is the hypervisor's access to the virtual
 * CPU interface (ICH_*_EL2, IHI 0069 12.4) for vgic.c, which itself contains
 * no system-register access (so it also builds as a host test).
 */
#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <flaxen/bootinfo.h>
#include <flaxen/types.h>

#define SGI_RESCHEDULE 1
#define PPI_HYP_TIMER 26   /* CNTHP: the scheduler's timer */
#define PPI_VIRT_TIMER 27  /* CNTV: a guest's virtual timer */
#define PPI_MAINTENANCE 25 /* virtual CPU interface maintenance */

/* Priority of every interrupt the hypervisor enables (ICC_PMR_EL1 = 0xff lets all through). */
#define GIC_HYP_PRIORITY 0xa0

/* Boot CPU: distributor (all SPIs off, affinity routing) and its own CPU. 0 or -errno. */
int gic_init(const struct bootinfo *bi);

/* Each CPU (the boot CPU included, after gic_init): redistributor and CPU interface. */
int gic_cpu_init(void);

/*
 * Acknowledges and handles every pending physical interrupt: the hypervisor
 * timer, reschedule SGIs, the virtual timer and maintenance interrupts of
 * the running vCPU (current_vcpu()). Called from the guest IRQ exit and the
 * idle loop. Ends by bringing the running vCPU's list registers up to date
 * (interrupts other CPUs made pending for it arrive this way).
 */
void gic_handle_irqs(void);

/* Sends SGI `sgi` to logical CPU `cpu`. */
void gic_send_sgi(unsigned cpu, unsigned sgi);

/* Number of list registers of the virtual CPU interface (ICH_VTR_EL2). */
unsigned gic_nr_lrs(void);

/* Enables PPI or SGI `intid` (< 32) at the calling CPU's redistributor. */
void gic_enable_private(unsigned intid);

/* ---------------------------------------------------------------- virtual CPU interface */

/* Reads / writes ICH_LR<n>_EL2 (n < gic_nr_lrs()). */
uint64_t gic_lr_read(unsigned n);
void gic_lr_write(unsigned n, uint64_t value);

/* Writes ICH_HCR_EL2 (ICH_HCR_EN and maintenance-interrupt enables). */
void gic_hcr_write(uint64_t value);

/* ICH_VMCR_EL2: the guest's virtual PMR, BPRs, group enables, EOI mode. */
uint64_t gic_vmcr_read(void);

/*
 * Saves / loads the active-priority registers ICH_AP0R<n>_EL2 and
 * ICH_AP1R<n>_EL2 (only those ICH_VTR_EL2.PREbits implements; the rest of
 * the arrays is left 0 / ignored) and ICH_VMCR_EL2.
 */
void gic_vif_save(uint32_t ap0r[4], uint32_t ap1r[4], uint64_t *vmcr);
void gic_vif_restore(const uint32_t ap0r[4], const uint32_t ap1r[4], uint64_t vmcr);

/*
 * Deactivates physical interrupt `intid` (ICC_DIR_EL1) that this CPU
 * acknowledged and whose priority it already dropped. Only for an active one.
 */
void gic_deactivate(unsigned intid);

#endif
