/*
 * What xl's subcommand files share (tools/xl/xl.c, tools/xl/xl_console.c).
 */
#ifndef FLAXEN_TOOLS_XL_H
#define FLAXEN_TOOLS_XL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_RUN_DIR "/run/xl"

/* Prints "xl: WHAT: REASON" (a refusal by the policy says so); returns 1. */
int xl_fail(const char *what, long rc);

/* A domain by id or name; -1 with a message when there is none. */
long xl_find_domain(const char *arg);

/* Whether domain id exists and is neither shutting down nor dying. */
bool xl_domain_alive(uint16_t id);

/*
 * The console backend of a domain xl creates: a background process that maps
 * the domain's console ring (granted to dom0 at the seal), binds its event
 * channel, appends what the guest writes to XL_RUN_DIR/console/ID.log and
 * passes what is written to XL_RUN_DIR/console/ID.in to the guest, until the
 * domain is gone. Returns once the process has the ring: 0, or 1 with the
 * reason in why.
 */
int xl_console_start(uint16_t id, char *why, size_t max);

/* xl console DOMAIN: the domain's console output so far, then follows it; stdin goes in. */
int xl_cmd_console(int argc, char **argv);

#endif
