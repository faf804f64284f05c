/*
 * Proves the failure path: a failed check and an unexpected exception must each produce a
 * "[test] FAIL" line, end only their own test, and let the guest reach "[test] DONE".
 * Scenario "failing" lists the two failures as expected (fail=), so make check stays green
 * while the runner still has to see them fail.
 */
#include "guest.h"

GUEST_TEST(passes_before)
{
    CHECK_EQ(2 + 2, 4);
}

GUEST_TEST(check_fails)
{
    int reached_after = 0;
    CHECK_EQ(1 + 1, 3);
    reached_after = 1; /* never: a failed check ends the test */
    printf("[guest] BUG: check_fails went on after a failed check (%d)\n", reached_after);
}

GUEST_TEST(faults_unexpectedly)
{
    volatile uint32_t *stray = (volatile uint32_t *)(uintptr_t)guest_unmapped_address();
    uint32_t value = *stray;
    printf("[guest] BUG: read 0x%x from an unmapped address\n", value);
}

GUEST_TEST(passes_after)
{
    CHECK(guest_current_test() != NULL);
    CHECK(strcmp(guest_current_test(), "passes_after") == 0);
}
