/*
 * Fuzz target: the security context parser, against a real MLS policy.
 *
 * Invariant: a string either fails to parse, or gets a SID whose canonical
 * string parses back to the same SID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "security.h"

static struct ss_server *server;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = getenv("FLAXEN_FUZZ_POLICY");
    static char image[1 << 22];
    struct ss_error err;
    size_t len;
    FILE *f;

    (void)argc;
    (void)argv;
    if (!path)
        path = "build/policy/flaxen-mls.30";
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_context: cannot open policy %s (set FLAXEN_FUZZ_POLICY)\n", path);
        exit(2);
    }
    len = fread(image, 1, sizeof(image), f);
    fclose(f);
    server = ss_create();
    if (!server || ss_load_policy(server, image, len, NULL, &err)) {
        fprintf(stderr, "fuzz_context: policy %s did not load\n", path);
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t sid, again;
    char *text;
    size_t len;

    if (ss_context_to_sid(server, (const char *)data, size, &sid))
        return 0;
    if (ss_sid_to_context(server, sid, &text, &len))
        __builtin_trap();
    if (ss_context_to_sid(server, text, len, &again) || again != sid)
        __builtin_trap();
    ss_free(text);
    return 0;
}
