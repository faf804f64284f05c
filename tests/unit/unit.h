/*
 * A minimal host unit-test harness.
 *
 * Each test file defines its cases and lists them:
 *
 *     static void test_something(struct unit *u) { UNIT_CHECK(u, 1 + 1 == 2); }
 *     const struct unit_case unit_cases[] = { UNIT_CASE(test_something), {0} };
 *
 * unit.c runs every case in order and prints "[test] PASS name" or
 * "[test] FAIL name: file:line: what failed" for each (the runner's protocol).
 * Cases must not depend on each other: each builds the state it needs.
 */
#ifndef FLAXEN_UNIT_H
#define FLAXEN_UNIT_H

#include <stdbool.h>
#include <stddef.h>

struct unit {
    const char *name;
    int failures;
    char first_failure[512];
};

struct unit_case {
    const char *name;
    void (*run)(struct unit *u);
};

#define UNIT_CASE(fn)                                                                              \
    {                                                                                              \
#fn, fn                                                                                    \
    }

extern const struct unit_case unit_cases[];

void unit_fail(struct unit *u, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define UNIT_CHECK(u, cond)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            unit_fail((u), __FILE__, __LINE__, "%s", #cond);                                       \
    } while (0)

#define UNIT_CHECK_MSG(u, cond, ...)                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            unit_fail((u), __FILE__, __LINE__, __VA_ARGS__);                                       \
    } while (0)

#define UNIT_CHECK_EQ(u, a, b)                                                                     \
    do {                                                                                           \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);                              \
        if (unit_a_ != unit_b_)                                                                    \
            unit_fail((u), __FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, unit_a_,         \
                      unit_b_);                                                                    \
    } while (0)

/* Reads a whole file (for policies under $BUILD); NULL if it cannot. Caller frees. */
void *unit_read_file(const char *path, size_t *len);
/* $BUILD/rel, in a static buffer. */
const char *unit_build_path(const char *rel);

#endif
