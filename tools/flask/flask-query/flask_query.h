/*
 * flask-query: a policy author's view of a compiled Xen FLASK policy,
 * answered by Flaxen's own security server.
 */
#ifndef FLAXEN_FLASK_QUERY_H
#define FLAXEN_FLASK_QUERY_H

#include <stdbool.h>
#include <stdio.h>

#include "security.h"

/* Exit codes: 0 success, 1 a denial or a policy problem was found, 2 bad usage or input. */
#define FQ_EXIT_USAGE 2

struct fq_session {
    struct ss_server *server;
    const char *path;
    const struct policydb *policy;
};

/* Loads POLICY into a fresh server; prints the reason and returns false on failure. */
bool fq_load(struct fq_session *fq, const char *path);
void fq_unload(struct fq_session *fq);

/*
 * Reads leading "-b NAME=0|1" options, then POLICY, loads it and applies the
 * booleans. Between min_after and max_after (-1: any) arguments must follow
 * POLICY. Returns the index of the first of them, or -1 after printing the
 * usage line or the reason the policy was refused.
 */
int fq_open(struct fq_session *fq, int argc, char **argv, int min_after, int max_after,
            const char *usage);

/* Applies "-b NAME=0|1" settings (then commits); false (with a message) on a bad one. */
bool fq_apply_bools(struct fq_session *fq, char **settings, int count);

/* Mask of the permissions a class defines. */
unsigned fq_class_mask(const struct fq_session *fq, unsigned tclass);
/* Prints "{ a b c }" for the bits of mask. */
void fq_print_perms(FILE *out, const struct fq_session *fq, unsigned tclass, unsigned mask);

struct policydb;
struct constraint;
/* The infix text of a constraint expression (free it). */
char *fq_constraint_text(const struct policydb *p, const struct constraint *con);

int fq_cmd_check(int argc, char **argv);
int fq_cmd_enum(int argc, char **argv, bool transitions);
int fq_cmd_batch(int argc, char **argv);
int fq_cmd_query(int argc, char **argv);
int fq_cmd_explain(int argc, char **argv);

#endif
