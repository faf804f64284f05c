/*
 * Helpers of the security server's end-to-end tests (test_server.c,
 * test_server_labels.c): loading a built policy and checking SIDs.
 */
#ifndef FLAXEN_TEST_SERVER_H
#define FLAXEN_TEST_SERVER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "security.h"
#include "unit.h"

static inline unsigned char *read_policy(struct unit *u, const char *rel, size_t *len)
{
    unsigned char *image = unit_read_file(unit_build_path(rel), len);

    UNIT_CHECK_MSG(u, image, "cannot read %s (run make policy)", unit_build_path(rel));
    return image;
}

static inline int load_into(struct unit *u, struct ss_server *s, const char *rel,
                            const struct ss_class_expect *expect, struct ss_error *err)
{
    size_t len;
    unsigned char *image = read_policy(u, rel, &len);
    int rc = -1;

    memset(err, 0, sizeof(*err));
    if (image)
        rc = ss_load_policy(s, image, len, expect, err);
    free(image);
    return rc;
}

/* A server with the policy loaded, or NULL (the failure is recorded). */
static inline struct ss_server *server(struct unit *u, const char *rel)
{
    struct ss_server *s = ss_create();
    struct ss_error err;

    if (s && load_into(u, s, rel, NULL, &err)) {
        UNIT_CHECK_MSG(u, 0, "load %s: %s", rel, err.msg);
        ss_destroy(s);
        return NULL;
    }
    return s;
}

/* The SID of a context string, 0 if refused. */
static inline uint32_t sid_of(struct ss_server *s, const char *str)
{
    uint32_t sid = 0;

    return ss_context_to_sid(s, str, strlen(str), &sid) ? 0 : sid;
}

/* The SID's context is exactly want. */
static inline void expect_context(struct unit *u, const struct ss_server *s, uint32_t sid,
                                  const char *want)
{
    char *got = NULL;
    size_t len = 0;
    int rc = ss_sid_to_context(s, sid, &got, &len);

    UNIT_CHECK_MSG(u, rc == 0 && got && !strcmp(got, want), "SID %u is '%s', want '%s'", sid,
                   rc ? "(none)" : got, want);
    UNIT_CHECK_MSG(u, rc || len == strlen(want), "SID %u: length %zu", sid, len);
    if (!rc)
        ss_free(got);
}

#endif
