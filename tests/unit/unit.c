/*
 * The unit-test harness's runner.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void unit_fail(struct unit *u, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (u->failures++)
        return;
    n = (size_t)snprintf(u->first_failure, sizeof(u->first_failure), "%s:%d: ", file, line);
    if (n >= sizeof(u->first_failure))
        return;
    va_start(ap, fmt);
    vsnprintf(u->first_failure + n, sizeof(u->first_failure) - n, fmt, ap);
    va_end(ap);
}

void *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

const char *unit_build_path(const char *rel)
{
    static char path[4096];
    const char *build = getenv("BUILD");

    snprintf(path, sizeof(path), "%s/%s", build && *build ? build : "build", rel);
    return path;
}

int main(int argc, char **argv)
{
    int failed = 0;

    for (const struct unit_case *c = unit_cases; c->name; c++) {
        struct unit u = {c->name, 0, {0}};

        if (argc > 1 && strcmp(argv[1], c->name))
            continue;
        c->run(&u);
        if (u.failures) {
            printf("[test] FAIL %s: %s\n", c->name, u.first_failure);
            failed++;
        } else {
            printf("[test] PASS %s\n", c->name);
        }
        fflush(stdout);
    }
    return failed ? 1 : 0;
}
