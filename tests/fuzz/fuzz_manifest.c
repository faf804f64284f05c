/*
 * Fuzz target: manifest_parse() (xen/common/manifest.c) on arbitrary bytes.
 *
 * The input is copied to a heap buffer of exactly its length (ASan catches any
 * read past it). A manifest the parser accepts must be one the writer
 * (measured-boot/manifest_writer.c) produces byte for byte from what was parsed:
 * nothing in an accepted manifest goes unread or is read two ways. Its
 * strings must be terminated and every entry findable by its name. The
 * signature check runs too (a fixed key: it must simply return).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <flaxen/manifest.h>

#include "measured-boot/manifest_writer.h"

static struct manifest parsed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[MANIFEST_PUBLIC_KEY_SIZE] = {1, 2, 3, 4};
    uint8_t *copy = malloc(size ? size : 1);
    size_t where = 0, len = 0;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (manifest_parse(copy, size, &parsed, &where) == MANIFEST_OK) {
        uint8_t *again = manifest_write_unsigned(&parsed, &len);

        if (!again || len + MANIFEST_SIGNATURE_SIZE != size || memcmp(again, copy, len))
            __builtin_trap();
        free(again);
        if (parsed.count == 0 || parsed.count > MANIFEST_MAX_ENTRIES)
            __builtin_trap();
        for (uint32_t i = 0; i < parsed.count; i++) {
            const struct manifest_entry *e = &parsed.entries[i];

            if (!memchr(e->name, '\0', sizeof(e->name)) || !e->name[0] ||
                !memchr(e->label, '\0', sizeof(e->label)) || !e->label[0] ||
                !memchr(e->mls, '\0', sizeof(e->mls)) || manifest_find(&parsed, e->name) != e)
                __builtin_trap();
        }
        (void)manifest_check_signature(copy, size, key);
    } else if (where > size) {
        __builtin_trap();
    }
    free(copy);
    return 0;
}
