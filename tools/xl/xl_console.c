/*
 * Guest consoles for xl: the backend of the Xen console ring, and xl console.
 *
 * At the seal the hypervisor gives a domain xl builds a console page (its
 * HVM_PARAM_CONSOLE_PFN), grants it to dom0 in reserved grant entry 0, and
 * opens an event channel only dom0 may bind (HVM_PARAM_CONSOLE_EVTCHN). A
 * Linux guest's hvc0 writes into the page's out ring and reads its in ring.
 * The domain's backend process (xl_backend.c) moves bytes between the rings
 * and two files: the guest's output is appended to BACKEND_DIR/ID.console,
 * what is written to the FIFO BACKEND_DIR/ID.input goes to the guest.
 * Everything in the page is the guest's to write: indices are checked before
 * use.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "public/hvm_op.h"
#include "xl.h"

#define ESCAPE 0x1d /* Ctrl-]: leaves xl console, as in Xen's */

/* The ring page (Xen's public io/console.h layout). */
struct console_ring {
    char in[1024];  /* backend -> guest */
    char out[2048]; /* guest -> backend */
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(offsetof(struct console_ring, in_cons) == 3072, "console ring layout");

static struct xl_ring *ring;
static int log_fd = -1, input_fd = -1;

#define RING ((volatile struct console_ring *)ring->page)

int xl_console_open(struct xl_ring *r, uint16_t domid, char *why, size_t max)
{
    char path[96];

    ring = r;
    xl_backend_path(path, sizeof(path), domid, "console");
    log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0) {
        snprintf(why, max, "creating %s: %s", path, strerror(errno));
        return -1;
    }
    xl_backend_path(path, sizeof(path), domid, "input");
    unlink(path);
    if (mkfifo(path, 0620) < 0 || (input_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        snprintf(why, max, "creating %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int xl_console_fd(void)
{
    return ring->evtchn;
}

int xl_console_input_fd(void)
{
    return input_fd;
}

/* The guest's output into the log. A guest whose indices are impossible loses its backlog. */
static void drain_out(void)
{
    volatile struct console_ring *r = RING;
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
        if (write(log_fd, chunk, n) < 0)
            break; /* the log is full or gone: the ring is still drained */
        cons += n;
    }
    __atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
    xl_ring_notify(ring);
}

/* Input from the FIFO into the guest's in ring, as much as fits. */
static void fill_in(void)
{
    volatile struct console_ring *r = RING;
    uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE), prod = r->in_prod;
    uint32_t size = sizeof(r->in), used = prod - cons;
    char chunk[sizeof(r->in)];
    ssize_t n;

    if (used > size)
        return; /* impossible indices: nothing goes in */
    n = read(input_fd, chunk, size - used);
    for (ssize_t i = 0; i < n; i++)
        r->in[(prod + (uint32_t)i) % size] = chunk[i];
    if (n > 0) {
        __atomic_store_n(&r->in_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
        xl_ring_notify(ring);
    }
}

void xl_console_serve(bool input_ready)
{
    struct pollfd p = {.fd = ring->evtchn, .events = POLLIN};

    if (poll(&p, 1, 0) > 0)
        xl_ring_ack(ring);
    drain_out();
    if (input_ready)
        fill_in();
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
    xl_backend_path(path, sizeof(path), (uint16_t)id, "console");
    if ((log = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "xl: domain %ld has no console here (%s: %s; xl create starts it)\n", id,
                path, strerror(errno));
        return 1;
    }
    xl_backend_path(path, sizeof(path), (uint16_t)id, "input");
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
