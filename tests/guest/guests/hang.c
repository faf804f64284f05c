/*
 * A guest that never finishes: its second test waits for an interrupt that never comes
 * (all interrupts masked). Scenario "hang" expects the runner to cut it at its short
 * timeout and to say what it was still waiting for.
 */
#include "guest.h"

GUEST_TEST(before_hang)
{
    CHECK(true);
}

GUEST_TEST(hangs)
{
    printf("[guest] waiting forever\n");
    for (;;)
        arch_wait_for_interrupt();
}

GUEST_TEST(never_reached)
{
    CHECK(true);
}
