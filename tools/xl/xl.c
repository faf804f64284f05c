/*
 * xl, Flaxen's toolstack for dom0: the subcommands and output Xen users know,
 * over Flaxen's domctl/sysctl/xen_version ABI through Linux's privcmd driver
 * (tools/lib/xencall.c). Static arm64 program.
 *
 *   xl info                      the host: CPUs, memory, the hypervisor's version
 *   xl list [-Z] [DOMAIN...]     domains, with -Z their security labels
 *   xl dmesg [-c]                the hypervisor's console ring (-c: and clear it)
 *   xl pause|unpause|destroy DOMAIN
 *
 * DOMAIN is a domain id or a name: Domain-0 for domain 0, and the names
 * `xl create` recorded (there is no xenstore yet; other domains are dN).
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
#include <sys/utsname.h>

#include "../lib/xencall.h"
#include "public/domctl.h"
#include "public/sysctl.h"
#include "public/version.h"
#include "public/xen.h"
#include "public/xsm/flask_op.h"

#define HC_XEN_VERSION 17
#define HC_XSM_OP 27
#define HC_SYSCTL 35
#define HC_DOMCTL 36
#define MAX_DOMAINS 64
#define NAME_DIR "/run/xl/names" /* id -> name, written by xl create */

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

static int fail(const char *what, long rc)
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

/* A domain by id or name; -1 with a message when there is none. */
static long find_domain(const char *arg)
{
    char *end, name[128];
    unsigned long id = strtoul(arg, &end, 10);
    long n;

    if (*arg && !*end)
        return id < DOMID_FIRST_RESERVED ? (long)id : -1;
    memset(&sc, 0, sizeof(sc));
    memset(infos, 0, sizeof(infos)); /* present and writable when the hypervisor writes it */
    sc.u.getdomaininfolist = (struct xen_sysctl_getdomaininfolist){
        .first_domain = 0, .max_domains = MAX_DOMAINS, .buffer = (uint64_t)(uintptr_t)infos};
    n = sysctl(XEN_SYSCTL_getdomaininfolist);
    for (long i = 0; n >= 0 && i < (long)sc.u.getdomaininfolist.num_domains; i++) {
        domain_name(infos[i].domain, name, sizeof(name));
        if (!strcmp(name, arg))
            return infos[i].domain;
    }
    fprintf(stderr, "xl: no domain named '%s'\n", arg);
    return -1;
}

static int cmd_info(int argc, char **argv)
{
    struct utsname u;
    long version, rc;
    uint64_t mib;

    (void)argv;
    if (argc != 1)
        return fail("usage: xl info", -EINVAL);
    memset(&sc, 0, sizeof(sc));
    if ((rc = sysctl(XEN_SYSCTL_physinfo)) < 0)
        return fail("reading the host's physinfo", rc);
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
        return fail("reading the hypervisor's version", version);
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
    op.cmd = FLASK_SID_TO_CONTEXT;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.sid_context.sid = sid;
    op.u.sid_context.size = sizeof(text);
    op.u.sid_context.context = (uint64_t)(uintptr_t)text;
    if (xencall(HC_XSM_OP, (unsigned long)&op, 0, 0, 0, 0) < 0 || !text[0])
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
            long id = find_domain(argv[i]);
            if (id < 0 || nr_only == MAX_DOMAINS)
                return 1;
            only[nr_only++] = (domid_t)id;
        }
    }
    memset(&sc, 0, sizeof(sc));
    memset(infos, 0, sizeof(infos)); /* present and writable when the hypervisor writes it */
    sc.u.getdomaininfolist = (struct xen_sysctl_getdomaininfolist){
        .first_domain = 0, .max_domains = MAX_DOMAINS, .buffer = (uint64_t)(uintptr_t)infos};
    if ((rc = sysctl(XEN_SYSCTL_getdomaininfolist)) < 0)
        return fail("listing the domains", rc);
    count = sc.u.getdomaininfolist.num_domains;
    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)%s\n",
           labels ? "   Security Label" : "");
    for (unsigned i = 0; i < count && i < MAX_DOMAINS; i++) {
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
        return fail("usage: xl dmesg [-c]", -EINVAL);
    for (;;) {
        memset(&sc, 0, sizeof(sc));
        memset(ring, 0, sizeof(ring)); /* present and writable when the hypervisor writes it */
        sc.u.readconsole.clear = clear;
        sc.u.readconsole.incremental = !first;
        sc.u.readconsole.index = index;
        sc.u.readconsole.buffer = (uint64_t)(uintptr_t)ring;
        sc.u.readconsole.count = sizeof(ring);
        if ((rc = sysctl(XEN_SYSCTL_readconsole)) < 0)
            return fail("reading the hypervisor's console", rc);
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
    if ((id = find_domain(argv[1])) < 0)
        return 1;
    memset(&dc, 0, sizeof(dc));
    rc = domctl(cmd, (domid_t)id);
    if (rc < 0) {
        snprintf(message, sizeof(message), "%s domain %ld", what, id);
        return fail(message, rc);
    }
    if (cmd == XEN_DOMCTL_destroydomain) {
        char path[64];
        snprintf(path, sizeof(path), NAME_DIR "/%ld", id);
        remove(path);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xl info|list|dmesg|pause|unpause|destroy ...\n");
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
    fprintf(stderr, "xl: unknown subcommand '%s'\n", argv[0]);
    return 1;
}
