/*
 * sepol-ref: the reference oracle for Flaxen's FLASK security server.
 *
 * Every decision printed here is computed by libsepol itself (linked
 * statically), so that the output of our own flask-query can be diffed
 * against it.  The output formats are a contract shared with flask-query;
 * see tests/policy/README.md.
 *
 *   sepol-ref enum       [-b NAME=0|1]... POLICY
 *   sepol-ref enum-trans [-b NAME=0|1]... POLICY
 *   sepol-ref batch      POLICY            (queries on stdin)
 *   sepol-ref gen-queries SEED COUNT POLICY
 *
 * Exit status: 0 success, 2 usage error / bad input / policy not loadable.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * libsepol's headers live in /usr/include and are therefore system headers
 * for the compiler; the pragmas keep them quiet even if someone builds with
 * -I pointing at a copy.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <sepol/debug.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/context.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/flask_types.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#pragma GCC diagnostic pop

#define EXIT_USAGE 2

#include "sepol_ref.h"

policydb_t pdb;
sidtab_t sidt;
static const char *policy_path;

void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("sepol-ref: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_USAGE);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        die("out of memory");
    return p;
}

void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);

    if (!p)
        die("out of memory");
    return p;
}

/* ------------------------------------------------------------ loading */

void load_policy(const char *path)
{
    struct policy_file pf;
    FILE *fp;

    policy_path = path;
    fp = fopen(path, "rb");
    if (!fp)
        die("cannot open %s: %s", path, strerror(errno));
    policy_file_init(&pf);
    pf.type = PF_USE_STDIO;
    pf.fp = fp;
    if (policydb_init(&pdb))
        die("policydb_init failed");
    /* let libsepol say why a policy does not load; be quiet afterwards */
    sepol_debug(1);
    if (policydb_read(&pdb, &pf, 0))
        die("cannot read binary policy %s", path);
    sepol_debug(0);
    fclose(fp);
    if (pdb.policy_type != POLICY_KERN)
        die("%s is not a kernel (binary) policy", path);
    if (sepol_sidtab_init(&sidt))
        die("sidtab init failed");
    sepol_set_policydb(&pdb);
    sepol_set_sidtab(&sidt);
}

/* ------------------------------------------------------------ helpers */

int is_real_type(uint32_t val)
{
    type_datum_t *t = pdb.type_val_to_struct[val - 1];

    return t && t->flavor != TYPE_ATTRIB && pdb.p_type_val_to_name[val - 1];
}

/* Convert a context string to a SID; 0 when libsepol rejects it. */
static sepol_security_id_t ctx_to_sid(const char *s)
{
    sepol_security_id_t sid = 0;

    /*
     * "<<none>>" makes libsepol's string parser return success with no
     * record, and context_from_record then dereferences NULL; treat it
     * as rejected instead of crashing.
     */
    if (!*s || !strcmp(s, "<<none>>"))
        return 0;
    if (sepol_context_to_sid(s, strlen(s), &sid) < 0)
        return 0;
    return sid;
}

/*
 * One MLS level in the canonical form: runs of three or more categories as
 * cA.cB, runs of two as cA,cB. libsepol 3.4's own printer is not used here:
 * it skips empty 64-bit blocks while tracking runs, so a run ending on bit
 * 64k+63 runs on into the next non-empty block ({c62,c63,c128} prints as
 * c62.c128), a string that does not parse back to the same set. The context
 * itself is still the one libsepol computed.
 */
static void put_level(FILE *out, const mls_level_t *l)
{
    uint32_t run_start = 0, run_len = 0;
    int first = 1;

    fputs(pdb.p_sens_val_to_name[l->sens - 1], out);
    for (uint32_t bit = 0; bit < ebitmap_length(&l->cat); bit++) {
        if (!ebitmap_get_bit(&l->cat, bit))
            continue;
        if (run_len && bit == run_start + run_len) {
            run_len++;
            continue;
        }
        if (run_len > 1)
            fprintf(out, "%c%s", run_len > 2 ? '.' : ',',
                    pdb.p_cat_val_to_name[run_start + run_len - 1]);
        fprintf(out, "%c%s", first ? ':' : ',', pdb.p_cat_val_to_name[bit]);
        first = 0;
        run_start = bit;
        run_len = 1;
    }
    if (run_len > 1)
        fprintf(out, "%c%s", run_len > 2 ? '.' : ',',
                pdb.p_cat_val_to_name[run_start + run_len - 1]);
}

/* Canonical string of a SID's context, as libsepol holds it (caller frees); NULL on failure. */
static char *sid_to_str(sepol_security_id_t sid)
{
    context_struct_t *c = sepol_sidtab_search(&sidt, sid);
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    if (!c || !(out = open_memstream(&text, &len)))
        return NULL;
    fprintf(out, "%s:%s:%s", pdb.p_user_val_to_name[c->user - 1],
            pdb.p_role_val_to_name[c->role - 1], pdb.p_type_val_to_name[c->type - 1]);
    if (pdb.mls) {
        fputc(':', out);
        put_level(out, &c->range.level[0]);
        if (!mls_level_eq(&c->range.level[0], &c->range.level[1])) {
            fputc('-', out);
            put_level(out, &c->range.level[1]);
        }
    }
    fclose(out);
    return text;
}

static int class_lookup(const char *name, sepol_security_class_t *cls)
{
    class_datum_t *c = hashtab_search(pdb.p_classes.table, (hashtab_key_t)name);

    if (!c)
        return -1;
    *cls = (sepol_security_class_t)c->s.value;
    return 0;
}

/* Set a boolean by name and re-evaluate the conditionals; -1 if unknown. */
static int set_bool(const char *name, int value)
{
    cond_bool_datum_t *b = hashtab_search(pdb.p_bools.table, (hashtab_key_t)name);

    if (!b)
        return -1;
    b->state = value ? 1 : 0;
    if (evaluate_conds(&pdb))
        die("evaluate_conds failed");
    return 0;
}

/*
 * Access vector computation.
 *
 * libsepol 3.4 computes the vector of a bounded type's parent with a NULL
 * "reason" pointer and then, if that parent is itself bounded and loses
 * permissions to its own parent, writes through that NULL pointer
 * (type_attribute_bounds_av; fixed upstream by commit f505a73b, libsepol
 * 3.5).  So when the parent of the source type is bounded too, the oracle
 * walks the chain itself, with libsepol computing every link:
 *   - the source's own vector, computed with its bound hidden, and
 *   - the (recursively computed) vector of the context whose type is the
 *     source's parent and, if the target type is bounded, whose target type
 *     is the target's parent;
 * the result keeps the allowed bits present in both, exactly as fixed
 * libsepol does (auditallow/auditdeny come from the source's own vector).
 * Contexts of a single-level bound go straight to sepol_compute_av.
 */
static int compute_av(sepol_security_id_t ssid, sepol_security_id_t tsid,
                      sepol_security_class_t cls, struct sepol_av_decision *avd)
{
    context_struct_t *sc = sepol_sidtab_search(&sidt, ssid);
    context_struct_t *tc = sepol_sidtab_search(&sidt, tsid);
    type_datum_t *src, *tgt, *parent;
    struct sepol_av_decision lo;
    context_struct_t lo_s, lo_t;
    sepol_security_id_t lo_ssid, lo_tsid;
    uint32_t saved;
    int rc;

    memset(avd, 0, sizeof(*avd));
    if (!sc || !tc)
        return -1;
    src = pdb.type_val_to_struct[sc->type - 1];
    parent = src->bounds ? pdb.type_val_to_struct[src->bounds - 1] : NULL;
    if (!parent || !parent->bounds)
        return sepol_compute_av(ssid, tsid, cls, 0xffffffffu, avd);

    saved = src->bounds;
    src->bounds = 0;
    rc = sepol_compute_av(ssid, tsid, cls, 0xffffffffu, avd);
    src->bounds = saved;
    if (rc < 0)
        return rc;

    /* the sidtab may grow (and move) below: no pointers into it past here */
    context_init(&lo_s);
    context_init(&lo_t);
    if (context_cpy(&lo_s, sc) || context_cpy(&lo_t, tc))
        die("out of memory");
    lo_s.type = saved;
    tgt = pdb.type_val_to_struct[lo_t.type - 1];
    if (tgt->bounds)
        lo_t.type = tgt->bounds;
    if (sepol_sidtab_context_to_sid(&sidt, &lo_s, &lo_ssid) ||
        sepol_sidtab_context_to_sid(&sidt, &lo_t, &lo_tsid))
        die("out of memory");
    context_destroy(&lo_s);
    context_destroy(&lo_t);
    rc = compute_av(lo_ssid, lo_tsid, cls, &lo);
    if (rc < 0)
        return rc;
    avd->allowed &= lo.allowed;
    return 0;
}

/* ------------------------------------------------------------ enum */

struct enum_ctx {
    uint32_t ntypes;
    sepol_security_id_t *sid; /* by type value - 1; 0 = skipped */
};

/*
 * The role used for type T: the first role (by value) that system_u is
 * authorised for and whose type set contains T; object_r otherwise.
 */
static void build_enum_sids(struct enum_ctx *e)
{
    user_datum_t *sys = hashtab_search(pdb.p_users.table, (hashtab_key_t) "system_u");
    uint32_t t, r;

    e->ntypes = pdb.p_types.nprim;
    e->sid = xcalloc(e->ntypes, sizeof(*e->sid));
    for (t = 1; t <= e->ntypes; t++) {
        const char *role = "object_r";
        char *buf;
        size_t len;

        if (!is_real_type(t))
            continue;
        if (sys) {
            for (r = 1; r <= pdb.p_roles.nprim; r++) {
                role_datum_t *rd = pdb.role_val_to_struct[r - 1];

                if (!rd || !ebitmap_get_bit(&sys->cache, r - 1))
                    continue;
                if (ebitmap_get_bit(&rd->cache, t - 1)) {
                    role = pdb.p_role_val_to_name[r - 1];
                    break;
                }
            }
        }
        len = strlen(role) + strlen(pdb.p_type_val_to_name[t - 1]) + 32;
        buf = xmalloc(len);
        snprintf(buf, len, "system_u:%s:%s%s", role, pdb.p_type_val_to_name[t - 1],
                 pdb.mls ? ":s0" : "");
        e->sid[t - 1] = ctx_to_sid(buf);
        free(buf);
    }
}

static const char *handle_unknown_name(unsigned h)
{
    switch (h) {
    case SEPOL_DENY_UNKNOWN:
        return "deny";
    case SEPOL_REJECT_UNKNOWN:
        return "reject";
    case SEPOL_ALLOW_UNKNOWN:
        return "allow";
    default:
        return "?";
    }
}

static void print_header(const char *cmd)
{
    uint32_t i;

    printf("# sepol-ref %s\n", cmd);
    printf("# policy %s\n", policy_path);
    printf("# policyvers %u target %s mls %s handle_unknown %s\n", pdb.policyvers,
           pdb.target_platform == SEPOL_TARGET_XEN ? "xen" : "selinux", pdb.mls ? "yes" : "no",
           handle_unknown_name(pdb.handle_unknown));
    for (i = 0; i < pdb.p_bools.nprim; i++)
        printf("# bool %s=%d\n", pdb.p_bool_val_to_name[i], pdb.bool_val_to_struct[i]->state);
}

static void print_or_dash(sepol_security_id_t out, int rc)
{
    char *s;

    if (rc < 0) {
        fputs(" -", stdout);
        return;
    }
    s = sid_to_str(out);
    if (!s) {
        fputs(" -", stdout);
        return;
    }
    printf(" %s", s);
    free(s);
}

static int cmd_enum(int argc, char **argv, int trans)
{
    struct enum_ctx e;
    const char *path = NULL;
    uint32_t s, t, c;
    int i;

    /* -b options may come before or after the policy; they apply once it is loaded */
    for (i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-b")) {
            if (++i >= argc)
                die("-b needs NAME=0|1");
        } else if (!path) {
            path = argv[i];
        } else {
            die("unexpected argument %s", argv[i]);
        }
    }
    if (!path)
        die("missing POLICY");
    load_policy(path);
    for (i = 0; i < argc; i++) {
        char *eq, *name;
        int v;

        if (strcmp(argv[i], "-b"))
            continue;
        name = argv[++i];
        eq = strchr(name, '=');
        if (!eq || (strcmp(eq + 1, "0") && strcmp(eq + 1, "1")))
            die("bad boolean setting %s (want NAME=0|1)", name);
        *eq = '\0';
        v = eq[1] == '1';
        if (set_bool(name, v) < 0)
            die("unknown boolean %s", name);
        *eq = '=';
    }

    print_header(trans ? "enum-trans" : "enum");
    build_enum_sids(&e);
    for (s = 1; s <= e.ntypes; s++) {
        if (!e.sid[s - 1])
            continue;
        for (t = 1; t <= e.ntypes; t++) {
            if (!e.sid[t - 1])
                continue;
            for (c = 1; c <= pdb.p_classes.nprim; c++) {
                const char *sn = pdb.p_type_val_to_name[s - 1];
                const char *tn = pdb.p_type_val_to_name[t - 1];
                const char *cn = pdb.p_class_val_to_name[c - 1];

                if (!trans) {
                    struct sepol_av_decision avd;

                    memset(&avd, 0, sizeof(avd));
                    if (compute_av(e.sid[s - 1], e.sid[t - 1], (sepol_security_class_t)c, &avd) < 0)
                        die("compute_av failed for %s %s %s", sn, tn, cn);
                    printf("%s %s %s 0x%08x 0x%08x 0x%08x\n", sn, tn, cn, avd.allowed,
                           avd.auditallow, avd.auditdeny);
                } else {
                    sepol_security_id_t out = 0;
                    int rc;

                    printf("%s %s %s", sn, tn, cn);
                    rc = sepol_transition_sid(e.sid[s - 1], e.sid[t - 1], (sepol_security_class_t)c,
                                              &out);
                    print_or_dash(out, rc);
                    out = 0;
                    rc = sepol_member_sid(e.sid[s - 1], e.sid[t - 1], (sepol_security_class_t)c,
                                          &out);
                    print_or_dash(out, rc);
                    out = 0;
                    rc = sepol_change_sid(e.sid[s - 1], e.sid[t - 1], (sepol_security_class_t)c,
                                          &out);
                    print_or_dash(out, rc);
                    putchar('\n');
                }
            }
        }
    }
    free(e.sid);
    if (fflush(stdout))
        die("write error");
    return 0;
}

/* ------------------------------------------------------------ batch */

#define MAX_WORDS 8

static int split_words(char *line, char **w)
{
    int n = 0;
    char *p = line;

    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (n == MAX_WORDS)
            return MAX_WORDS + 1;
        w[n++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static void batch_line(char *line, unsigned long lineno)
{
    char *orig, *w[MAX_WORDS];
    int n;
    const char *p = line;

    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#') {
        printf("%s\n", line);
        return;
    }
    orig = strdup(line);
    if (!orig)
        die("out of memory");
    n = split_words(line, w);

    if (!strcmp(w[0], "bool")) {
        if (n != 3 || (strcmp(w[2], "0") && strcmp(w[2], "1")))
            die("line %lu: malformed: %s", lineno, orig);
        if (set_bool(w[1], w[2][0] == '1') < 0)
            die("line %lu: unknown boolean %s", lineno, w[1]);
        printf("%s\n", orig);
    } else if (!strcmp(w[0], "ctx")) {
        sepol_security_id_t sid;
        char *s;

        if (n != 2)
            die("line %lu: malformed: %s", lineno, orig);
        sid = ctx_to_sid(w[1]);
        s = sid ? sid_to_str(sid) : NULL;
        printf("ctx %s %s\n", w[1], s ? s : "invalid");
        free(s);
    } else if (!strcmp(w[0], "av") || !strcmp(w[0], "create") || !strcmp(w[0], "member") ||
               !strcmp(w[0], "change")) {
        sepol_security_id_t ssid, tsid;
        sepol_security_class_t cls = 0;

        if (n != 4)
            die("line %lu: malformed: %s", lineno, orig);
        printf("%s %s %s %s ", w[0], w[1], w[2], w[3]);
        ssid = ctx_to_sid(w[1]);
        tsid = ctx_to_sid(w[2]);
        if (!ssid || !tsid || class_lookup(w[3], &cls) < 0) {
            puts("invalid");
        } else if (w[0][0] == 'a') {
            struct sepol_av_decision avd;

            memset(&avd, 0, sizeof(avd));
            if (compute_av(ssid, tsid, cls, &avd) < 0)
                puts("error");
            else
                printf("0x%08x 0x%08x 0x%08x\n", avd.allowed, avd.auditallow, avd.auditdeny);
        } else {
            sepol_security_id_t out = 0;
            int rc;
            char *s = NULL;

            if (w[0][1] == 'r')
                rc = sepol_transition_sid(ssid, tsid, cls, &out);
            else if (w[0][0] == 'm')
                rc = sepol_member_sid(ssid, tsid, cls, &out);
            else
                rc = sepol_change_sid(ssid, tsid, cls, &out);
            if (rc >= 0)
                s = sid_to_str(out);
            puts(s ? s : "error");
            free(s);
        }
    } else {
        die("line %lu: unknown query: %s", lineno, orig);
    }
    free(orig);
}

static int cmd_batch(int argc, char **argv)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;

    if (argc != 1)
        die("usage: sepol-ref batch POLICY");
    load_policy(argv[0]);
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        batch_line(line, lineno);
        fflush(stdout);
    }
    free(line);
    if (ferror(stdin))
        die("read error");
    if (fflush(stdout))
        die("write error");
    return 0;
}

/* ------------------------------------------------------------ main */

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    fputs("usage: sepol-ref enum [-b NAME=0|1]... POLICY\n"
          "       sepol-ref enum-trans [-b NAME=0|1]... POLICY\n"
          "       sepol-ref batch POLICY < QUERIES\n"
          "       sepol-ref gen-queries SEED COUNT POLICY\n",
          stderr);
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2)
        usage();
    if (!strcmp(argv[1], "enum"))
        rc = cmd_enum(argc - 2, argv + 2, 0);
    else if (!strcmp(argv[1], "enum-trans"))
        rc = cmd_enum(argc - 2, argv + 2, 1);
    else if (!strcmp(argv[1], "batch"))
        rc = cmd_batch(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "gen-queries"))
        rc = cmd_gen_queries(argc - 2, argv + 2);
    else
        usage();
    policydb_destroy(&pdb);
    sepol_sidtab_destroy(&sidt);
    return rc;
}
