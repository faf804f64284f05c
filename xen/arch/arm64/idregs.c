/*
 * The ID registers a guest reads (HCR_EL2.TID3 traps ID group 3: op0=3,
 * op1=0, CRn=0, CRm=1..7, Arm ARM D17.2): the host CPU's values with the
 * features the hypervisor does not give guests taken out, so a guest never
 * tries what would trap into an undefined instruction or touch host state:
 *   SVE, SME       CPTR_EL2 traps them (their state is not switched)
 *   MTE            allocation tags are not switched (HCR_EL2.ATA = 0)
 *   RAS, AMU, MPAM error records, activity monitors and partitioning are host state
 *   PMU, SPE, trace their registers read as zero for guests (MDCR_EL2 traps)
 *   AArch32        EL0 and EL1 are AArch64 only (a trap from AArch32 crashes the domain)
 * Unallocated encodings in the space read as zero on the host and for guests.
 */
#include <asm/sysregs.h>

#include <flaxen/types.h>

#define FIELD(shift) (0xfull << (shift))

/* Reads ID register S3_0_C0_C<crm>_<op2> of this CPU (crm 1..7, op2 0..7). */
#define ID_READ_CASE(crm, op2)                                                                     \
    case (crm)*8 + (op2):                                                                          \
        return READ_SYSREG(S3_0_C0_C##crm##_##op2);
#define ID_READ_ROW(crm)                                                                           \
    ID_READ_CASE(crm, 0)                                                                           \
    ID_READ_CASE(crm, 1)                                                                           \
    ID_READ_CASE(crm, 2)                                                                           \
    ID_READ_CASE(crm, 3)                                                                           \
    ID_READ_CASE(crm, 4)                                                                           \
    ID_READ_CASE(crm, 5)                                                                           \
    ID_READ_CASE(crm, 6)                                                                           \
    ID_READ_CASE(crm, 7)

static uint64_t host_id_register(unsigned crm, unsigned op2)
{
    switch (crm * 8 + op2) {
        ID_READ_ROW(1)
        ID_READ_ROW(2)
        ID_READ_ROW(3)
        ID_READ_ROW(4)
        ID_READ_ROW(5)
        ID_READ_ROW(6)
        ID_READ_ROW(7)
    default:
        return 0;
    }
}

/* ID_AA64PFR0_EL1: EL0/EL1 AArch64 only; no RAS, SVE, MPAM, AMU. */
static uint64_t guest_pfr0(uint64_t v)
{
    v &= ~(FIELD(0) | FIELD(4) | FIELD(28) | FIELD(32) | FIELD(40) | FIELD(44));
    return v | (1ull << 0) | (1ull << 4);
}

/* ID_AA64PFR1_EL1: no MTE, RAS_frac, MPAM_frac, SME, NMI. */
static uint64_t guest_pfr1(uint64_t v)
{
    return v & ~(FIELD(8) | FIELD(12) | FIELD(16) | FIELD(24) | FIELD(36));
}

/* ID_AA64DFR0_EL1: no trace, PMU, SPE, trace filter or buffer. */
static uint64_t guest_dfr0(uint64_t v)
{
    return v & ~(FIELD(4) | FIELD(8) | FIELD(32) | FIELD(40) | FIELD(44));
}

uint64_t idregs_guest_value(unsigned crm, unsigned op2)
{
    uint64_t v = host_id_register(crm, op2);

    if (crm == 4 && op2 == 0)
        return guest_pfr0(v);
    if (crm == 4 && op2 == 1)
        return guest_pfr1(v);
    if (crm == 4 && (op2 == 4 || op2 == 5))
        return 0; /* ID_AA64ZFR0_EL1, ID_AA64SMFR0_EL1 */
    if (crm == 5 && op2 == 0)
        return guest_dfr0(v);
    return v;
}
