/*
 * Benchmark driver for Flaxen's security server (built -O2, no sanitizers).
 *
 *   ss-bench load POLICY ROUNDS              time a full load with validation
 *   ss-bench av POLICY ROUNDS                every (type, type, class) decision
 *   ss-bench one POLICY SCON TCON CLASS N    one decision repeated N times
 *
 * Prints "ns_per_op VALUE". tests/bench/sepol_bench.c does the same with libsepol.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policydb.h"
#include "security.h"

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fprintf(stderr, "ss-bench: cannot read %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        exit(2);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct ss_server *load(const void *image, size_t len)
{
    struct ss_server *s = ss_create();
    struct ss_error err;

    if (!s || ss_load_policy(s, image, len, NULL, &err)) {
        fprintf(stderr, "ss-bench: load failed: %s\n", err.msg);
        exit(2);
    }
    return s;
}

/* SIDs for each type, with the same context choice as flask-query enum. */
static unsigned type_sids(struct ss_server *s, uint32_t *sids)
{
    const struct policydb *p = ss_policy(s);
    uint32_t user = symtab_lookup(&p->symtab[SYM_USERS], "system_u");
    unsigned n = 0;

    for (uint32_t t = 1; t <= p->symtab[SYM_TYPES].nprim; t++) {
        const char *role = "object_r";
        char ctx[512];

        if (p->types[t - 1].attribute)
            continue;
        for (uint32_t r = 1; user && r <= p->symtab[SYM_ROLES].nprim; r++) {
            if (ebitmap_get(&p->users[user - 1].roles, r - 1) &&
                ebitmap_get(&p->roles[r - 1].types, t - 1)) {
                role = policydb_name(p, SYM_ROLES, r);
                break;
            }
        }
        snprintf(ctx, sizeof(ctx), "system_u:%s:%s%s", role, policydb_name(p, SYM_TYPES, t),
                 p->mls ? ":s0" : "");
        if (!ss_context_to_sid(s, ctx, strlen(ctx), &sids[n]))
            n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    size_t len;
    void *image;
    double start, ops = 0;
    volatile uint32_t sink = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: ss-bench load|av|one POLICY ...\n");
        return 2;
    }
    image = read_all(argv[2], &len);
    if (!strcmp(argv[1], "load")) {
        int rounds = atoi(argv[3]);
        start = now_ns();
        for (int i = 0; i < rounds; i++)
            ss_destroy(load(image, len));
        ops = rounds;
    } else if (!strcmp(argv[1], "av")) {
        struct ss_server *s = load(image, len);
        uint32_t *sids = calloc(65536, sizeof(uint32_t));
        unsigned n = type_sids(s, sids);
        uint32_t nclasses = ss_policy(s)->symtab[SYM_CLASSES].nprim;
        int rounds = atoi(argv[3]);

        start = now_ns();
        for (int r = 0; r < rounds; r++) {
            for (unsigned a = 0; a < n; a++) {
                for (unsigned b = 0; b < n; b++) {
                    for (uint32_t c = 1; c <= nclasses; c++) {
                        struct ss_av_decision avd;
                        ss_compute_av(s, sids[a], sids[b], c, &avd, NULL);
                        sink ^= avd.allowed;
                    }
                }
            }
        }
        ops = (double)rounds * n * n * nclasses;
        free(sids);
        ss_destroy(s);
    } else if (!strcmp(argv[1], "one") && argc == 7) {
        struct ss_server *s = load(image, len);
        uint32_t ssid, tsid, tclass = ss_class_value(s, argv[5]);
        long count = atol(argv[6]);

        if (!tclass || ss_context_to_sid(s, argv[3], strlen(argv[3]), &ssid) ||
            ss_context_to_sid(s, argv[4], strlen(argv[4]), &tsid)) {
            fprintf(stderr, "ss-bench: bad query\n");
            return 2;
        }
        start = now_ns();
        for (long i = 0; i < count; i++) {
            struct ss_av_decision avd;
            ss_compute_av(s, ssid, tsid, tclass, &avd, NULL);
            sink ^= avd.allowed;
        }
        ops = (double)count;
        ss_destroy(s);
    } else {
        fprintf(stderr, "ss-bench: unknown mode %s\n", argv[1]);
        return 2;
    }
    printf("ns_per_op %.1f\n", (now_ns() - start) / ops);
    free(image);
    return sink == 0xdeadbeef;
}
