/*
 * Host tests of the console ring and printk (xen/common/console.c).
 *
 * The console is one global; each case works relative to what was printed
 * before it, so the cases do not depend on their order.
 */
#include <stdlib.h>
#include <string.h>

#include <flaxen/console.h>

#include "unit.h"

static char driver_out[4 * CONSOLE_RING_SIZE];
static size_t driver_len;

static void capture(const char *text, size_t len)
{
    if (driver_len + len <= sizeof(driver_out)) {
        memcpy(driver_out + driver_len, text, len);
        driver_len += len;
    }
}

static const struct console_driver capture_driver = {"capture", capture};

/* The last `n` bytes the ring holds. */
static void ring_tail(char *buf, size_t n)
{
    uint64_t total = console_total_bytes();
    size_t held = total < CONSOLE_RING_SIZE ? (size_t)total : CONSOLE_RING_SIZE;

    memset(buf, 0, n + 1);
    console_ring_read(buf, n, held - n);
}

static void test_printk_goes_to_ring(struct unit *u)
{
    char buf[64];
    uint64_t before = console_total_bytes();

    printk("hello %d %s\n", 42, "ring");
    UNIT_CHECK_EQ(u, console_total_bytes() - before, strlen("hello 42 ring\n"));
    ring_tail(buf, strlen("hello 42 ring\n"));
    UNIT_CHECK(u, strcmp(buf, "hello 42 ring\n") == 0);
}

static void test_register_replays_ring(struct unit *u)
{
    char *ring = calloc(1, CONSOLE_RING_SIZE + 1);
    uint64_t total;
    size_t held;

    printk("before the driver\n");
    total = console_total_bytes();
    held = total < CONSOLE_RING_SIZE ? (size_t)total : CONSOLE_RING_SIZE;
    console_ring_read(ring, CONSOLE_RING_SIZE, 0);
    driver_len = 0;
    console_register(&capture_driver);
    UNIT_CHECK_EQ(u, driver_len, held);
    UNIT_CHECK(u, memcmp(driver_out, ring, held) == 0);
    printk("after\n");
    UNIT_CHECK_EQ(u, driver_len, held + 6);
    UNIT_CHECK(u, memcmp(driver_out + held, "after\n", 6) == 0);
    free(ring);
}

static void test_ring_keeps_newest(struct unit *u)
{
    char *buf = calloc(1, CONSOLE_RING_SIZE + 1);
    char line[80];

    for (unsigned i = 0; i < 1000; i++)
        printk("line %04u of the wrap test, padded to be longer...........\n", i);
    UNIT_CHECK_EQ(u, console_ring_read(buf, CONSOLE_RING_SIZE + 100, 0), CONSOLE_RING_SIZE);
    ring_tail(line, 60);
    UNIT_CHECK(u, strstr(line, "line 0999 of the wrap test") != NULL);
    UNIT_CHECK(u, strstr(buf, "line 0000 ") == NULL);
    UNIT_CHECK_EQ(u, console_ring_read(buf, 10, CONSOLE_RING_SIZE), 0);
    free(buf);
}

static void test_long_line_is_cut_but_ends_the_line(struct unit *u)
{
    char big[CONSOLE_LINE_MAX * 2];
    char buf[CONSOLE_LINE_MAX + 1];
    uint64_t before = console_total_bytes();

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    printk("%s\n", big);
    UNIT_CHECK_EQ(u, console_total_bytes() - before, CONSOLE_LINE_MAX - 1);
    ring_tail(buf, 2);
    UNIT_CHECK(u, strcmp(buf, "a\n") == 0);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_printk_goes_to_ring),
    UNIT_CASE(test_register_replays_ring),
    UNIT_CASE(test_ring_keeps_newest),
    UNIT_CASE(test_long_line_is_cut_but_ends_the_line),
    {0},
};
