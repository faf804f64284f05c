/*
 * Arm PrimeCell UART (PL011), transmit only, polled.
 *
 * Register offsets and bits from the PL011 Technical Reference Manual (Arm
 * DDI 0183): UARTDR 0x000, UARTFR 0x018 (TXFF bit 5, BUSY bit 3), UARTCR
 * 0x030 (UARTEN bit 0, TXE bit 8). Accesses are 32-bit through a volatile
 * pointer into a Device-nGnRnE mapping, so they are neither merged nor
 * reordered with each other.
 */
#include <flaxen/arch.h>
#include <flaxen/pl011.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTCR 0x030

#define UARTFR_BUSY (1u << 3)
#define UARTFR_TXFF (1u << 5)
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE (1u << 8)

static volatile uint32_t *pl011_regs;

static uint32_t reg_read(unsigned offset)
{
    return pl011_regs[offset / 4];
}

static void reg_write(unsigned offset, uint32_t value)
{
    pl011_regs[offset / 4] = value;
}

static void put_byte(char c)
{
    while (reg_read(UARTFR) & UARTFR_TXFF)
        arch_cpu_relax();
    reg_write(UARTDR, (unsigned char)c);
}

static void pl011_write(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            put_byte('\r');
        put_byte(text[i]);
    }
    /* Wait until the last byte has left, so a power-off right after loses nothing. */
    while (reg_read(UARTFR) & UARTFR_BUSY)
        arch_cpu_relax();
}

static const struct console_driver pl011_driver = {
    .name = "pl011",
    .write = pl011_write,
};

const struct console_driver *pl011_init(volatile void *regs)
{
    uint32_t cr;

    pl011_regs = regs;
    cr = reg_read(UARTCR);
    if ((cr & (UARTCR_UARTEN | UARTCR_TXE)) != (UARTCR_UARTEN | UARTCR_TXE))
        reg_write(UARTCR, cr | UARTCR_UARTEN | UARTCR_TXE);
    return &pl011_driver;
}
