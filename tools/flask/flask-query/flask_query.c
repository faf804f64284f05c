/*
 * flask-query: check, enumerate and query a compiled Xen FLASK policy with
 * Flaxen's own security server (the same code the hypervisor runs).
 *
 *   flask-query check POLICY
 *   flask-query query [-b NAME=0|1]... POLICY SCONTEXT TCONTEXT CLASS [PERM...]
 *   flask-query explain [-b NAME=0|1]... POLICY < denial-lines
 *   flask-query enum [-b NAME=0|1]... POLICY
 *   flask-query enum-trans [-b NAME=0|1]... POLICY
 *   flask-query batch POLICY < queries
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flask/flask_names.h"
#include "flask_query.h"
#include "policydb.h"

static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap ? cap * 2 : 65536);
            if (!bigger) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
            cap = cap ? cap * 2 : 65536;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

bool fq_load(struct fq_session *fq, const char *path)
{
    struct ss_error err = {{0}};
    size_t len = 0;
    void *image = read_file(path, &len);
    int rc;

    memset(fq, 0, sizeof(*fq));
    fq->path = path;
    if (!image) {
        fprintf(stderr, "flask-query: cannot read %s: %s\n", path, strerror(errno));
        return false;
    }
    fq->server = ss_create();
    rc = fq->server ? ss_load_policy(fq->server, image, len, NULL, &err) : -SS_ENOMEM;
    free(image);
    if (rc) {
        fprintf(stderr, "flask-query: %s: policy rejected: %s\n", path,
                err.msg[0] ? err.msg : "out of memory");
        ss_destroy(fq->server);
        fq->server = NULL;
        return false;
    }
    fq->policy = ss_policy(fq->server);
    return true;
}

void fq_unload(struct fq_session *fq)
{
    ss_destroy(fq->server);
    memset(fq, 0, sizeof(*fq));
}

bool fq_apply_bools(struct fq_session *fq, char **settings, int count)
{
    for (int i = 0; i < count; i++) {
        char *eq = strchr(settings[i], '=');
        uint32_t index;

        if (!eq || (strcmp(eq + 1, "0") && strcmp(eq + 1, "1"))) {
            fprintf(stderr, "flask-query: -b takes NAME=0 or NAME=1, not %s\n", settings[i]);
            return false;
        }
        *eq = '\0';
        if (ss_bool_lookup(fq->server, settings[i], &index)) {
            fprintf(stderr, "flask-query: the policy has no boolean %s\n", settings[i]);
            *eq = '=';
            return false;
        }
        *eq = '=';
        ss_bool_set_pending(fq->server, index, eq[1] == '1');
    }
    if (count)
        ss_bool_commit(fq->server);
    return true;
}

unsigned fq_class_mask(const struct fq_session *fq, unsigned tclass)
{
    unsigned n = fq->policy->classes[tclass - 1].nperms;

    return n >= 32 ? 0xffffffffu : (1u << n) - 1;
}

void fq_print_perms(FILE *out, const struct fq_session *fq, unsigned tclass, unsigned mask)
{
    fputs("{", out);
    for (unsigned b = 0; b < 32; b++) {
        if (!(mask & (1u << b)))
            continue;
        const char *name = ss_perm_name(fq->server, tclass, b);
        if (name)
            fprintf(out, " %s", name);
        else
            fprintf(out, " 0x%x", 1u << b);
    }
    fputs(" }", out);
}

int fq_open(struct fq_session *fq, int argc, char **argv, int min_after, int max_after,
            const char *usage)
{
    char **bools = calloc((size_t)argc + 1, sizeof(char *));
    int first = 0, nbools = 0, after;

    memset(fq, 0, sizeof(*fq));
    while (bools && first + 1 < argc && !strcmp(argv[first], "-b")) {
        bools[nbools++] = argv[first + 1];
        first += 2;
    }
    after = argc - first - 1;
    if (!bools || after < min_after || (max_after >= 0 && after > max_after)) {
        fprintf(stderr, "usage: flask-query %s\n", usage);
        free(bools);
        return -1;
    }
    if (!fq_load(fq, argv[first]) || !fq_apply_bools(fq, bools, nbools)) {
        free(bools);
        if (fq->server)
            fq_unload(fq);
        return -1;
    }
    free(bools);
    return first + 1;
}

static void print_hypervisor_match(const struct fq_session *fq)
{
    for (unsigned v = 1; v <= SECCLASS_NUM; v++) {
        const char *have = policydb_name(fq->policy, SYM_CLASSES, v);

        if (!have || strcmp(have, flask_class_names[v])) {
            printf("hypervisor classes: MISMATCH at class %u (%s, expected %s)\n", v,
                   have ? have : "missing", flask_class_names[v]);
            return;
        }
        for (unsigned b = 0; flask_perm_names[v][b]; b++) {
            const char *perm = ss_perm_name(fq->server, v, b);
            if (!perm || strcmp(perm, flask_perm_names[v][b])) {
                printf("hypervisor classes: MISMATCH at %s permission %u (%s, expected %s)\n", have,
                       b, perm ? perm : "missing", flask_perm_names[v][b]);
                return;
            }
        }
    }
    printf("hypervisor classes: match Flaxen's %u classes\n", (unsigned)SECCLASS_NUM);
}

static void count_rules(const struct avtab *a, unsigned counts[8])
{
    static const unsigned kinds[] = {AVTAB_ALLOWED,    AVTAB_AUDITALLOW, AVTAB_AUDITDENY,
                                     AVTAB_TRANSITION, AVTAB_MEMBER,     AVTAB_CHANGE};

    for (uint32_t i = 0; i < a->count; i++) {
        for (unsigned k = 0; k < 6; k++) {
            if ((a->entries[i].specified & ~AVTAB_ENABLED) == kinds[k])
                counts[k]++;
        }
    }
}

int fq_cmd_check(int argc, char **argv)
{
    struct fq_session fq;
    const struct policydb *p;
    unsigned types = 0, attrs = 0, cons = 0, rules[8] = {0}, cond_rules[8] = {0};
    static const char *const unknown[] = {"deny", "reject", "allow"};

    if (argc != 1) {
        fprintf(stderr, "usage: flask-query check POLICY\n");
        return FQ_EXIT_USAGE;
    }
    if (!fq_load(&fq, argv[0]))
        return 1;
    p = fq.policy;
    for (uint32_t t = 0; t < p->symtab[SYM_TYPES].nprim; t++)
        p->types[t].attribute ? attrs++ : types++;
    for (uint32_t c = 0; c < p->symtab[SYM_CLASSES].nprim; c++)
        cons += p->classes[c].nconstraints;
    count_rules(&p->te, rules);
    count_rules(&p->te_cond, cond_rules);
    printf("policy: %s\n", argv[0]);
    printf("version: %u (XenFlask)\nmls: %s\nhandle_unknown: %s\n", p->version,
           p->mls ? "yes" : "no", unknown[p->handle_unknown]);
    printf("classes: %u\ntypes: %u\nattributes: %u\nroles: %u\nusers: %u\n",
           p->symtab[SYM_CLASSES].nprim, types, attrs, p->symtab[SYM_ROLES].nprim,
           p->symtab[SYM_USERS].nprim);
    printf("booleans: %u\n", p->symtab[SYM_BOOLS].nprim);
    for (uint32_t b = 1; b <= p->symtab[SYM_BOOLS].nprim; b++)
        printf("  %s = %d\n", policydb_name(p, SYM_BOOLS, b), p->bools[b - 1].state);
    if (p->mls)
        printf("sensitivities: %u\ncategories: %u\n", p->symtab[SYM_LEVELS].nprim,
               p->symtab[SYM_CATS].nprim);
    printf("rules: allow %u, auditallow %u, dontaudit %u, type_transition %u, type_member %u, "
           "type_change %u\n",
           rules[0], rules[1], rules[2], rules[3], rules[4], rules[5]);
    printf("conditionals: %u (%u rules)\n", p->ncond, p->te_cond.count);
    printf("constraints: %u\nrole transitions: %u\nrole allows: %u\nrange transitions: %u\n", cons,
           p->nrole_trans, p->nrole_allow, p->nrange_trans);
    printf("object contexts: isid %u, pirq %u, ioport %u, iomem %u, pcidevice %u, devicetree %u\n",
           p->ocon[0].count, p->ocon[1].count, p->ocon[2].count, p->ocon[3].count, p->ocon[4].count,
           p->ocon[5].count);
    print_hypervisor_match(&fq);
    fq_unload(&fq);
    return 0;
}

/* The context enum uses for type t: system_u with its first role that has t, else object_r. */
static bool enum_context(const struct fq_session *fq, uint32_t t, char *buf, size_t size)
{
    const struct policydb *p = fq->policy;
    uint32_t user = symtab_lookup(&p->symtab[SYM_USERS], "system_u");
    const char *role = "object_r";

    if (p->types[t - 1].attribute)
        return false;
    for (uint32_t r = 1; user && r <= p->symtab[SYM_ROLES].nprim; r++) {
        if (ebitmap_get(&p->users[user - 1].roles, r - 1) &&
            ebitmap_get(&p->roles[r - 1].types, t - 1)) {
            role = policydb_name(p, SYM_ROLES, r);
            break;
        }
    }
    snprintf(buf, size, "system_u:%s:%s%s", role, policydb_name(p, SYM_TYPES, t),
             p->mls ? ":s0" : "");
    return true;
}

static void print_computed(struct fq_session *fq, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                           enum ss_compute_kind kind)
{
    uint32_t sid;
    char *text;

    if (ss_compute_sid(fq->server, ssid, tsid, tclass, kind, &sid) ||
        ss_sid_to_context(fq->server, sid, &text, NULL)) {
        fputs(" -", stdout);
        return;
    }
    printf(" %s", text);
    ss_free(text);
}

int fq_cmd_enum(int argc, char **argv, bool transitions)
{
    struct fq_session fq;
    char ctx[512];
    int rest = fq_open(&fq, argc, argv, 0, 0,
                       transitions ? "enum-trans [-b NAME=0|1]... POLICY"
                                   : "enum [-b NAME=0|1]... POLICY");
    uint32_t ntypes, nclasses, *sids;

    if (rest < 0)
        return FQ_EXIT_USAGE;
    ntypes = fq.policy->symtab[SYM_TYPES].nprim;
    nclasses = fq.policy->symtab[SYM_CLASSES].nprim;
    sids = calloc(ntypes + 1, sizeof(uint32_t));
    printf("# flask-query %s %s\n# version %u mls %s\n", transitions ? "enum-trans" : "enum",
           argv[rest - 1], fq.policy->version, fq.policy->mls ? "yes" : "no");
    for (uint32_t t = 1; t <= ntypes; t++) {
        if (enum_context(&fq, t, ctx, sizeof(ctx)) &&
            ss_context_to_sid(fq.server, ctx, strlen(ctx), &sids[t]))
            sids[t] = 0;
    }
    for (uint32_t s = 1; s <= ntypes; s++) {
        for (uint32_t t = 1; sids[s] && t <= ntypes; t++) {
            for (uint32_t c = 1; sids[t] && c <= nclasses; c++) {
                const char *sn = policydb_name(fq.policy, SYM_TYPES, s);
                const char *tn = policydb_name(fq.policy, SYM_TYPES, t);
                const char *cn = policydb_name(fq.policy, SYM_CLASSES, c);
                struct ss_av_decision avd;

                if (transitions) {
                    printf("%s %s %s", sn, tn, cn);
                    print_computed(&fq, sids[s], sids[t], c, SS_COMPUTE_CREATE);
                    print_computed(&fq, sids[s], sids[t], c, SS_COMPUTE_MEMBER);
                    print_computed(&fq, sids[s], sids[t], c, SS_COMPUTE_CHANGE);
                    putchar('\n');
                    continue;
                }
                ss_compute_av(fq.server, sids[s], sids[t], c, &avd, NULL);
                printf("%s %s %s 0x%08x 0x%08x 0x%08x\n", sn, tn, cn, avd.allowed, avd.auditallow,
                       avd.auditdeny);
            }
        }
    }
    free(sids);
    fq_unload(&fq);
    return 0;
}

static void usage(void)
{
    fprintf(
        stderr,
        "usage: flask-query COMMAND ...\n"
        "  check POLICY                      load, validate and summarise a policy\n"
        "  query [-b NAME=0|1]... POLICY SCONTEXT TCONTEXT CLASS [PERM...]\n"
        "                                    the decision per permission, and why\n"
        "  explain [-b NAME=0|1]... POLICY < denials  why each AVC denial happened, and the fix\n"
        "  enum [-b NAME=0|1]... POLICY      every (source, target, class) decision\n"
        "  enum-trans [-b NAME=0|1]... POLICY  every computed create/member/change label\n"
        "  batch POLICY < queries            answer av/create/member/change/ctx/bool lines\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return FQ_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "check"))
        return fq_cmd_check(argc - 2, argv + 2);
    if (!strcmp(argv[1], "enum"))
        return fq_cmd_enum(argc - 2, argv + 2, false);
    if (!strcmp(argv[1], "enum-trans"))
        return fq_cmd_enum(argc - 2, argv + 2, true);
    if (!strcmp(argv[1], "batch"))
        return fq_cmd_batch(argc - 2, argv + 2);
    if (!strcmp(argv[1], "query"))
        return fq_cmd_query(argc - 2, argv + 2);
    if (!strcmp(argv[1], "explain"))
        return fq_cmd_explain(argc - 2, argv + 2);
    usage();
    return FQ_EXIT_USAGE;
}
