/*
 * Guest consoles for xl: the backend of the Xen console ring, and xl console.
 *
 * At the seal the hypervisor gives a domain xl builds a console page (its
 * HVM_PARAM_CONSOLE_PFN), grants it to dom0 in reserved grant entry 0, and
 * opens an event channel only dom0 may bind (HVM_PARAM_CONSOLE_EVTCHN). A
 * Linux guest's hvc0 writes into the page's out ring and reads its in ring.
 * The backend process xl create starts maps the page through Linux's gntdev,
 * binds the channel through the evtchn device and moves bytes between the
 * rings and two files per domain (xl.h). A guest whose out ring nobody
 * drains stops at its next console write, so the backend runs from before
 * the domain's first instruction until the domain is gone. Everything in the
 * page is the guest's to write: indices are checked before use.
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
#define CONSOLE_DIR XL_RUN_DIR "/console"
#define ESCAPE 0x1d /* Ctrl-]: leaves xl console, as in Xen's */

/* The ring page (Xen's public io/console.h layout). */
struct console_ring {
    char in[1024];  /* backend -> guest */
    char out[2048]; /* guest -> backend */
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(offsetof(struct console_ring, in_cons) == 3072, "console ring layout");

/* Linux's gntdev and evtchn device interfaces (include/uapi/xen/). */
struct gntdev_map {
    uint32_t count, pad;
    uint64_t index; /* OUT: the mmap offset */
    uint32_t domid, ref;
};
struct gntdev_unmap {
    uint64_t index;
    uint32_t count, pad;
};
struct evtchn_bind {
    uint32_t remote_domain, remote_port;
};
#define GNTDEV_MAP _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map))
#define GNTDEV_UNMAP _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap))
#define EVTCHN_BIND_INTERDOMAIN _IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_bind))
#define EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(uint32_t))

struct backend {
    uint16_t domid;
    volatile struct console_ring *ring;
    int gntdev, evtchn, log, in;
    uint32_t port; /* ours, bound to the guest's */
    uint64_t map_index;
};

static long get_param(uint16_t domid, uint32_t index, uint64_t *value)
{
    static struct xen_hvm_param p;
    long rc;

    p = (struct xen_hvm_param){.domid = domid, .index = index};
    rc = xencall(HC_HVM_OP, HVMOP_get_param, (unsigned long)&p, 0, 0, 0);
    *value = p.value;
    return rc;
}

static void console_path(char *out, size_t max, uint16_t domid, const char *suffix)
{
    snprintf(out, max, CONSOLE_DIR "/%u.%s", domid, suffix);
}

/* Maps the ring and binds the channel: 0, or -1 with the reason in why. */
static int backend_open(struct backend *b, char *why, size_t max)
{
    uint64_t pfn = 0, evtchn = 0;
    struct gntdev_map m = {.count = 1, .domid = b->domid, .ref = 0 /* GNTTAB_RESERVED_CONSOLE */};
    struct evtchn_bind bind;
    char path[96];
    long rc;
    int port;
    void *ring;

    if ((rc = get_param(b->domid, HVM_PARAM_CONSOLE_PFN, &pfn)) < 0 ||
        (rc = get_param(b->domid, HVM_PARAM_CONSOLE_EVTCHN, &evtchn)) < 0) {
        snprintf(why, max, "reading domain %u's console parameters: %s", b->domid,
                 strerror((int)-rc));
        return -1;
    }
    if (!pfn || !evtchn || evtchn > UINT32_MAX) {
        snprintf(why, max, "domain %u has no console ring", b->domid);
        return -1;
    }
    b->gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (b->gntdev < 0 || ioctl(b->gntdev, GNTDEV_MAP, &m) < 0) {
        snprintf(why, max, "mapping domain %u's console grant (/dev/xen/gntdev): %s", b->domid,
                 strerror(errno));
        return -1;
    }
    b->map_index = m.index;
    ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, b->gntdev, (off_t)m.index);
    if (ring == MAP_FAILED) {
        snprintf(why, max, "mapping domain %u's console page: %s", b->domid, strerror(errno));
        return -1;
    }
    b->ring = ring;
    bind = (struct evtchn_bind){.remote_domain = b->domid, .remote_port = (uint32_t)evtchn};
    b->evtchn = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if (b->evtchn < 0 || (port = ioctl(b->evtchn, EVTCHN_BIND_INTERDOMAIN, &bind)) < 0) {
        snprintf(why, max, "binding domain %u's console event channel %u: %s", b->domid,
                 (unsigned)evtchn, strerror(errno));
        return -1;
    }
    b->port = (uint32_t)port;
    mkdir("/run", 0755);
    mkdir(XL_RUN_DIR, 0755);
    mkdir(CONSOLE_DIR, 0755);
    console_path(path, sizeof(path), b->domid, "log");
    b->log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    console_path(path, sizeof(path), b->domid, "in");
    unlink(path);
    if (b->log < 0 || mkfifo(path, 0620) < 0 ||
        (b->in = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        snprintf(why, max, "creating %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void notify(struct backend *b)
{
    uint32_t port = b->port;

    ioctl(b->evtchn, EVTCHN_NOTIFY, &port);
}

/* The guest's output into the log. A guest whose indices are impossible loses its backlog. */
static void drain_out(struct backend *b)
{
    volatile struct console_ring *r = b->ring;
    uint32_t cons = r->out_cons, prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    uint32_t size = sizeof(r->out);

    if (cons == prod)
        return;
    if (prod - cons > size)
        cons = prod; /* not a ring state the guest's writer can reach */
    while (cons != prod) {
        uint32_t at = cons % size, n = prod - cons < size - at ? prod - cons : size - at;
        char chunk[sizeof(r->out)];

        memcpy(chunk, (const char *)r->out + at, n);
        if (write(b->log, chunk, n) < 0)
            break; /* the log is full or gone: the ring is still drained */
        cons += n;
    }
    __atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
    notify(b);
}

/* Input from the FIFO into the guest's in ring, as much as fits. */
static void fill_in(struct backend *b)
{
    volatile struct console_ring *r = b->ring;
    uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE), prod = r->in_prod;
    uint32_t size = sizeof(r->in), used = prod - cons;
    char chunk[sizeof(r->in)];
    ssize_t n;

    if (used > size)
        return; /* impossible indices: nothing goes in */
    n = read(b->in, chunk, size - used);
    for (ssize_t i = 0; i < n; i++)
        r->in[(prod + (uint32_t)i) % size] = chunk[i];
    if (n > 0) {
        __atomic_store_n(&r->in_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
        notify(b);
    }
}

static void backend_run(struct backend *b)
{
    struct pollfd p[2] = {{.fd = b->evtchn, .events = POLLIN}, {.fd = b->in, .events = POLLIN}};
    time_t checked = 0;

    for (;;) {
        int n = poll(p, 2, 250);
        time_t now = time(NULL);
        uint32_t port;

        if (n < 0 && errno != EINTR)
            return;
        if (n > 0 && (p[0].revents & POLLIN) &&
            read(b->evtchn, &port, sizeof(port)) == sizeof(port))
            (void)!write(b->evtchn, &port, sizeof(port)); /* unmask it again */
        drain_out(b);
        if (n > 0 && (p[1].revents & POLLIN))
            fill_in(b);
        /* Whether the domain is still there: when idle, and at least once a second. */
        if (n == 0 || now != checked) {
            checked = now;
            if (!xl_domain_alive(b->domid)) {
                drain_out(b);
                return;
            }
        }
    }
}

int xl_console_start(uint16_t id, char *why, size_t max)
{
    struct backend b = {.domid = id, .gntdev = -1, .evtchn = -1, .log = -1, .in = -1};
    char status[256] = "";
    int fds[2];
    pid_t pid;
    ssize_t n;

    if (pipe(fds) < 0) {
        snprintf(why, max, "starting domain %u's console backend: %s", id, strerror(errno));
        return 1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(why, max, "starting domain %u's console backend: %s", id, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);

        close(fds[0]);
        setsid();
        signal(SIGHUP, SIG_IGN);
        if (backend_open(&b, status, sizeof(status))) {
            (void)!write(fds[1], status, strlen(status));
            _exit(1);
        }
        (void)!write(fds[1], "", 1); /* ready */
        close(fds[1]);
        if (null >= 0) {
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            close(null);
        }
        backend_run(&b);
        munmap((void *)b.ring, 4096);
        ioctl(b.gntdev, GNTDEV_UNMAP, &(struct gntdev_unmap){.index = b.map_index, .count = 1});
        _exit(0);
    }
    close(fds[1]);
    n = read(fds[0], status, sizeof(status) - 1);
    close(fds[0]);
    if (n == 1 && status[0] == '\0')
        return 0;
    status[n > 0 ? n : 0] = '\0';
    snprintf(why, max, "%s", n > 0 ? status : "the console backend ended before it had the ring");
    return 1;
}

int xl_cmd_console(int argc, char **argv)
{
    char path[96], buf[4096];
    bool stdin_open = true;
    long id;
    int log, in;

    if (argc != 2) {
        fprintf(stderr, "usage: xl console DOMAIN\n");
        return 1;
    }
    if ((id = xl_find_domain(argv[1])) < 0)
        return 1;
    console_path(path, sizeof(path), (uint16_t)id, "log");
    if ((log = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "xl: domain %ld has no console here (%s: %s; xl create starts it)\n", id,
                path, strerror(errno));
        return 1;
    }
    console_path(path, sizeof(path), (uint16_t)id, "in");
    in = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    for (;;) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        ssize_t n;
        bool alive;

        while ((n = read(log, buf, sizeof(buf))) > 0)
            if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
                return 1;
        fflush(stdout);
        alive = xl_domain_alive((uint16_t)id);
        if (!alive) {
            while ((n = read(log, buf, sizeof(buf))) > 0) /* what the backend wrote last */
                fwrite(buf, 1, (size_t)n, stdout);
            return 0;
        }
        if (!stdin_open || poll(&p, 1, 200) <= 0) {
            if (!stdin_open)
                usleep(200000);
            continue;
        }
        n = read(0, buf, sizeof(buf));
        if (n <= 0) {
            stdin_open = false; /* input ended: keep following the output */
            continue;
        }
        if (memchr(buf, ESCAPE, (size_t)n))
            return 0;
        if (in < 0 || write(in, buf, (size_t)n) != n)
            fprintf(stderr, "xl: domain %ld's console input is not taken\n", id);
    }
}
