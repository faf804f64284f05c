/*
 * Interrupt handling: the handler registry and what the IRQ vector does.
 *
 * vectors.S sends the IRQ entries of the current exception level here (irq_handle). With this
 * CPU's GIC interface set up, each pending Group 1 interrupt is acknowledged (ICC_IAR1_EL1),
 * counted for this CPU, handed to its registered handler and ended (ICC_EOIR1_EL1, which
 * also deactivates it: EOImode 0), until the acknowledge register reads a special INTID
 * (1020..1023, IHI 0069 2.2.1). An INTID without a handler is counted as unhandled and
 * disabled at the GIC so that a level-triggered source cannot storm. Without a GIC set up
 * on this CPU an IRQ is treated like any other unexpected exception (exception.c).
 *
 * Handlers run with IRQs masked on the interrupted stack; they must be short and must not
 * fault or CHECK (the interrupted context would never see its ERET).
 */
#include "internal.h"

#define GIC_SPECIAL_INTID_FIRST 1020u
#define GIC_IAR_INTID_MASK 0xffffffu

static guest_irq_handler irq_handlers[GUEST_IRQ_LIMIT];

struct irq_cpu {
    volatile uint64_t taken[GUEST_IRQ_LIMIT];
    volatile uint64_t unhandled;
};

static struct irq_cpu irq_cpus[GUEST_MAX_CPUS];

static struct irq_cpu *irq_cpu(unsigned int cpu)
{
    return &irq_cpus[cpu < GUEST_MAX_CPUS ? cpu : GUEST_MAX_CPUS - 1];
}

int guest_irq_register(unsigned int intid, guest_irq_handler handler)
{
    if (intid >= GUEST_IRQ_LIMIT)
        return -1;
    irq_handlers[intid] = handler;
    arch_dsb();
    return 0;
}

void guest_irq_enable(void)
{
    arch_irq_unmask();
    arch_isb();
}

void guest_irq_disable(void)
{
    arch_irq_mask();
}

bool guest_irq_enabled(void)
{
    return !arch_irq_masked();
}

uint64_t guest_irq_count(unsigned int cpu, unsigned int intid)
{
    return intid < GUEST_IRQ_LIMIT ? irq_cpu(cpu)->taken[intid] : 0;
}

uint64_t guest_irq_unhandled(unsigned int cpu)
{
    return irq_cpu(cpu)->unhandled;
}

bool guest_irq_wait_count(unsigned int intid, uint64_t target, uint64_t timeout_us)
{
    bool was_enabled = guest_irq_enabled();
    unsigned int cpu = guest_cpu_index();
    uint64_t deadline = timer_count() + timer_ticks_from_us(timeout_us);
    guest_irq_disable();
    while (guest_irq_count(cpu, intid) < target && timer_count() <= deadline) {
        /* Masked: a pending interrupt still ends the WFI and is taken just below. */
        arch_wait_for_interrupt();
        guest_irq_enable();
        guest_irq_disable();
    }
    if (was_enabled)
        guest_irq_enable();
    return guest_irq_count(cpu, intid) >= target;
}

bool guest_irq_poll_count(unsigned int intid, uint64_t target, uint64_t timeout_us)
{
    bool was_enabled = guest_irq_enabled();
    unsigned int cpu = guest_cpu_index();
    uint64_t deadline = timer_count() + timer_ticks_from_us(timeout_us);
    guest_irq_enable();
    while (guest_irq_count(cpu, intid) < target && timer_count() <= deadline) {
    }
    if (!was_enabled)
        guest_irq_disable();
    return guest_irq_count(cpu, intid) >= target;
}

/* One acknowledged interrupt. */
static void irq_dispatch(struct irq_cpu *cpu, unsigned int intid)
{
    guest_irq_handler handler = intid < GUEST_IRQ_LIMIT ? irq_handlers[intid] : NULL;
    if (handler == NULL) {
        cpu->unhandled++;
        gic_irq_disable(intid);
        return;
    }
    handler(intid);
    cpu->taken[intid]++;
}

void irq_handle(struct exception_frame *frame, uint64_t kind)
{
    if (!gic_cpu_ready()) {
        exception_handle(frame, kind);
        return;
    }
    struct irq_cpu *cpu = irq_cpu(guest_cpu_index());
    for (;;) {
        uint32_t iar = gic_acknowledge();
        unsigned int intid = iar & GIC_IAR_INTID_MASK;
        if (intid >= GIC_SPECIAL_INTID_FIRST)
            break;
        irq_dispatch(cpu, intid);
        gic_end_of_interrupt(iar);
    }
}
