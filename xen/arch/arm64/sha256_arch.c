/*
 * SHA-256 with the ARMv8 SHA-2 instructions (sha256_ce.S) when the CPU has
 * them (ID_AA64ISAR0_EL1.SHA2 != 0) and they give the portable code's
 * digests on the self-test messages.
 *
 * The FP/SIMD bracket (STYLE.md): while the hypervisor runs, the FP/SIMD
 * registers hold the interrupted vCPU's values (fpsimd.S saves them only on
 * a vCPU switch), so every use of the instructions is wrapped in a save
 * and restore of all of them. Interrupts are masked at EL2, so nothing runs
 * in between.
 */
#include <asm/domain.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/sha256.h>
#include <flaxen/string.h>

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

static void sha256_blocks_ce(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    struct vcpu_fpsimd saved;

    fpsimd_save(&saved);
    sha256_ce_blocks(state, data, blocks);
    fpsimd_restore(&saved);
    memset(&saved, 0, sizeof(saved)); /* a vCPU's registers do not stay on the stack */
}

void arch_sha256_init(void)
{
    if (ID_FIELD(READ_SYSREG(id_aa64isar0_el1), ID_ISAR0_SHA2_SHIFT) == 0)
        printk("sha256: portable C (the CPU has no SHA-2 instructions)\n");
    else if (sha256_use_blocks(sha256_blocks_ce))
        printk("sha256: ARMv8 SHA-2 instructions (agree with the portable C)\n");
    else
        printk("sha256: the SHA-2 instructions disagree with the portable C: not used\n");
}
