/*
 * Fuzz target: bootinfo_parse() on arbitrary bytes (host libfdt).
 *
 * The blob is copied so that it ends exactly at an inaccessible page: a read past
 * max_size by our code or by libfdt (not built with ASan) faults at once. On
 * success every count must be within its bound, every index valid, every string
 * terminated; on failure the message must be a terminated, non-empty string.
 * bootinfo_resolve_policy() then runs with each module's image taken from the
 * input itself, and must keep the same invariants.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flaxen/bootinfo.h"

#define ARENA (1u << 20)

static uint8_t *arena; /* ARENA readable bytes, then a guard page */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    long page = sysconf(_SC_PAGESIZE);

    (void)argc;
    (void)argv;
    arena = mmap(NULL, ARENA + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
    if (arena == MAP_FAILED || mprotect(arena + ARENA, (size_t)page, PROT_NONE)) {
        perror("fuzz_bootinfo: guard page");
        exit(2);
    }
    return 0;
}

static void check_string(const char *s, size_t cap)
{
    if (!memchr(s, '\0', cap))
        __builtin_trap();
}

static void check_index(int index, unsigned count)
{
    if (index < -1 || index >= (int)count)
        __builtin_trap();
}

static void check_bootinfo(const struct bootinfo *bi)
{
    if (bi->nr_ram > BOOTINFO_MAX_BANKS || bi->nr_modules > BOOTINFO_MAX_MODULES ||
        bi->nr_domains > BOOTINFO_MAX_DOMAINS || bi->nr_gicr > BOOTINFO_MAX_REDIST ||
        bi->nr_cpus > BOOTINFO_MAX_CPUS)
        __builtin_trap();
    check_string(bi->cmdline, sizeof(bi->cmdline));
    check_string(bi->tpm_path, sizeof(bi->tpm_path));
    check_index(bi->dom0_kernel, bi->nr_modules);
    check_index(bi->dom0_ramdisk, bi->nr_modules);
    check_index(bi->policy, bi->nr_modules);
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        check_string(bi->modules[i].cmdline, sizeof(bi->modules[i].cmdline));
        check_index(bi->modules[i].domain, bi->nr_domains);
        if (bi->modules[i].where.size == 0)
            __builtin_trap();
    }
    for (unsigned i = 0; i < bi->nr_domains; i++) {
        check_string(bi->domains[i].name, sizeof(bi->domains[i].name));
        check_string(bi->domains[i].seclabel, sizeof(bi->domains[i].seclabel));
        check_index(bi->domains[i].kernel, bi->nr_modules);
        check_index(bi->domains[i].ramdisk, bi->nr_modules);
        if (bi->domains[i].kernel < 0 || !bi->domains[i].memory_kib || !bi->domains[i].vcpus)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bootinfo bi;
    const void *images[BOOTINFO_MAX_MODULES] = {0};
    char err[BOOTINFO_ERROR_LEN];
    size_t padded = (size + 7) & ~(size_t)7; /* the blob must start 8-byte aligned */
    uint8_t *blob;
    int rc;

    if (padded > ARENA)
        return 0;
    blob = arena + ARENA - padded;
    memset(blob + size, 0, padded - size);
    memcpy(blob, data, size);
    rc = bootinfo_parse(blob, size, &bi, err);
    check_string(err, sizeof(err));
    if (rc != 0) {
        if (rc > 0 || !err[0] || bi.nr_ram || bi.nr_modules)
            __builtin_trap();
        return 0;
    }
    check_bootinfo(&bi);
    /* Any module may be offered bytes from the input as its image. */
    for (unsigned i = 0; i < bi.nr_modules; i++) {
        uint64_t offset = bi.modules[i].where.base % (size + 1);

        if (bi.modules[i].where.size <= size - offset)
            images[i] = data + offset;
    }
    rc = bootinfo_resolve_policy(&bi, images, err);
    check_string(err, sizeof(err));
    if (rc > 0 || (rc < 0 && !err[0]))
        __builtin_trap();
    check_bootinfo(&bi);
    (void)bootinfo_is_policy_image(data, size);
    return 0;
}
