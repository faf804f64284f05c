/*
 * A bounded little-endian cursor over a binary policy image.
 *
 * Every read checks the remaining length first; the first failure is sticky
 * and records where and what was being read, so the loader can name it.
 */
#ifndef FLAXEN_SS_READER_H
#define FLAXEN_SS_READER_H

#include "ss_platform.h"

struct reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    struct ss_error *err; /* where a failure is described (may be NULL) */
    bool failed;
    const char *what; /* the section being read, for messages */
};

void reader_init(struct reader *r, const void *data, size_t len, struct ss_error *err);

/* Each returns 0, or -SS_EINVAL when the image ends early (and records it). */
int reader_u16(struct reader *r, uint16_t *out);
int reader_u32(struct reader *r, uint32_t *out);
int reader_u64(struct reader *r, uint64_t *out);
int reader_u32s(struct reader *r, uint32_t *out, size_t count);
/* Reads a string of `len` bytes (no NUL in it) into a fresh NUL-terminated copy. */
int reader_string(struct reader *r, uint32_t len, char **out);
/* Records a validation failure at the current position; returns -SS_EINVAL. */
int reader_fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The longest symbol name or device-tree path a policy may hold. */
#define READER_MAX_STRING 4096

#endif
