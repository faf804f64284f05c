/*
 * The reference side of the benchmarks: the same workloads as ss_bench.c,
 * answered by libsepol (linked statically, built -O2 like ours).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sepol/debug.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>

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
        fprintf(stderr, "sepol-bench: cannot read %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        exit(2);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void load(policydb_t *p, void *image, size_t len)
{
    struct policy_file pf;

    policy_file_init(&pf);
    pf.type = PF_USE_MEMORY;
    pf.data = image;
    pf.len = len;
    if (policydb_init(p) || policydb_read(p, &pf, 0)) {
        fprintf(stderr, "sepol-bench: load failed\n");
        exit(2);
    }
}

static unsigned type_sids(policydb_t *p, sepol_security_id_t *sids)
{
    user_datum_t *user = hashtab_search(p->p_users.table, (hashtab_key_t) "system_u");
    unsigned n = 0;

    for (uint32_t t = 1; t <= p->p_types.nprim; t++) {
        const char *role = "object_r";
        char ctx[512];

        if (!p->type_val_to_struct[t - 1] || p->type_val_to_struct[t - 1]->flavor == TYPE_ATTRIB)
            continue;
        for (uint32_t r = 1; user && r <= p->p_roles.nprim; r++) {
            if (ebitmap_get_bit(&user->roles.roles, r - 1) &&
                ebitmap_get_bit(&p->role_val_to_struct[r - 1]->types.types, t - 1)) {
                role = p->p_role_val_to_name[r - 1];
                break;
            }
        }
        snprintf(ctx, sizeof(ctx), "system_u:%s:%s%s", role, p->p_type_val_to_name[t - 1],
                 p->mls ? ":s0" : "");
        if (sepol_context_to_sid(ctx, strlen(ctx), &sids[n]) == 0)
            n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    static policydb_t pdb;
    static sidtab_t sidt;
    size_t len;
    void *image;
    double start, ops = 0;
    volatile uint32_t sink = 0;

    if (argc < 4)
        return 2;
    image = read_all(argv[2], &len);
    sepol_debug(0);
    if (!strcmp(argv[1], "load")) {
        int rounds = atoi(argv[3]);
        start = now_ns();
        for (int i = 0; i < rounds; i++) {
            policydb_t p;
            load(&p, image, len);
            policydb_destroy(&p);
        }
        ops = rounds;
    } else {
        load(&pdb, image, len);
        sepol_sidtab_init(&sidt);
        sepol_set_policydb(&pdb);
        sepol_set_sidtab(&sidt);
        if (!strcmp(argv[1], "av")) {
            sepol_security_id_t *sids = calloc(65536, sizeof(*sids));
            unsigned n = type_sids(&pdb, sids);
            int rounds = atoi(argv[3]);

            start = now_ns();
            for (int r = 0; r < rounds; r++) {
                for (unsigned a = 0; a < n; a++) {
                    for (unsigned b = 0; b < n; b++) {
                        for (uint32_t c = 1; c <= pdb.p_classes.nprim; c++) {
                            struct sepol_av_decision avd;
                            sepol_compute_av(sids[a], sids[b], (sepol_security_class_t)c,
                                             0xffffffffu, &avd);
                            sink ^= avd.allowed;
                        }
                    }
                }
            }
            ops = (double)rounds * n * n * pdb.p_classes.nprim;
        } else if (!strcmp(argv[1], "one") && argc == 7) {
            sepol_security_id_t ssid, tsid;
            sepol_security_class_t tclass;
            class_datum_t *cls = hashtab_search(pdb.p_classes.table, argv[5]);
            long count = atol(argv[6]);

            if (!cls || sepol_context_to_sid(argv[3], strlen(argv[3]), &ssid) ||
                sepol_context_to_sid(argv[4], strlen(argv[4]), &tsid)) {
                fprintf(stderr, "sepol-bench: bad query\n");
                return 2;
            }
            tclass = (sepol_security_class_t)cls->s.value;
            start = now_ns();
            for (long i = 0; i < count; i++) {
                struct sepol_av_decision avd;
                sepol_compute_av(ssid, tsid, tclass, 0xffffffffu, &avd);
                sink ^= avd.allowed;
            }
            ops = (double)count;
        } else {
            return 2;
        }
    }
    printf("ns_per_op %.1f\n", (now_ns() - start) / ops);
    return sink == 0xdeadbeef;
}
