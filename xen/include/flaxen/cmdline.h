/*
 * The hypervisor's command line: space-separated `key=value` or `key` words
 * (xen/common/cmdline.c). Pure functions, tested on the host.
 */
#ifndef FLAXEN_CMDLINE_H
#define FLAXEN_CMDLINE_H

#include <flaxen/types.h>

/*
 * Copies the value of the last `key=value` word into value (size bytes,
 * NUL-terminated). Returns 1 when found, 0 when absent, -ERANGE when the
 * value does not fit (value then holds nothing).
 */
int cmdline_get(const char *cmdline, const char *key, char *value, size_t size);

/*
 * A size with an optional K, M or G suffix (powers of 1024; none = bytes).
 * 0, or -EINVAL for anything else (including overflow).
 */
int cmdline_parse_size(const char *text, uint64_t *bytes);

#endif
