/*
 * The physical GICv3 (gic.c): distributor, this CPU's redistributor and its
 * system-register CPU interface, as the hypervisor uses them at EL2.
 *
 * Physical interrupts are never taken at EL2 as exceptions: PSTATE.I stays
 * set at EL2. While a guest runs, HCR_EL2.IMO routes them to EL2 (the IRQ
 * vector from a lower EL); in the idle loop the CPU waits with WFI and then
 * polls. Either way gic_handle_irqs() acknowledges and dispatches them.
 */
#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <flaxen/bootinfo.h>
#include <flaxen/types.h>

#define SGI_RESCHEDULE 1
#define PPI_HYP_TIMER 26   /* CNTHP: the scheduler's timer */
#define PPI_VIRT_TIMER 27  /* CNTV: a guest's virtual timer */
#define PPI_MAINTENANCE 25 /* virtual CPU interface maintenance */

/* Boot CPU: distributor (all SPIs off, affinity routing) and its own CPU. 0 or -errno. */
int gic_init(const struct bootinfo *bi);

/* Each CPU (the boot CPU included, after gic_init): redistributor and CPU interface. */
int gic_cpu_init(void);

/*
 * Acknowledges and handles every pending physical interrupt: the hypervisor
 * timer, reschedule SGIs, the virtual timer and maintenance interrupts of
 * the running vCPU (current_vcpu()). Called from the guest IRQ exit and the
 * idle loop.
 */
void gic_handle_irqs(void);

/* Sends SGI `sgi` to logical CPU `cpu`. */
void gic_send_sgi(unsigned cpu, unsigned sgi);

/* Number of list registers of the virtual CPU interface (ICH_VTR_EL2). */
unsigned gic_nr_lrs(void);

#endif
