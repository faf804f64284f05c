/*
 * Included first in every hypervisor C file (-include, see mk/hyp.mk).
 *
 * Hidden visibility for every symbol, including those only declared here:
 * the image is one static PIE, nothing is preempted, so globals are reached
 * PC-relative (ADRP/ADD) instead of through the GOT.
 */
#ifndef FLAXEN_COMPILER_H
#define FLAXEN_COMPILER_H

#pragma GCC visibility push(hidden)

#endif
