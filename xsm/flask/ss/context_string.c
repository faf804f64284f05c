/*
 * Security contexts to and from their SELinux string form:
 *   user:role:type            (policies without MLS)
 *   user:role:type:LOW[-HIGH] (MLS; a level is SENS[:CATS], CATS like c0,c3.c7)
 *
 * The accepted syntax and the printed form are exactly libsepol's: a run of
 * three or more categories prints as cA.cB, a run of two as cA,cB, and a
 * range whose high level equals its low level prints once.
 */
#include "context_string.h"

static void put_level(struct ss_text *t, const struct policydb *p, const struct mls_level *l)
{
    uint32_t bit, run_start = 0, run_len = 0;
    bool first = true;

    ss_text_printf(t, "%s", policydb_name(p, SYM_LEVELS, l->sens));
    ebitmap_for_each(&l->cat, bit)
    {
        if (run_len && bit == run_start + run_len) {
            run_len++;
            continue;
        }
        if (run_len > 1)
            ss_text_printf(t, "%c%s", run_len > 2 ? '.' : ',',
                           policydb_name(p, SYM_CATS, run_start + run_len));
        ss_text_printf(t, "%c%s", first ? ':' : ',', policydb_name(p, SYM_CATS, bit + 1));
        first = false;
        run_start = bit;
        run_len = 1;
    }
    if (run_len > 1)
        ss_text_printf(t, "%c%s", run_len > 2 ? '.' : ',',
                       policydb_name(p, SYM_CATS, run_start + run_len));
}

char *context_to_string(const struct policydb *p, const struct context *c, size_t *len)
{
    struct ss_text t;
    char *s;

    ss_text_init(&t);
    ss_text_printf(&t, "%s:%s:%s", policydb_name(p, SYM_USERS, c->user),
                   policydb_name(p, SYM_ROLES, c->role), policydb_name(p, SYM_TYPES, c->type));
    if (p->mls) {
        ss_text_put(&t, ":", 1);
        put_level(&t, p, &c->range.level[0]);
        if (!mls_level_eq(&c->range.level[0], &c->range.level[1])) {
            ss_text_put(&t, "-", 1);
            put_level(&t, p, &c->range.level[1]);
        }
    }
    if (len)
        *len = t.len;
    s = ss_text_take(&t);
    return s;
}

/* A cursor over a NUL-terminated working copy of the MLS part. */
struct mls_cursor {
    char *p;
};

/* Cuts the next token ending at one of `stops` (or the end); returns the stop character. */
static char cut(struct mls_cursor *cur, const char *stops, char **token)
{
    char *p = cur->p;
    char stop;

    *token = p;
    for (;;) {
        bool hit = false;

        for (const char *s = stops; *s; s++)
            hit |= *p == *s;
        if (!*p || hit)
            break;
        p++;
    }
    stop = *p;
    if (stop)
        *p++ = '\0';
    cur->p = p;
    return stop;
}

static char *find_char(char *s, char c)
{
    for (; *s; s++) {
        if (*s == c)
            return s;
    }
    return NULL;
}

static int parse_categories(const struct policydb *p, struct mls_cursor *cur, struct mls_level *l,
                            char *stop)
{
    for (;;) {
        char *token, *dot;
        uint32_t first, last;

        *stop = cut(cur, ",-", &token);
        dot = find_char(token, '.');
        if (dot)
            *dot++ = '\0';
        first = symtab_lookup(&p->symtab[SYM_CATS], token);
        if (!first || ebitmap_set(&l->cat, first - 1, true))
            return -SS_EINVAL;
        if (dot) {
            last = symtab_lookup(&p->symtab[SYM_CATS], dot);
            if (!last || first >= last)
                return -SS_EINVAL;
            for (uint32_t v = first; v < last; v++) {
                if (ebitmap_set(&l->cat, v, true))
                    return -SS_ENOMEM;
            }
        }
        if (*stop != ',')
            return 0;
    }
}

/* Parses LOW[-HIGH] the way libsepol does, including what it tolerates. */
static int parse_mls(const struct policydb *p, char *text, struct mls_range *range)
{
    struct mls_cursor cur = {text};
    char *token;
    char stop = cut(&cur, ":-", &token);
    int l;

    for (l = 0; l < 2; l++) {
        uint32_t sens = symtab_lookup(&p->symtab[SYM_LEVELS], token);

        if (!sens)
            return -SS_EINVAL;
        range->level[l].sens = sens;
        if (stop == ':' && parse_categories(p, &cur, &range->level[l], &stop))
            return -SS_EINVAL;
        if (stop != '-')
            break;
        stop = cut(&cur, ":", &token);
    }
    if (l == 0)
        return mls_level_copy(&range->level[1], &range->level[0]);
    return 0;
}

static uint32_t lookup_part(const struct policydb *p, enum sym_kind kind, const char *s, size_t len)
{
    char name[READER_MAX_STRING + 1];

    if (len > READER_MAX_STRING)
        return 0;
    ss_memcpy(name, s, len);
    name[len] = '\0';
    return symtab_lookup(&p->symtab[kind], name);
}

static const char *find_colon(const char *s, const char *end)
{
    for (; s < end; s++) {
        if (*s == ':')
            return s;
    }
    return NULL;
}

int context_from_string(const struct policydb *p, const char *str, size_t len, struct context *out)
{
    const char *end, *user_end, *role_end, *type_end;
    char *mls;
    int rc = 0;

    context_init(out);
    len = ss_strnlen(str, len);
    end = str + len;
    user_end = find_colon(str, end);
    role_end = user_end ? find_colon(user_end + 1, end) : NULL;
    if (!len || !role_end)
        return -SS_EINVAL;
    type_end = find_colon(role_end + 1, end);
    out->user = lookup_part(p, SYM_USERS, str, (size_t)(user_end - str));
    out->role = lookup_part(p, SYM_ROLES, user_end + 1, (size_t)(role_end - user_end - 1));
    out->type = lookup_part(p, SYM_TYPES, role_end + 1,
                            (size_t)((type_end ? type_end : end) - role_end - 1));
    if (!out->user || !out->role || !out->type || p->types[out->type - 1].attribute ||
        p->mls != (type_end != NULL)) {
        context_destroy(out);
        return -SS_EINVAL;
    }
    if (type_end) {
        mls = ss_strndup(type_end + 1, (size_t)(end - type_end - 1));
        if (!mls) {
            context_destroy(out);
            return -SS_ENOMEM;
        }
        rc = parse_mls(p, mls, &out->range);
        ss_free(mls);
    }
    if (!rc && !context_is_valid(p, out))
        rc = -SS_EINVAL;
    if (rc)
        context_destroy(out);
    return rc;
}
