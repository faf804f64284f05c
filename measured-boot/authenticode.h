#ifndef FLAXEN_AUTHENTICODE_H
#define FLAXEN_AUTHENTICODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The Authenticode digest (SHA-256) of a PE/COFF image, as UEFI firmware
 * measures an EFI application it loads into PCR 4 (PE/COFF specification,
 * "Calculating the PE image hash"): the headers without the checksum and the
 * certificate-table entry, the sections' raw data in file order, then what
 * follows them in the file except a certificate table. 0, or -1 (why).
 */
int authenticode_sha256(const uint8_t *img, size_t len, uint8_t digest[32], const char **why);

#endif
