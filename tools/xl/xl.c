/*
 * xl, Flaxen's toolstack for dom0: the subcommands and output Xen users know,
 * over Flaxen's domctl/sysctl/xen_version ABI through Linux's privcmd driver
 * (tools/lib/xencall.c). Static arm64 program.
 *
 *   xl info                      the host: CPUs, memory, the hypervisor's version
 *   xl list [-Z] [DOMAIN...]     domains, with -Z their security labels
 *   xl dmesg [-c]                the hypervisor's console ring (-c: and clear it)
 *   xl pause|unpause|destroy DOMAIN
 *   xl create CONFIG             builds, seals and starts a domain (see cmd_create)
 *   xl console DOMAIN            its console: the output so far, then live; stdin goes in
 *                                (Ctrl-] leaves; tools/xl/xl_console.c)
 *   xl shutdown [-w] DOMAIN      asks the guest to power off, through its xenstore
 *                                (tools/xl/xl_store.c); -w waits until it is gone
 *
 * DOMAIN is a domain id or a name: Domain-0 for domain 0, and the names
 * `xl create` recorded in /run/xl/names (boot-time domains are dN: dom0 has
 * no xenstore of its own to learn their names from).
 * Failures say which call failed and why; "Permission denied" means the
 * policy refused it, and the hypervisor's console (xl dmesg) holds the AVC
 * line naming the permission.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "../lib/flaskop.h"
#include "../lib/xencall.h"
#include "xl.h"
#include "public/domctl.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/version.h"
#include "public/xen.h"

#define HC_MEMORY_OP 12
#define HC_XEN_VERSION 17
#define HC_SYSCTL 35
#define HC_DOMCTL 36
#define MAX_DOMAINS 64
#define NAME_DIR XL_RUN_DIR "/names" /* id -> name, written by xl create */

static struct xen_sysctl sc;
static struct xen_domctl dc;
static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];
static char text[4096];

static long sysctl(uint32_t cmd)
{
    sc.cmd = cmd;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return xencall(HC_SYSCTL, (unsigned long)&sc, 0, 0, 0, 0);
}

static long domctl(uint32_t cmd, domid_t domain)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = domain;
    return xencall(HC_DOMCTL, (unsigned long)&dc, 0, 0, 0, 0);
}

int xl_fail(const char *what, long rc)
{
    fprintf(stderr, "xl: %s: %s%s\n", what, strerror((int)-rc),
            rc == -EACCES ? " (refused by the security policy: see xl dmesg)" : "");
    return 1;
}

/* A xen_version string (extraversion, capabilities, command line) into text. */
static const char *version_string(unsigned cmd)
{
    memset(text, 0, sizeof(text));
    if (xencall(HC_XEN_VERSION, cmd, (unsigned long)text, 0, 0, 0) < 0)
        return "";
    text[sizeof(text) - 1] = '\0';
    return text;
}

void xl_mkdir_run(const char *dir)
{
    mkdir("/run", 0755);
    mkdir(XL_RUN_DIR, 0755);
    mkdir(dir, 0755);
}

static void domain_name(domid_t id, char *out, size_t max)
{
    char path[64];
    FILE *f;

    if (id == 0) {
        snprintf(out, max, "Domain-0");
        return;
    }
    snprintf(path, sizeof(path), NAME_DIR "/%u", id);
    f = fopen(path, "r");
    if (f && fgets(out, (int)max, f)) {
        out[strcspn(out, "\n")] = '\0';
        fclose(f);
        return;
    }
    if (f)
        fclose(f);
    snprintf(out, max, "d%u", id);
}

/* The domains into infos[]: how many (at most MAX_DOMAINS), or a negative errno. */
static long list_domains(void)
{
    long rc;

    memset(&sc, 0, sizeof(sc));
    memset(infos, 0, sizeof(infos)); /* present and writable when the hypervisor writes it */
    sc.u.getdomaininfolist = (struct xen_sysctl_getdomaininfolist){
        .first_domain = 0, .max_domains = MAX_DOMAINS, .buffer = (uint64_t)(uintptr_t)infos};
    rc = sysctl(XEN_SYSCTL_getdomaininfolist);
    if (rc < 0)
        return rc;
    return sc.u.getdomaininfolist.num_domains < MAX_DOMAINS ? sc.u.getdomaininfolist.num_domains
                                                            : MAX_DOMAINS;
}

long xl_find_domain(const char *arg)
{
    char *end, name[128];
    unsigned long id = strtoul(arg, &end, 10);
    long n;

    if (*arg && !*end)
        return id < DOMID_FIRST_RESERVED ? (long)id : -1;
    n = list_domains();
    for (long i = 0; i < n; i++) {
        domain_name(infos[i].domain, name, sizeof(name));
        if (!strcmp(name, arg))
            return infos[i].domain;
    }
    fprintf(stderr, "xl: no domain named '%s'\n", arg);
    return -1;
}

bool xl_domain_alive(uint16_t id)
{
    long n = list_domains();

    for (long i = 0; i < n; i++)
        if (infos[i].domain == id)
            return !(infos[i].flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown));
    return false;
}

static int cmd_info(int argc, char **argv)
{
    struct utsname u;
    long version, rc;
    uint64_t mib;

    (void)argv;
    if (argc != 1)
        return xl_fail("usage: xl info", -EINVAL);
    memset(&sc, 0, sizeof(sc));
    if ((rc = sysctl(XEN_SYSCTL_physinfo)) < 0)
        return xl_fail("reading the host's physinfo", rc);
    struct xen_sysctl_physinfo p = sc.u.physinfo;
    if (uname(&u) == 0) {
        printf("host                   : %s\n", u.nodename);
        printf("release                : %s\n", u.release);
        printf("version                : %s\n", u.version);
        printf("machine                : %s\n", u.machine);
    }
    printf("nr_cpus                : %" PRIu32 "\n", p.nr_cpus);
    printf("max_cpu_id             : %" PRIu32 "\n", p.max_cpu_id);
    printf("nr_nodes               : %" PRIu32 "\n", p.nr_nodes);
    printf("cores_per_socket       : %" PRIu32 "\n", p.cores_per_socket);
    printf("threads_per_core       : %" PRIu32 "\n", p.threads_per_core);
    printf("cpu_mhz                : %" PRIu32 ".%03" PRIu32 "\n", p.cpu_khz / 1000,
           p.cpu_khz % 1000);
    printf("virt_caps              :%s%s\n", p.capabilities & XEN_SYSCTL_PHYSCAP_hvm ? " hvm" : "",
           p.capabilities & XEN_SYSCTL_PHYSCAP_hap ? " hap" : "");
    mib = 1024 * 1024 / 4096;
    printf("total_memory           : %" PRIu64 "\n", p.total_pages / mib);
    printf("free_memory            : %" PRIu64 "\n", (p.free_pages - p.outstanding_pages) / mib);
    printf("outstanding_claims     : %" PRIu64 "\n", p.outstanding_pages / mib);
    version = xencall(HC_XEN_VERSION, XENVER_version, 0, 0, 0, 0);
    if (version < 0)
        return xl_fail("reading the hypervisor's version", version);
    printf("xen_major              : %ld\n", version >> 16);
    printf("xen_minor              : %ld\n", version & 0xffff);
    printf("xen_extra              : %s\n", version_string(XENVER_extraversion));
    printf("xen_version            : %ld.%ld%s\n", version >> 16, version & 0xffff, text);
    printf("xen_caps               : %s\n", version_string(XENVER_capabilities));
    printf("xen_scheduler          : flaxen-rr\n");
    printf("xen_pagesize           : %ld\n", xencall(HC_XEN_VERSION, XENVER_pagesize, 0, 0, 0, 0));
    printf("xen_commandline        : %s\n", version_string(XENVER_commandline));
    printf("xend_config_format     : 4\n");
    return 0;
}

/* The security label of a SID (FLASK_SID_TO_CONTEXT), or "-". */
static const char *label_of(uint32_t sid)
{
    static struct xen_flask_op op;

    memset(&op, 0, sizeof(op));
    memset(text, 0, sizeof(text));
    op.u.sid_context.sid = sid;
    op.u.sid_context.size = sizeof(text);
    op.u.sid_context.context = (uint64_t)(uintptr_t)text;
    if (flask_op(&op, FLASK_SID_TO_CONTEXT) < 0 || !text[0])
        return "-";
    return text;
}

static int cmd_list(int argc, char **argv)
{
    static const char reasons[] = "-rscwS";
    bool labels = false;
    domid_t only[MAX_DOMAINS];
    unsigned nr_only = 0, count;
    char name[128];
    long rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-Z") || !strcmp(argv[i], "--context")) {
            labels = true;
        } else {
            long id = xl_find_domain(argv[i]);
            if (id < 0 || nr_only == MAX_DOMAINS)
                return 1;
            only[nr_only++] = (domid_t)id;
        }
    }
    if ((rc = list_domains()) < 0)
        return xl_fail("listing the domains", rc);
    count = (unsigned)rc;
    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)%s\n",
           labels ? "   Security Label" : "");
    for (unsigned i = 0; i < count; i++) {
        const struct xen_domctl_getdomaininfo *d = &infos[i];
        unsigned reason = (d->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        bool shutdown = d->flags & XEN_DOMINF_shutdown, listed = !nr_only;

        for (unsigned k = 0; k < nr_only; k++)
            listed |= only[k] == d->domain;
        if (!listed)
            continue;
        domain_name(d->domain, name, sizeof(name));
        printf("%-40s %5u %5" PRIu64 " %5" PRIu32 "     %c%c%c%c%c%c  %8.1f", name, d->domain,
               d->tot_pages * 4 / 1024, d->nr_online_vcpus,
               d->flags & XEN_DOMINF_running ? 'r' : '-', d->flags & XEN_DOMINF_blocked ? 'b' : '-',
               d->flags & XEN_DOMINF_paused ? 'p' : '-', shutdown ? 's' : '-',
               !shutdown                      ? '-'
               : reason < sizeof(reasons) - 1 ? reasons[reason]
                                              : '?',
               d->flags & XEN_DOMINF_dying ? 'd' : '-', (double)d->cpu_time / 1e9);
        if (labels)
            printf(" %16s", label_of(d->ssidref));
        printf("\n");
    }
    return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
    static char ring[16384];
    bool clear = argc == 2 && !strcmp(argv[1], "-c");
    uint32_t index = 0;
    bool first = true;
    long rc;

    if (argc > 2 || (argc == 2 && !clear))
        return xl_fail("usage: xl dmesg [-c]", -EINVAL);
    for (;;) {
        memset(&sc, 0, sizeof(sc));
        memset(ring, 0, sizeof(ring)); /* present and writable when the hypervisor writes it */
        sc.u.readconsole.clear = clear;
        sc.u.readconsole.incremental = !first;
        sc.u.readconsole.index = index;
        sc.u.readconsole.buffer = (uint64_t)(uintptr_t)ring;
        sc.u.readconsole.count = sizeof(ring);
        if ((rc = sysctl(XEN_SYSCTL_readconsole)) < 0)
            return xl_fail("reading the hypervisor's console", rc);
        if (!sc.u.readconsole.count)
            return 0;
        fwrite(ring, 1, sc.u.readconsole.count, stdout);
        index = sc.u.readconsole.index;
        first = false;
    }
}

static int cmd_domain_op(int argc, char **argv, uint32_t cmd, const char *what)
{
    long id, rc;
    char message[96];

    if (argc != 2) {
        fprintf(stderr, "usage: xl %s DOMAIN\n", argv[0]);
        return 1;
    }
    if ((id = xl_find_domain(argv[1])) < 0)
        return 1;
    memset(&dc, 0, sizeof(dc));
    rc = domctl(cmd, (domid_t)id);
    if (rc < 0) {
        snprintf(message, sizeof(message), "%s domain %ld", what, id);
        return xl_fail(message, rc);
    }
    if (cmd == XEN_DOMCTL_destroydomain) {
        char path[64];
        snprintf(path, sizeof(path), NAME_DIR "/%ld", id);
        remove(path);
    }
    return 0;
}

/* ---------------------------------------------------------------- xl create */

struct config {
    char name[64], kernel[256], ramdisk[256], cmdline[512], seclabel[256], init_seclabel[256];
    unsigned long memory, vcpus;
};

/* Reads one xl.cfg setting: KEY = "string" or KEY = number; false when malformed. */
static bool config_line(struct config *c, char *line, char *why, size_t max)
{
    static const struct {
        const char *key;
        size_t offset, size;
    } strings[] = {
#define S(k, f) {k, offsetof(struct config, f), sizeof(((struct config *)0)->f)}
        S("name", name),
        S("kernel", kernel),
        S("ramdisk", ramdisk),
        S("extra", cmdline),
        S("cmdline", cmdline),
        S("seclabel", seclabel),
        S("init_seclabel", init_seclabel),
#undef S
    };
    char *key = line, *value, *end;

    line[strcspn(line, "#\n")] = '\0';
    while (*key == ' ' || *key == '\t')
        key++;
    if (!*key)
        return true;
    value = strchr(key, '=');
    if (!value || value == key) {
        snprintf(why, max, "expected KEY = VALUE");
        return false;
    }
    *value++ = '\0';
    for (end = value - 2; end >= key && (*end == ' ' || *end == '\t'); end--)
        *end = '\0';
    while (*value == ' ' || *value == '\t')
        value++;
    for (end = value + strlen(value) - 1; end >= value && (*end == ' ' || *end == '\t'); end--)
        *end = '\0';
    if (!strcmp(key, "memory") || !strcmp(key, "vcpus")) {
        unsigned long n = strtoul(value, &end, 10);
        if (!*value || *end || !n) {
            snprintf(why, max, "%s must be a positive number", key);
            return false;
        }
        *(!strcmp(key, "memory") ? &c->memory : &c->vcpus) = n;
        return true;
    }
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        size_t len = strlen(value);
        if (strcmp(key, strings[i].key))
            continue;
        if (len < 2 || (value[0] != '"' && value[0] != '\'') || value[len - 1] != value[0]) {
            snprintf(why, max, "%s must be a quoted string", key);
            return false;
        }
        if (len - 2 >= strings[i].size) {
            snprintf(why, max, "%s is longer than %zu characters", key, strings[i].size - 1);
            return false;
        }
        memcpy((char *)c + strings[i].offset, value + 1, len - 2);
        ((char *)c + strings[i].offset)[len - 2] = '\0';
        return true;
    }
    snprintf(why, max, "unknown setting '%s'", key);
    return false;
}

/* A whole file into memory (written, so its pages are present for the hypervisor). */
static void *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;

    if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
        (data = malloc((size_t)n)) && fread(data, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
        fclose(f);
        return data;
    }
    free(data);
    if (f)
        fclose(f);
    return NULL;
}

/*
 * xl create CONFIG: name, kernel (an arm64 Image), ramdisk, extra (or cmdline), memory
 * (MiB, in 2 MiB steps), vcpus, seclabel (its label once sealed) and init_seclabel (the
 * label it is built under; by default the seclabel's type with "_building", the policy's
 * convention). The domain is created under init_seclabel, given its memory, then sealed:
 * the hypervisor copies kernel and ramdisk from this process, measures them with the
 * command line, finds the manifest entry called `name` with those digests and labels the
 * domain seclabel (which must be the entry's). Only then may it run; a domain the
 * manifest does not list is destroyed again and never runs.
 */
static int cmd_create(int argc, char **argv)
{
    static struct config c;
    char line[1024], why[1600];
    void *image = NULL, *ramdisk = NULL;
    size_t image_size = 0, ramdisk_size = 0;
    uint32_t build_sid, sid;
    unsigned number = 0;
    domid_t id = 0;
    long rc;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: xl create CONFIG\n");
        return 1;
    }
    memset(&c, 0, sizeof(c));
    c.memory = 64;
    c.vcpus = 1;
    fprintf(stderr, "Parsing config from %s\n", argv[1]);
    if (!(f = fopen(argv[1], "r"))) {
        fprintf(stderr, "xl: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    while (fgets(line, sizeof(line), f)) {
        number++;
        if (!config_line(&c, line, why, sizeof(why))) {
            fprintf(stderr, "xl: %s:%u: %s\n", argv[1], number, why);
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    if (!c.name[0] || !c.kernel[0] || !c.seclabel[0]) {
        fprintf(stderr, "xl: %s: name, kernel and seclabel are required\n", argv[1]);
        return 1;
    }
    if (c.memory % 2 || c.memory > 65536) {
        fprintf(stderr, "xl: %s: memory must be an even number of MiB (2 MiB extents)\n", argv[1]);
        return 1;
    }
    if (!c.init_seclabel[0]) {
        /* user:role:type[:MLS range]: "_building" goes after the third field */
        char *role = strchr(c.seclabel, ':'), *type = role ? strchr(role + 1, ':') : NULL;
        const char *type_end = type ? type + 1 + strcspn(type + 1, ":") : c.seclabel;

        if (!type) {
            fprintf(stderr, "xl: %s: seclabel '%s' is not user:role:type\n", argv[1], c.seclabel);
            return 1;
        }
        snprintf(c.init_seclabel, sizeof(c.init_seclabel), "%.*s_building%s",
                 (int)(type_end - c.seclabel), c.seclabel, type_end);
    }
    if (!(image = read_whole(c.kernel, &image_size)) ||
        (c.ramdisk[0] && !(ramdisk = read_whole(c.ramdisk, &ramdisk_size)))) {
        fprintf(stderr, "xl: cannot read %s: %s\n", image ? c.ramdisk : c.kernel,
                strerror(errno ? errno : EIO));
        return 1;
    }
    if ((rc = flask_context_to_sid(c.init_seclabel, &build_sid)) < 0 ||
        (rc = flask_context_to_sid(c.seclabel, &sid)) < 0) {
        snprintf(why, sizeof(why), "the label %s",
                 rc < 0 && build_sid ? c.seclabel : c.init_seclabel);
        return xl_fail(why, rc);
    }
    memset(&dc, 0, sizeof(dc));
    dc.u.createdomain.ssidref = build_sid;
    dc.u.createdomain.max_vcpus = (uint32_t)c.vcpus;
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    dc.u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
    memcpy(dc.u.createdomain.handle, c.name, strnlen(c.name, sizeof(dc.u.createdomain.handle)));
    if ((rc = domctl(XEN_DOMCTL_createdomain, 0)) < 0) /* 0: the hypervisor picks the id */
        return xl_fail("creating the domain", rc);
    id = dc.domain;
    /* From here on a failure destroys what was built. */
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = c.memory * 1024;
    if ((rc = domctl(XEN_DOMCTL_max_mem, id)) < 0) {
        snprintf(why, sizeof(why), "setting domain %u's memory limit", id);
        goto undo;
    }
    for (unsigned long mib = 0; mib < c.memory; mib += 2) {
        static uint64_t gfn;
        static struct xen_memory_reservation r;

        gfn = (0x40000000ull >> 12) + (mib << 8);
        r = (struct xen_memory_reservation){.extent_start = (uint64_t)(uintptr_t)&gfn,
                                            .nr_extents = 1,
                                            .extent_order = 9,
                                            .domid = id};
        rc = xencall(HC_MEMORY_OP, XENMEM_populate_physmap, (unsigned long)&r, 0, 0, 0);
        if (rc != 1) {
            rc = rc < 0 ? rc : -ENOMEM;
            snprintf(why, sizeof(why), "giving domain %u its memory (at %lu MiB)", id, mib);
            goto undo;
        }
    }
    memset(&dc, 0, sizeof(dc));
    snprintf(dc.u.flaxen_seal.name, sizeof(dc.u.flaxen_seal.name), "%s", c.name);
    dc.u.flaxen_seal.image = (uint64_t)(uintptr_t)image;
    dc.u.flaxen_seal.image_size = image_size;
    dc.u.flaxen_seal.ramdisk = (uint64_t)(uintptr_t)ramdisk;
    dc.u.flaxen_seal.ramdisk_size = ramdisk_size;
    dc.u.flaxen_seal.cmdline = (uint64_t)(uintptr_t)c.cmdline;
    dc.u.flaxen_seal.cmdline_len = (uint32_t)strlen(c.cmdline);
    dc.u.flaxen_seal.ssidref = sid;
    /* Both rings, served by dom0 (xl's backend process below). */
    dc.u.flaxen_seal.flags = FLAXEN_SEAL_CONSOLE | FLAXEN_SEAL_XENSTORE;
    if ((rc = domctl(XEN_DOMCTL_flaxen_seal, id)) < 0) {
        snprintf(why, sizeof(why),
                 "sealing domain %u as '%s' (is it in the manifest, with this kernel, ramdisk "
                 "and command line, and labeled %s there? see xl dmesg)",
                 id, c.name, c.seclabel);
        goto undo;
    }
    /* Its console and xenstore rings are served before the guest can use them. */
    if (xl_backend_start(id, c.name, why, sizeof(why))) {
        rc = 0; /* why says it all */
        goto undo;
    }
    memset(&dc, 0, sizeof(dc));
    if ((rc = domctl(XEN_DOMCTL_unpausedomain, id)) < 0) {
        snprintf(why, sizeof(why), "starting domain %u", id);
        goto undo;
    }
    xl_mkdir_run(NAME_DIR);
    snprintf(line, sizeof(line), NAME_DIR "/%u", id);
    if ((f = fopen(line, "w"))) {
        fprintf(f, "%s\n", c.name);
        fclose(f);
    }
    free(image);
    free(ramdisk);
    return 0;
undo:
    if (rc)
        xl_fail(why, rc);
    else
        fprintf(stderr, "xl: %s\n", why);
    memset(&dc, 0, sizeof(dc));
    domctl(XEN_DOMCTL_destroydomain, id);
    free(image);
    free(ramdisk);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: xl info|list|dmesg|pause|unpause|destroy|shutdown|create|console ...\n");
        return 1;
    }
    argc--, argv++;
    if (!strcmp(argv[0], "info"))
        return cmd_info(argc, argv);
    if (!strcmp(argv[0], "list") || !strcmp(argv[0], "li"))
        return cmd_list(argc, argv);
    if (!strcmp(argv[0], "dmesg"))
        return cmd_dmesg(argc, argv);
    if (!strcmp(argv[0], "pause"))
        return cmd_domain_op(argc, argv, XEN_DOMCTL_pausedomain, "pausing");
    if (!strcmp(argv[0], "unpause"))
        return cmd_domain_op(argc, argv, XEN_DOMCTL_unpausedomain, "unpausing");
    if (!strcmp(argv[0], "destroy"))
        return cmd_domain_op(argc, argv, XEN_DOMCTL_destroydomain, "destroying");
    if (!strcmp(argv[0], "create"))
        return cmd_create(argc, argv);
    if (!strcmp(argv[0], "console"))
        return xl_cmd_console(argc, argv);
    if (!strcmp(argv[0], "shutdown"))
        return xl_cmd_shutdown(argc, argv);
    fprintf(stderr, "xl: unknown subcommand '%s'\n", argv[0]);
    return 1;
}
