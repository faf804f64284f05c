/*
 * Fuzz target: the binary policy loader, then decisions on whatever loads.
 *
 * Any input must be either rejected with an error message or loaded into a
 * database on which every decision runs without a fault.
 */
#include <stddef.h>
#include <stdint.h>

#include "policydb.h"
#include "security.h"

static void exercise(struct ss_server *s)
{
    const struct policydb *p = ss_policy(s);
    uint32_t nclasses = p->symtab[SYM_CLASSES].nprim;

    for (uint32_t ssid = 1; ssid <= 16; ssid++) {
        for (uint32_t tsid = 1; tsid <= 16; tsid++) {
            for (uint32_t c = 1; c <= nclasses && c <= 16; c++) {
                struct ss_av_decision avd;
                uint32_t out;

                ss_compute_av(s, ssid, tsid, c, &avd, NULL);
                ss_compute_sid(s, ssid, tsid, c, SS_COMPUTE_CREATE, &out);
            }
        }
        char *text;
        if (!ss_sid_to_context(s, ssid, &text, NULL))
            ss_free(text);
    }
    for (uint32_t i = 0; i < ss_bool_count(s); i++)
        ss_bool_set_pending(s, i, true);
    ss_bool_commit(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ss_server *s = ss_create();
    struct ss_error err;

    if (!s)
        return 0;
    if (ss_load_policy(s, data, size, NULL, &err) == 0) {
        exercise(s);
        /* A second load of the same image is a reload: it must succeed too. */
        if (ss_load_policy(s, data, size, NULL, &err) != 0)
            __builtin_trap();
    }
    ss_destroy(s);
    return 0;
}
