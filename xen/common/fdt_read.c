/*
 * fdt_read: checked reads of a flattened device tree on top of libfdt, for
 * bootinfo.c (see fdt_read.h). Boot-time only, like every caller of libfdt.
 */
#include "fdt_read.h"

#include <libfdt.h>

/* GICv3 interrupt specifiers: <type (0 SPI, 1 PPI), number, flags>. */
#define GIC_IRQ_CELLS 3u
#define GIC_SPI_BASE 32u
#define GIC_SPI_LAST 987u /* SPI INTIDs 32..1019 */
#define GIC_PPI_BASE 16u
#define GIC_PPI_LAST 15u

void fdt_read_text_put(struct fdt_read_text *t, const char *s)
{
    while (*s && t->len + 1 < t->cap)
        t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

void fdt_read_text_put_u64(struct fdt_read_text *t, uint64_t value, unsigned base)
{
    char digits[24];
    unsigned at = sizeof(digits) - 1;

    digits[at] = '\0';
    do {
        digits[--at] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value);
    if (base == 16)
        fdt_read_text_put(t, "0x");
    fdt_read_text_put(t, digits + at);
}

static size_t string_length(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

bool fdt_read_string_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* 1 or 2 big-endian cells (the caller checked the count). */
uint64_t fdt_read_cells(const uint8_t *b, uint32_t cells)
{
    return cells == 2 ? (uint64_t)be32(b) << 32 | be32(b + 4) : be32(b);
}

/* ------------------------------------------------------------ errors */

/* Starts the message "PATH: PROPERTY: " (node < 0: "device tree: "). */
static struct fdt_read_text error_begin(struct fdt_reader *r, int node, const char *property)
{
    struct fdt_read_text t = {r->err, r->err_len, 0};
    char path[BOOTINFO_ERROR_LEN];

    if (node < 0)
        fdt_read_text_put(&t, "device tree");
    else if (fdt_get_path(r->fdt, node, path, sizeof(path)) == 0)
        fdt_read_text_put(&t, path);
    else
        fdt_read_text_put(&t, "(a node with a long path)");
    fdt_read_text_put(&t, ": ");
    if (property) {
        fdt_read_text_put(&t, property);
        fdt_read_text_put(&t, ": ");
    }
    return t;
}

int fdt_read_fail(struct fdt_reader *r, int code, int node, const char *property, const char *what)
{
    struct fdt_read_text t = error_begin(r, node, property);

    fdt_read_text_put(&t, what);
    return -code;
}

/* "PATH: PROPERTY: <before><number><after>" */
int fdt_read_fail_number(struct fdt_reader *r, int code, int node, const char *property,
                         const char *before, uint64_t number, const char *after)
{
    struct fdt_read_text t = error_begin(r, node, property);

    fdt_read_text_put(&t, before);
    fdt_read_text_put_u64(&t, number, 10);
    fdt_read_text_put(&t, after);
    return -code;
}

int fdt_read_fail_libfdt(struct fdt_reader *r, int node, const char *property, int fdt_error)
{
    struct fdt_read_text t = error_begin(r, node, property);

    fdt_read_text_put(&t, "libfdt: ");
    fdt_read_text_put(&t, fdt_strerror(fdt_error));
    return -FDT_READ_EINVAL;
}

/* ------------------------------------------------------------ properties */

/* 1 and the value when present, 0 when absent, negative on a libfdt error. */
int fdt_read_prop(struct fdt_reader *r, int node, const char *name, const uint8_t **value, int *len)
{
    *value = fdt_getprop(r->fdt, node, name, len);
    if (*value)
        return 1;
    if (*len == -FDT_ERR_NOTFOUND)
        return 0;
    return fdt_read_fail_libfdt(r, node, name, *len);
}

int fdt_read_u32(struct fdt_reader *r, int node, const char *name, uint32_t *out)
{
    const uint8_t *v;
    int len, rc = fdt_read_prop(r, node, name, &v, &len);

    if (rc <= 0)
        return rc;
    if (len != 4)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, name, "", (uint64_t)len,
                                    " bytes, expected 4");
    *out = be32(v);
    return 1;
}

/* A property holding exactly one NUL-terminated string. */
int fdt_read_string(struct fdt_reader *r, int node, const char *name, const char **s, size_t *slen)
{
    const uint8_t *v;
    int len, rc = fdt_read_prop(r, node, name, &v, &len);

    if (rc <= 0)
        return rc;
    if (len < 1 || string_length((const char *)v, (size_t)len) != (size_t)len - 1)
        return fdt_read_fail(r, FDT_READ_EINVAL, node, name, "not one NUL-terminated string");
    *s = (const char *)v;
    *slen = (size_t)len - 1;
    return 1;
}

int fdt_read_module_args(struct fdt_reader *r, int node, char *dst, size_t cap)
{
    const uint8_t *v;
    int len, rc = fdt_read_prop(r, node, "bootargs", &v, &len);
    size_t n;

    if (rc <= 0)
        return rc;
    n = len > 0 ? string_length((const char *)v, (size_t)len) : 0;
    if (len < 1 || n == (size_t)len || (size_t)len - n > 2)
        return fdt_read_fail(r, FDT_READ_EINVAL, node, "bootargs", "not one NUL-terminated string");
    if (n >= cap)
        return fdt_read_fail_number(r, FDT_READ_E2BIG, node, "bootargs", "longer than ", cap - 1,
                                    " characters");
    for (size_t i = 0; i <= n; i++)
        dst[i] = (char)v[i];
    return 1;
}

/* Copies a string property into dst (cap bytes); too long is an error. */
int fdt_read_string_copy(struct fdt_reader *r, int node, const char *name, char *dst, size_t cap)
{
    const char *s;
    size_t len, i;
    int rc = fdt_read_string(r, node, name, &s, &len);

    if (rc <= 0)
        return rc;
    if (len >= cap)
        return fdt_read_fail_number(r, FDT_READ_E2BIG, node, name, "longer than ", cap - 1,
                                    " characters");
    for (i = 0; i <= len; i++)
        dst[i] = s[i];
    return 1;
}

bool fdt_read_is(struct fdt_reader *r, int node, const char *name, const char *want)
{
    int len;
    const char *v = fdt_getprop(r->fdt, node, name, &len);

    return v && len > 0 && string_length(v, (size_t)len) == (size_t)len - 1 &&
           fdt_read_string_equal(v, want);
}

bool fdt_read_compatible(const uint8_t *list, int len, const char *want)
{
    return list && len > 0 && fdt_stringlist_contains((const char *)list, len, want);
}

/* 1 if the node is enabled (no status, "okay" or "ok"), 0 if not, negative on error. */
int fdt_read_enabled(struct fdt_reader *r, int node)
{
    const char *s;
    size_t len;
    int rc = fdt_read_string(r, node, "status", &s, &len);

    if (rc <= 0)
        return rc == 0 ? 1 : rc;
    return fdt_read_string_equal(s, "okay") || fdt_read_string_equal(s, "ok");
}

/* ------------------------------------------------------------ addresses */

static int check_cells(struct fdt_reader *r, int node, const char *property, uint32_t address_cells,
                       uint32_t size_cells)
{
    if (address_cells < 1 || address_cells > 2)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, property, "#address-cells is ",
                                    address_cells, "; only 1 or 2 are supported");
    if (size_cells < 1 || size_cells > 2)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, property, "#size-cells is ",
                                    size_cells, "; only 1 or 2 are supported");
    return 0;
}

/* Moves *addr (size bytes) from the bus of levels[bus] up to a CPU address. */
static int translate(struct fdt_reader *r, int node, unsigned bus, uint64_t *addr, uint64_t size)
{
    for (; bus > 0; bus--) {
        const struct fdt_read_level *b = &r->levels[bus], *up = &r->levels[bus - 1];
        const uint8_t *v;
        int len, rc = fdt_read_prop(r, b->node, "ranges", &v, &len);
        uint32_t entry;
        bool found = false;

        if (rc <= 0)
            return rc < 0 ? rc
                          : fdt_read_fail(r, FDT_READ_EINVAL, b->node, "ranges",
                                          "missing: the reg of its children are not CPU addresses");
        if (len == 0)
            continue;
        rc = check_cells(r, b->node, "ranges", b->address_cells, b->size_cells);
        if (rc == 0)
            rc = check_cells(r, b->node, "ranges", up->address_cells, 1);
        if (rc)
            return rc;
        entry = 4 * (b->address_cells + up->address_cells + b->size_cells);
        if (len % entry)
            return fdt_read_fail_number(r, FDT_READ_EINVAL, b->node, "ranges", "", (uint64_t)len,
                                        " bytes, not whole (child, parent, length) entries");
        for (const uint8_t *e = v; !found && e < v + len; e += entry) {
            uint64_t child = fdt_read_cells(e, b->address_cells);
            uint64_t parent = fdt_read_cells(e + 4 * b->address_cells, up->address_cells);
            uint64_t length =
                fdt_read_cells(e + 4 * (b->address_cells + up->address_cells), b->size_cells);
            uint64_t offset = *addr - child;

            if (*addr >= child && offset < length && size <= length - offset &&
                parent + offset >= parent) {
                *addr = parent + offset;
                found = true;
            }
        }
        if (!found)
            return fdt_read_fail(r, FDT_READ_EINVAL, node, "reg",
                                 "not inside the ranges of its bus");
    }
    return 0;
}

/*
 * Reads the node's reg (cells of levels[depth - 1]) into out[0..max): at least one
 * region, each non-empty and not wrapping; translated to CPU addresses if asked.
 */
int fdt_read_reg(struct fdt_reader *r, int node, unsigned depth, bool cpu_address,
                 struct bootinfo_region *out, unsigned max, unsigned *count)
{
    const struct fdt_read_level *bus = &r->levels[depth - 1];
    const uint8_t *v;
    uint32_t entry;
    int len, rc = check_cells(r, node, "reg", bus->address_cells, bus->size_cells);

    if (rc)
        return rc;
    rc = fdt_read_prop(r, node, "reg", &v, &len);
    if (rc <= 0)
        return rc < 0 ? rc : fdt_read_fail(r, FDT_READ_EINVAL, node, "reg", "missing");
    entry = 4 * (bus->address_cells + bus->size_cells);
    if (len == 0 || len % entry)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "reg", "", (uint64_t)len,
                                    " bytes, not whole (address, size) entries");
    if ((unsigned)len / entry > max)
        return fdt_read_fail_number(r, FDT_READ_E2BIG, node, "reg", "more than ", max, " regions");
    *count = (unsigned)len / entry;
    for (unsigned i = 0; i < *count; i++, v += entry) {
        out[i].base = fdt_read_cells(v, bus->address_cells);
        out[i].size = fdt_read_cells(v + 4 * bus->address_cells, bus->size_cells);
        if (out[i].size == 0)
            return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "reg", "region ", i, " is empty");
        if (cpu_address && (rc = translate(r, node, depth - 1, &out[i].base, out[i].size)))
            return rc;
        if (out[i].base + (out[i].size - 1) < out[i].base)
            return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "reg", "region ", i,
                                        " wraps around the address space");
    }
    return 0;
}

/* Entry `index` of a GIC interrupts property as an INTID: a PPI or an SPI. */
int fdt_read_irq(struct fdt_reader *r, int node, const uint8_t *v, unsigned index, bool ppi,
                 uint32_t *intid)
{
    uint32_t type = be32(v + 12 * index), number = be32(v + 12 * index + 4);

    if (type != (ppi ? 1u : 0u))
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "interrupts", "entry ", index,
                                    ppi ? " is not a PPI" : " is not an SPI");
    if (number > (ppi ? GIC_PPI_LAST : GIC_SPI_LAST))
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "interrupts", "entry ", index,
                                    ": number out of range");
    *intid = number + (ppi ? GIC_PPI_BASE : GIC_SPI_BASE);
    return 0;
}

/* The interrupts property as `min`..`max` three-cell entries. */
int fdt_read_irqs(struct fdt_reader *r, int node, unsigned min, unsigned max, const uint8_t **v)
{
    int len, rc = fdt_read_prop(r, node, "interrupts", v, &len);

    if (rc <= 0)
        return rc < 0 ? rc : fdt_read_fail(r, FDT_READ_EINVAL, node, "interrupts", "missing");
    if (len % (4 * GIC_IRQ_CELLS) || (unsigned)len < min * 4 * GIC_IRQ_CELLS ||
        (unsigned)len > max * 4 * GIC_IRQ_CELLS)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, node, "interrupts", "", (uint64_t)len,
                                    " bytes, not the expected three-cell entries");
    return 0;
}

/* What levels[depth] (the node) passes on to its children. */
int fdt_read_enter(struct fdt_reader *r, int node, unsigned depth)
{
    struct fdt_read_level *self = &r->levels[depth];
    const struct fdt_read_level *parent = depth ? &r->levels[depth - 1] : NULL;
    int rc;

    self->node = node;
    self->role = 0;
    self->index = -1;
    self->address_cells = parent ? parent->address_cells : 2;
    self->size_cells = parent ? parent->size_cells : 1;
    self->interrupt_parent = parent ? parent->interrupt_parent : 0;
    if ((rc = fdt_read_u32(r, node, "#address-cells", &self->address_cells)) < 0)
        return rc;
    if ((rc = fdt_read_u32(r, node, "#size-cells", &self->size_cells)) < 0)
        return rc;
    if ((rc = fdt_read_u32(r, node, "interrupt-parent", &self->interrupt_parent)) < 0)
        return rc;
    return 0;
}

int fdt_read_check_blob(struct fdt_reader *r, size_t max_size)
{
    int rc;

    if (!r->fdt)
        return fdt_read_fail(r, FDT_READ_EINVAL, -1, NULL, "no blob");
    if ((uintptr_t)r->fdt % 8)
        return fdt_read_fail(r, FDT_READ_EINVAL, -1, NULL, "blob not 8-byte aligned");
    if (max_size < sizeof(struct fdt_header))
        return fdt_read_fail_number(r, FDT_READ_EINVAL, -1, "header", "", max_size,
                                    " bytes, too small for a header");
    if ((rc = fdt_check_header(r->fdt)))
        return fdt_read_fail_libfdt(r, -1, "header", rc);
    if (fdt_version(r->fdt) < 17)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, -1, "header", "version ",
                                    fdt_version(r->fdt), "; 17 or later needed");
    if (fdt_totalsize(r->fdt) > max_size)
        return fdt_read_fail_number(r, FDT_READ_EINVAL, -1, "header", "totalsize ",
                                    fdt_totalsize(r->fdt), " exceeds the bytes given");
    if ((rc = fdt_check_full(r->fdt, fdt_totalsize(r->fdt))))
        return fdt_read_fail_libfdt(r, -1, "structure", rc);
    return 0;
}
