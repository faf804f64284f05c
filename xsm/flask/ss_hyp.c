/*
 * The hypervisor's memory for the security server and the AVC: a heap of
 * their own (xen/common/xmalloc.c), so what FLASK holds (it grows as labels
 * are looked up and policies reloaded) is known apart from what domains
 * hold (xsm_memory_pages). Host programs link xen/arch/host/ss_host.c
 * instead.
 *
 * xmalloc gives what ss_platform.h promises: zeroed memory or NULL, any size
 * up to SS_ALLOC_MAX (a large policy's tables are whole blocks of pages), and
 * memory zeroed again when freed, so nothing of one policy outlives it.
 */
#include <flaxen/xmalloc.h>
#include <xsm/xsm.h>

#include "ss_platform.h"

static struct xmalloc_heap flask_heap; /* zero-filled: a valid empty heap */

_Static_assert(SS_ALLOC_MAX <= XMALLOC_MAX_SIZE, "the heap serves every size the server asks for");

void *ss_alloc(size_t size)
{
    if (size == 0 || size > SS_ALLOC_MAX)
        return NULL;
    return xmalloc_heap_alloc(&flask_heap, size);
}

void ss_free(void *ptr)
{
    xmalloc_heap_free(&flask_heap, ptr);
}

uint64_t xsm_memory_pages(void)
{
    struct xmalloc_stats st;

    xmalloc_heap_stats(&flask_heap, &st);
    return st.pages;
}

/*
 * The security server counts bits with __builtin_popcountll. AArch64 counts
 * bits only with a SIMD instruction (CNT), which -mgeneral-regs-only forbids,
 * so gcc calls libgcc's __popcountdi2, and the image links no libgcc. This
 * is that helper, on general registers (the classic SWAR sum of bit fields).
 * It belongs with the other freestanding helpers once there is a place for
 * them outside xsm/.
 */
int __popcountdi2(unsigned long value);

int __popcountdi2(unsigned long value)
{
    value = value - ((value >> 1) & 0x5555555555555555ul);
    value = (value & 0x3333333333333333ul) + ((value >> 2) & 0x3333333333333333ul);
    value = (value + (value >> 4)) & 0x0f0f0f0f0f0f0f0ful;
    return (int)((value * 0x0101010101010101ul) >> 56);
}
