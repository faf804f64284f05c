/*
 * Host implementation of flaxen/arch.h for the hypervisor-core tests.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flaxen/arch.h>

#include "fake_arch.h"

static unsigned char *fake_ram;
static uint64_t fake_ram_size;
int fake_halts;

void fake_ram_init(uint64_t size)
{
    free(fake_ram);
    fake_ram = calloc(1, size);
    if (!fake_ram)
        abort();
    fake_ram_size = size;
}

void fake_ram_fill(unsigned char value)
{
    memset(fake_ram, value, fake_ram_size);
}

void *arch_phys_to_virt(paddr_t pa)
{
    if (pa < FAKE_RAM_BASE || pa - FAKE_RAM_BASE >= fake_ram_size) {
        fprintf(stderr, "fake arch: %#llx is not fake RAM\n", (unsigned long long)pa);
        abort();
    }
    return fake_ram + (pa - FAKE_RAM_BASE);
}

paddr_t arch_virt_to_phys(const void *va)
{
    const unsigned char *p = va;

    if (p < fake_ram || (uint64_t)(p - fake_ram) >= fake_ram_size) {
        fprintf(stderr, "fake arch: %p is not in fake RAM\n", va);
        abort();
    }
    return FAKE_RAM_BASE + (uint64_t)(p - fake_ram);
}

unsigned arch_cpu_id(void)
{
    return 0;
}

uint64_t arch_cpu_hwid(void)
{
    return 0;
}

void arch_cpu_relax(void)
{
}

void arch_halt(void)
{
    fake_halts++;
    fprintf(stderr, "fake arch: CPU halted\n");
    abort();
}

int fake_power_offs;
jmp_buf *fake_power_off_jump;

void arch_power_off(void)
{
    fake_power_offs++;
    if (fake_power_off_jump)
        longjmp(*fake_power_off_jump, 1);
    fprintf(stderr, "fake arch: power off\n");
    abort();
}

int arch_cpu_start(unsigned cpu, uint64_t hwid)
{
    (void)cpu;
    (void)hwid;
    return -ENOSYS;
}

uint64_t fake_time_ns;

uint64_t arch_time_ns(void)
{
    return fake_time_ns;
}

const char *arch_random_u64(uint64_t *value)
{
    *value = 0x0123456789abcdefull;
    return "fake";
}

void arch_print_cpu_info(void)
{
}

void arch_sha256_init(void)
{
}

void arch_boot_selfcheck(void)
{
}
