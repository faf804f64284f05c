/*
 * Writing domain manifests (xen/include/flaxen/manifest.h has the format) on
 * the host: flaxen-manifest and the tests use it; the hypervisor only reads.
 */
#ifndef FLAXEN_MANIFEST_WRITER_H
#define FLAXEN_MANIFEST_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <flaxen/manifest.h>

/*
 * The signed part of a manifest for m's entries (header and entries, no
 * signature) in a fresh malloc'ed buffer of *len bytes; the key id is m's.
 * NULL (with errno set) when an entry's strings do not fit the format.
 */
uint8_t *manifest_write_unsigned(const struct manifest *m, size_t *len);

#endif
