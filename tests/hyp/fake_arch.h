/*
 * The fake architecture for host tests of the portable hypervisor core.
 *
 * "Physical" RAM is a host buffer placed at a physical address that is not
 * its host address, so code that confuses the two breaks here.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <setjmp.h>

#include <flaxen/types.h>

#define FAKE_RAM_BASE 0x40000000ull

/* Backs [FAKE_RAM_BASE, FAKE_RAM_BASE + size) with zeroed host memory (replacing any before). */
void fake_ram_init(uint64_t size);

/* Fills the fake RAM with a pattern, as memory left over from a previous owner would be. */
void fake_ram_fill(unsigned char value);

/* What arch_time_ns returns (tests move time forward by hand). */
extern uint64_t fake_time_ns;

/* arch_power_off counts, then longjmps to *fake_power_off_jump when set (else aborts). */
extern int fake_power_offs;
extern jmp_buf *fake_power_off_jump;

/* Number of times arch_halt ran (panic ends in it; the fake aborts). */
extern int fake_halts;

#endif
