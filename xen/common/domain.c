/*
 * Domains and vCPUs: creation, RAM, start, shutdown, destruction
 * (flaxen/domain.h).
 *
 * Memory: struct domain and each struct vcpu take one page each from the
 * page allocator; guest RAM is a list of naturally aligned extents placed
 * one after the other from d->ram_gpa, largest first, so each can be mapped
 * with the biggest stage-2 blocks its alignment allows.
 *
 * Lock order: domain_list_lock, then a domain's lock, then the scheduler's.
 */
#include <flaxen/arch.h>
#include <flaxen/console.h>
#include <flaxen/domain.h>
#include <flaxen/domain_boot.h>
#include <flaxen/event_channel.h>
#include <flaxen/grant_table.h>
#include <flaxen/lib.h>
#include <flaxen/page_alloc.h>
#include <flaxen/sched.h>
#include <flaxen/string.h>
#include <xsm/xsm.h>

_Static_assert(sizeof(struct domain) <= PAGE_SIZE, "struct domain fits a page");
_Static_assert(sizeof(struct vcpu) <= 2 * PAGE_SIZE, "struct vcpu fits two pages");

#define VCPU_ORDER (sizeof(struct vcpu) <= PAGE_SIZE ? 0 : 1)

static struct spinlock domain_list_lock = SPINLOCK_INIT;
static struct domain *domain_list[MAX_DOMAINS];
static uint64_t free_pages_before_domains;
/* Domains created and not yet completely destroyed (their memory not all returned yet). */
static unsigned domains_alive;

void domain_note_free_pages(void)
{
    free_pages_before_domains = page_alloc_free_count_global() + xsm_memory_pages();
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *found = NULL;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] && domain_list[i]->id == id)
            found = domain_list[i];
    spin_unlock(&domain_list_lock);
    return found;
}

struct domain *domain_get(domid_t id, struct domain *self)
{
    struct domain *found = NULL;

    if (id == DOMID_SELF)
        id = self ? self->id : DOMID_INVALID;
    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        if (d && d->id == id && __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_DEAD) {
            __atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQ_REL);
            found = d;
        }
    }
    spin_unlock(&domain_list_lock);
    return found;
}

struct domain *domain_get_next(domid_t from)
{
    struct domain *found = NULL;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        if (d && d->id >= from && (!found || d->id < found->id) &&
            __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_DEAD)
            found = d;
    }
    if (found)
        __atomic_add_fetch(&found->refs, 1, __ATOMIC_ACQ_REL);
    spin_unlock(&domain_list_lock);
    return found;
}

void domain_put(struct domain *d)
{
    unsigned old = __atomic_fetch_sub(&d->refs, 1, __ATOMIC_ACQ_REL);

    BUG_ON(old == 0);
    /* The last reference to a shut-down domain: an idle CPU frees it now. */
    if (old == 1 && __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == DOMAIN_SHUTDOWN)
        sched_poke_idle_cpu();
}

unsigned domain_count(void)
{
    unsigned n = 0;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        n += domain_list[i] != NULL;
    spin_unlock(&domain_list_lock);
    return n;
}

/* Puts d in a free slot of the list unless its id is taken. */
static int domain_list_add(struct domain *d)
{
    int rc = -ENOMEM;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] && domain_list[i]->id == d->id) {
            spin_unlock(&domain_list_lock);
            return -EEXIST;
        }
    for (unsigned i = 0; i < MAX_DOMAINS && rc; i++)
        if (!domain_list[i]) {
            domain_list[i] = d;
            rc = 0;
        }
    spin_unlock(&domain_list_lock);
    return rc;
}

static void domain_list_remove(struct domain *d)
{
    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] == d)
            domain_list[i] = NULL;
    spin_unlock(&domain_list_lock);
}

/* The MPIDR a vCPU reports (Xen's numbering: Aff0 = id % 16, Aff1 = id / 16). */
static uint64_t vcpu_mpidr(unsigned id)
{
    return (uint64_t)(id % 16) | ((uint64_t)(id / 16) << 8);
}

static int vcpu_create(struct domain *d, unsigned id)
{
    struct vcpu *v;
    paddr_t pa;

    if (alloc_pages(VCPU_ORDER, &pa))
        return -ENOMEM;
    v = arch_phys_to_virt(pa);
    v->domain = d;
    v->id = id;
    v->mpidr = vcpu_mpidr(id);
    sched_runstate_init(v);
    v->pcpu = -1;
    d->vcpus[id] = v;
    arch_vcpu_init(v);
    return 0;
}

static void domain_free_struct(struct domain *d)
{
    gnttab_domain_destroy(d);
    evtchn_domain_destroy(d);
    for (unsigned i = 0; i < DOMAIN_MAX_VCPUS; i++)
        if (d->vcpus[i])
            BUG_ON(free_pages(arch_virt_to_phys(d->vcpus[i]), VCPU_ORDER));
    BUG_ON(free_pages(arch_virt_to_phys(d), 0));
}

int domain_create(domid_t id, const char *name, unsigned nr_vcpus, struct domain **out)
{
    struct domain *d;
    paddr_t pa;
    int rc = 0;

    if (id >= DOMID_FIRST_RESERVED || nr_vcpus == 0 || nr_vcpus > DOMAIN_MAX_VCPUS)
        return -EINVAL;
    if (alloc_pages(0, &pa))
        return -ENOMEM;
    d = arch_phys_to_virt(pa);
    d->id = id;
    strlcpy(d->name, name ? name : "", sizeof(d->name));
    d->state = DOMAIN_BUILDING;
    d->lock = (struct spinlock)SPINLOCK_INIT;
    d->nr_vcpus = nr_vcpus;
    for (unsigned i = 0; i < nr_vcpus && !rc; i++)
        rc = vcpu_create(d, i);
    rc = rc ? rc : evtchn_domain_init(d);
    rc = rc ? rc : gnttab_domain_init(d);
    rc = rc ? rc : arch_domain_init(d);
    if (rc) {
        domain_free_struct(d);
        return rc;
    }
    rc = domain_list_add(d);
    if (rc) {
        arch_domain_destroy(d);
        domain_free_struct(d);
        return rc;
    }
    __atomic_add_fetch(&domains_alive, 1, __ATOMIC_ACQ_REL);
    *out = d;
    return 0;
}

static unsigned highest_order(uint64_t pages)
{
    unsigned order = 0;

    while (order < PAGE_ALLOC_MAX_ORDER && (2ull << order) <= pages)
        order++;
    return order;
}

/* Allocates one extent of at most `max_order` for the next `pages` pages at gpa. */
static int ram_extent_add(struct domain *d, uint64_t gpa, uint64_t pages, unsigned *max_order)
{
    struct domain_extent *e;
    unsigned order = highest_order(pages);
    paddr_t pa;

    if (d->nr_extents == DOMAIN_MAX_EXTENTS)
        return -ENOMEM;
    order = order < *max_order ? order : *max_order;
    while (alloc_pages(order, &pa))
        if (order-- == 0)
            return -ENOMEM;
    *max_order = order;
    e = &d->extents[d->nr_extents++];
    *e = (struct domain_extent){pa, gpa, order};
    return arch_domain_map_ram(d, gpa, pa, PAGE_SIZE << order);
}

int domain_alloc_ram(struct domain *d, uint64_t gpa, uint64_t bytes)
{
    uint64_t pages = ALIGN_UP(bytes, PAGE_SIZE) >> PAGE_SHIFT, done = 0;
    unsigned max_order = PAGE_ALLOC_MAX_ORDER;
    int rc = 0;

    if (d->state != DOMAIN_BUILDING || d->ram_size || !pages || !IS_ALIGNED(gpa, PAGE_SIZE) ||
        gpa + (pages << PAGE_SHIFT) < gpa)
        return -EINVAL;
    for (unsigned i = 0; i < d->nr_mmio; i++)
        if (gpa < d->mmio[i].base + d->mmio[i].size &&
            d->mmio[i].base < gpa + (pages << PAGE_SHIFT))
            return -EEXIST;
    while (done < pages && !rc) {
        rc = ram_extent_add(d, gpa + (done << PAGE_SHIFT), pages - done, &max_order);
        done += 1ull << d->extents[d->nr_extents - 1].order;
    }
    if (rc)
        return rc; /* extents stay listed: domain_destroy frees them */
    d->ram_gpa = gpa;
    d->ram_size = pages << PAGE_SHIFT;
    return 0;
}

int domain_copy_to_ram(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
    const unsigned char *from = src;

    if (gpa < d->ram_gpa || len > d->ram_size || gpa - d->ram_gpa > d->ram_size - len)
        return -EINVAL;
    for (unsigned i = 0; i < d->nr_extents && len; i++) {
        const struct domain_extent *e = &d->extents[i];
        uint64_t size = PAGE_SIZE << e->order, offset, chunk;

        if (gpa < e->gpa || gpa >= e->gpa + size)
            continue;
        offset = gpa - e->gpa;
        chunk = size - offset < len ? size - offset : len;
        memcpy((unsigned char *)arch_phys_to_virt(e->pa) + offset, from, chunk);
        /* The guest starts with its MMU off: its accesses bypass the caches. */
        arch_dcache_clean((unsigned char *)arch_phys_to_virt(e->pa) + offset, chunk);
        from += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return len ? -EINVAL : 0;
}

int domain_start(struct domain *d, uint64_t entry, uint64_t x0)
{
    if (d->sid == 0)
        return -EACCES;
    if (d->state != DOMAIN_BUILDING || !d->nr_extents)
        return -EINVAL;
    arch_vcpu_set_entry(d->vcpus[0], entry, x0);
    d->started = true;
    d->state = DOMAIN_RUNNING;
    sched_vcpu_wake(d->vcpus[0]);
    return 0;
}

struct vcpu *domain_vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i]->mpidr == (mpidr & 0xff00ffffffull))
            return d->vcpus[i];
    return NULL;
}

static const char *shutdown_reason_name(unsigned code)
{
    static const char *const names[] = {"poweroff", "reboot",   "suspend",
                                        "crash",    "watchdog", "soft_reset"};

    return code < ARRAY_SIZE(names) ? names[code] : "unknown";
}

/* Whether any domain other than `except` is still running. */
static bool other_domains_running(const struct domain *except)
{
    bool running = false;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] && domain_list[i] != except &&
            (domain_list[i]->state == DOMAIN_RUNNING || domain_list[i]->state == DOMAIN_BUILDING))
            running = true;
    spin_unlock(&domain_list_lock);
    return running;
}

void domain_shutdown(struct domain *d, unsigned code)
{
    struct domain *target;

    spin_lock(&d->lock);
    if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_BUILDING) {
        spin_unlock(&d->lock);
        return;
    }
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_code = code;
    /*
     * A shut-down domain serves no one: drop set_target's reference now, so
     * that two device models targeting each other cannot keep both alive.
     */
    target = d->target;
    d->target = NULL;
    spin_unlock(&d->lock);
    if (target)
        domain_put(target);
    printk("domain %u (%s) shut down: %s\n", d->id, d->name, shutdown_reason_name(code));
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        sched_vcpu_kick(d->vcpus[i]);
    if (d->is_hardware) {
        printk("the hardware domain shut down: powering off\n");
        arch_power_off();
    }
    if (!other_domains_running(d))
        printk("no domain left running: powering off once all are destroyed\n");
}

struct domain *domain_claim_finished(void)
{
    struct domain *found = NULL;

    spin_lock(&domain_list_lock);
    for (unsigned i = 0; i < MAX_DOMAINS && !found; i++) {
        struct domain *d = domain_list[i];
        bool on_cpu = false;

        if (!d || __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_SHUTDOWN)
            continue;
        for (unsigned v = 0; v < d->nr_vcpus; v++)
            on_cpu |= __atomic_load_n(&d->vcpus[v]->pcpu, __ATOMIC_ACQUIRE) >= 0;
        if (on_cpu)
            continue;
        /* Nothing of it runs: the pages it maps from others go back (grant_table.h). */
        gnttab_release_mappings(d);
        if (__atomic_load_n(&d->refs, __ATOMIC_ACQUIRE) != 0 || gnttab_pins(d) != 0)
            continue; /* held by a hypercall, or its pages are still mapped elsewhere */
        spin_lock(&d->lock);
        if (d->state == DOMAIN_SHUTDOWN) {
            d->state = DOMAIN_DEAD;
            found = d;
        }
        spin_unlock(&d->lock);
    }
    spin_unlock(&domain_list_lock);
    return found;
}

uint64_t domain_page_count(const struct domain *d)
{
    uint64_t pages = 0;

    for (unsigned i = 0; i < d->nr_extents; i++)
        pages += 1ull << d->extents[i].order;
    return pages;
}

/* The extent of d holding the page at gpa (lock held): its index, or d->nr_extents. */
static unsigned extent_at(const struct domain *d, uint64_t gpa)
{
    unsigned i;

    for (i = 0; i < d->nr_extents; i++)
        if (gpa >= d->extents[i].gpa &&
            gpa - d->extents[i].gpa < (PAGE_SIZE << d->extents[i].order))
            break;
    return i;
}

int domain_populate(struct domain *d, uint64_t gpa, unsigned order)
{
    uint64_t pages = 1ull << order, limit;
    paddr_t pa;
    unsigned x;
    int rc = 0;

    if (order > PAGE_ALLOC_MAX_ORDER || !IS_ALIGNED(gpa, PAGE_SIZE << order) ||
        gpa + (PAGE_SIZE << order) > (1ull << 39))
        return -EINVAL;
    for (uint64_t i = 0; i < pages; i++)
        if (arch_domain_translate(d, gpa + (i << PAGE_SHIFT), false, &pa) == 0)
            return -EEXIST;
    spin_lock(&d->lock);
    if (d->state == DOMAIN_BUILDING && (d->sealed || d->sealing)) {
        spin_unlock(&d->lock);
        return -EBUSY; /* what was measured is what runs */
    }
    if (order == 0 && (x = extent_at(d, gpa)) != d->nr_extents) {
        /* a page punched out of its extent (punch_page) comes back */
        const struct domain_extent *e = &d->extents[x];

        rc = arch_domain_map_ram(d, gpa, e->pa + (gpa - e->gpa), PAGE_SIZE) ? -ENOMEM : 0;
        spin_unlock(&d->lock);
        return rc;
    }
    limit = d->max_pages ? d->max_pages : d->ram_size >> PAGE_SHIFT;
    if (d->nr_extents == DOMAIN_MAX_EXTENTS || domain_page_count(d) + pages > limit)
        rc = -ENOMEM;
    else if (alloc_pages(order, &pa))
        rc = -ENOMEM;
    else if (arch_domain_map_ram(d, gpa, pa, PAGE_SIZE << order)) {
        BUG_ON(free_pages(pa, order)); /* the range was checked empty: only tables ran out */
        rc = -ENOMEM;
    } else {
        d->extents[d->nr_extents++] = (struct domain_extent){pa, gpa, order};
    }
    spin_unlock(&d->lock);
    return rc;
}

/*
 * Whether the hypervisor writes into [pa, pa + size) for the domain (lock
 * held): a vCPU's vcpu_info or the pages of its run-state copy are there.
 */
static bool hypervisor_writes_in(const struct domain *d, paddr_t pa, uint64_t size)
{
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        const struct vcpu *t = d->vcpus[v];
        paddr_t at[3] = {t->vcpu_info ? arch_virt_to_phys(t->vcpu_info) : 0, t->runstate_pa[0],
                         t->runstate_pa[1]};

        for (unsigned k = 0; k < 3; k++)
            if (at[k] && at[k] >= pa && at[k] - pa < size)
                return true;
    }
    return false;
}

/*
 * One page of a larger extent taken out of the domain's view (a balloon
 * driver making room for a grant mapping): unmapped, but kept for the domain
 * and freed with its extent; populating the frame again maps it back. Lock
 * held. 0, -ENOENT (not the extent's own page there now), -EBUSY.
 */
static int punch_page(struct domain *d, uint64_t gpa)
{
    unsigned i = extent_at(d, gpa);
    paddr_t pa, now;

    if (i == d->nr_extents)
        return -ENOENT;
    pa = d->extents[i].pa + (gpa - d->extents[i].gpa);
    if (arch_domain_translate(d, gpa, false, &now) || now != pa)
        return -ENOENT;
    if (hypervisor_writes_in(d, pa, PAGE_SIZE))
        return -EBUSY;
    return arch_domain_clear_page(d, gpa, NULL) ? -ENOMEM : 0;
}

int domain_depopulate(struct domain *d, uint64_t gpa, unsigned order)
{
    struct domain_extent e;
    unsigned i;
    int rc = 0;

    spin_lock(&d->lock);
    for (i = 0; i < d->nr_extents; i++)
        if (d->extents[i].gpa == gpa && d->extents[i].order == order)
            break;
    if (d->state == DOMAIN_BUILDING && (d->sealed || d->sealing)) {
        spin_unlock(&d->lock);
        return -EBUSY; /* what was measured is what runs */
    }
    if (i == d->nr_extents) {
        rc = order == 0 ? punch_page(d, gpa) : -ENOENT;
        spin_unlock(&d->lock);
        return rc;
    }
    e = d->extents[i];
    if (hypervisor_writes_in(d, e.pa, PAGE_SIZE << order))
        rc = -EBUSY;
    if (!rc && gnttab_pins(d))
        rc = -EBUSY; /* another domain may map one of its pages */
    if (!rc) {
        d->extents[i] = d->extents[--d->nr_extents];
        if (d->shared_info_gfn >= gpa >> PAGE_SHIFT &&
            d->shared_info_gfn < (gpa >> PAGE_SHIFT) + (1ull << order))
            d->shared_info_gfn = 0; /* its mapping goes with the range */
    }
    spin_unlock(&d->lock);
    if (rc)
        return rc;
    for (uint64_t p = 0; p < (1ull << order); p++)
        arch_domain_clear_page(d, gpa + (p << PAGE_SHIFT), NULL);
    BUG_ON(free_pages(e.pa, order));
    return 0;
}

int domain_add_magic_page(struct domain *d, uint64_t gpa)
{
    unsigned slot;
    paddr_t pa;
    int rc = 0;

    if (!IS_ALIGNED(gpa, PAGE_SIZE) || gpa >= DOMAIN_GUEST_RAM_BASE)
        return -EINVAL;
    spin_lock(&d->lock);
    for (slot = 0; slot < DOMAIN_MAGIC_PAGES && d->magic_pa[slot]; slot++)
        ;
    if (arch_domain_translate(d, gpa, false, &pa) == 0)
        rc = -EEXIST;
    else if (slot == DOMAIN_MAGIC_PAGES)
        rc = -ENOSPC;
    else if (alloc_pages(0, &pa))
        rc = -ENOMEM;
    else {
        memset(arch_phys_to_virt(pa), 0, PAGE_SIZE);
        if (arch_domain_map_ram(d, gpa, pa, PAGE_SIZE)) {
            BUG_ON(free_pages(pa, 0));
            rc = -ENOMEM;
        } else {
            d->magic_pa[slot] = pa;
        }
    }
    spin_unlock(&d->lock);
    return rc;
}

bool domain_owns_page(const struct domain *d, paddr_t pa)
{
    for (unsigned i = 0; i < DOMAIN_MAGIC_PAGES; i++)
        if (d->magic_pa[i] && pa >= d->magic_pa[i] && pa - d->magic_pa[i] < PAGE_SIZE)
            return true;
    for (unsigned i = 0; i < d->nr_extents; i++)
        if (pa >= d->extents[i].pa && pa - d->extents[i].pa < (PAGE_SIZE << d->extents[i].order))
            return true;
    return false;
}

void domain_destroy(struct domain *d)
{
    uint64_t pages = 0;
    bool started = d->started;

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        BUG_ON(d->vcpus[i]->pcpu != -1);
    sched_domain_forget(d); /* a vCPU may still wait on the run queue */
    domain_list_remove(d);
    if (d->target)
        domain_put(d->target); /* set_target's reference, if it never shut down */
    d->state = DOMAIN_DEAD;
    arch_domain_destroy(d);
    for (unsigned i = 0; i < d->nr_extents; i++) {
        BUG_ON(free_pages(d->extents[i].pa, d->extents[i].order));
        pages += 1ull << d->extents[i].order;
    }
    for (unsigned i = 0; i < DOMAIN_MAGIC_PAGES; i++)
        if (d->magic_pa[i]) {
            BUG_ON(free_pages(d->magic_pa[i], 0));
            pages++;
        }
    printk("domain %u (%s) destroyed: %lu pages of RAM returned\n", d->id, d->name,
           (unsigned long)pages);
    domain_free_struct(d);
    /* The last one out (every page of every domain back) checks and powers off. */
    if (__atomic_sub_fetch(&domains_alive, 1, __ATOMIC_ACQ_REL) == 0 && started) {
        /* What FLASK holds is counted as free: it grows with labels and policies, not domains. */
        uint64_t now = page_alloc_free_count_global() + xsm_memory_pages();

        printk("all domains destroyed: %lu pages free, %lu before the first domain was built: %s\n",
               (unsigned long)now, (unsigned long)free_pages_before_domains,
               now == free_pages_before_domains ? "nothing leaked" : "LEAK");
        arch_power_off();
    }
}
