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

#endif
