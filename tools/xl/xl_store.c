/*
 * A domain's xenstore, served by its backend process (xl_backend.c) over the
 * xenstore ring the seal gave it (grant entry 1, HVM_PARAM_STORE_PFN/EVTCHN),
 * with Xen's wire protocol (io/xs_wire.h): 16-byte headers (type, request id,
 * transaction id, length), payloads of NUL-separated strings, errors as
 * XS_ERROR with the errno's name.
 *
 * Each domain has a tree of its own, /local/domain/ID with name and domid,
 * and the guest may write only there; dom0 writes through the backend's
 * control FIFO (xl shutdown: control/shutdown). What a Linux guest uses is
 * here: read, write, mkdir, rm, directory, watches (fired at registration and
 * on every change at or below the watched path), transactions (applied at
 * once: one writer per tree, so nothing can conflict), get-domain-path.
 * Permissions are not kept (nobody else sees the tree); the operations a
 * guest has no business sending (introduce, release, set-target, control)
 * are refused with EACCES.
 *
 * Everything in the ring is the guest's: indices and lengths are checked, and
 * a guest that breaks the protocol is told so in the page (error field) and
 * no longer served.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

enum {
    XS_CONTROL,
    XS_DIRECTORY,
    XS_READ,
    XS_GET_PERMS,
    XS_WATCH,
    XS_UNWATCH,
    XS_TRANSACTION_START,
    XS_TRANSACTION_END,
    XS_INTRODUCE,
    XS_RELEASE,
    XS_GET_DOMAIN_PATH,
    XS_WRITE,
    XS_MKDIR,
    XS_RM,
    XS_SET_PERMS,
    XS_WATCH_EVENT,
    XS_ERROR,
    XS_IS_DOMAIN_INTRODUCED,
    XS_RESUME,
    XS_SET_TARGET,
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART
};

#define RING_SIZE 1024u
#define PAYLOAD_MAX 4096u
#define PATH_MAX_LEN 3072u
#define MAX_NODES 1024u
#define MAX_WATCHES 128u
#define OUT_MAX (64u * 1024u) /* replies and events waiting for room in the ring */
#define ERROR_PROTO 3u        /* the page's error field: a protocol violation */
#define ERROR_RINGIDX 2u

struct store_ring {
    char req[RING_SIZE];
    char rsp[RING_SIZE];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features, connection, error;
};
_Static_assert(offsetof(struct store_ring, req_cons) == 2048, "xenstore ring layout");

struct header {
    uint32_t type, req_id, tx_id, len;
};

struct node {
    char *path; /* absolute */
    char *value;
    size_t len;
};

struct watch {
    char *path; /* absolute, or "@..." */
    char *token;
    bool relative;
};

static struct xl_ring *ring;
static char home[32]; /* /local/domain/ID */
static struct node nodes[MAX_NODES];
static unsigned nr_nodes;
static struct watch watches[MAX_WATCHES];
static unsigned nr_watches;
static uint32_t next_tx = 1;
static bool broken; /* the guest broke the protocol: no longer served */

static uint8_t in_msg[sizeof(struct header) + PAYLOAD_MAX];
static size_t in_len;
static char out[OUT_MAX];
static size_t out_len;

#define RING ((volatile struct store_ring *)ring->page)

/* ---------------------------------------------------------------- the tree */

static struct node *find(const char *path)
{
    for (unsigned i = 0; i < nr_nodes; i++)
        if (!strcmp(nodes[i].path, path))
            return &nodes[i];
    return NULL;
}

/* Sets (creating it and its parents) path's value: 0, or ENOSPC/ENOMEM. */
static int set(const char *path, const char *value, size_t len)
{
    struct node *n = find(path);
    char *copy;

    if (!n) {
        char parent[PATH_MAX_LEN + 1];
        const char *slash = strrchr(path, '/');
        size_t plen = slash ? (size_t)(slash - path) : 0;

        if (plen > 0 && plen < sizeof(parent)) {
            memcpy(parent, path, plen);
            parent[plen] = '\0';
            if (!find(parent) && set(parent, "", 0))
                return ENOSPC;
        }
        if (nr_nodes == MAX_NODES)
            return ENOSPC;
        n = &nodes[nr_nodes];
        *n = (struct node){.path = strdup(path)};
        if (!n->path)
            return ENOMEM;
        nr_nodes++;
    }
    copy = malloc(len + 1);
    if (!copy)
        return ENOMEM;
    memcpy(copy, value, len);
    copy[len] = '\0';
    free(n->value);
    n->value = copy;
    n->len = len;
    return 0;
}

/* Whether path is at or below dir. */
static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static void remove_tree(const char *victim)
{
    char path[PATH_MAX_LEN + 1];

    snprintf(path, sizeof(path), "%s", victim); /* victim may be a node's own path */
    for (unsigned i = 0; i < nr_nodes;)
        if (under(nodes[i].path, path)) {
            free(nodes[i].path);
            free(nodes[i].value);
            nodes[i] = nodes[--nr_nodes];
        } else {
            i++;
        }
}

/* ---------------------------------------------------------------- replies */

/* Replies and events wait here for room in the ring. Always 0 (handle's result). */
static int queue(uint32_t type, uint32_t req_id, uint32_t tx_id, const void *payload, size_t len)
{
    struct header h = {type, req_id, tx_id, (uint32_t)len};

    if (out_len + sizeof(h) + len > sizeof(out)) {
        broken = true; /* the guest does not read its replies */
        return 0;
    }
    memcpy(out + out_len, &h, sizeof(h));
    memcpy(out + out_len + sizeof(h), payload, len);
    out_len += sizeof(h) + len;
    return 0;
}

static int reply_error(const struct header *h, int err)
{
    static const struct {
        int err;
        const char *name;
    } names[] = {{EINVAL, "EINVAL"}, {EACCES, "EACCES"}, {EEXIST, "EEXIST"},
                 {ENOENT, "ENOENT"}, {ENOMEM, "ENOMEM"}, {ENOSPC, "ENOSPC"},
                 {E2BIG, "E2BIG"},   {ENOSYS, "ENOSYS"}, {EAGAIN, "EAGAIN"}};
    const char *name = "EINVAL";

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == err)
            name = names[i].name;
    return queue(XS_ERROR, h->req_id, h->tx_id, name, strlen(name) + 1);
}

static int reply_ok(const struct header *h)
{
    return queue(h->type, h->req_id, h->tx_id, "OK", 3);
}

/* ---------------------------------------------------------------- watches */

static int fire_one(const struct watch *w, const char *path)
{
    char event[PATH_MAX_LEN + 2 + 256];
    const char *shown = path;
    size_t plen, tlen = strlen(w->token);

    if (w->relative && under(path, home) && path[strlen(home)] == '/')
        shown = path + strlen(home) + 1; /* as the guest named it */
    plen = strlen(shown);
    if (plen + tlen + 2 > sizeof(event))
        return 0;
    memcpy(event, shown, plen + 1);
    memcpy(event + plen + 1, w->token, tlen + 1);
    return queue(XS_WATCH_EVENT, 0, 0, event, plen + tlen + 2);
}

/* A change at path: the watches at or above it, and those below it (a removed subtree). */
static int fire(const char *path)
{
    for (unsigned i = 0; i < nr_watches; i++)
        if (under(path, watches[i].path) || under(watches[i].path, path))
            fire_one(&watches[i], path);
    return 0;
}

/* ---------------------------------------------------------------- requests */

/* The absolute form of a path the guest sent: 0, or EINVAL. */
static int absolute(const char *p, char *abs)
{
    size_t len = strlen(p);

    if (len == 0 || len > (p[0] == '/' ? PATH_MAX_LEN : 2048u) || strstr(p, "//") ||
        (len > 1 && p[len - 1] == '/'))
        return EINVAL;
    for (const char *c = p; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr("/_@-", *c)))
            return EINVAL;
    len = p[0] == '/' ? (size_t)snprintf(abs, PATH_MAX_LEN + 1, "%s", p)
                      : (size_t)snprintf(abs, PATH_MAX_LEN + 1, "%s/%s", home, p);
    return len > PATH_MAX_LEN ? EINVAL : 0;
}

/* The n-th NUL-terminated string of the payload, or NULL. */
static const char *arg(const char *payload, size_t len, unsigned n)
{
    size_t at = 0;

    for (; n; n--) {
        const char *nul = memchr(payload + at, '\0', len - at);
        if (!nul)
            return NULL;
        at = (size_t)(nul - payload) + 1;
    }
    return at < len && memchr(payload + at, '\0', len - at) ? payload + at : NULL;
}

/* One request: its reply (and any watch events) queued. Always 0. */
static int handle(const struct header *h, const char *p)
{
    static char abs[PATH_MAX_LEN + 1], reply[PAYLOAD_MAX];
    const char *a0 = arg(p, h->len, 0), *a1;
    struct node *n;
    size_t used = 0;
    int err;

    switch (h->type) {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_GET_PERMS:
    case XS_MKDIR:
    case XS_RM:
    case XS_SET_PERMS:
        if (!a0 || (err = absolute(a0, abs)))
            return reply_error(h, EINVAL);
        n = find(abs);
        if (h->type == XS_READ)
            return n ? queue(h->type, h->req_id, h->tx_id, n->value, n->len)
                     : reply_error(h, ENOENT);
        if (h->type == XS_GET_PERMS) {
            int len = snprintf(reply, sizeof(reply), "b%s", home + 14);
            return n ? queue(h->type, h->req_id, h->tx_id, reply, (size_t)len + 1)
                     : reply_error(h, ENOENT);
        }
        if (h->type == XS_DIRECTORY) {
            if (!n)
                return reply_error(h, ENOENT);
            for (unsigned i = 0; i < nr_nodes; i++) {
                const char *c = nodes[i].path + strlen(abs);
                if (under(nodes[i].path, abs) && *c == '/' && !strchr(c + 1, '/')) {
                    size_t l = strlen(c + 1) + 1;
                    if (used + l > sizeof(reply))
                        return reply_error(h, E2BIG);
                    memcpy(reply + used, c + 1, l);
                    used += l;
                }
            }
            return queue(h->type, h->req_id, h->tx_id, reply, used);
        }
        if (!under(abs, home))
            return reply_error(h, EACCES);
        if (h->type == XS_SET_PERMS)
            return n ? reply_ok(h) : reply_error(h, ENOENT);
        if (h->type == XS_MKDIR && !n && (err = set(abs, "", 0)))
            return reply_error(h, err);
        if (h->type == XS_RM) {
            if (!n)
                return reply_error(h, ENOENT);
            if (!strcmp(abs, home))
                return reply_error(h, EACCES);
            remove_tree(abs);
        }
        reply_ok(h);
        return fire(abs);
    case XS_WRITE:
        if (!a0 || (err = absolute(a0, abs)))
            return reply_error(h, EINVAL);
        if (!under(abs, home))
            return reply_error(h, EACCES);
        used = strlen(a0) + 1;
        if ((err = set(abs, p + used, h->len - used)))
            return reply_error(h, err);
        reply_ok(h);
        return fire(abs);
    case XS_WATCH:
        a1 = arg(p, h->len, 1);
        if (!a0 || !a1 || (a0[0] != '@' && absolute(a0, abs)) || strlen(a1) > 255)
            return reply_error(h, EINVAL);
        if (nr_watches == MAX_WATCHES)
            return reply_error(h, ENOSPC);
        watches[nr_watches] = (struct watch){.path = strdup(a0[0] == '@' ? a0 : abs),
                                             .token = strdup(a1),
                                             .relative = a0[0] != '/' && a0[0] != '@'};
        if (!watches[nr_watches].path || !watches[nr_watches].token)
            return reply_error(h, ENOMEM);
        nr_watches++;
        reply_ok(h);
        /* as xenstored does at registration */
        return a0[0] == '@' ? 0 : fire_one(&watches[nr_watches - 1], abs);
    case XS_UNWATCH:
        a1 = arg(p, h->len, 1);
        if (!a0 || !a1 || (a0[0] != '@' && absolute(a0, abs)))
            return reply_error(h, EINVAL);
        for (unsigned i = 0; i < nr_watches; i++)
            if (!strcmp(watches[i].path, a0[0] == '@' ? a0 : abs) &&
                !strcmp(watches[i].token, a1)) {
                free(watches[i].path);
                free(watches[i].token);
                watches[i] = watches[--nr_watches];
                return reply_ok(h);
            }
        return reply_error(h, ENOENT);
    case XS_RESET_WATCHES:
        while (nr_watches) {
            nr_watches--;
            free(watches[nr_watches].path);
            free(watches[nr_watches].token);
        }
        return reply_ok(h);
    case XS_TRANSACTION_START:
        used = (size_t)snprintf(reply, sizeof(reply), "%u", next_tx++) + 1;
        return queue(h->type, h->req_id, 0, reply, used);
    case XS_TRANSACTION_END:
        return reply_ok(h);
    case XS_GET_DOMAIN_PATH:
        if (!a0)
            return reply_error(h, EINVAL);
        used = (size_t)snprintf(reply, sizeof(reply), "/local/domain/%lu", strtoul(a0, NULL, 10));
        return queue(h->type, h->req_id, h->tx_id, reply, used + 1);
    case XS_CONTROL:
    case XS_INTRODUCE:
    case XS_RELEASE:
    case XS_IS_DOMAIN_INTRODUCED:
    case XS_RESUME:
    case XS_SET_TARGET:
        return reply_error(h, EACCES);
    default:
        return reply_error(h, EINVAL);
    }
}

/* ---------------------------------------------------------------- the ring */

static void protocol_error(uint32_t what)
{
    __atomic_store_n(&RING->error, what, __ATOMIC_RELEASE);
    broken = true;
    xl_ring_notify(ring);
}

/* Requests out of the ring, each handled once whole. */
static bool read_requests(void)
{
    volatile struct store_ring *r = RING;
    uint32_t cons = r->req_cons, prod = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE);
    bool any = false;

    if (prod - cons > RING_SIZE) {
        protocol_error(ERROR_RINGIDX);
        return false;
    }
    while (cons != prod) {
        struct header h;

        in_msg[in_len++] = (uint8_t)r->req[cons++ % RING_SIZE];
        any = true;
        if (in_len < sizeof(h))
            continue;
        memcpy(&h, in_msg, sizeof(h));
        if (h.len > PAYLOAD_MAX) {
            protocol_error(ERROR_PROTO);
            return false;
        }
        if (in_len == sizeof(h) + h.len) {
            char payload[PAYLOAD_MAX + 1];

            memcpy(payload, in_msg + sizeof(h), h.len);
            payload[h.len] = '\0';
            handle(&h, payload);
            in_len = 0;
        }
    }
    __atomic_store_n(&r->req_cons, cons, __ATOMIC_RELEASE);
    return any;
}

/* Queued replies and events into the ring, as far as there is room. */
static bool write_replies(void)
{
    volatile struct store_ring *r = RING;
    uint32_t cons = __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE), prod = r->rsp_prod;
    size_t done = 0;

    if (prod - cons > RING_SIZE) {
        protocol_error(ERROR_RINGIDX);
        return false;
    }
    while (done < out_len && prod - cons < RING_SIZE)
        r->rsp[prod++ % RING_SIZE] = out[done++];
    if (!done)
        return false;
    __atomic_store_n(&r->rsp_prod, prod, __ATOMIC_RELEASE);
    memmove(out, out + done, out_len - done);
    out_len -= done;
    return true;
}

void xl_store_serve(void)
{
    struct pollfd p = {.fd = ring->evtchn, .events = POLLIN};
    bool moved;

    if (poll(&p, 1, 0) > 0)
        xl_ring_ack(ring);
    if (broken)
        return;
    do {
        moved = read_requests();
        moved |= write_replies();
        if (moved)
            xl_ring_notify(ring);
    } while (moved && !broken);
}

void xl_store_write(const char *path, const char *value)
{
    char abs[PATH_MAX_LEN + 1];

    if (absolute(path, abs) || set(abs, value, strlen(value)))
        return;
    fire(abs);
}

int xl_store_fd(void)
{
    return ring->evtchn;
}

int xl_store_open(struct xl_ring *r, uint16_t domid, const char *name, char *why, size_t max)
{
    char path[64], id[8];

    /* A fresh store: nothing of an earlier one is kept. */
    while (nr_nodes)
        remove_tree(nodes[0].path);
    while (nr_watches) {
        nr_watches--;
        free(watches[nr_watches].path);
        free(watches[nr_watches].token);
    }
    next_tx = 1;
    broken = false;
    in_len = out_len = 0;
    ring = r;
    snprintf(home, sizeof(home), "/local/domain/%u", domid);
    snprintf(id, sizeof(id), "%u", domid);
    snprintf(path, sizeof(path), "%s/name", home);
    if (set(path, name, strlen(name)) ||
        (snprintf(path, sizeof(path), "%s/domid", home), set(path, id, strlen(id))) ||
        (snprintf(path, sizeof(path), "%s/control", home), set(path, "", 0)) ||
        (snprintf(path, sizeof(path), "%s/device", home), set(path, "", 0))) {
        snprintf(why, max, "domain %u's xenstore: out of memory", domid);
        return -1;
    }
    return 0;
}
