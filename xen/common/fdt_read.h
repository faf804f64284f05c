/*
 * Checked reads of a flattened device tree, on top of libfdt, for bootinfo.c.
 *
 * Every property's length is checked before its value is used. Every failure
 * writes "PATH: PROPERTY: what" into the reader's error buffer and returns a
 * negative Xen errno (FDT_READ_EINVAL for a malformed or contradictory tree,
 * FDT_READ_E2BIG for more than the caller can hold). Lookups return 1 when the
 * property is there, 0 when it is absent, negative on error.
 *
 * The walk keeps one fdt_read_level per depth: what a node passes on to its
 * children (#address-cells, #size-cells, interrupt-parent, each its own or else
 * inherited, the root's defaults being 2 and 1, as Linux and Xen read them).
 *
 * Boot-time only: libfdt's code lives in the reserved FP/SIMD section (bootinfo.c).
 */
#ifndef FLAXEN_FDT_READ_H
#define FLAXEN_FDT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flaxen/bootinfo.h"

#define FDT_READ_EINVAL 22 /* Xen's EINVAL */
#define FDT_READ_E2BIG 7   /* Xen's E2BIG */
#define FDT_READ_MAX_DEPTH 32

/* A bounded message: always NUL-terminated, truncated when full. */
struct fdt_read_text {
    char *buf;
    size_t cap;
    size_t len;
};

struct fdt_read_level {
    int node;
    uint32_t address_cells;    /* how the children's reg is encoded */
    uint32_t size_cells;       /* (own, else inherited) */
    uint32_t interrupt_parent; /* phandle, own or inherited; 0 = none */
    int role;                  /* the caller's: what the node is to it (0 after enter) */
    int index;                 /* the caller's (-1 after enter) */
};

struct fdt_reader {
    const void *fdt;
    char *err;
    size_t err_len;
    struct fdt_read_level levels[FDT_READ_MAX_DEPTH];
};

void fdt_read_text_put(struct fdt_read_text *t, const char *s);
/* base 10, or 16 with a 0x prefix */
void fdt_read_text_put_u64(struct fdt_read_text *t, uint64_t value, unsigned base);
bool fdt_read_string_equal(const char *a, const char *b);
/* 1 or 2 big-endian cells (the caller checked the count). */
uint64_t fdt_read_cells(const uint8_t *b, uint32_t cells);

/* The blob: not NULL, 8-byte aligned, valid header, version >= 17, totalsize at
 * most max_size, and a valid structure (fdt_check_full). */
int fdt_read_check_blob(struct fdt_reader *r, size_t max_size);

/* Each writes the message and returns -code (node < 0: "device tree: ..."). */
int fdt_read_fail(struct fdt_reader *r, int code, int node, const char *property, const char *what);
int fdt_read_fail_number(struct fdt_reader *r, int code, int node, const char *property,
                         const char *before, uint64_t number, const char *after);
int fdt_read_fail_libfdt(struct fdt_reader *r, int node, const char *property, int fdt_error);

int fdt_read_prop(struct fdt_reader *r, int node, const char *name, const uint8_t **value,
                  int *len);
int fdt_read_u32(struct fdt_reader *r, int node, const char *name, uint32_t *out);
/* Exactly one NUL-terminated string (no NUL inside). */
int fdt_read_string(struct fdt_reader *r, int node, const char *name, const char **s, size_t *len);
/* Copies it into dst (cap bytes with the NUL); longer is an FDT_READ_E2BIG error. */
int fdt_read_string_copy(struct fdt_reader *r, int node, const char *name, char *dst, size_t cap);
/*
 * A module's bootargs, copied like fdt_read_string_copy, except that one byte
 * may follow the NUL: GRUB 2.06's xen_module writes the command line one byte
 * too long (that byte is whatever followed it in GRUB's memory).
 */
int fdt_read_module_args(struct fdt_reader *r, int node, char *dst, size_t cap);
/* The property is exactly the string `want`. */
bool fdt_read_is(struct fdt_reader *r, int node, const char *name, const char *want);
/* A string list (compatible) holds `want`. */
bool fdt_read_compatible(const uint8_t *list, int len, const char *want);
/* 1 if enabled (no status, "okay" or "ok"), 0 if not, negative on error. */
int fdt_read_enabled(struct fdt_reader *r, int node);

/* Fills levels[depth] for `node` from levels[depth - 1] (depth 0: the root). */
int fdt_read_enter(struct fdt_reader *r, int node, unsigned depth);

/*
 * The node's reg in the cells of levels[depth - 1], into out[0..max): at least
 * one region, each non-empty and not wrapping. With cpu_address, each base is
 * translated through every ancestor's ranges (empty = identity, absent = error).
 */
int fdt_read_reg(struct fdt_reader *r, int node, unsigned depth, bool cpu_address,
                 struct bootinfo_region *out, unsigned max, unsigned *count);

/* The interrupts property as min..max GIC three-cell entries. */
int fdt_read_irqs(struct fdt_reader *r, int node, unsigned min, unsigned max, const uint8_t **v);
/* Entry `index` of it as a GIC INTID: a PPI (16 + n) or an SPI (32 + n). */
int fdt_read_irq(struct fdt_reader *r, int node, const uint8_t *v, unsigned index, bool ppi,
                 uint32_t *intid);

#endif
