/*
 * Copying to and from the running vCPU's memory by guest virtual address
 * (flaxen/arch.h: copy_from_guest / copy_to_guest).
 *
 * Each page is translated in two steps: the guest's own stage 1 with the
 * address translation instruction AT S1E1R/S1E1W (Arm ARM C5.5: run at
 * EL2 with the guest's EL1 registers loaded, it gives the IPA, or a fault),
 * then the domain's stage-2 tables, which only know the domain's RAM: an
 * address that is a device, unmapped, or not writable for the guest gives
 * -EFAULT and nothing is copied past it. PAR_EL1 is the guest's register,
 * so it is put back after each translation.
 */
#include <asm/sysregs.h>

#include <flaxen/arch.h>
#include <flaxen/domain.h>
#include <flaxen/string.h>

#define PAR_F (1ull << 0)
#define PAR_PA_MASK 0x0000fffffffff000ull

static int guest_va_to_ipa(uint64_t gva, bool write, uint64_t *ipa)
{
    uint64_t saved = READ_SYSREG(par_el1), par;

    if (write)
        __asm__ volatile("at s1e1w, %0" ::"r"(gva) : "memory");
    else
        __asm__ volatile("at s1e1r, %0" ::"r"(gva) : "memory");
    isb();
    par = READ_SYSREG(par_el1);
    WRITE_SYSREG(par_el1, saved);
    if (par & PAR_F)
        return -EFAULT;
    *ipa = (par & PAR_PA_MASK) | (gva & (PAGE_SIZE - 1));
    return 0;
}

int guest_va_to_pa(struct vcpu *v, uint64_t gva, bool write, paddr_t *pa)
{
    uint64_t ipa;

    if (guest_va_to_ipa(gva, write, &ipa) || arch_domain_translate(v->domain, ipa, write, pa))
        return -EFAULT;
    return 0;
}

/* The hypervisor pointer for guest VA `gva` of v and how many bytes of its page follow. */
static int guest_page(struct vcpu *v, uint64_t gva, bool write, void **ptr, size_t *room)
{
    paddr_t pa;

    if (guest_va_to_pa(v, gva, write, &pa))
        return -EFAULT;
    *ptr = arch_phys_to_virt(pa);
    *room = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    unsigned char *to = dst;

    while (len) {
        void *from;
        size_t room;

        if (gva + len < gva || guest_page(v, gva, false, &from, &room))
            return -EFAULT;
        room = room < len ? room : len;
        memcpy(to, from, room);
        to += room;
        gva += room;
        len -= room;
    }
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    const unsigned char *from = src;

    while (len) {
        void *to;
        size_t room;

        if (gva + len < gva || guest_page(v, gva, true, &to, &room))
            return -EFAULT;
        room = room < len ? room : len;
        memcpy(to, from, room);
        arch_dcache_clean(to, room);
        from += room;
        gva += room;
        len -= room;
    }
    return 0;
}
