/*
 * arm64 boot: from head.S to the arch-neutral start_flaxen().
 *
 * Order matters:
 *  1. the stack canary is seeded before any protected function returns;
 *  2. the MMU goes on (image W^X) before anything takes a lock: exclusive
 *     accesses need Normal memory, and libfdt is not built for the MMU off;
 *  3. pointer authentication goes on from this never-returning function;
 *  4. the device tree is mapped read-only and parsed;
 *  5. RAM and MMIO are mapped, then the console is registered: everything
 *     printed before (kept in the console ring) comes out at that point.
 * If there is no valid device tree, or it cannot be parsed, no UART is known:
 * the reason is printed into the console ring only (symbol console_ring, for
 * a debugger) and the CPU halts.
 */
#include <asm/cpu.h>
#include <asm/mmu.h>

#include <flaxen/arch.h>
#include <flaxen/bootinfo.h>
#include <flaxen/console.h>
#include <flaxen/efi.h>
#include <flaxen/lib.h>
#include <flaxen/measured_boot.h>
#include <flaxen/pl011.h>
#include <flaxen/setup.h>
#include <flaxen/smp.h>
#include <flaxen/stack_protector.h>

static struct bootinfo boot_info;
static struct boot_layout boot_layout;

/* Called by head.S on the boot CPU; declared here only (no other caller). */
NORETURN void arch_boot_primary(paddr_t fdt_pa, paddr_t load_pa, paddr_t efi_pa);
NORETURN void arch_secondary_main(unsigned cpu);

static void parse_device_tree(paddr_t fdt_pa, uint64_t *fdt_size)
{
    char err[BOOTINFO_ERROR_LEN] = "";
    int rc;

    *fdt_size = mm_map_fdt(fdt_pa);
    if (*fdt_size == 0)
        panic("no valid device tree at %#lx (x0 at entry)", (unsigned long)fdt_pa);
    rc = bootinfo_parse((const void *)(uintptr_t)fdt_pa, *fdt_size, &boot_info, err);
    if (rc)
        panic("device tree at %#lx: %s (error %d)", (unsigned long)fdt_pa, err, rc);
}

/* Started by UEFI: what the EFI stub handed over (flaxen/efi.h), now that RAM is mapped. */
static void efi_handover(paddr_t pa)
{
    char why[64] = "";
    uint64_t max = 0;

    for (unsigned i = 0; i < boot_info.nr_ram; i++) {
        const struct bootinfo_region *r = &boot_info.ram[i];

        if (pa >= r->base && pa - r->base < r->size)
            max = r->size - (pa - r->base);
    }
    if (!max)
        panic("the EFI hand-over block at %#lx is not in RAM", (unsigned long)pa);
    if (efi_handover_apply(&boot_info, arch_phys_to_virt(pa), pa, max, why))
        panic("the EFI hand-over block at %#lx is unusable: %s", (unsigned long)pa, why);
}

void arch_boot_primary(paddr_t fdt_pa, paddr_t load_pa, paddr_t efi_pa)
{
    uint8_t random[32];
    uint64_t fdt_size;
    int rc;

    stack_protector_seed();
    mm_boot_init();
    cpu_pac_enable_boot();
    parse_device_tree(fdt_pa, &fdt_size);
    psci_init(&boot_info);
    rc = mm_map_board(&boot_info, fdt_pa, fdt_size);
    if (rc)
        panic("cannot map the board's RAM and devices: error %d", rc);
    if (boot_info.uart.size)
        console_register(pl011_init((volatile void *)(uintptr_t)boot_info.uart.base));
    if (efi_pa)
        efi_handover(efi_pa);
    /* Only this never-returning frame is live: the canary may change (stack_protector.h). */
    if (measured_boot_early_random(&boot_info, random, sizeof(random)) == 0)
        stack_protector_mix(random, sizeof(random), "the TPM's GetRandom");
    boot_layout.image = (struct memrange){load_pa, (paddr_t)(uintptr_t)_end};
    boot_layout.fdt = (struct memrange){fdt_pa, fdt_pa + fdt_size};
    start_flaxen(&boot_info, &boot_layout);
}

void arch_secondary_main(unsigned cpu)
{
    smp_secondary_main(cpu);
}
