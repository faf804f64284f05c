/*
 * Polled output on an Arm PL011 UART (xen/drivers/pl011.c).
 */
#ifndef FLAXEN_PL011_H
#define FLAXEN_PL011_H

#include <flaxen/console.h>

/*
 * Prepares the PL011 whose registers are mapped (Device memory) at `regs` and
 * returns its console driver. The baud rate is left as the firmware set it
 * (we do not know the UART's clock); transmit is enabled if it was off.
 */
const struct console_driver *pl011_init(volatile void *regs);

#endif
