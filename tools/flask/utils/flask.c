/*
 * The flask-* tools, for dom0: one program that acts by the name it is run
 * as (busybox style), with the command lines and output of Xen's tools so
 * scripts written for Xen keep working, over the same xsm_op ABI (FLASK
 * interface version 1, public/xsm/flask_op.h):
 *
 *   flask-getenforce                 prints Enforcing or Permissive; exit status = the mode
 *   flask-setenforce MODE            Enforcing|1 or Permissive|0
 *   flask-loadpolicy FILE            loads a binary policy (checkpolicy -t Xen)
 *   flask-get-bool {NAME|-a}         NAME: VALUE [(pending P)]
 *   flask-set-bool NAME VALUE        VALUE 0|1|on|off|enabled|disabled|y|n; committed at once
 *   flask-label-pci SBDF LABEL       labels a PCI device, its memory and I/O ranges and IRQ
 *   flask-label-dt PATH LABEL        labels a device-tree node (-d PATH removes the label)
 *   flask-avc-stats                  the AVC's hash-table and per-CPU cache statistics
 *
 * Errors go to stderr with the reason (a denial says "Permission denied":
 * the hypervisor's console has the AVC line naming the permission).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../lib/flaskop.h"

#define NAME_MAX_LEN 256

static const char *prog;
static struct xen_flask_op op;
static char name_buffer[NAME_MAX_LEN];

static long flask_call(uint32_t cmd)
{
    return flask_op(&op, cmd);
}

static void clear_op(void)
{
    memset(&op, 0, sizeof(op));
}

static int usage(const char *args)
{
    fprintf(stderr, "Usage: %s %s\n", prog, args);
    return 1;
}

static int getenforce(int argc, char **argv)
{
    long rc;

    (void)argv;
    if (argc != 1)
        return usage("");
    clear_op();
    rc = flask_call(FLASK_GETENFORCE);
    if (rc < 0) {
        fprintf(stderr, "Unable to get enforcing mode: %s\n", strerror((int)-rc));
        return 255;
    }
    printf("%s\n", rc ? "Enforcing" : "Permissive");
    return (int)rc;
}

static int setenforce(int argc, char **argv)
{
    uint32_t mode;
    long rc;

    if (argc != 2)
        return usage("[ (Enforcing|1) | (Permissive|0) ]");
    if (!strcmp(argv[1], "1") || !strcasecmp(argv[1], "enforcing"))
        mode = 1;
    else if (!strcmp(argv[1], "0") || !strcasecmp(argv[1], "permissive"))
        mode = 0;
    else
        return usage("[ (Enforcing|1) | (Permissive|0) ]");
    clear_op();
    op.u.enforce.enforcing = mode;
    rc = flask_call(FLASK_SETENFORCE);
    if (rc < 0) {
        fprintf(stderr, "Unable to set the enforcing mode: %s\n", strerror((int)-rc));
        return 255;
    }
    return 0;
}

static int loadpolicy(int argc, char **argv)
{
    FILE *f;
    char *policy;
    long size, rc;

    if (argc != 2)
        return usage("<policy.file>");
    f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fprintf(stderr, "Error occurred opening policy file '%s': %s\n", argv[1], strerror(errno));
        return 255;
    }
    policy = malloc(size ? (size_t)size : 1);
    if (!policy || fread(policy, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "Unable to read new Flask policy file '%s': %s\n", argv[1],
                strerror(errno ? errno : EIO));
        fclose(f);
        return 255;
    }
    fclose(f);
    clear_op();
    op.u.load.buffer = (uint64_t)(uintptr_t)policy;
    op.u.load.size = (uint32_t)size;
    rc = flask_call(FLASK_LOAD);
    free(policy);
    if (rc < 0) {
        fprintf(stderr, "Unable to load new Flask policy: %s\n", strerror((int)-rc));
        return 255;
    }
    printf("Successfully loaded policy.\n");
    return 0;
}

/* GETBOOL by id (name NULL: the name comes back in name_buffer) or by name. */
static long getbool(uint32_t id, const char *name, int *current, int *pending)
{
    long rc;

    clear_op();
    memset(name_buffer, 0, sizeof(name_buffer));
    if (name) {
        if (strlen(name) >= sizeof(name_buffer))
            return -ENAMETOOLONG;
        strcpy(name_buffer, name);
        op.u.boolean.bool_id = 0xffffffffu;
        op.u.boolean.size = (uint32_t)strlen(name_buffer);
    } else {
        op.u.boolean.bool_id = id;
        op.u.boolean.size = sizeof(name_buffer) - 1;
    }
    op.u.boolean.name = (uint64_t)(uintptr_t)name_buffer;
    rc = flask_call(FLASK_GETBOOL);
    *current = op.u.boolean.enforcing;
    *pending = op.u.boolean.pending;
    return rc;
}

static void print_bool(const char *name, int current, int pending)
{
    if (current == pending)
        printf("%s: %d\n", name, current);
    else
        printf("%s: %d (pending %d)\n", name, current, pending);
}

static int get_bool(int argc, char **argv)
{
    int current, pending;
    long rc;

    if (argc != 2)
        return usage("{name|-a}");
    if (strcmp(argv[1], "-a")) {
        rc = getbool(0, argv[1], &current, &pending);
        if (rc < 0) {
            fprintf(stderr, "Unable to get boolean %s: %s\n", argv[1], strerror((int)-rc));
            return 2;
        }
        print_bool(argv[1], current, pending);
        return 0;
    }
    for (uint32_t id = 0;; id++) {
        rc = getbool(id, NULL, &current, &pending);
        if (rc == -ENOENT)
            return 0;
        if (rc < 0) {
            fprintf(stderr, "Unable to get boolean #%" PRIu32 ": %s\n", id, strerror((int)-rc));
            return 2;
        }
        print_bool(name_buffer, current, pending);
    }
}

static int set_bool(int argc, char **argv)
{
    static const char *const on[] = {"1", "on", "enabled", "y"}, *const off[] = {"0", "off",
                                                                                 "disabled", "n"};
    int value = -1;
    long rc;

    if (argc != 3)
        return usage("name value");
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        if (!strcasecmp(argv[2], on[i]))
            value = 1;
        if (!strcasecmp(argv[2], off[i]))
            value = 0;
    }
    if (value < 0) {
        fprintf(stderr, "Unknown value %s\n", argv[2]);
        return 1;
    }
    if (strlen(argv[1]) >= sizeof(name_buffer)) {
        fprintf(stderr, "%s: boolean name too long\n", argv[1]);
        return 2;
    }
    clear_op();
    strcpy(name_buffer, argv[1]);
    op.u.boolean.bool_id = 0xffffffffu;
    op.u.boolean.new_value = (uint8_t)value;
    op.u.boolean.commit = 1;
    op.u.boolean.size = (uint32_t)strlen(name_buffer);
    op.u.boolean.name = (uint64_t)(uintptr_t)name_buffer;
    rc = flask_call(FLASK_SETBOOL);
    if (rc < 0) {
        fprintf(stderr, "Unable to set boolean %s=%s: %s\n", argv[1], argv[2], strerror((int)-rc));
        return 2;
    }
    return 0;
}

static long add_ocontext(uint32_t ocon, uint32_t sid, uint64_t low, uint64_t high)
{
    clear_op();
    op.u.ocontext = (struct xen_flask_ocontext){.ocon = ocon, .sid = sid, .low = low, .high = high};
    return flask_call(FLASK_ADD_OCONTEXT);
}

static int label_pci(int argc, char **argv)
{
    unsigned seg, bus, dev, fn;
    uint32_t sid;
    char path[128];
    FILE *f;
    long rc;

    if (argc != 3)
        return usage("SBDF label");
    if (sscanf(argv[1], "%x:%x:%x.%u", &seg, &bus, &dev, &fn) != 4 || seg > 0xffff || bus > 0xff ||
        dev > 0x1f || fn > 7) {
        fprintf(stderr, "%s: not a PCI address SEG:BUS:DEV.FN\n", argv[1]);
        return 1;
    }
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%u/resource", seg, bus, dev,
             fn);
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "Unable to find device %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if ((rc = flask_context_to_sid(argv[2], &sid)) < 0 ||
        (rc = add_ocontext(FLASK_OCON_DEVICE, sid, (uint64_t)seg << 16 | bus << 8 | dev << 3 | fn,
                           (uint64_t)seg << 16 | bus << 8 | dev << 3 | fn)) < 0) {
        fprintf(stderr, "Unable to label PCI device %s as %s: %s\n", argv[1], argv[2],
                strerror((int)-rc));
        fclose(f);
        return 2;
    }
    /* Each line: start end flags; IORESOURCE_IO 0x100, IORESOURCE_MEM 0x200. */
    for (uint64_t start, end, flags;
         fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) == 3;) {
        if (!start || !(flags & 0x300))
            continue;
        rc = flags & 0x100 ? add_ocontext(FLASK_OCON_IOPORT, sid, start, end)
                           : add_ocontext(FLASK_OCON_IOMEM, sid, start >> 12, end >> 12);
        if (rc < 0) {
            fprintf(stderr, "Unable to label %s %#" PRIx64 "-%#" PRIx64 ": %s\n",
                    flags & 0x100 ? "I/O ports" : "memory", start, end, strerror((int)-rc));
            fclose(f);
            return 2;
        }
    }
    fclose(f);
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%u/irq", seg, bus, dev, fn);
    f = fopen(path, "r");
    if (f) {
        uint64_t irq;
        if (fscanf(f, "%" SCNu64, &irq) == 1 && irq &&
            (rc = add_ocontext(FLASK_OCON_PIRQ, sid, irq, irq)) < 0) {
            fprintf(stderr, "Unable to label IRQ %" PRIu64 ": %s\n", irq, strerror((int)-rc));
            fclose(f);
            return 2;
        }
        fclose(f);
    }
    return 0;
}

static int label_dt(int argc, char **argv)
{
    static char path[1024];
    uint32_t sid = 0;
    bool remove = argc == 3 && !strcmp(argv[1], "-d");
    long rc = 0;

    if (argc != 3 || strlen(argv[remove ? 2 : 1]) >= sizeof(path))
        return usage("PATH LABEL | -d PATH");
    strcpy(path, argv[remove ? 2 : 1]);
    if (!remove && (rc = flask_context_to_sid(argv[2], &sid)) < 0) {
        fprintf(stderr, "Unable to use the label %s: %s\n", argv[2], strerror((int)-rc));
        return 2;
    }
    clear_op();
    op.u.devicetree_label.sid = sid;
    op.u.devicetree_label.length = (uint32_t)strlen(path) + 1;
    op.u.devicetree_label.path = (uint64_t)(uintptr_t)path;
    rc = flask_call(FLASK_DEVICETREE_LABEL);
    if (rc < 0) {
        fprintf(stderr, "Unable to %s the label of %s: %s\n", remove ? "remove" : "set", path,
                strerror((int)-rc));
        return 2;
    }
    return 0;
}

static int avc_stats(int argc, char **argv)
{
    uint64_t total[6] = {0};
    long rc;

    (void)argv;
    if (argc != 1)
        return usage("");
    clear_op();
    rc = flask_call(FLASK_AVC_HASHSTATS);
    if (rc < 0) {
        fprintf(stderr, "Unable to get the AVC's statistics: %s\n", strerror((int)-rc));
        return 2;
    }
    printf("entries: %" PRIu32 "\nbuckets used: %" PRIu32 "/%" PRIu32 "\nlongest chain: %" PRIu32
           "\n",
           op.u.hash_stats.entries, op.u.hash_stats.buckets_used, op.u.hash_stats.buckets_total,
           op.u.hash_stats.max_chain_len);
    printf("%-6s %10s %10s %10s %10s %10s %10s\n", "cpu", "lookups", "hits", "misses", "allocs",
           "reclaims", "frees");
    for (uint32_t cpu = 0;; cpu++) {
        struct xen_flask_cache_stats *c = &op.u.cache_stats;

        clear_op();
        c->cpu = cpu;
        rc = flask_call(FLASK_AVC_CACHESTATS);
        if (rc == -ENOENT)
            break;
        if (rc < 0) {
            fprintf(stderr, "Unable to get CPU %" PRIu32 "'s AVC statistics: %s\n", cpu,
                    strerror((int)-rc));
            return 2;
        }
        printf("%-6" PRIu32 " %10" PRIu32 " %10" PRIu32 " %10" PRIu32 " %10" PRIu32 " %10" PRIu32
               " %10" PRIu32 "\n",
               cpu, c->lookups, c->hits, c->misses, c->allocations, c->reclaims, c->frees);
        total[0] += c->lookups, total[1] += c->hits, total[2] += c->misses;
        total[3] += c->allocations, total[4] += c->reclaims, total[5] += c->frees;
    }
    printf("%-6s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
           "\n",
           "total", total[0], total[1], total[2], total[3], total[4], total[5]);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} tools[] = {
    {"flask-getenforce", getenforce}, {"flask-setenforce", setenforce},
    {"flask-loadpolicy", loadpolicy}, {"flask-get-bool", get_bool},
    {"flask-set-bool", set_bool},     {"flask-label-pci", label_pci},
    {"flask-label-dt", label_dt},     {"flask-avc-stats", avc_stats},
};

int main(int argc, char **argv)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;

    prog = argc > 0 ? (slash ? slash + 1 : argv[0]) : "flask";
    for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
        if (!strcmp(prog, tools[i].name))
            return tools[i].run(argc, argv);
    /* "flask TOOL ARGS": the same, named by the first argument. */
    if (argc > 1) {
        for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
            if (!strcmp(argv[1], tools[i].name) || !strcmp(argv[1], tools[i].name + 6)) {
                prog = tools[i].name;
                return tools[i].run(argc - 1, argv + 1);
            }
    }
    fprintf(stderr, "usage: flask-getenforce|flask-setenforce|flask-loadpolicy|flask-get-bool|"
                    "flask-set-bool|flask-label-pci|flask-label-dt|flask-avc-stats ARGS\n"
                    "   or: flask TOOL ARGS\n");
    return 1;
}
