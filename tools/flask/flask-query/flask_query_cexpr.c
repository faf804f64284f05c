/*
 * Renders a constraint (stored in reverse Polish notation) as the infix text
 * a policy author wrote: "(l1 dom l2 or t1 == { mls_cross_t })".
 */
#include <stdlib.h>
#include <string.h>

#include "flask_query.h"
#include "policydb.h"

/* A host tool: running out of memory ends it with a message. */
static void *must(void *ptr)
{
    if (!ptr) {
        fputs("flask-query: out of memory\n", stderr);
        exit(FQ_EXIT_USAGE);
    }
    return ptr;
}

static const char *op_text(uint32_t op)
{
    static const char *const ops[] = {"?", "==", "!=", "dom", "domby", "incomp"};

    return op <= CEXPR_INCOMP ? ops[op] : "?";
}

static const char *attr_text(uint32_t attr)
{
    switch (attr) {
    case CEXPR_USER:
        return "u1 %s u2";
    case CEXPR_ROLE:
        return "r1 %s r2";
    case CEXPR_TYPE:
        return "t1 %s t2";
    case CEXPR_L1L2:
        return "l1 %s l2";
    case CEXPR_L1H2:
        return "l1 %s h2";
    case CEXPR_H1L2:
        return "h1 %s l2";
    case CEXPR_H1H2:
        return "h1 %s h2";
    case CEXPR_L1H1:
        return "l1 %s h1";
    case CEXPR_L2H2:
        return "l2 %s h2";
    default:
        return "? %s ?";
    }
}

static char *names_text(const struct policydb *p, const struct constraint_expr *e)
{
    uint32_t who = e->attr & ~(CEXPR_TARGET | CEXPR_XTARGET);
    enum sym_kind kind = who == CEXPR_USER ? SYM_USERS : who == CEXPR_ROLE ? SYM_ROLES : SYM_TYPES;
    char letter = who == CEXPR_USER ? 'u' : who == CEXPR_ROLE ? 'r' : 't';
    int side = (e->attr & CEXPR_TARGET) ? 2 : (e->attr & CEXPR_XTARGET) ? 3 : 1;
    size_t cap = 64, len;
    char *out = must(malloc(cap));
    uint32_t bit;

    len = (size_t)snprintf(out, cap, "%c%d %s {", letter, side, op_text(e->op));
    ebitmap_for_each(&e->names, bit)
    {
        const char *name = policydb_name(p, kind, bit + 1);
        size_t need = len + strlen(name ? name : "?") + 4;
        if (need > cap) {
            cap = need * 2;
            out = must(realloc(out, cap));
        }
        len += (size_t)snprintf(out + len, cap - len, " %s", name ? name : "?");
    }
    snprintf(out + len, cap - len, " }");
    return out;
}

char *fq_constraint_text(const struct policydb *p, const struct constraint *con)
{
    char *stack[64] = {NULL};
    int sp = 0;

    for (uint32_t i = 0; i < con->nexpr && sp < 64; i++) {
        const struct constraint_expr *e = &con->expr[i];
        char *text;

        if (e->kind == CEXPR_NOT && sp >= 1) {
            text = must(malloc(strlen(stack[sp - 1]) + 8));
            sprintf(text, "not (%s)", stack[sp - 1]);
            free(stack[--sp]);
        } else if ((e->kind == CEXPR_AND || e->kind == CEXPR_OR) && sp >= 2) {
            text = must(malloc(strlen(stack[sp - 2]) + strlen(stack[sp - 1]) + 10));
            sprintf(text, "(%s %s %s)", stack[sp - 2], e->kind == CEXPR_AND ? "and" : "or",
                    stack[sp - 1]);
            free(stack[--sp]);
            free(stack[--sp]);
        } else if (e->kind == CEXPR_ATTR) {
            text = must(malloc(32));
            snprintf(text, 32, attr_text(e->attr), op_text(e->op));
        } else if (e->kind == CEXPR_NAMES) {
            text = names_text(p, e);
        } else {
            break;
        }
        stack[sp++] = text;
    }
    char *result = sp ? stack[0] : must(strdup("?"));
    for (int i = 1; i < sp; i++)
        free(stack[i]);
    return result;
}
