/*
 * A hostile guest that issues many hypercalls with random numbers, sub-ops and arguments
 * (issue 4, scenario 6): the hypervisor must answer every one (an error code or a result)
 * and keep running, and the other domains must not notice (hyp-fuzz.scenario pairs this
 * guest with the witness).
 *
 * bootargs: calls=N (default 100000), seed=N (default 1). Arguments are drawn from values
 * that reach different checks: small integers, huge ones, addresses inside this domain's
 * RAM (but never inside its own image, stack or device tree, which it must not scribble
 * on), unmapped addresses, and the other domain's physical load address. Three calls are
 * left out on purpose because they end the experiment rather than test the hypervisor:
 * SCHEDOP_shutdown (the domain would stop), SCHEDOP_block and SCHEDOP_poll (nothing
 * wakes it). PSCI
 * (HVC #0) is not fuzzed here: CPU_OFF / SYSTEM_OFF would end the run the same way.
 */
#include "guest.h"

static uint64_t rng_state;

static uint64_t next_random(void)
{
    return guest_random(&rng_state);
}

static uint64_t scratch_base, scratch_size;

static uint64_t random_argument(void)
{
    uint64_t r = next_random();
    switch (r % 8) {
    case 0:
        return r >> 60; /* a small sub-op or count */
    case 1:
        return (r >> 32) & 0xffff;
    case 2:
        return r; /* anything */
    case 3:
    case 4:
        return scratch_base + (r >> 8) % scratch_size; /* own RAM, unaligned too */
    case 5:
        return guest_unmapped_address() + (r & 0xfff);
    case 6:
        return 0x4a000000 + (r & 0xfffff); /* the other domain's physical load address */
    default:
        return UINT64_MAX - (r & 0xff);
    }
}

static uint64_t random_hypercall(void)
{
    uint64_t r = next_random();
    if (r % 16 == 0)
        return r; /* far outside the table */
    return (r >> 8) % 48;
}

/*
 * Structured hypercalls read their arguments from memory: every 64 calls a random page of
 * the scratch area gets random bytes, so pointers into it lead to random structures (with
 * small fields now and then, so that counts and sub-ops pass the first checks).
 */
static void scramble_scratch(void)
{
    uint64_t page = scratch_base + ((next_random() % (scratch_size / 4096)) * 4096);
    uint64_t *words = (uint64_t *)page;
    for (unsigned int i = 0; i < 4096 / 8; i++) {
        uint64_t r = next_random();
        words[i] = (r & 3) == 0 ? (r >> 2) % 16 : r;
    }
}

static bool excluded(uint64_t number, uint64_t a0)
{
    return number == XEN_HC_sched_op &&
           (a0 == SCHEDOP_shutdown || a0 == SCHEDOP_block || a0 == SCHEDOP_poll);
}

GUEST_TEST_XEN(random_hypercalls_all_answered)
{
    uint64_t calls, seed, ram_base, ram_size, errors = 0, successes = 0;
    CHECK(guest_bootarg_u64("calls", 100000, &calls));
    CHECK(guest_bootarg_u64("seed", 1, &seed));
    CHECK(guest_ram_range(&ram_base, &ram_size));
    /* Scratch: the upper half of RAM, well away from the image, stacks and device tree. */
    scratch_base = ram_base + ram_size / 2;
    scratch_size = ram_size / 2 - 4096;
    CHECK(scratch_base > guest_image_end());
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (uint64_t i = 0; i < calls; i++) {
        uint64_t number = random_hypercall();
        uint64_t a0 = random_argument(), a1 = random_argument(), a2 = random_argument();
        uint64_t a3 = random_argument(), a4 = random_argument();
        if (excluded(number, a0))
            continue;
        if (number == XEN_HC_grant_table_op)
            a2 %= 16; /* up to 4096 elements are legal and each is checked: keep runs short */
        if (i % 64 == 0)
            scramble_scratch();
        long result = hypercall5(number, a0, a1, a2, a3, a4);
        if (result < 0)
            errors++;
        else
            successes++;
        CHECK_MSG(result > -4096, "call %llu (number %llx): %ld is no error code",
                  (unsigned long long)i, (unsigned long long)number, result);
    }
    /* Random console_io writes used up this domain's console budget: let it refill (16 KiB/s)
     * so the result lines are not the ones dropped. */
    timer_delay_us(1500000);
    xen_console_write("\n", 1); /* end the partial line a random write left behind */
    printf("[guest] fuzzer: %llu hypercalls answered: %llu errors, %llu successes\n",
           (unsigned long long)(errors + successes), (unsigned long long)errors,
           (unsigned long long)successes);
    CHECK(errors > 0);
    CHECK(successes > 0);
}
