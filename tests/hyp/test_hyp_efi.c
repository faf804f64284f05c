/*
 * Host tests of what the EFI stub hands over and how it is read back
 * (xen/common/efi_handover.c), and of the event-log reader both sides use
 * to copy and continue a firmware's log (xen/common/event_log.c).
 */
#include <stdlib.h>
#include <string.h>

#include <flaxen/bootinfo.h>
#include <flaxen/efi.h>
#include <flaxen/event_log.h>

#include "unit.h"

#define BLOCK_SIZE 8192

static struct efi_handover *good_block(void)
{
    struct efi_handover *h = aligned_alloc(4096, BLOCK_SIZE);

    memset(h, 0, BLOCK_SIZE);
    h->magic = EFI_HANDOVER_MAGIC;
    h->size = BLOCK_SIZE;
    h->flags = EFI_HANDOVER_TCG2;
    h->log_max = BLOCK_SIZE - sizeof(*h);
    h->log_len = 100;
    h->nr_reserved = 2;
    h->reserved[0] = (struct efi_handover_region){0x7c000000, 0x10000};
    h->reserved[1] = (struct efi_handover_region){0x7fc00000, 0x3e0000};
    return h;
}

static void test_handover_check(struct unit *u)
{
    static const struct {
        const char *what, *why;
    } cases[] = {
        {"magic", "no magic"},      {"size", "size is wrong"},   {"log", "log does not fit"},
        {"count", "too many"},      {"empty", "empty or wraps"}, {"wrap", "empty or wraps"},
        {"flags", "unknown flags"}, {"short", "shorter"},        {"unaligned", "size is wrong"},
    };
    struct efi_handover *h = good_block();
    const uint8_t *log = NULL;
    char why[64];

    UNIT_CHECK_EQ(u, efi_handover_check(h, BLOCK_SIZE, &log, why), 0);
    UNIT_CHECK(u, log == (const uint8_t *)(h + 1));
    free(h);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *w = cases[c].what;
        uint64_t max = BLOCK_SIZE;

        h = good_block();
        if (!strcmp(w, "magic"))
            h->magic ^= 1;
        else if (!strcmp(w, "size"))
            h->size = 2 * BLOCK_SIZE; /* beyond the RAM it is in */
        else if (!strcmp(w, "log"))
            h->log_len = h->log_max + 1;
        else if (!strcmp(w, "count"))
            h->nr_reserved = EFI_HANDOVER_MAX_RESERVED + 1;
        else if (!strcmp(w, "empty"))
            h->reserved[1].size = 0;
        else if (!strcmp(w, "wrap"))
            h->reserved[1] = (struct efi_handover_region){~0ull - 4095, 8192};
        else if (!strcmp(w, "flags"))
            h->flags |= 1u << 7;
        else if (!strcmp(w, "short"))
            max = sizeof(*h) - 1;
        else if (!strcmp(w, "unaligned"))
            h->size = BLOCK_SIZE - 8, h->log_max = h->size - sizeof(*h);
        memset(why, 0, sizeof(why));
        UNIT_CHECK_MSG(
            u, efi_handover_check(h, max, &log, why) == -EINVAL && strstr(why, cases[c].why),
            "%s: \"%s\"", w, why);
        free(h);
    }
}

static void test_handover_apply(struct unit *u)
{
    struct efi_handover *h = good_block();
    struct bootinfo *bi = calloc(1, sizeof(*bi));
    char why[64];

    UNIT_CHECK_EQ(u, efi_handover_apply(bi, h, 0x6c900000, BLOCK_SIZE, why), 0);
    UNIT_CHECK(u, bi->efi && bi->nr_reserved == 3);
    UNIT_CHECK(u, bi->reserved[0].base == 0x6c900000 && bi->reserved[0].size == BLOCK_SIZE);
    UNIT_CHECK(u, bi->reserved[2].base == 0x7fc00000 && bi->reserved[2].size == 0x3e0000);
    UNIT_CHECK(u, bi->fw_log.base == 0x6c900000 + sizeof(*h) && bi->fw_log.size == 100);
    UNIT_CHECK(u, bi->fw_log_flags == EFI_HANDOVER_TCG2);
    h->nr_reserved = EFI_HANDOVER_MAX_RESERVED;
    for (unsigned i = 0; i < EFI_HANDOVER_MAX_RESERVED; i++)
        h->reserved[i] = (struct efi_handover_region){0x50000000 + 0x10000ull * i, 4096};
    UNIT_CHECK_EQ(u, efi_handover_apply(bi, h, 0x6c900000, BLOCK_SIZE, why), 0);
    UNIT_CHECK(u, bi->nr_reserved == EFI_HANDOVER_MAX_RESERVED + 1 &&
                      bi->nr_reserved <= BOOTINFO_MAX_RESERVED);
    h->magic = 0;
    UNIT_CHECK_EQ(u, efi_handover_apply(bi, h, 0x6c900000, BLOCK_SIZE, why), -EINVAL);
    free(h);
    free(bi);
}

/* A log as firmware with two banks writes it: SHA-1 and SHA-256 in the header and events. */
static size_t two_bank_log(uint8_t *b)
{
    size_t n = 0;
    uint32_t v;

#define PUT(p, len) (memcpy(b + n, (p), (len)), n += (len))
#define PUT32(x) (v = (x), PUT(&v, 4))
    PUT32(0);
    PUT32(EV_NO_ACTION);
    memset(b + n, 0, 20), n += 20;
    PUT32(16 + 4 + 4 + 4 + 8 + 1);
    PUT("Spec ID Event03", 16);
    PUT32(0);
    PUT("\0\2\0\2", 4);
    PUT32(2);
    PUT("\x04\x00\x14\x00\x0b\x00\x20\x00", 8); /* SHA-1 (20), SHA-256 (32) */
    PUT("", 1);
    /* one event, PCR 4, both digests, 5 bytes of data */
    PUT32(4);
    PUT32(EV_IPL);
    PUT32(2);
    PUT("\x04\x00", 2);
    memset(b + n, 0x11, 20), n += 20;
    PUT("\x0b\x00", 2);
    memset(b + n, 0x22, 32), n += 32;
    PUT32(5);
    PUT("grub", 5);
#undef PUT32
#undef PUT
    return n;
}

static void test_log_reader(struct unit *u)
{
    static uint8_t buf[4096];
    struct event_log log;
    struct event_log_algs algs;
    struct event_log_event e;
    uint8_t d[32];
    long at, n;
    size_t len;

    memset(d, 0x5a, sizeof(d));
    UNIT_CHECK_EQ(u, event_log_init(&log, buf, sizeof(buf)), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 10, EV_IPL, d, "flaxen: policy", 15), 0);
    UNIT_CHECK_EQ(u, event_log_append(&log, 11, EV_IPL, d, NULL, 0), 0);
    at = event_log_header(buf, log.len, &algs);
    UNIT_CHECK(u, at == 65 && algs.count == 1 && algs.alg[0] == 0x000b && algs.size[0] == 32);
    n = event_log_event(&algs, buf + at, log.len - (size_t)at, &e);
    UNIT_CHECK(u, n == 12 + 2 + 32 + 4 + 15 && e.pcr == 10 && e.type == EV_IPL);
    UNIT_CHECK(u, e.sha256 && !memcmp(e.sha256, d, 32) && e.data_len == 15 &&
                      !memcmp(e.data, "flaxen: policy", 15));
    at += n;
    n = event_log_event(&algs, buf + at, log.len - (size_t)at, &e);
    UNIT_CHECK(u, n == 12 + 2 + 32 + 4 && e.pcr == 11 && e.data_len == 0);
    UNIT_CHECK(u, (size_t)(at + n) == log.len);
    /* Every truncation of an event is refused, never read past. */
    for (size_t cut = 0; cut < (size_t)n; cut++)
        UNIT_CHECK_MSG(u, event_log_event(&algs, buf + at, cut, NULL) == -1, "cut %zu", cut);
    /* ... and of the header. */
    for (size_t cut = 0; cut < 65; cut++)
        UNIT_CHECK_MSG(u, event_log_header(buf, cut, &algs) == -1, "header cut %zu", cut);
    /* A digest of an algorithm the header does not list: its size is unknown. */
    buf[65 + 12] = 0x0c;
    UNIT_CHECK_EQ(u, event_log_event(&algs, buf + 65, log.len - 65, NULL), -1);

    /* Two banks: both digests read, SHA-256 found. */
    len = two_bank_log(buf);
    at = event_log_header(buf, len, &algs);
    UNIT_CHECK(u, at > 0 && algs.count == 2 && algs.size[0] == 20 && algs.size[1] == 32);
    n = event_log_event(&algs, buf + at, len - (size_t)at, &e);
    UNIT_CHECK(u, n > 0 && (size_t)(at + n) == len && e.pcr == 4 && e.sha256 &&
                      e.sha256[0] == 0x22 && e.sha256[31] == 0x22 && e.data_len == 5);
    /* A header naming no algorithm, or too many, is refused. */
    buf[32 + 24] = 0;
    UNIT_CHECK_EQ(u, event_log_header(buf, len, &algs), -1);
    buf[32 + 24] = EVENT_LOG_MAX_ALGS + 1;
    UNIT_CHECK_EQ(u, event_log_header(buf, len, &algs), -1);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_handover_check),
    UNIT_CASE(test_handover_apply),
    UNIT_CASE(test_log_reader),
    {0},
};
