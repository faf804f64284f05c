/*
 * Host tests of the command-line reader (xen/common/cmdline.c).
 */
#include <flaxen/cmdline.h>

#include <string.h>

#include "unit.h"

static void test_get_finds_last_value(struct unit *u)
{
    char v[16];

    UNIT_CHECK_EQ(u, cmdline_get("a=1 flask=permissive b", "flask", v, sizeof(v)), 1);
    UNIT_CHECK(u, strcmp(v, "permissive") == 0);
    UNIT_CHECK_EQ(u, cmdline_get("flask=enforcing  flask=disabled", "flask", v, sizeof(v)), 1);
    UNIT_CHECK(u, strcmp(v, "disabled") == 0);
    UNIT_CHECK_EQ(u, cmdline_get("flask=", "flask", v, sizeof(v)), 1);
    UNIT_CHECK(u, strcmp(v, "") == 0);
}

static void test_get_needs_whole_key(struct unit *u)
{
    char v[16] = "untouched";

    UNIT_CHECK_EQ(u, cmdline_get("xflask=1 flaskx=2 flask", "flask", v, sizeof(v)), 0);
    UNIT_CHECK(u, strcmp(v, "untouched") == 0);
    UNIT_CHECK_EQ(u, cmdline_get("", "flask", v, sizeof(v)), 0);
    UNIT_CHECK_EQ(u, cmdline_get(NULL, "flask", v, sizeof(v)), 0);
}

static void test_get_refuses_long_value(struct unit *u)
{
    char v[4];

    UNIT_CHECK_EQ(u, cmdline_get("k=1234", "k", v, sizeof(v)), -ERANGE);
    UNIT_CHECK_EQ(u, cmdline_get("k=123", "k", v, sizeof(v)), 1);
    UNIT_CHECK(u, strcmp(v, "123") == 0);
}

static void test_parse_size(struct unit *u)
{
    uint64_t b = 0;

    UNIT_CHECK_EQ(u, cmdline_parse_size("128M", &b), 0);
    UNIT_CHECK_EQ(u, b, 128ull << 20);
    UNIT_CHECK_EQ(u, cmdline_parse_size("2g", &b), 0);
    UNIT_CHECK_EQ(u, b, 2ull << 30);
    UNIT_CHECK_EQ(u, cmdline_parse_size("4096", &b), 0);
    UNIT_CHECK_EQ(u, b, 4096);
    UNIT_CHECK_EQ(u, cmdline_parse_size("", &b), -EINVAL);
    UNIT_CHECK_EQ(u, cmdline_parse_size("M", &b), -EINVAL);
    UNIT_CHECK_EQ(u, cmdline_parse_size("12MB", &b), -EINVAL);
    UNIT_CHECK_EQ(u, cmdline_parse_size("-1", &b), -EINVAL);
    UNIT_CHECK_EQ(u, cmdline_parse_size("18446744073709551615", &b), 0);
    UNIT_CHECK_EQ(u, cmdline_parse_size("18446744073709551616", &b), -EINVAL);
    UNIT_CHECK_EQ(u, cmdline_parse_size("17179869184G", &b), -EINVAL);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_get_finds_last_value),
    UNIT_CASE(test_get_needs_whole_key),
    UNIT_CASE(test_get_refuses_long_value),
    UNIT_CASE(test_parse_size),
    {0},
};
