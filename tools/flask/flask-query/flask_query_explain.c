/*
 * flask-query explain: for each AVC denial line, why it was denied and the
 * smallest change that would permit it (an allow rule, a role allow rule,
 * or a boolean to set).
 */
#include <stdlib.h>
#include <string.h>

#include "flask_query.h"
#include "policydb.h"

struct denial {
    char perms[32][64];
    int nperms;
    char scontext[512], tcontext[512], tclass[64];
};

/* Copies the value of "key=VALUE" (up to a space) from line into out. */
static bool field(const char *line, const char *key, char *out, size_t size)
{
    const char *p = strstr(line, key);
    size_t n = 0;

    if (!p)
        return false;
    p += strlen(key);
    while (p[n] && p[n] != ' ' && p[n] != '\n' && p[n] != '\r')
        n++;
    if (n == 0 || n >= size)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static bool parse_denial(const char *line, struct denial *d)
{
    const char *open = strstr(line, "avc:"), *close;
    char buf[2048];

    memset(d, 0, sizeof(*d));
    if (!open || !strstr(open, "denied") || !(open = strchr(open, '{')) ||
        !(close = strchr(open, '}')) || (size_t)(close - open) >= sizeof(buf))
        return false;
    memcpy(buf, open + 1, (size_t)(close - open - 1));
    buf[close - open - 1] = '\0';
    for (char *tok = strtok(buf, " "); tok && d->nperms < 32; tok = strtok(NULL, " ")) {
        if (strlen(tok) < sizeof(d->perms[0]))
            strcpy(d->perms[d->nperms++], tok);
    }
    return d->nperms && field(close, "scontext=", d->scontext, sizeof(d->scontext)) &&
           field(close, "tcontext=", d->tcontext, sizeof(d->tcontext)) &&
           field(close, "tclass=", d->tclass, sizeof(d->tclass));
}

static const char *type_of(const char *context, char *buf, size_t size)
{
    const char *p = strchr(context, ':');
    size_t n = 0;

    p = p ? strchr(p + 1, ':') : NULL;
    if (!p)
        return "?";
    p++;
    while (p[n] && p[n] != ':' && n + 1 < size)
        n++;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static const char *role_of(const char *context, char *buf, size_t size)
{
    const char *p = strchr(context, ':');
    size_t n = 0;

    if (!p)
        return "?";
    p++;
    while (p[n] && p[n] != ':' && n + 1 < size)
        n++;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* Booleans whose flip alone would grant every still-denied bit. */
static void suggest_booleans(struct fq_session *fq, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                             uint32_t denied)
{
    for (uint32_t i = 0; i < ss_bool_count(fq->server); i++) {
        struct ss_av_decision avd;
        bool active;

        ss_bool_get(fq->server, i, &active, NULL);
        ss_bool_set_pending(fq->server, i, !active);
        ss_bool_commit(fq->server);
        ss_compute_av(fq->server, ssid, tsid, tclass, &avd, NULL);
        ss_bool_set_pending(fq->server, i, active);
        ss_bool_commit(fq->server);
        if ((avd.allowed & denied) == denied)
            printf("  fix: set boolean %s=%d (flask-set-bool %s %d)\n", ss_bool_name(fq->server, i),
                   !active, ss_bool_name(fq->server, i), !active);
    }
}

static void explain_one(struct fq_session *fq, const struct denial *d)
{
    uint32_t ssid, tsid, tclass = ss_class_value(fq->server, d->tclass), denied = 0;
    struct ss_av_decision avd;
    struct ss_av_explain why;
    char st[256], tt[256], sr[256], tr[256];

    printf("denial: { ");
    for (int i = 0; i < d->nperms; i++)
        printf("%s ", d->perms[i]);
    printf("} scontext=%s tcontext=%s tclass=%s\n", d->scontext, d->tcontext, d->tclass);
    if (!tclass || ss_context_to_sid(fq->server, d->scontext, strlen(d->scontext), &ssid) ||
        ss_context_to_sid(fq->server, d->tcontext, strlen(d->tcontext), &tsid)) {
        puts("  not explainable: a context or the class is unknown to this policy");
        return;
    }
    for (int i = 0; i < d->nperms; i++)
        denied |= ss_perm_bit(fq->server, tclass, d->perms[i]);
    ss_compute_av(fq->server, ssid, tsid, tclass, &avd, &why);
    denied &= ~avd.allowed;
    if (!denied) {
        puts("  this policy allows it now (the denial came from another policy, boolean setting "
             "or permissive mode)");
        return;
    }
    type_of(d->scontext, st, sizeof(st));
    type_of(d->tcontext, tt, sizeof(tt));
    if (denied & why.te_denied) {
        printf("  reason: no allow rule\n  fix: allow %s %s:%s ", st,
               !strcmp(d->scontext, d->tcontext) ? "self" : tt, d->tclass);
        fq_print_perms(stdout, fq, tclass, denied & why.te_denied);
        puts(";");
        suggest_booleans(fq, ssid, tsid, tclass, denied & why.te_denied);
    }
    for (unsigned b = 0; b < 32; b++) {
        if ((denied & why.constraint_denied) & (1u << b)) {
            const struct class_datum *cls = &fq->policy->classes[tclass - 1];
            char *text = fq_constraint_text(fq->policy, &cls->constraints[why.constraint_index[b]]);

            printf("  reason: %s is refused by constraint #%u of class %s: %s\n"
                   "  fix: an allow rule cannot help; change the labels or the constraint\n",
                   ss_perm_name(fq->server, tclass, b), why.constraint_index[b] + 1, d->tclass,
                   text);
            free(text);
        }
    }
    if (denied & why.rbac_denied)
        printf("  reason: the role changes without permission\n  fix: allow %s %s;\n",
               role_of(d->scontext, sr, sizeof(sr)), role_of(d->tcontext, tr, sizeof(tr)));
    if (denied & why.bounds_denied)
        printf("  reason: %s is bounded and its parent type may not do this; grant it to the "
               "parent first\n",
               st);
}

int fq_cmd_explain(int argc, char **argv)
{
    struct fq_session fq;
    char line[4096];
    int seen = 0;

    if (fq_open(&fq, argc, argv, 0, 0, "explain [-b NAME=0|1]... POLICY < denial-lines") < 0)
        return FQ_EXIT_USAGE;
    while (fgets(line, sizeof(line), stdin)) {
        struct denial d;

        if (!parse_denial(line, &d))
            continue;
        explain_one(&fq, &d);
        seen++;
    }
    if (!seen)
        fprintf(stderr, "flask-query: no AVC denial lines on standard input\n");
    fq_unload(&fq);
    return seen ? 0 : 1;
}
