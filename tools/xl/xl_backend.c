/*
 * The backend process xl create starts for each domain: it serves the
 * domain's console ring and its xenstore ring from before the domain's first
 * instruction until the domain is gone. A Linux guest stops at its next
 * console write when nobody drains the ring, and waits at boot for xenstore's
 * answers, so both must be served from the start.
 *
 * At the seal the hypervisor gave the domain both rings (FLAXEN_SEAL_CONSOLE,
 * FLAXEN_SEAL_XENSTORE): pages granted to dom0 in the reserved grant entries,
 * event channels only dom0 may bind, named by HVM parameters. The ring
 * helpers here map such a page through Linux's gntdev and bind its channel
 * through the evtchn device.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/xencall.h"
#include "public/hvm_op.h"
#include "xl.h"

#define HC_HVM_OP 34

/* Linux's gntdev and evtchn device interfaces (include/uapi/xen/). */
struct gntdev_map {
    uint32_t count, pad;
    uint64_t index; /* OUT: the mmap offset */
    uint32_t domid, ref;
};
struct evtchn_bind {
    uint32_t remote_domain, remote_port;
};
#define GNTDEV_MAP _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map))
#define EVTCHN_BIND_INTERDOMAIN _IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_bind))
#define EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(uint32_t))

static long get_param(uint16_t domid, uint32_t index, uint64_t *value)
{
    static struct xen_hvm_param p;
    long rc;

    p = (struct xen_hvm_param){.domid = domid, .index = index};
    rc = xencall(HC_HVM_OP, HVMOP_get_param, (unsigned long)&p, 0, 0, 0);
    *value = p.value;
    return rc;
}

int xl_rings_open(struct xl_ring *rings, unsigned n, uint16_t domid, char *why, size_t max)
{
    struct {
        struct gntdev_map m;
        uint32_t more[2 * 3]; /* refs[1..3]: domid, ref pairs after the first */
    } map = {.m = {.count = n, .domid = domid}};
    uint64_t pfn, evtchn;
    struct evtchn_bind bind;
    uint8_t *pages;
    long rc;
    int gntdev, port;

    if (n == 0 || n > 4)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        struct xl_ring *r = &rings[i];

        r->page = NULL;
        r->evtchn = -1;
        pfn = evtchn = 0;
        if ((rc = get_param(domid, r->pfn_param, &pfn)) < 0 ||
            (rc = get_param(domid, r->evtchn_param, &evtchn)) < 0) {
            snprintf(why, max, "reading domain %u's %s parameters: %s", domid, r->what,
                     strerror((int)-rc));
            return -1;
        }
        if (!pfn || !evtchn || evtchn > UINT32_MAX) {
            snprintf(why, max, "domain %u has no %s ring", domid, r->what);
            return -1;
        }
        if (i == 0) {
            map.m.ref = r->ref;
        } else {
            map.more[2 * (i - 1)] = domid;
            map.more[2 * (i - 1) + 1] = r->ref;
        }
        r->port = (uint32_t)evtchn; /* the guest's, until bound below */
    }
    gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (gntdev < 0 || ioctl(gntdev, GNTDEV_MAP, &map) < 0) {
        snprintf(why, max, "mapping domain %u's ring grants (/dev/xen/gntdev): %s", domid,
                 strerror(errno));
        return -1;
    }
    pages = mmap(NULL, 4096u * n, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev, (off_t)map.m.index);
    if (pages == MAP_FAILED) {
        snprintf(why, max, "mapping domain %u's ring pages: %s", domid, strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        struct xl_ring *r = &rings[i];

        r->page = pages + 4096u * i;
        bind = (struct evtchn_bind){.remote_domain = domid, .remote_port = r->port};
        r->evtchn = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
        if (r->evtchn < 0 || (port = ioctl(r->evtchn, EVTCHN_BIND_INTERDOMAIN, &bind)) < 0) {
            snprintf(why, max, "binding domain %u's %s event channel %u: %s", domid, r->what,
                     r->port, strerror(errno));
            return -1;
        }
        r->port = (uint32_t)port;
    }
    return 0;
}

void xl_ring_notify(struct xl_ring *r)
{
    uint32_t port = r->port;

    ioctl(r->evtchn, EVTCHN_NOTIFY, &port);
}

void xl_ring_ack(struct xl_ring *r)
{
    uint32_t port;

    if (read(r->evtchn, &port, sizeof(port)) == sizeof(port))
        (void)!write(r->evtchn, &port, sizeof(port)); /* unmask it again */
}

void xl_backend_path(char *out, size_t max, uint16_t domid, const char *suffix)
{
    snprintf(out, max, XL_BACKEND_DIR "/%u.%s", domid, suffix);
}

/* ID.control: a "shutdown poweroff" line (xl shutdown) becomes control/shutdown in xenstore. */
static void control_request(int fd)
{
    static char line[256];
    static size_t len;
    ssize_t n = read(fd, line + len, sizeof(line) - 1 - len);

    if (n <= 0)
        return;
    len += (size_t)n;
    for (char *nl; (nl = memchr(line, '\n', len));) {
        *nl = '\0';
        if (!strcmp(line, "shutdown poweroff"))
            xl_store_write("control/shutdown", "poweroff");
        len -= (size_t)(nl + 1 - line);
        memmove(line, nl + 1, len);
    }
    if (len == sizeof(line) - 1)
        len = 0; /* a line that long is not a request */
}

static void backend_run(uint16_t domid, int control)
{
    struct pollfd p[4] = {{.fd = xl_console_fd(), .events = POLLIN},
                          {.fd = xl_console_input_fd(), .events = POLLIN},
                          {.fd = xl_store_fd(), .events = POLLIN},
                          {.fd = control, .events = POLLIN}};
    time_t checked = 0;

    for (;;) {
        int n = poll(p, 4, 250);
        time_t now = time(NULL);

        if (n < 0 && errno != EINTR)
            return;
        xl_console_serve(n > 0 && (p[1].revents & POLLIN));
        xl_store_serve();
        if (n > 0 && (p[3].revents & POLLIN)) {
            control_request(control);
            xl_store_serve();
        }
        /* Whether the domain is still there: when idle, and at least once a second. */
        if (n == 0 || now != checked) {
            checked = now;
            if (!xl_domain_alive(domid)) {
                xl_console_serve(false);
                return;
            }
        }
    }
}

/* A FIFO the backend reads: opened read-write, so it never sees end-of-file. */
static int make_fifo(uint16_t domid, const char *suffix, char *why, size_t max)
{
    char path[96];
    int fd;

    xl_backend_path(path, sizeof(path), domid, suffix);
    unlink(path);
    if (mkfifo(path, 0620) < 0 || (fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        snprintf(why, max, "creating %s: %s", path, strerror(errno));
        return -1;
    }
    return fd;
}

int xl_backend_start(uint16_t id, const char *name, char *why, size_t max)
{
    struct xl_ring rings[2] = {{.what = "console",
                                .ref = 0, /* GNTTAB_RESERVED_CONSOLE */
                                .pfn_param = HVM_PARAM_CONSOLE_PFN,
                                .evtchn_param = HVM_PARAM_CONSOLE_EVTCHN},
                               {.what = "xenstore",
                                .ref = 1, /* GNTTAB_RESERVED_XENSTORE */
                                .pfn_param = HVM_PARAM_STORE_PFN,
                                .evtchn_param = HVM_PARAM_STORE_EVTCHN}};
    char status[256] = "";
    int fds[2], control;
    pid_t pid;
    ssize_t n;

    if (pipe(fds) < 0 || (pid = fork()) < 0) {
        snprintf(why, max, "starting domain %u's backend: %s", id, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);

        close(fds[0]);
        setsid();
        signal(SIGHUP, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        xl_mkdir_run(XL_BACKEND_DIR);
        if (xl_rings_open(rings, 2, id, status, sizeof(status)) ||
            xl_console_open(&rings[0], id, status, sizeof(status)) ||
            xl_store_open(&rings[1], id, name, status, sizeof(status)) ||
            (control = make_fifo(id, "control", status, sizeof(status))) < 0) {
            (void)!write(fds[1], status, strlen(status));
            _exit(1);
        }
        (void)!write(fds[1], "", 1); /* ready */
        close(fds[1]);
        if (null >= 0) {
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            close(null);
        }
        backend_run(id, control);
        _exit(0); /* the process's end unmaps and unbinds */
    }
    close(fds[1]);
    n = read(fds[0], status, sizeof(status) - 1);
    close(fds[0]);
    if (n == 1 && status[0] == '\0')
        return 0;
    status[n > 0 ? n : 0] = '\0';
    snprintf(why, max, "%s", n > 0 ? status : "the backend ended before it had the rings");
    return 1;
}

int xl_cmd_shutdown(int argc, char **argv)
{
    bool wait = argc == 3 && !strcmp(argv[1], "-w");
    char path[96];
    long id;
    int fd;

    if (argc != 2 + wait) {
        fprintf(stderr, "usage: xl shutdown [-w] DOMAIN\n");
        return 1;
    }
    if ((id = xl_find_domain(argv[1 + wait])) < 0)
        return 1;
    xl_backend_path(path, sizeof(path), (uint16_t)id, "control");
    fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || write(fd, "shutdown poweroff\n", 18) != 18) {
        fprintf(stderr,
                "xl: domain %ld has no xenstore here to ask (%s: %s); xl destroy stops it\n", id,
                path, strerror(errno));
        return 1;
    }
    close(fd);
    printf("Shutting down domain %ld\n", id);
    while (wait && xl_domain_alive((uint16_t)id))
        usleep(200000);
    return 0;
}
