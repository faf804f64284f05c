/*
 * sepol-ref's parts shared between its files (see sepol_ref.c).
 */
#ifndef FLAXEN_SEPOL_REF_H
#define FLAXEN_SEPOL_REF_H

#include <stddef.h>
#include <stdint.h>

#include <sepol/policydb/policydb.h>
#include <sepol/policydb/sidtab.h>

extern policydb_t pdb;
extern sidtab_t sidt;

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
/* A type value that is a type, not an attribute. */
int is_real_type(uint32_t val);
/* Loads a binary policy into pdb and sets libsepol's services up on it (dies on failure). */
void load_policy(const char *path);
/* sepol-ref gen-queries SEED COUNT POLICY */
int cmd_gen_queries(int argc, char **argv);

#endif
