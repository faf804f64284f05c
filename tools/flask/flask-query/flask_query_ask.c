/*
 * flask-query's question commands: batch, query and explain.
 */
#include <stdlib.h>
#include <string.h>

#include "flask_query.h"
#include "policydb.h"

#define MAX_WORDS 8

static int split_words(char *line, char **words)
{
    int n = 0;

    for (char *tok = strtok(line, " \t\r\n"); tok && n < MAX_WORDS; tok = strtok(NULL, " \t\r\n"))
        words[n++] = tok;
    return n;
}

static bool to_sid(struct fq_session *fq, const char *ctx, uint32_t *sid)
{
    return ss_context_to_sid(fq->server, ctx, strlen(ctx), sid) == 0;
}

static void batch_bool(struct fq_session *fq, char **w, int n, const char *line)
{
    uint32_t index;

    fputs(line, stdout);
    if (n == 3 && !ss_bool_lookup(fq->server, w[1], &index) &&
        (!strcmp(w[2], "0") || !strcmp(w[2], "1"))) {
        ss_bool_set_pending(fq->server, index, w[2][0] == '1');
        ss_bool_commit(fq->server);
    }
}

static void batch_av(struct fq_session *fq, char **w)
{
    uint32_t ssid, tsid, tclass = ss_class_value(fq->server, w[3]);
    struct ss_av_decision avd;

    printf("av %s %s %s", w[1], w[2], w[3]);
    if (!tclass || !to_sid(fq, w[1], &ssid) || !to_sid(fq, w[2], &tsid) ||
        ss_compute_av(fq->server, ssid, tsid, tclass, &avd, NULL)) {
        puts(" invalid");
        return;
    }
    printf(" 0x%08x 0x%08x 0x%08x\n", avd.allowed, avd.auditallow, avd.auditdeny);
}

static void batch_compute(struct fq_session *fq, char **w, enum ss_compute_kind kind)
{
    uint32_t ssid, tsid, out, tclass = ss_class_value(fq->server, w[3]);
    char *text;

    printf("%s %s %s %s", w[0], w[1], w[2], w[3]);
    if (!tclass || !to_sid(fq, w[1], &ssid) || !to_sid(fq, w[2], &tsid)) {
        puts(" invalid");
        return;
    }
    if (ss_compute_sid(fq->server, ssid, tsid, tclass, kind, &out) ||
        ss_sid_to_context(fq->server, out, &text, NULL)) {
        puts(" error");
        return;
    }
    printf(" %s\n", text);
    ss_free(text);
}

static void batch_ctx(struct fq_session *fq, char **w)
{
    uint32_t sid;
    char *text;

    printf("ctx %s", w[1]);
    if (!to_sid(fq, w[1], &sid) || ss_sid_to_context(fq->server, sid, &text, NULL)) {
        puts(" invalid");
        return;
    }
    printf(" %s\n", text);
    ss_free(text);
}

int fq_cmd_batch(int argc, char **argv)
{
    struct fq_session fq;
    char line[4096], copy[4096], *w[MAX_WORDS];

    if (argc != 1) {
        fprintf(stderr, "usage: flask-query batch POLICY < queries\n");
        return FQ_EXIT_USAGE;
    }
    if (!fq_load(&fq, argv[0]))
        return FQ_EXIT_USAGE;
    while (fgets(line, sizeof(line), stdin)) {
        int n;

        memcpy(copy, line, sizeof(line));
        n = split_words(copy, w);
        if (n == 0 || w[0][0] == '#')
            fputs(line, stdout);
        else if (!strcmp(w[0], "bool"))
            batch_bool(&fq, w, n, line);
        else if (!strcmp(w[0], "av") && n == 4)
            batch_av(&fq, w);
        else if (!strcmp(w[0], "create") && n == 4)
            batch_compute(&fq, w, SS_COMPUTE_CREATE);
        else if (!strcmp(w[0], "member") && n == 4)
            batch_compute(&fq, w, SS_COMPUTE_MEMBER);
        else if (!strcmp(w[0], "change") && n == 4)
            batch_compute(&fq, w, SS_COMPUTE_CHANGE);
        else if (!strcmp(w[0], "ctx") && n == 2)
            batch_ctx(&fq, w);
        else
            printf("unknown %s", line);
    }
    fq_unload(&fq);
    return 0;
}

/* Prints why the denied permissions of one decision were denied. */
static void print_reasons(const struct fq_session *fq, unsigned tclass, unsigned denied,
                          const struct ss_av_explain *why)
{
    for (unsigned b = 0; b < 32; b++) {
        unsigned bit = 1u << b;
        const char *name = ss_perm_name(fq->server, tclass, b);

        if (!(denied & bit) || !name)
            continue;
        printf("  %s: denied, ", name);
        if (why->te_denied & bit)
            puts("no allow rule grants it");
        else if (why->constraint_denied & bit) {
            char *text = fq_constraint_text(
                fq->policy, &fq->policy->classes[tclass - 1].constraints[why->constraint_index[b]]);
            printf("constraint #%u of class %s fails: %s\n", why->constraint_index[b] + 1,
                   ss_class_name(fq->server, tclass), text);
            free(text);
        } else if (why->rbac_denied & bit)
            puts("role change without a role allow rule");
        else if (why->bounds_denied & bit)
            puts("beyond what the bounding (parent) type may do");
        else
            puts("not granted");
    }
}

static int ask(struct fq_session *fq, const char *scon, const char *tcon, const char *cls,
               char **perms, int nperms)
{
    uint32_t ssid, tsid, tclass = ss_class_value(fq->server, cls), requested = 0;
    struct ss_av_decision avd;
    struct ss_av_explain why;

    if (!tclass) {
        fprintf(stderr, "flask-query: unknown class %s\n", cls);
        return FQ_EXIT_USAGE;
    }
    if (!to_sid(fq, scon, &ssid) || !to_sid(fq, tcon, &tsid)) {
        fprintf(stderr, "flask-query: %s is not a valid context in this policy\n",
                to_sid(fq, scon, &ssid) ? tcon : scon);
        return FQ_EXIT_USAGE;
    }
    for (int i = 0; i < nperms; i++) {
        uint32_t bit = ss_perm_bit(fq->server, tclass, perms[i]);
        if (!bit) {
            fprintf(stderr, "flask-query: class %s has no permission %s\n", cls, perms[i]);
            return FQ_EXIT_USAGE;
        }
        requested |= bit;
    }
    if (!nperms)
        requested = fq_class_mask(fq, tclass);
    ss_compute_av(fq->server, ssid, tsid, tclass, &avd, &why);
    printf("scontext=%s tcontext=%s tclass=%s\n", scon, tcon, cls);
    printf("  allowed: ");
    fq_print_perms(stdout, fq, tclass, avd.allowed & requested);
    putchar('\n');
    if (avd.auditallow & avd.allowed & requested) {
        printf("  audited when granted: ");
        fq_print_perms(stdout, fq, tclass, avd.auditallow & avd.allowed & requested);
        putchar('\n');
    }
    if (~avd.auditdeny & ~avd.allowed & requested) {
        printf("  not audited when denied: ");
        fq_print_perms(stdout, fq, tclass, ~avd.auditdeny & ~avd.allowed & requested);
        putchar('\n');
    }
    if (avd.flags & SS_AVD_PERMISSIVE)
        puts("  the source type is permissive: denials are logged, not enforced");
    print_reasons(fq, tclass, requested & ~avd.allowed, &why);
    return (requested & ~avd.allowed) ? 1 : 0;
}

int fq_cmd_query(int argc, char **argv)
{
    struct fq_session fq;
    int rest = fq_open(&fq, argc, argv, 3, -1,
                       "query [-b NAME=0|1]... POLICY SCONTEXT TCONTEXT CLASS [PERM...]");
    int rc;

    if (rest < 0)
        return FQ_EXIT_USAGE;
    rc = ask(&fq, argv[rest], argv[rest + 1], argv[rest + 2], argv + rest + 3, argc - rest - 3);
    fq_unload(&fq);
    return rc;
}
