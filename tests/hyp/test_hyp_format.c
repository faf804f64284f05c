/*
 * Host tests of the hypervisor's formatter (xen/common/format.c), differential
 * against the C library's snprintf for every conversion both support.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <flaxen/format.h>

#include "unit.h"

#define SAME(u, fmt, ...)                                                                          \
    do {                                                                                           \
        char ours_[128], libc_[128];                                                               \
        size_t n_ = format_snprintf(ours_, sizeof(ours_), fmt, __VA_ARGS__);                       \
        int m_ = snprintf(libc_, sizeof(libc_), fmt, __VA_ARGS__);                                 \
        UNIT_CHECK_MSG(u, strcmp(ours_, libc_) == 0 && n_ == (size_t)m_,                           \
                       "format \"%s\": ours \"%s\" (%zu), libc \"%s\" (%d)", fmt, ours_, n_,       \
                       libc_, m_);                                                                 \
    } while (0)

static void test_integers_match_libc(struct unit *u)
{
    static const long long values[] = {0,
                                       1,
                                       -1,
                                       42,
                                       -42,
                                       2147483647,
                                       -2147483648ll,
                                       0x7fffffffffffffffll,
                                       -0x7fffffffffffffffll - 1};

    for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        long long v = values[i];

        SAME(u, "%d|%i|%u|%x|%X", (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v);
        SAME(u, "%ld|%lu|%lx", (long)v, (unsigned long)v, (unsigned long)v);
        SAME(u, "%lld|%llu|%llx", v, (unsigned long long)v, (unsigned long long)v);
        SAME(u, "%zu|%zx", (size_t)v, (size_t)v);
        SAME(u, "[%8d][%-8d][%08d][%08x][%-8x]", (int)v, (int)v, (int)v, (unsigned)v, (unsigned)v);
        SAME(u, "[%#x][%#lx][%#018lx][%#6x]", (unsigned)v, (unsigned long)v, (unsigned long)v,
             (unsigned)v);
        SAME(u, "[%*d][%-*u]", 7, (int)v, 5, (unsigned)v);
    }
}

static void test_strings_and_chars_match_libc(struct unit *u)
{
    SAME(u, "[%s][%10s][%-10s]", "abc", "abc", "abc");
    SAME(u, "[%c][%3c][%-3c]%%", 'x', 'y', 'z');
    SAME(u, "[%s]", "");
    SAME(u, "%s=%d", "longer string than the width", 3);
}

/* format_snprintf without the format attribute: for deliberately odd formats. */
static size_t unchecked_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_pointer_and_null(struct unit *u)
{
    char buf[64];

    format_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
    UNIT_CHECK(u, strcmp(buf, "0x0000000000001234") == 0);
    unchecked_format(buf, sizeof(buf), "[%s]", (const char *)NULL);
    UNIT_CHECK(u, strcmp(buf, "[(null)]") == 0);
}

static void test_truncation(struct unit *u)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    UNIT_CHECK_EQ(u, format_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
    UNIT_CHECK(u, strcmp(buf, "0123456") == 0);
    UNIT_CHECK_EQ(u, format_snprintf(buf, 1, "abc"), 3);
    UNIT_CHECK_EQ(u, buf[0], 0);
    UNIT_CHECK_EQ(u, format_snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_unknown_conversion_kept_literally(struct unit *u)
{
    char buf[64];

    /* An unsupported conversion consumes no argument: what follows still lines up. */
    unchecked_format(buf, sizeof(buf), "%q %d %", 7);
    UNIT_CHECK_MSG(u, strcmp(buf, "%q 7 %") == 0, "got \"%s\"", buf);
    unchecked_format(buf, sizeof(buf), "%5.2f|%u", 9u);
    UNIT_CHECK_MSG(u, strcmp(buf, "%5.2f|9") == 0, "got \"%s\"", buf);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_integers_match_libc),
    UNIT_CASE(test_strings_and_chars_match_libc),
    UNIT_CASE(test_pointer_and_null),
    UNIT_CASE(test_truncation),
    UNIT_CASE(test_unknown_conversion_kept_literally),
    {0},
};
