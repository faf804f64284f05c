/*
 * Host tests of bootinfo_resolve_policy() (xen/common/bootinfo.c): which boot modules become
 * the FLASK policy, the domain manifest and dom0's ramdisk, by their kind and by their bytes,
 * as QEMU's guest-loader and GRUB's xen_module hand them over.
 */
#include <stdlib.h>
#include <string.h>

#include "flaxen/bootinfo.h"
#include "unit.h"

#define EINVAL_RC (-22)

/* A bootinfo with modules of the given kinds (domain -1 unless 'd'): K R U P M d */
static void make_modules(struct bootinfo *bi, const char *kinds)
{
    memset(bi, 0, sizeof(*bi));
    bi->dom0_kernel = bi->dom0_ramdisk = bi->policy = bi->manifest = -1;
    for (unsigned i = 0; kinds[i]; i++) {
        struct bootinfo_module *m = &bi->modules[bi->nr_modules++];
        char k = kinds[i];

        m->kind = k == 'K'               ? BOOTMOD_KERNEL
                  : k == 'R' || k == 'd' ? BOOTMOD_RAMDISK
                  : k == 'P'             ? BOOTMOD_POLICY
                  : k == 'M'             ? BOOTMOD_MANIFEST
                                         : BOOTMOD_UNKNOWN;
        m->domain = k == 'd' ? 0 : -1;
        m->where = (struct bootinfo_region){0x40000000 + 0x100000 * i, 16};
        if (k == 'K' && bi->dom0_kernel < 0)
            bi->dom0_kernel = (int)i;
        if (k == 'R' && bi->dom0_ramdisk < 0)
            bi->dom0_ramdisk = (int)i;
        if (k == 'P')
            bi->policy = (int)i;
        if (k == 'M')
            bi->manifest = (int)i;
    }
}

static void test_resolve_policy(struct unit *u)
{
    static const uint8_t policy[16] = {0x8c, 0xff, 0x7c, 0xf9, 8,   0,   0,   0,
                                       'X',  'e',  'n',  'F',  'l', 'a', 's', 'k'};
    static const uint8_t cpio[16] = {0x1f, 0x8b, 8, 0};
    static const uint8_t manifest[16] = "FLXMANI1\1\0\0\0@";
    static const struct {
        const char *kinds, *contents; /* p policy, m manifest, c other bytes, - unmapped */
        int rc, policy, ramdisk, manifest;
    } cases[] = {
        {"KRR", "cpc", 0, 1, 2, -1},        /* QEMU: the policy as a second initrd, listed first */
        {"KRR", "ccp", 0, 2, 1, -1},        /* ... or second */
        {"KRU", "ccp", 0, 2, 1, -1},        /* GRUB: a third module of no kind */
        {"KR", "c-", 0, -1, 1, -1},         /* unmapped: never a policy */
        {"KRR", "ccc", EINVAL_RC, 0, 0, 0}, /* two ramdisks, neither a policy */
        {"KRU", "cpp", EINVAL_RC, 0, 0, 0}, /* two policies */
        {"KRP", "cpc", EINVAL_RC, 0, 0, 0}, /* one by compatible, one by contents */
        {"RU", "cp", EINVAL_RC, 0, 0, 0},   /* a ramdisk without a dom0 kernel */
        {"Kd", "cp", 0, -1, -1, -1},        /* a domain's ramdisk is not a candidate */
        {"KRUP", "pccc", 0, 3, 1, -1},      /* a kernel with the magic is still the kernel */
        {"U", "p", 0, 0, -1, -1},           /* dom0less with the policy only */
        {"KRUU", "ccpm", 0, 2, 1, 3},       /* GRUB: policy and manifest, known by contents */
        {"KRUU", "ccmp", 0, 3, 1, 2},       /* ... in either order */
        {"KRR", "cmc", 0, -1, 2, 1},        /* QEMU: the manifest as a second initrd */
        {"KUM", "cmc", EINVAL_RC, 0, 0, 0}, /* one by compatible, one by contents */
        {"KUU", "cmm", EINVAL_RC, 0, 0, 0}, /* two manifests */
        {"KM", "cc", 0, -1, -1, 1},         /* by compatible, whatever its bytes */
        {"Kd", "cm", 0, -1, -1, -1},        /* a domain's ramdisk is not a candidate */
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct bootinfo *bi = malloc(sizeof(*bi));
        const void *images[BOOTINFO_MAX_MODULES] = {0};
        char err[BOOTINFO_ERROR_LEN];
        int rc;

        make_modules(bi, cases[c].kinds);
        for (unsigned i = 0; cases[c].contents[i]; i++)
            images[i] = cases[c].contents[i] == 'p'   ? policy
                        : cases[c].contents[i] == 'm' ? manifest
                        : cases[c].contents[i] == 'c' ? cpio
                                                      : NULL;
        rc = bootinfo_resolve_policy(bi, images, err);
        UNIT_CHECK_MSG(u, rc == cases[c].rc, "case %zu (%s): rc %d: %s", c, cases[c].kinds, rc,
                       err);
        if (rc == 0) {
            UNIT_CHECK_MSG(u,
                           bi->policy == cases[c].policy && bi->dom0_ramdisk == cases[c].ramdisk &&
                               bi->manifest == cases[c].manifest,
                           "case %zu: policy %d ramdisk %d manifest %d", c, bi->policy,
                           bi->dom0_ramdisk, bi->manifest);
            UNIT_CHECK(u, bi->policy < 0 || bi->modules[bi->policy].kind == BOOTMOD_POLICY);
            UNIT_CHECK(u, bi->manifest < 0 || bi->modules[bi->manifest].kind == BOOTMOD_MANIFEST);
            UNIT_CHECK(u, bootinfo_resolve_policy(bi, images, err) == 0); /* idempotent */
            UNIT_CHECK(u, bi->policy == cases[c].policy && bi->dom0_ramdisk == cases[c].ramdisk);
        } else {
            UNIT_CHECK_MSG(u, strstr(err, "boot modules"), "case %zu: \"%s\"", c, err);
        }
        free(bi);
    }
}

/*
 * GRUB's device tree (tests/unit/dts/grub.dts): modules of no kind become dom0's kernel
 * (with its arguments, GRUB's stray byte dropped) and ramdisk, as Xen guesses; their
 * contents then make the ramdisk the policy and the third module the manifest.
 */
static void test_grub_modules(struct unit *u)
{
    static const uint8_t policy[16] = {0x8c, 0xff, 0x7c, 0xf9, 8,   0,   0,   0,
                                       'X',  'e',  'n',  'F',  'l', 'a', 's', 'k'};
    static const uint8_t kernel[16] = {'M', 'Z'}, manifest[16] = "FLXMANI1\1\0\0\0@";
    const void *images[BOOTINFO_MAX_MODULES] = {kernel, policy, manifest};
    struct bootinfo *bi = calloc(1, sizeof(*bi));
    char err[BOOTINFO_ERROR_LEN] = "";
    size_t len;
    void *fdt = unit_read_file(unit_build_path("dtb/grub.dtb"), &len);

    UNIT_CHECK_MSG(u, fdt, "cannot read %s", unit_build_path("dtb/grub.dtb"));
    if (!fdt || !bi) {
        free(bi);
        return;
    }
    UNIT_CHECK_MSG(u, bootinfo_parse(fdt, len, bi, err) == 0, "%s", err);
    UNIT_CHECK(u, bi->nr_modules == 3 && bi->dom0_kernel == 0 && bi->dom0_ramdisk == 1);
    UNIT_CHECK(u, bi->modules[0].kind == BOOTMOD_KERNEL && bi->modules[1].kind == BOOTMOD_RAMDISK &&
                      bi->modules[2].kind == BOOTMOD_UNKNOWN);
    UNIT_CHECK_MSG(u, !strcmp(bi->modules[0].cmdline, "role=attester"), "\"%s\"",
                   bi->modules[0].cmdline);
    UNIT_CHECK_MSG(u, !strcmp(bi->cmdline, "console=dtuart flask=enforcing"), "\"%s\"",
                   bi->cmdline);
    UNIT_CHECK_MSG(u, bootinfo_resolve_policy(bi, images, err) == 0, "%s", err);
    UNIT_CHECK(u, bi->policy == 1 && bi->manifest == 2 && bi->dom0_ramdisk == -1 &&
                      bi->dom0_kernel == 0);
    free(fdt);
    free(bi);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_resolve_policy),
    UNIT_CASE(test_grub_modules),
    {0},
};
