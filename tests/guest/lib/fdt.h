/*
 * A small read-only walker over a flattened device tree (DTB, Devicetree Specification v0.4,
 * chapter 5), enough for a test guest to find its console, memory, CPUs and the hypervisor
 * node. Every read is bounds-checked against the header's sizes, so a malformed blob makes
 * a query fail instead of reading outside the blob.
 */
#ifndef FLAXEN_GUEST_FDT_H
#define FLAXEN_GUEST_FDT_H

#include <stdbool.h>
#include <stdint.h>

/* A blob that passed fdt_open's header checks. */
struct fdt {
    const uint8_t *blob;
    uint32_t total_size;
    uint32_t struct_offset;
    uint32_t struct_size;
    uint32_t strings_offset;
    uint32_t strings_size;
};

/* One node as the walker sees it. */
struct fdt_node {
    uint32_t offset;        /* of the node's BEGIN_NODE token, within the structure block */
    unsigned int depth;     /* the root is 0 */
    const char *name;       /* inside the blob; "" for the root */
    const char *path;       /* valid only inside a visitor; "" when too deep or too long */
    uint32_t address_cells; /* the parent's #address-cells: how this node's reg is encoded */
    uint32_t size_cells;    /* the parent's #size-cells */
};

/* Return non-zero to stop the walk; fdt_walk then returns that value. */
typedef int (*fdt_visitor)(const struct fdt *fdt, const struct fdt_node *node, void *context);

/*
 * Checks the header of the blob at `blob` (magic, version 17, blocks inside totalsize, and
 * totalsize at most max_size) and fills `fdt`. Returns false for anything malformed.
 */
bool fdt_open(struct fdt *fdt, const void *blob, uint32_t max_size);

/*
 * Visits every node in document order (parents before children). Returns 0 after the
 * whole tree, the visitor's value if it stopped early, or -1 for a malformed structure
 * block (the nodes visited before the fault have been seen).
 */
int fdt_walk(const struct fdt *fdt, fdt_visitor visit, void *context);

/* The value of property `name` of `node` and its length, or NULL when it is absent. */
const void *fdt_property(const struct fdt *fdt, const struct fdt_node *node, const char *name,
                         uint32_t *length);

/* The property's value when it is one NUL-terminated string, else NULL. */
const char *fdt_property_string(const struct fdt *fdt, const struct fdt_node *node,
                                const char *name);

/* Whether a string-list value (e.g. "compatible") contains `string` as one of its entries. */
bool fdt_string_list_contains(const void *value, uint32_t length, const char *string);

/*
 * Finds the node at an absolute path ("/", "/chosen", "/pl011@9000000"). A path component
 * without "@unit" matches a node name with any unit address, as the specification allows.
 */
bool fdt_find_path(const struct fdt *fdt, const char *path, struct fdt_node *node);

/* Finds the first node (document order) whose "compatible" list holds `compatible`. */
bool fdt_find_compatible(const struct fdt *fdt, const char *compatible, struct fdt_node *node);

/* Entry `index` of the node's "reg", decoded with the parent's cell sizes (at most 2 each). */
bool fdt_reg(const struct fdt *fdt, const struct fdt_node *node, unsigned int index,
             uint64_t *address, uint64_t *size);

/* A big-endian 32-bit cell at any alignment. */
uint32_t fdt_cell(const void *cell);

#endif
