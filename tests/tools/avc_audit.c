/*
 * avc-audit: asks the AVC (in front of Flaxen's security server) the questions
 * on standard input and prints the audit lines it emits, exactly as the
 * hypervisor would log them. Used to check that audit2allow reads our lines.
 *
 *   avc-audit POLICY < lines of "SCONTEXT TCONTEXT CLASS PERM [DOMID]"
 *
 * Exit status: 0, or 2 for a bad policy or a bad line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avc.h"
#include "security.h"

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    puts(line);
}

static int ask(struct ss_server *s, struct avc *a, char *line)
{
    char scon[512], tcon[512], cls[64], perm[64];
    int domid = -1;
    uint32_t ssid, tsid, tclass, bit;
    struct avc_audit_data ad = {.domid = -1, .target_domid = -1, .object = AVC_AUDIT_NONE};

    if (sscanf(line, "%511s %511s %63s %63s %d", scon, tcon, cls, perm, &domid) < 4)
        return -1;
    tclass = ss_class_value(s, cls);
    bit = tclass ? ss_perm_bit(s, tclass, perm) : 0;
    if (!bit || ss_context_to_sid(s, scon, strlen(scon), &ssid) ||
        ss_context_to_sid(s, tcon, strlen(tcon), &tsid))
        return -1;
    ad.domid = domid;
    avc_has_perm(a, ssid, tsid, tclass, bit, &ad);
    return 0;
}

int main(int argc, char **argv)
{
    static char image[1 << 22];
    static struct avc avc;
    struct ss_server *s = ss_create();
    struct ss_error err = {{0}};
    char line[2048];
    size_t len;
    FILE *f;

    if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: avc-audit POLICY < queries\n");
        return 2;
    }
    len = fread(image, 1, sizeof(image), f);
    fclose(f);
    if (!s || ss_load_policy(s, image, len, NULL, &err) || avc_init(&avc, s)) {
        fprintf(stderr, "avc-audit: %s\n", err.msg);
        return 2;
    }
    avc_set_audit(&avc, print_line, NULL);
    while (fgets(line, sizeof(line), stdin)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (ask(s, &avc, line)) {
            fprintf(stderr, "avc-audit: bad line: %s", line);
            return 2;
        }
    }
    avc_destroy(&avc);
    ss_destroy(s);
    return 0;
}
