/*
 * The fake architecture's memory for the security server: the host's heap.
 *
 * Host tests, tools and fuzzers link the same freestanding security server
 * the hypervisor does; only these two functions differ.
 */
#include <stdlib.h>

#include "ss_platform.h"

void *ss_alloc(size_t size)
{
    if (size == 0 || size > SS_ALLOC_MAX)
        return NULL;
    return calloc(1, size);
}

void ss_free(void *ptr)
{
    free(ptr);
}
