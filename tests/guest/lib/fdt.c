/*
 * Read-only DTB walker. Layout facts (Devicetree Specification v0.4, 5.2-5.4): a 40-byte
 * big-endian header; a structure block of 32-bit tokens BEGIN_NODE (1, then a NUL-terminated
 * name padded to 4 bytes), END_NODE (2), PROP (3, then length, name offset into the strings
 * block, value padded to 4 bytes), NOP (4) and END (9).
 */
#include "fdt.h"
#include "lib.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

#define FDT_MAX_DEPTH 16u
#define FDT_MAX_PATH 256u
#define FDT_DEFAULT_ADDRESS_CELLS 2u
#define FDT_DEFAULT_SIZE_CELLS 1u

uint32_t fdt_cell(const void *cell)
{
    const uint8_t *byte = cell;
    return (uint32_t)byte[0] << 24 | (uint32_t)byte[1] << 16 | (uint32_t)byte[2] << 8 | byte[3];
}

bool fdt_open(struct fdt *fdt, const void *blob, uint32_t max_size)
{
    const uint8_t *header = blob;
    if (blob == NULL || ((uintptr_t)blob & 3) != 0 || max_size < FDT_HEADER_SIZE)
        return false;
    if (fdt_cell(header) != FDT_MAGIC)
        return false;
    uint32_t total = fdt_cell(header + 4);
    uint32_t struct_offset = fdt_cell(header + 8);
    uint32_t strings_offset = fdt_cell(header + 12);
    uint32_t version = fdt_cell(header + 20);
    uint32_t last_compatible = fdt_cell(header + 24);
    uint32_t strings_size = fdt_cell(header + 32);
    uint32_t struct_size = fdt_cell(header + 36);
    if (total < FDT_HEADER_SIZE || total > max_size || version < 17 || last_compatible > 17)
        return false;
    if ((struct_offset & 3) != 0 || (uint64_t)struct_offset + struct_size > total ||
        (uint64_t)strings_offset + strings_size > total || struct_offset < FDT_HEADER_SIZE)
        return false;
    fdt->blob = header;
    fdt->total_size = total;
    fdt->struct_offset = struct_offset;
    fdt->struct_size = struct_size;
    fdt->strings_offset = strings_offset;
    fdt->strings_size = strings_size;
    return true;
}

/* The token at `offset` in the structure block, or FDT_END when it would overrun. */
static uint32_t fdt_token(const struct fdt *fdt, uint32_t offset)
{
    if ((uint64_t)offset + 4 > fdt->struct_size)
        return FDT_END;
    return fdt_cell(fdt->blob + fdt->struct_offset + offset);
}

/* Length of the NUL-terminated string at blob[start], bounded by limit; -1 if unterminated. */
static int64_t fdt_bounded_strlen(const struct fdt *fdt, uint64_t start, uint64_t limit)
{
    for (uint64_t at = start; at < limit; at++) {
        if (fdt->blob[at] == '\0')
            return (int64_t)(at - start);
    }
    return -1;
}

static uint32_t fdt_align4(uint64_t value)
{
    return (uint32_t)((value + 3) & ~3ull);
}

/* After a BEGIN_NODE at `offset`: the offset past its name, or 0 when malformed. */
static uint32_t fdt_skip_node_name(const struct fdt *fdt, uint32_t offset, const char **name)
{
    uint64_t start = (uint64_t)fdt->struct_offset + offset + 4;
    int64_t length =
        fdt_bounded_strlen(fdt, start, (uint64_t)fdt->struct_offset + fdt->struct_size);
    if (length < 0)
        return 0;
    *name = (const char *)fdt->blob + start;
    return fdt_align4((uint64_t)offset + 4 + (uint64_t)length + 1);
}

struct fdt_prop_view {
    const char *name;
    const uint8_t *value;
    uint32_t length;
};

/* Decodes the PROP at `offset`; returns the offset after it, or 0 when malformed. */
static uint32_t fdt_read_prop(const struct fdt *fdt, uint32_t offset, struct fdt_prop_view *prop)
{
    if ((uint64_t)offset + 12 > fdt->struct_size)
        return 0;
    const uint8_t *base = fdt->blob + fdt->struct_offset + offset;
    uint32_t length = fdt_cell(base + 4);
    uint32_t name_offset = fdt_cell(base + 8);
    if ((uint64_t)offset + 12 + length > fdt->struct_size || name_offset >= fdt->strings_size)
        return 0;
    uint64_t name_start = (uint64_t)fdt->strings_offset + name_offset;
    if (fdt_bounded_strlen(fdt, name_start, (uint64_t)fdt->strings_offset + fdt->strings_size) < 0)
        return 0;
    prop->name = (const char *)fdt->blob + name_start;
    prop->value = base + 12;
    prop->length = length;
    return fdt_align4((uint64_t)offset + 12 + length);
}

struct fdt_level {
    uint32_t address_cells;
    uint32_t size_cells;
    uint32_t path_length;
};

struct fdt_walk_state {
    struct fdt_level level[FDT_MAX_DEPTH + 1];
    char path[FDT_MAX_PATH];
    bool path_valid[FDT_MAX_DEPTH + 1];
};

/* Appends "/name" to the path of the parent level; marks the path invalid when too long. */
static void fdt_push_path(struct fdt_walk_state *state, unsigned int depth, const char *name)
{
    if (depth == 0) {
        state->path[0] = '/';
        state->path[1] = '\0';
        state->level[0].path_length = 1;
        state->path_valid[0] = true;
        return;
    }
    uint32_t parent_length = state->level[depth - 1].path_length;
    uint32_t start = parent_length == 1 ? 1 : parent_length + 1;
    size_t name_length = strlen(name);
    state->path_valid[depth] = false;
    if (!state->path_valid[depth - 1] || start + name_length + 1 > FDT_MAX_PATH)
        return;
    if (parent_length != 1)
        state->path[parent_length] = '/';
    memcpy(state->path + start, name, name_length + 1);
    state->level[depth].path_length = (uint32_t)(start + name_length);
    state->path_valid[depth] = true;
}

/* Records #address-cells / #size-cells of the node at `depth` (they apply to its children). */
static void fdt_note_cells(struct fdt_level *level, const struct fdt_prop_view *prop)
{
    if (prop->length != 4)
        return;
    if (strcmp(prop->name, "#address-cells") == 0)
        level->address_cells = fdt_cell(prop->value);
    else if (strcmp(prop->name, "#size-cells") == 0)
        level->size_cells = fdt_cell(prop->value);
}

/* Handles one BEGIN_NODE: sets up the level, calls the visitor. Returns the next offset. */
static uint32_t fdt_enter_node(const struct fdt *fdt, struct fdt_walk_state *state, uint32_t offset,
                               unsigned int depth, struct fdt_node *node)
{
    const char *name;
    uint32_t next = fdt_skip_node_name(fdt, offset, &name);
    if (next == 0 || depth > FDT_MAX_DEPTH)
        return 0;
    fdt_push_path(state, depth, name);
    state->level[depth].address_cells = FDT_DEFAULT_ADDRESS_CELLS;
    state->level[depth].size_cells = FDT_DEFAULT_SIZE_CELLS;
    node->offset = offset;
    node->depth = depth;
    node->name = name;
    node->path = state->path_valid[depth] ? state->path : "";
    node->address_cells = depth > 0 ? state->level[depth - 1].address_cells : 2;
    node->size_cells = depth > 0 ? state->level[depth - 1].size_cells : 1;
    return next;
}

int fdt_walk(const struct fdt *fdt, fdt_visitor visit, void *context)
{
    struct fdt_walk_state state;
    struct fdt_node node;
    struct fdt_prop_view prop;
    uint32_t offset = 0;
    int depth = -1;
    for (;;) {
        uint32_t token = fdt_token(fdt, offset);
        if (token == FDT_BEGIN_NODE) {
            depth++;
            offset = fdt_enter_node(fdt, &state, offset, (unsigned int)depth, &node);
            if (offset == 0)
                return -1;
            int stop = visit(fdt, &node, context);
            if (stop != 0)
                return stop;
        } else if (token == FDT_PROP) {
            if (depth < 0 || (offset = fdt_read_prop(fdt, offset, &prop)) == 0)
                return -1;
            fdt_note_cells(&state.level[depth], &prop);
        } else if (token == FDT_END_NODE) {
            if (depth < 0)
                return -1;
            depth--;
            offset += 4;
        } else if (token == FDT_NOP) {
            offset += 4;
        } else {
            return token == FDT_END && depth == -1 ? 0 : -1;
        }
    }
}

const void *fdt_property(const struct fdt *fdt, const struct fdt_node *node, const char *name,
                         uint32_t *length)
{
    const char *node_name;
    uint32_t offset = fdt_skip_node_name(fdt, node->offset, &node_name);
    struct fdt_prop_view prop;
    while (offset != 0) {
        uint32_t token = fdt_token(fdt, offset);
        if (token == FDT_NOP) {
            offset += 4;
            continue;
        }
        if (token != FDT_PROP)
            return NULL;
        offset = fdt_read_prop(fdt, offset, &prop);
        if (offset != 0 && strcmp(prop.name, name) == 0) {
            if (length != NULL)
                *length = prop.length;
            return prop.value;
        }
    }
    return NULL;
}

const char *fdt_property_string(const struct fdt *fdt, const struct fdt_node *node,
                                const char *name)
{
    uint32_t length;
    const char *value = fdt_property(fdt, node, name, &length);
    if (value == NULL || length == 0 || value[length - 1] != '\0')
        return NULL;
    return strlen(value) + 1 == length ? value : NULL;
}

bool fdt_string_list_contains(const void *value, uint32_t length, const char *string)
{
    const char *entry = value;
    const char *end = entry + length;
    size_t want = strlen(string);
    while (entry < end) {
        size_t left = (size_t)(end - entry);
        size_t entry_length = strnlen(entry, left);
        if (entry_length == left)
            return false; /* unterminated */
        if (entry_length == want && memcmp(entry, string, want) == 0)
            return true;
        entry += entry_length + 1;
    }
    return false;
}

/* Whether path component `want` (length want_length) names node component `have`. */
static bool fdt_component_matches(const char *want, size_t want_length, const char *have,
                                  size_t have_length)
{
    if (memchr(want, '@', want_length) == NULL) {
        const char *at = memchr(have, '@', have_length);
        if (at != NULL)
            have_length = (size_t)(at - have);
    }
    return want_length == have_length && memcmp(want, have, want_length) == 0;
}

/* Compares two absolute paths component by component. */
static bool fdt_path_matches(const char *want, const char *have)
{
    for (;;) {
        while (*want == '/')
            want++;
        while (*have == '/')
            have++;
        if (*want == '\0' || *have == '\0')
            return *want == '\0' && *have == '\0';
        size_t want_length = strcspn(want, "/");
        size_t have_length = strcspn(have, "/");
        if (!fdt_component_matches(want, want_length, have, have_length))
            return false;
        want += want_length;
        have += have_length;
    }
}

struct fdt_search {
    const char *key;
    struct fdt_node *found;
};

static int fdt_visit_path(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct fdt_search *search = context;
    (void)fdt;
    if (node->path[0] == '\0' || !fdt_path_matches(search->key, node->path))
        return 0;
    *search->found = *node;
    search->found->path = NULL;
    return 1;
}

bool fdt_find_path(const struct fdt *fdt, const char *path, struct fdt_node *node)
{
    struct fdt_search search = {path, node};
    if (path[0] != '/')
        return false;
    return fdt_walk(fdt, fdt_visit_path, &search) == 1;
}

static int fdt_visit_compatible(const struct fdt *fdt, const struct fdt_node *node, void *context)
{
    struct fdt_search *search = context;
    uint32_t length;
    const void *value = fdt_property(fdt, node, "compatible", &length);
    if (value == NULL || !fdt_string_list_contains(value, length, search->key))
        return 0;
    *search->found = *node;
    search->found->path = NULL;
    return 1;
}

bool fdt_find_compatible(const struct fdt *fdt, const char *compatible, struct fdt_node *node)
{
    struct fdt_search search = {compatible, node};
    return fdt_walk(fdt, fdt_visit_compatible, &search) == 1;
}

/* Reads `cells` (0..2) big-endian cells as one number. */
static uint64_t fdt_read_cells(const uint8_t *at, uint32_t cells)
{
    uint64_t value = 0;
    for (uint32_t i = 0; i < cells; i++)
        value = value << 32 | fdt_cell(at + 4 * i);
    return value;
}

bool fdt_reg(const struct fdt *fdt, const struct fdt_node *node, unsigned int index,
             uint64_t *address, uint64_t *size)
{
    uint32_t length;
    const uint8_t *value = fdt_property(fdt, node, "reg", &length);
    uint32_t address_cells = node->address_cells;
    uint32_t size_cells = node->size_cells;
    if (value == NULL || address_cells < 1 || address_cells > 2 || size_cells > 2)
        return false;
    uint64_t entry = 4ull * (address_cells + size_cells);
    if ((uint64_t)index * entry + entry > length)
        return false;
    const uint8_t *at = value + index * entry;
    *address = fdt_read_cells(at, address_cells);
    *size = fdt_read_cells(at + 4 * address_cells, size_cells);
    return true;
}
