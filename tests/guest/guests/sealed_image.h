/*
 * The image a toolstack-built domain is sealed with in the tests (hyp-domctl, hyp-seal-relabel):
 * build/guest/sealed.bin (tests/guest/images/sealed.S), embedded in the guest that seals it
 * (mk/guest.mk passes SEALED_IMAGE), and the seal request that carries it.
 */
#ifndef GUEST_SEALED_IMAGE_H
#define GUEST_SEALED_IMAGE_H

#include "guest.h"

__asm__(".section .rodata\n.balign 16\n.global sealed_image\nsealed_image:\n"
        ".incbin \"" SEALED_IMAGE "\"\n.global sealed_image_end\nsealed_image_end:\n.previous");
extern const uint8_t sealed_image[], sealed_image_end[];

/* A seal request for the manifest entry `name` with the sealed image, asking for `ssidref`. */
static inline void sealed_image_request(struct xen_domctl *dc, const char *name, uint32_t ssidref)
{
    memset(dc, 0, sizeof(*dc));
    memcpy(dc->u.flaxen_seal.name, name, strlen(name) + 1);
    dc->u.flaxen_seal.image = (uint64_t)(uintptr_t)sealed_image;
    dc->u.flaxen_seal.image_size = (uint64_t)(sealed_image_end - sealed_image);
    dc->u.flaxen_seal.ssidref = ssidref;
}

#endif
