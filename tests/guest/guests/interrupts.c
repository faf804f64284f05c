/*
 * Interrupts through the GICv3 (Arm IHI 0069): the library's driver finds the distributor
 * and this CPU's redistributor from the device tree, SGIs reach this CPU and another one,
 * masking (PSTATE.I) and disabling (GICR_ICENABLER0) hold interrupts back without losing
 * them, and the virtual timer's PPI 27 arrives on time, once and periodically, while the CPU
 * waits in WFI. Needs two CPUs. Runs bare on QEMU's GIC and under the hypervisor's emulated
 * one.
 *
 * bootargs: latency_ms=N (default 100) bounds how late a timer interrupt may be taken.
 */
#include "guest.h"

#define SGI_SELF 1
#define SGI_HELD 2
#define SGI_TO_SECONDARY 3
#define SGI_TO_BOOT 4
#define SGI_ROUNDS 5
#define WAIT_US 200000

static uint64_t latency_us(void)
{
    uint64_t milliseconds;
    CHECK_MSG(guest_bootarg_u64("latency_ms", 100, &milliseconds), "bad latency_ms=");
    return milliseconds * 1000;
}

static void count_only(unsigned int intid)
{
    (void)intid;
}

GUEST_TEST(gic_found)
{
    CHECK_MSG(gic_init(), "gic_init: %s", gic_error());
    printf("[guest] GICv3: distributor 0x%llx, this CPU's redistributor 0x%llx\n",
           (unsigned long long)gic_distributor_base(),
           (unsigned long long)gic_redistributor_base());
    CHECK_EQ(gic_distributor_arch_revision(), 3);
    CHECK(gic_cpu_ready());
    CHECK(!guest_irq_enabled());
}

/* SGI to this CPU: pending at once, taken as soon as IRQs are unmasked (no WFI needed). */
GUEST_TEST(sgi_to_self)
{
    CHECK(gic_cpu_ready());
    uint64_t before = guest_irq_count(0, SGI_SELF);
    CHECK_EQ(guest_irq_register(SGI_SELF, count_only), 0);
    CHECK(gic_irq_enable(SGI_SELF));
    CHECK(gic_send_sgi_to_cpu(SGI_SELF, 0));
    CHECK(guest_irq_poll_count(SGI_SELF, before + 1, WAIT_US));
    CHECK_EQ(guest_irq_count(0, SGI_SELF), before + 1);
    CHECK_EQ(guest_irq_unhandled(0), 0);
}

/* Masked (PSTATE.I) or disabled at the GIC: the SGI waits, pending, and is taken later. */
GUEST_TEST(masked_and_disabled_interrupts_wait)
{
    CHECK(gic_cpu_ready());
    uint64_t before = guest_irq_count(0, SGI_HELD);
    CHECK_EQ(guest_irq_register(SGI_HELD, count_only), 0);
    CHECK(gic_irq_enable(SGI_HELD));
    guest_irq_disable();
    CHECK(gic_send_sgi_to_cpu(SGI_HELD, 0));
    timer_delay_us(10000);
    CHECK_EQ(guest_irq_count(0, SGI_HELD), before);
    guest_irq_enable();
    timer_delay_us(10000);
    guest_irq_disable();
    CHECK_EQ(guest_irq_count(0, SGI_HELD), before + 1);
    /* Disabled at the redistributor: pending is recorded, delivery waits for the enable. */
    CHECK(gic_irq_disable(SGI_HELD));
    CHECK(gic_send_sgi_to_cpu(SGI_HELD, 0));
    guest_irq_enable();
    timer_delay_us(10000);
    guest_irq_disable();
    CHECK_EQ(guest_irq_count(0, SGI_HELD), before + 1);
    CHECK(gic_irq_pending(SGI_HELD));
    CHECK(gic_irq_enable(SGI_HELD));
    CHECK(guest_irq_poll_count(SGI_HELD, before + 2, WAIT_US));
    CHECK(!gic_irq_pending(SGI_HELD));
}

GUEST_TEST(timer_interrupt_once)
{
    uint64_t worst = timer_irq_expect(5000, 0, 1, latency_us());
    printf("[guest] timer interrupt for now + 5 ms taken %llu us after its compare value\n",
           (unsigned long long)worst);
}

GUEST_TEST(timer_interrupt_periodic)
{
    uint64_t worst = timer_irq_expect(5000, 5000, 10, latency_us());
    printf("[guest] 10 periodic timer interrupts (5 ms), worst latency %llu us\n",
           (unsigned long long)worst);
}

static volatile bool secondary_ready;

/* CPU 1: takes SGI_ROUNDS SGIs from CPU 0, waiting in WFI, then sends one back. */
static void secondary_sgi_partner(void *unused)
{
    (void)unused;
    CHECK_MSG(gic_cpu_init(), "gic_cpu_init: %s", gic_error());
    CHECK_EQ(guest_irq_register(SGI_TO_SECONDARY, count_only), 0);
    CHECK(gic_irq_enable(SGI_TO_SECONDARY));
    uint64_t before = guest_irq_count(1, SGI_TO_SECONDARY);
    secondary_ready = true;
    arch_dsb();
    CHECK(guest_irq_wait_count(SGI_TO_SECONDARY, before + SGI_ROUNDS, 5000000));
    CHECK(gic_send_sgi_to_cpu(SGI_TO_BOOT, 0));
}

GUEST_TEST(sgi_between_cpus)
{
    CHECK_MSG(guest_cpu_count() >= 2, "needs two CPUs");
    CHECK(gic_cpu_ready());
    CHECK_EQ(guest_irq_register(SGI_TO_BOOT, count_only), 0);
    CHECK(gic_irq_enable(SGI_TO_BOOT));
    uint64_t from_secondary = guest_irq_count(0, SGI_TO_BOOT);
    uint64_t to_secondary = guest_irq_count(1, SGI_TO_SECONDARY);
    secondary_ready = false;
    struct guest_cpu_result result = guest_cpu_start(1, secondary_sgi_partner, NULL);
    CHECK_MSG(result.status == GUEST_CPU_OK, "start: %s (PSCI %d)",
              guest_cpu_status_name(result.status), result.psci_result);
    uint64_t deadline = timer_count() + timer_ticks_from_us(2000000);
    while (!secondary_ready && timer_count() < deadline) {
    }
    bool ready = secondary_ready;
    for (unsigned int round = 0; ready && round < SGI_ROUNDS; round++) {
        CHECK(gic_send_sgi_to_cpu(SGI_TO_SECONDARY, 1));
        /* One at a time: a second SGI sent while the first is pending would merge. */
        deadline = timer_count() + timer_ticks_from_us(1000000);
        while (guest_irq_count(1, SGI_TO_SECONDARY) < to_secondary + round + 1 &&
               timer_count() < deadline) {
        }
    }
    bool back = ready && guest_irq_poll_count(SGI_TO_BOOT, from_secondary + 1, 2000000);
    result = guest_cpu_join(1, 2000000);
    CHECK_MSG(result.status == GUEST_CPU_OK, "CPU 1: %s", guest_cpu_status_name(result.status));
    CHECK_MSG(ready, "CPU 1 never got ready");
    CHECK_EQ(guest_irq_count(1, SGI_TO_SECONDARY), to_secondary + SGI_ROUNDS);
    CHECK_MSG(back, "the SGI from CPU 1 never arrived");
    CHECK_EQ(guest_irq_count(0, SGI_TO_BOOT), from_secondary + 1);
}

static void secondary_timer(void *unused)
{
    (void)unused;
    CHECK_MSG(gic_cpu_init(), "gic_cpu_init: %s", gic_error());
    timer_irq_expect(5000, 5000, 10, latency_us());
}

GUEST_TEST(timer_interrupt_on_secondary)
{
    CHECK_MSG(guest_cpu_count() >= 2, "needs two CPUs");
    struct guest_cpu_result result = guest_cpu_run(1, secondary_timer, NULL, 5000000);
    CHECK_MSG(result.status == GUEST_CPU_OK, "CPU 1: %s", guest_cpu_status_name(result.status));
}

GUEST_TEST(no_stray_interrupts)
{
    CHECK_EQ(guest_irq_unhandled(0), 0);
    CHECK_EQ(guest_irq_unhandled(1), 0);
}
