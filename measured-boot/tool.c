/* Shared by flaxen-manifest and flaxen-verify (tool.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

const char *tool_name = "flaxen";

void tool_die(int status, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", tool_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

uint8_t *tool_read_file(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, n;

    if (!f)
        tool_die(2, "%s: %s", path, strerror(errno));
    do {
        if (size == cap) {
            uint8_t *grown;

            if (cap > max)
                tool_die(2, "%s: larger than %zu bytes", path, max);
            cap = cap ? cap * 2 : 65536;
            grown = realloc(buf, cap + 1);
            if (!grown)
                tool_die(2, "%s: out of memory", path);
            buf = grown;
        }
        n = fread(buf + size, 1, cap - size, f);
        size += n;
    } while (n > 0);
    if (ferror(f))
        tool_die(2, "%s: read error", path);
    fclose(f);
    if (size > max)
        tool_die(2, "%s: larger than %zu bytes", path, max);
    *len = size;
    return buf;
}
