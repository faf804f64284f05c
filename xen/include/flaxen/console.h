/*
 * The hypervisor console (xen/common/console.c): printk, a ring buffer that
 * keeps everything printed since boot (so a privileged domain can read it
 * later, as `xl dmesg` does), and one output driver (the PL011 today).
 *
 * Lines printed before a driver is registered are kept in the ring and
 * written out when it registers, so nothing printed early is lost.
 */
#ifndef FLAXEN_CONSOLE_H
#define FLAXEN_CONSOLE_H

#include <stdarg.h>

#include <flaxen/types.h>

#define CONSOLE_RING_SIZE KIB(16)
#define CONSOLE_LINE_MAX 256

struct console_driver {
    const char *name;
    void (*write)(const char *text, size_t len); /* must not fail or sleep */
};

/* Formats (see format.h) and prints; a line longer than CONSOLE_LINE_MAX is cut. */
void printk(const char *fmt, ...) PRINTF_LIKE(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Makes `driver` the output and writes out what the ring holds so far. */
void console_register(const struct console_driver *driver);

/*
 * Copies up to `size` bytes of the ring, oldest first, starting `offset`
 * bytes into what the ring still holds. Returns the number of bytes copied.
 */
size_t console_ring_read(char *buf, size_t size, size_t offset);

/* Total bytes ever printed (the ring keeps the last CONSOLE_RING_SIZE). */
uint64_t console_total_bytes(void);

/*
 * From now on printk on every CPU ignores the console lock, so a CPU that
 * dies while holding it (a fault inside printk) can still report.
 */
void console_enter_panic(void);

#endif
