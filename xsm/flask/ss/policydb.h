/*
 * The in-memory policy database: what a binary policy compiled by
 * `checkpolicy -t Xen` (versions 24 and 30) says, after full validation.
 *
 * Every symbol kind is held as an array indexed by value - 1, so decisions
 * never search by name; names are looked up through one hash per kind.
 * Once policydb_read() returns 0 every index inside the database has been
 * checked against the table it refers to, so the decision code may index
 * without further checks.
 */
#ifndef FLAXEN_SS_POLICYDB_H
#define FLAXEN_SS_POLICYDB_H

#include "avtab.h"
#include "ebitmap.h"
#include "symtab.h"

#define POLICYDB_MAGIC 0xf97cff8cu
#define POLICYDB_XEN_TARGET "XenFlask"
#define POLICYDB_VERSION_BOUNDARY 24
#define POLICYDB_VERSION_XEN_DEVICETREE 30

#define POLICYDB_CONFIG_MLS 1u
#define POLICYDB_CONFIG_REJECT_UNKNOWN 2u
#define POLICYDB_CONFIG_ALLOW_UNKNOWN 4u

enum handle_unknown { HANDLE_UNKNOWN_DENY, HANDLE_UNKNOWN_REJECT, HANDLE_UNKNOWN_ALLOW };

/* Symbol kinds in file order. */
enum sym_kind {
    SYM_COMMONS,
    SYM_CLASSES,
    SYM_ROLES,
    SYM_TYPES,
    SYM_USERS,
    SYM_BOOLS,
    SYM_LEVELS,
    SYM_CATS,
    SYM_NUM
};

#define OBJECT_R_VALUE 1 /* object_r is always role 1 */
#define PERMS_MAX 32

struct mls_level {
    uint32_t sens; /* sensitivity value, 1-based; 0 in a non-MLS policy */
    struct ebitmap cat;
};

struct mls_range {
    struct mls_level level[2]; /* low, high */
};

struct context {
    uint32_t user;
    uint32_t role;
    uint32_t type;
    struct mls_range range;
};

/* Constraint expression node kinds, operand selectors and operators. */
enum cexpr_kind { CEXPR_NOT = 1, CEXPR_AND, CEXPR_OR, CEXPR_ATTR, CEXPR_NAMES };
#define CEXPR_USER 1u
#define CEXPR_ROLE 2u
#define CEXPR_TYPE 4u
#define CEXPR_TARGET 8u
#define CEXPR_XTARGET 16u
#define CEXPR_L1L2 32u
#define CEXPR_L1H2 64u
#define CEXPR_H1L2 128u
#define CEXPR_H1H2 256u
#define CEXPR_L1H1 512u
#define CEXPR_L2H2 1024u
enum cexpr_op { CEXPR_EQ = 1, CEXPR_NEQ, CEXPR_DOM, CEXPR_DOMBY, CEXPR_INCOMP };
#define CEXPR_MAXDEPTH 5

struct constraint_expr {
    uint32_t kind;
    uint32_t attr;
    uint32_t op;
    struct ebitmap names; /* for CEXPR_NAMES: the user/role/type values (bit = value - 1) */
};

struct constraint {
    uint32_t permissions; /* the permissions this constraint restricts */
    uint32_t nexpr;
    struct constraint_expr *expr; /* reverse Polish notation */
};

struct common_datum {
    uint32_t nperms;
    char *perm_names[PERMS_MAX]; /* by permission value - 1 */
};

struct class_datum {
    uint32_t common; /* common value, 0 for none */
    uint32_t nperms; /* permissions incl. the common's */
    char *perm_names[PERMS_MAX];
    uint32_t nconstraints;
    struct constraint *constraints;
    uint32_t nvalidatetrans;
    struct constraint *validatetrans;
    uint32_t default_user, default_role, default_range, default_type;
};

#define DEFAULT_SOURCE 1
#define DEFAULT_TARGET 2

struct role_datum {
    uint32_t bounds;
    struct ebitmap dominates; /* roles this role dominates (incl. itself) */
    struct ebitmap types;     /* types this role may have */
};

#define TYPE_PROPERTY_PRIMARY 1u
#define TYPE_PROPERTY_ATTRIBUTE 2u

struct type_datum {
    bool attribute;
    uint32_t bounds;
};

struct user_datum {
    uint32_t bounds;
    struct ebitmap roles;
    struct mls_range range;
    struct mls_level default_level;
};

struct bool_datum {
    bool state;
};

struct level_datum {
    struct mls_level level; /* sens = this sensitivity's value; cat = allowed categories */
};

struct role_trans {
    uint32_t role, type, tclass, new_role;
};

struct role_allow {
    uint32_t role, new_role;
};

struct range_trans {
    uint32_t source_type, target_type, tclass;
    struct mls_range range;
};

/* A conditional: an RPN boolean expression and the rules it switches. */
enum cond_op { COND_BOOL = 1, COND_NOT, COND_OR, COND_AND, COND_XOR, COND_EQ, COND_NEQ };
#define COND_MAXDEPTH 10

struct cond_expr {
    uint32_t op;
    uint32_t bool_value;
};

struct cond_node {
    uint32_t nexpr;
    struct cond_expr *expr;
    int state;                    /* 1 true, 0 false, -1 undefined (no rule of this node applies) */
    uint32_t first_true, ntrue;   /* slice of the conditional avtab */
    uint32_t first_false, nfalse; /* slice of the conditional avtab */
};

/* Xen object contexts ("ocontexts"), in file order. */
enum ocon_kind {
    OCON_ISID,
    OCON_PIRQ,
    OCON_IOPORT,
    OCON_IOMEM,
    OCON_PCIDEVICE,
    OCON_DEVICETREE,
    OCON_NUM
};

struct ocontext {
    uint64_t low, high; /* SID number (ISID), irq, ports, page frames, SBDF */
    char *path;         /* device-tree path (OCON_DEVICETREE) */
    struct context context;
};

struct ocontext_list {
    uint32_t count;
    struct ocontext *items;
};

struct policydb {
    uint32_t version;
    bool mls;
    enum handle_unknown handle_unknown;
    struct ebitmap policycaps;
    struct ebitmap permissive; /* bit n = type value n (not n + 1, unlike other bitmaps) */

    struct symtab symtab[SYM_NUM];
    struct common_datum *commons;
    struct class_datum *classes;
    struct role_datum *roles;
    struct type_datum *types;
    struct user_datum *users;
    struct bool_datum *bools;
    struct level_datum *levels; /* by sensitivity value - 1 */

    struct avtab te;      /* unconditional rules */
    struct avtab te_cond; /* conditional rules, each flagged enabled or not */
    uint32_t ncond;
    struct cond_node *cond;

    uint32_t nrole_trans;
    struct role_trans *role_trans;
    uint32_t nrole_allow;
    struct role_allow *role_allow;
    uint32_t nrange_trans;
    struct range_trans *range_trans;

    struct ocontext_list ocon[OCON_NUM];

    struct ebitmap *type_attr; /* per type: the attributes it has, and itself */
    /* The same as lists: type t's are attr_list[attr_start[t - 1] .. attr_start[t]). */
    uint32_t *attr_start;
    uint32_t *attr_list;

    uint32_t domain_class;      /* the class whose transition perm checks role_allow */
    uint32_t domain_transition; /* that permission's bit, or 0 */
};

/*
 * Reads and fully validates a binary policy image. On success *out holds a
 * new database (free with policydb_destroy); on failure nothing is kept and
 * err names what was wrong and where.
 */
int policydb_read(struct policydb **out, const void *image, size_t len, struct ss_error *err);
void policydb_destroy(struct policydb *p);

/* Name of a symbol value, for messages and context strings. */
static inline const char *policydb_name(const struct policydb *p, enum sym_kind kind,
                                        uint32_t value)
{
    return symtab_name(&p->symtab[kind], value);
}

/* The class value for a name, 0 if none. */
uint32_t policydb_class_value(const struct policydb *p, const char *name);
/* The permission bit for a name within a class, 0 if none. */
uint32_t policydb_perm_bit(const struct policydb *p, uint32_t tclass, const char *name);
/* The name of permission bit index i (0-based) of a class, NULL if none. */
const char *policydb_perm_name(const struct policydb *p, uint32_t tclass, uint32_t index);

/* Recomputes every conditional's state and enables its rules accordingly. */
void policydb_evaluate_conds(struct policydb *p);

/* MLS level and range helpers. */
bool mls_level_eq(const struct mls_level *a, const struct mls_level *b);
bool mls_level_dom(const struct mls_level *a, const struct mls_level *b);
bool mls_range_contains(const struct mls_range *outer, const struct mls_range *inner);
int mls_level_copy(struct mls_level *dst, const struct mls_level *src);
int mls_range_copy(struct mls_range *dst, const struct mls_range *src);
void mls_range_destroy(struct mls_range *r);

void context_init(struct context *c);
void context_destroy(struct context *c);
int context_copy(struct context *dst, const struct context *src);
bool context_equal(const struct context *a, const struct context *b);
/* The policy accepts this context: role has the type, user has the role, MLS range valid. */
bool context_is_valid(const struct policydb *p, const struct context *c);

#endif
