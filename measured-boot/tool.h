/* What the measured-boot host tools share: messages, exits and reading files. */
#ifndef FLAXEN_TOOL_H
#define FLAXEN_TOOL_H

#include <stddef.h>
#include <stdint.h>

/* The tool's name, for messages: set by main(). */
extern const char *tool_name;

/* Prints "NAME: message" on stderr and exits with status. */
void tool_die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* The whole file (malloc'ed, *len bytes); exits with status 2 when unreadable or over max bytes. */
uint8_t *tool_read_file(const char *path, size_t *len, size_t max);

#endif
