/*
 * xl's xenstore server (tools/xl/xl_store.c) on the host, under ASan and UBSan: the
 * guest's side of the ring is played here. Requests go into a ring page in memory as a
 * guest writes them; the replies and watch events are read back and checked: the
 * protocol (Xen's io/xs_wire.h), the guest confined to its own path, watches, and what
 * happens to a guest that breaks the protocol. Then random bytes for the server to
 * survive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "xl.h"

enum {
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_WATCH = 4,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_RM = 13,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16
};

struct page {
    char req[1024], rsp[1024];
    uint32_t req_cons, req_prod, rsp_cons, rsp_prod;
    uint32_t server_features, connection, error;
    char rest[4096 - 2048 - 28];
};

static struct page page;
static struct xl_ring ring;
static unsigned notified;

/* What the backend's ring helpers would do; the test has no event channel. */
void xl_ring_notify(struct xl_ring *r)
{
    (void)r;
    notified++;
}

void xl_ring_ack(struct xl_ring *r)
{
    (void)r;
}

struct msg {
    uint32_t type, req_id, tx_id, len;
    char data[4096];
};

static void start(struct unit *u)
{
    char why[128];

    memset(&page, 0, sizeof(page));
    ring = (struct xl_ring){.what = "xenstore", .page = &page, .evtchn = -1};
    UNIT_CHECK(u, xl_store_open(&ring, 7, "web", why, sizeof(why)) == 0);
}

/* A guest's request: header and payload into the ring, then the server runs. */
static void send(uint32_t type, uint32_t req_id, const void *payload, size_t len)
{
    uint32_t h[4] = {type, req_id, 0, (uint32_t)len};
    const char *bytes = (const char *)h;

    for (size_t i = 0; i < sizeof(h) + len; i++) {
        char c = i < sizeof(h) ? bytes[i] : ((const char *)payload)[i - sizeof(h)];
        page.req[page.req_prod++ % 1024] = c;
    }
    xl_store_serve();
}

/* The next whole message in the response ring, or false. */
static bool receive(struct msg *m)
{
    uint32_t avail = page.rsp_prod - page.rsp_cons;
    char *out = (char *)m;

    if (avail < 16)
        return false;
    for (uint32_t i = 0; i < 16; i++)
        out[i] = page.rsp[(page.rsp_cons + i) % 1024];
    if (m->len > sizeof(m->data) || avail < 16 + m->len)
        return false;
    for (uint32_t i = 0; i < m->len; i++)
        m->data[i] = page.rsp[(page.rsp_cons + 16 + i) % 1024];
    page.rsp_cons += 16 + m->len;
    xl_store_serve(); /* room again: anything held back comes */
    return true;
}

/* Request NUL-separated strings (pass the length including the NULs). */
static void request(uint32_t type, uint32_t req_id, const char *payload, size_t len, struct msg *m,
                    struct unit *u)
{
    send(type, req_id, payload, len);
    UNIT_CHECK(u, receive(m));
    UNIT_CHECK(u, m->req_id == req_id);
}

static void test_read_own_tree(struct unit *u)
{
    struct msg m;

    start(u);
    request(XS_READ, 1, "name", 5, &m, u);
    UNIT_CHECK(u, m.type == XS_READ && m.len == 3 && !memcmp(m.data, "web", 3));
    request(XS_READ, 2, "/local/domain/7/domid", 22, &m, u);
    UNIT_CHECK(u, m.type == XS_READ && m.len == 1 && m.data[0] == '7');
    request(XS_READ, 3, "nothing/here", 13, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "ENOENT"));
    request(XS_GET_DOMAIN_PATH, 4, "7", 2, &m, u);
    UNIT_CHECK(u, m.type == XS_GET_DOMAIN_PATH && !strcmp(m.data, "/local/domain/7"));
}

static void test_write_and_directory(struct unit *u)
{
    struct msg m;
    static const char write[] = "control/feature-poweroff\0"
                                "1";

    start(u);
    request(XS_WRITE, 5, write, sizeof(write) - 1, &m, u);
    UNIT_CHECK(u, m.type == XS_WRITE && !strcmp(m.data, "OK"));
    request(XS_READ, 6, "control/feature-poweroff", 25, &m, u);
    UNIT_CHECK(u, m.type == XS_READ && m.len == 1 && m.data[0] == '1');
    request(XS_DIRECTORY, 7, "control", 8, &m, u);
    UNIT_CHECK(u, m.type == XS_DIRECTORY && m.len == 17 && !strcmp(m.data, "feature-poweroff"));
    request(XS_RM, 8, "control/feature-poweroff", 25, &m, u);
    UNIT_CHECK(u, m.type == XS_RM && !strcmp(m.data, "OK"));
    request(XS_READ, 9, "control/feature-poweroff", 25, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "ENOENT"));
}

static void test_confined_to_own_path(struct unit *u)
{
    struct msg m;
    static const char other[] = "/local/domain/0/name\0"
                                "evil";
    static const char bad[] = "control/../x\0"
                              "1";

    start(u);
    request(XS_WRITE, 10, other, sizeof(other) - 1, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "EACCES"));
    request(XS_WRITE, 11, bad, sizeof(bad) - 1, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "EINVAL"));
    request(XS_RM, 12, "/local/domain/7", 16, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "EACCES"));
    request(XS_INTRODUCE, 13,
            "1\0"
            "2\0"
            "3",
            6, &m, u);
    UNIT_CHECK(u, m.type == XS_ERROR && !strcmp(m.data, "EACCES"));
}

static void test_watch_and_shutdown(struct unit *u)
{
    struct msg m;
    static const char watch[] = "control/shutdown\0"
                                "tok";

    start(u);
    request(XS_WATCH, 14, watch, sizeof(watch), &m, u);
    UNIT_CHECK(u, m.type == XS_WATCH && !strcmp(m.data, "OK"));
    /* fired once at registration, with the path as the guest named it */
    UNIT_CHECK(u, receive(&m) && m.type == XS_WATCH_EVENT);
    UNIT_CHECK(u, !strcmp(m.data, "control/shutdown") && !strcmp(m.data + 17, "tok"));
    xl_store_write("control/shutdown", "poweroff"); /* xl shutdown, through the backend */
    xl_store_serve();
    UNIT_CHECK(u, receive(&m) && m.type == XS_WATCH_EVENT && !strcmp(m.data, "control/shutdown"));
    request(XS_TRANSACTION_START, 15, "", 1, &m, u);
    UNIT_CHECK(u, m.type == XS_TRANSACTION_START && m.data[0] >= '1' && m.data[0] <= '9');
    request(XS_READ, 16, "control/shutdown", 17, &m, u);
    UNIT_CHECK(u, m.type == XS_READ && m.len == 8 && !memcmp(m.data, "poweroff", 8));
    request(XS_TRANSACTION_END, 17, "T", 2, &m, u);
    UNIT_CHECK(u, m.type == XS_TRANSACTION_END && !strcmp(m.data, "OK"));
}

static void test_protocol_violations(struct unit *u)
{
    struct msg m;
    uint32_t h[4] = {XS_READ, 1, 0, 5000}; /* longer than a payload may be */

    start(u);
    send(XS_READ, 18, "name", 5); /* served ... */
    UNIT_CHECK(u, receive(&m) && m.type == XS_READ);
    for (unsigned i = 0; i < 16; i++) /* ... until a header claims more than a payload may be */
        page.req[page.req_prod++ % 1024] = ((const char *)h)[i];
    xl_store_serve();
    UNIT_CHECK(u, page.error == 3); /* XENSTORE_ERROR_PROTO */
    send(XS_READ, 19, "name", 5);
    UNIT_CHECK(u, !receive(&m)); /* no longer served */

    start(u);
    page.req_prod = page.req_cons + 5000; /* indices no writer can produce */
    xl_store_serve();
    UNIT_CHECK(u, page.error == 2); /* XENSTORE_ERROR_RINGIDX */
}

static void test_random_bytes(struct unit *u)
{
    struct msg m;

    srand(12345);
    for (unsigned round = 0; round < 200; round++) {
        start(u);
        for (unsigned burst = 0; burst < 20; burst++) {
            uint32_t n = (uint32_t)rand() % 600;
            for (uint32_t i = 0; i < n && page.req_prod - page.req_cons < 1024; i++)
                page.req[page.req_prod++ % 1024] = (char)(rand() % 4 ? rand() % 32 : rand());
            if (rand() % 8 == 0)
                page.rsp_cons += (uint32_t)rand() % 64; /* a guest that lies about its reads */
            xl_store_serve();
            for (unsigned k = 0; k < 64 && receive(&m); k++)
                ; /* bounded: after a lie about rsp_cons the ring looks endless */
        }
    }
    UNIT_CHECK(u, 1); /* the sanitizers are the judges here */
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_read_own_tree),
    UNIT_CASE(test_write_and_directory),
    UNIT_CASE(test_confined_to_own_path),
    UNIT_CASE(test_watch_and_shutdown),
    UNIT_CASE(test_protocol_violations),
    UNIT_CASE(test_random_bytes),
    {0},
};
