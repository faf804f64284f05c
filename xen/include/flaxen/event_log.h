/*
 * The measurement log in the TCG PC Client crypto-agile format (TCG PC Client
 * Platform Firmware Profile, section 10), SHA-256 only: what tpm2_eventlog
 * reads and what a verifier replays against the PCRs. All fields are
 * little-endian.
 *
 *   first event (TCG_PCR_EVENT): PCR 0, EV_NO_ACTION, a 20-byte zero digest,
 *     then the "Spec ID Event03" structure naming one algorithm, SHA-256 (32)
 *   each further event (TCG_PCR_EVENT2): PCR, type, digest count 1,
 *     { TPM_ALG_SHA256, 32-byte digest }, event size, event data
 */
#ifndef FLAXEN_EVENT_LOG_H
#define FLAXEN_EVENT_LOG_H

#include <stddef.h>
#include <stdint.h>

#define EV_NO_ACTION 0x00000003u
#define EV_SEPARATOR 0x00000004u
#define EV_EVENT_TAG 0x00000006u
#define EV_IPL 0x0000000du

/*
 * Gives the log a larger buffer: returns a buffer of at least `want` bytes
 * holding the first `len` bytes of `old` (and frees `old` if it owns it), or
 * NULL when there is no more room.
 */
typedef uint8_t *event_log_grow_fn(uint8_t *old, size_t len, size_t want);

struct event_log {
    uint8_t *buf;
    size_t len, max;
    size_t limit;            /* the most the log may grow to (0: never grows) */
    event_log_grow_fn *grow; /* NULL: never grows */
};

/* Starts a log in buf (max bytes) with its Spec ID header event. 0, or -ENOSPC. */
int event_log_init(struct event_log *log, void *buf, size_t max);

/*
 * Appends one event; when it does not fit, the buffer is grown (doubling, up
 * to log->limit) if log->grow is set. 0, or -ENOSPC (nothing appended) when
 * it still does not fit.
 */
int event_log_append(struct event_log *log, unsigned pcr, uint32_t type, const uint8_t digest[32],
                     const void *data, size_t len);

/* ---------------------------------------------------------------- reading a log */

#define EVENT_LOG_MAX_ALGS 16

/* The digest algorithms a log's Spec ID header lists. */
struct event_log_algs {
    unsigned count;
    uint16_t alg[EVENT_LOG_MAX_ALGS];
    uint16_t size[EVENT_LOG_MAX_ALGS];
};

/*
 * The header event at the start of a crypto-agile log (len bytes): its
 * length, with its algorithms in *algs; -1 when it is not one (no Spec ID
 * Event03, sizes beyond len, no algorithm or more than EVENT_LOG_MAX_ALGS).
 */
long event_log_header(const uint8_t *log, size_t len, struct event_log_algs *algs);

/* One TCG_PCR_EVENT2 as read: its SHA-256 digest is NULL when it has none. */
struct event_log_event {
    uint32_t pcr, type;
    const uint8_t *sha256;
    const uint8_t *data;
    uint32_t data_len;
};

/*
 * The TCG_PCR_EVENT2 at p (at most max bytes): its length, with its fields
 * in *e (may be NULL); -1 when it is cut short or has a digest of an
 * algorithm the header does not list (its size is then unknown).
 */
long event_log_event(const struct event_log_algs *algs, const uint8_t *p, size_t max,
                     struct event_log_event *e);

#endif
