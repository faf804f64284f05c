/*
 * What xl's subcommand files share (tools/xl/xl.c, tools/xl/xl_console.c).
 */
#ifndef FLAXEN_TOOLS_XL_H
#define FLAXEN_TOOLS_XL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_RUN_DIR "/run/xl"

/* Makes DIR below XL_RUN_DIR (and /run and XL_RUN_DIR first) if it is not there. */
void xl_mkdir_run(const char *dir);

/* Prints "xl: WHAT: REASON" (a refusal by the policy says so); returns 1. */
int xl_fail(const char *what, long rc);

/* A domain by id or name; -1 with a message when there is none. */
long xl_find_domain(const char *arg);

/* Whether domain id exists and is neither shutting down nor dying. */
bool xl_domain_alive(uint16_t id);

#define XL_BACKEND_DIR XL_RUN_DIR "/backend"

/*
 * A page of a guest's granted to dom0 (a reserved grant entry) with the event
 * channel the guest offers dom0, both named by two HVM parameters of the
 * guest: the shape of the console and xenstore rings (xl_backend.c).
 */
struct xl_ring {
    const char *what; /* "console", "xenstore" */
    uint32_t ref;     /* its grant entry */
    unsigned pfn_param, evtchn_param;
    volatile void *page;
    int evtchn;    /* /dev/xen/evtchn, or -1 */
    uint32_t port; /* ours, bound to the guest's */
};

/*
 * Maps the n rings' pages with one gntdev mapping (so Linux lends and takes
 * back its balloon pages for them at once: lent pages given back one by one
 * send its balloon driver into memory hotplug) and binds their channels: 0,
 * or -1 with the reason in why. The mapping lasts as long as the process.
 */
int xl_rings_open(struct xl_ring *rings, unsigned n, uint16_t domid, char *why, size_t max);
/* Signals the guest. */
void xl_ring_notify(struct xl_ring *r);
/* Takes a pending event off the channel and unmasks it (call when its fd is readable). */
void xl_ring_ack(struct xl_ring *r);

/* BACKEND_DIR/ID.SUFFIX */
void xl_backend_path(char *out, size_t max, uint16_t domid, const char *suffix);

/*
 * The backend of a domain xl creates: a background process serving its
 * console ring (xl_console.c: the guest's output to ID.console, ID.input to
 * the guest) and its xenstore ring (xl_store.c; ID.control takes requests
 * "shutdown poweroff"), until the domain is gone. Returns once the
 * process has both rings: 0, or 1 with the reason in why.
 */
int xl_backend_start(uint16_t id, const char *name, char *why, size_t max);

/* The console ring (xl_console.c), once xl_rings_open has it. */
int xl_console_open(struct xl_ring *r, uint16_t domid, char *why, size_t max);
int xl_console_fd(void);       /* its event channel */
int xl_console_input_fd(void); /* ID.input */
void xl_console_serve(bool input_ready);

/* The xenstore ring (xl_store.c): the guest's own tree under /local/domain/ID. */
int xl_store_open(struct xl_ring *r, uint16_t domid, const char *name, char *why, size_t max);
int xl_store_fd(void);
void xl_store_serve(void);
/* Writes PATH (relative to the guest's home) as dom0 and fires the guest's watches. */
void xl_store_write(const char *path, const char *value);

/* xl console DOMAIN: the domain's console output so far, then follows it; stdin goes in. */
int xl_cmd_console(int argc, char **argv);
/* xl shutdown [-w] DOMAIN: asks the guest to power off (through xenstore). */
int xl_cmd_shutdown(int argc, char **argv);

#endif
