/*
 * The hypervisor console: printk, the console ring and panic.
 *
 * Every byte printed goes into a 16 KiB ring (the newest bytes win) and, once
 * a driver has registered, to the driver. One lock, console_lock, serialises
 * both so lines from different CPUs do not interleave; it is a leaf lock.
 * After console_enter_panic() the lock is ignored: a dying CPU must be able
 * to print even if it (or another CPU) died holding it.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/format.h>
#include <flaxen/lib.h>
#include <flaxen/spinlock.h>

static char console_ring[CONSOLE_RING_SIZE];
static uint64_t console_ring_total; /* bytes ever written to the ring */
static const struct console_driver *console_driver;
static struct spinlock console_lock = SPINLOCK_INIT;
static bool console_panicking;

static void ring_put(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        console_ring[(console_ring_total + i) % CONSOLE_RING_SIZE] = text[i];
    console_ring_total += len;
}

static void console_lock_take(void)
{
    if (!__atomic_load_n(&console_panicking, __ATOMIC_ACQUIRE))
        spin_lock(&console_lock);
}

static void console_lock_release(void)
{
    if (!__atomic_load_n(&console_panicking, __ATOMIC_ACQUIRE))
        spin_unlock(&console_lock);
}

void vprintk(const char *fmt, va_list ap)
{
    char line[CONSOLE_LINE_MAX];
    size_t len = format_vsnprintf(line, sizeof(line), fmt, ap);

    if (len >= sizeof(line)) {
        len = sizeof(line) - 1;
        line[len - 1] = '\n'; /* a cut line still ends the line */
    }
    console_lock_take();
    ring_put(line, len);
    if (console_driver)
        console_driver->write(line, len);
    console_lock_release();
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

/* Copies ring bytes [from, from + len) (as counted by console_ring_total). */
static void ring_copy(char *buf, uint64_t from, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = console_ring[(from + i) % CONSOLE_RING_SIZE];
}

static uint64_t ring_oldest(void)
{
    return console_ring_total > CONSOLE_RING_SIZE ? console_ring_total - CONSOLE_RING_SIZE : 0;
}

void console_register(const struct console_driver *driver)
{
    char chunk[128];

    console_lock_take();
    for (uint64_t at = ring_oldest(); at < console_ring_total;) {
        size_t n =
            console_ring_total - at < sizeof(chunk) ? console_ring_total - at : sizeof(chunk);

        ring_copy(chunk, at, n);
        driver->write(chunk, n);
        at += n;
    }
    console_driver = driver;
    console_lock_release();
}

size_t console_ring_read(char *buf, size_t size, size_t offset)
{
    uint64_t from;
    size_t n = 0;

    console_lock_take();
    from = ring_oldest() + offset;
    if (from < console_ring_total) {
        n = console_ring_total - from < size ? console_ring_total - from : size;
        ring_copy(buf, from, n);
    }
    console_lock_release();
    return n;
}

uint64_t console_total_bytes(void)
{
    return __atomic_load_n(&console_ring_total, __ATOMIC_RELAXED);
}

void console_enter_panic(void)
{
    __atomic_store_n(&console_panicking, true, __ATOMIC_RELEASE);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    console_enter_panic();
    printk("FATAL: CPU %u: ", arch_cpu_id());
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\nFATAL: CPU %u halted (hypervisor bug)\n", arch_cpu_id());
    arch_halt();
}

void boot_stop(const char *fmt, ...)
{
    va_list ap;

    console_enter_panic();
    printk("FATAL: CPU %u: ", arch_cpu_id());
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\nFATAL: boot stopped (fail closed): CPU %u halted\n", arch_cpu_id());
    arch_halt();
}
