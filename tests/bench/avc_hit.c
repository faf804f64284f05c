/*
 * AVC hit cost, for callgrind: warms one entry, then performs N hits inside
 * avc_hit_loop(). tests/bench/run.sh divides the instructions callgrind counts
 * inside avc_has_perm by N.
 */
#include <stdio.h>
#include <stdlib.h>

#include "avc.h"
#include "security.h"

__attribute__((noinline)) static unsigned avc_hit_loop(struct avc *a, uint32_t ssid, uint32_t tsid,
                                                       uint32_t tclass, long n)
{
    unsigned denied = 0;

    for (long i = 0; i < n; i++)
        denied += avc_has_perm(a, ssid, tsid, tclass, 1u << 1, NULL) != 0;
    return denied;
}

int main(int argc, char **argv)
{
    static char image[1 << 22];
    static struct avc avc;
    struct ss_server *s = ss_create();
    struct ss_error err;
    uint32_t tclass;
    size_t len;
    FILE *f;
    long n = argc > 2 ? atol(argv[2]) : 100000;

    if (argc < 2 || !(f = fopen(argv[1], "rb")))
        return 2;
    len = fread(image, 1, sizeof(image), f);
    fclose(f);
    if (!s || ss_load_policy(s, image, len, NULL, &err) || avc_init(&avc, s))
        return 2;
    tclass = ss_class_value(s, "domain");
    /* SID 3 is dom0 and SID 12 domU: dom0 may pause (bit 1 of class domain) a domU. */
    avc_has_perm(&avc, 3, 12, tclass, 1u << 1, NULL);
    printf("denied %u of %ld\n", avc_hit_loop(&avc, 3, 12, tclass, n), n);
    avc_destroy(&avc);
    ss_destroy(s);
    return 0;
}
