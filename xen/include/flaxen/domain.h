/*
 * Domains and their vCPUs (xen/common/domain.c).
 *
 * A domain is a guest: its own guest-physical address space (stage-2 tables
 * and a VMID, struct arch_domain), the RAM it owns (extents from the page
 * allocator, each mapped at one guest-physical address and nowhere else),
 * its emulated devices, and one or more vCPUs.
 *
 * Life cycle (ARCHITECTURE.md section 6):
 *   DOMAIN_BUILDING   created, RAM and devices being set up, no label yet
 *   DOMAIN_RUNNING    labeled (sid != 0) and unpaused: vCPUs may run
 *   DOMAIN_SHUTDOWN   a vCPU asked for shutdown or crashed: nothing runs
 *   DOMAIN_DEAD       destroyed; every page and resource went back
 * No vCPU of a domain runs unless the domain is DOMAIN_RUNNING with a label.
 *
 * Lock order: domain lock, then the scheduler lock (sched.c).
 */
#ifndef FLAXEN_DOMAIN_H
#define FLAXEN_DOMAIN_H

#include <flaxen/mmio.h>
#include <flaxen/spinlock.h>
#include <flaxen/types.h>
#include <public/hvm_op.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include <asm/domain.h>

#define DOMAIN_MAX_VCPUS 8
#define DOMAIN_MAX_EXTENTS 64
#define DOMAIN_MAGIC_PAGES 2 /* the console and xenstore rings */
#define DOMAIN_NAME_MAX 64
#define MAX_DOMAINS 16

enum vcpu_state {
    VCPU_OFFLINE,  /* never started, or PSCI CPU_OFF */
    VCPU_RUNNABLE, /* on the run queue */
    VCPU_RUNNING,  /* on a physical CPU (pcpu) */
    VCPU_BLOCKED,  /* WFI or SCHEDOP_block: waits for an interrupt or its deadline */
};

struct vcpu {
    struct domain *domain;
    unsigned id;
    uint64_t mpidr; /* what the guest reads in MPIDR_EL1 */
    /* Scheduler state: protected by the scheduler lock. */
    enum vcpu_state state;
    int pcpu;                  /* the physical CPU it runs on, -1 when not running */
    struct vcpu *run_next;     /* run queue link */
    uint64_t wake_deadline_ns; /* blocked: wake up at this time as well (0 = no deadline) */
    bool wake_pending;         /* an event arrived while running: do not block */
    bool queued;               /* on the run queue */
    bool polling;              /* in SCHEDOP_poll: any event of its domain wakes it */
    uint64_t slice_end_ns;     /* running: when its time slice ends */
    uint64_t run_count;        /* times it was put on a CPU (benchmarks, tests) */
    /* VCPUOP_register_vcpu_info: where its vcpu_info is (a page of its domain's RAM). */
    struct vcpu_info *vcpu_info; /* NULL: vCPU 0 uses shared_info's, others have none */
    /* Its run states (scheduler lock); VCPUOP_register_runstate_memory_area: where the
       guest keeps a copy, as host addresses of the bytes in up to two pages (0: none). */
    struct vcpu_runstate_info runstate;
    paddr_t runstate_pa[2];
    uint32_t runstate_split; /* bytes in the first page */
    struct arch_vcpu arch;
};

enum domain_state {
    DOMAIN_BUILDING,
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,
    DOMAIN_DEAD,
};

struct domain_extent {
    paddr_t pa;   /* host-physical base (a page_alloc block) */
    uint64_t gpa; /* where the guest sees it */
    unsigned order;
};

struct domain {
    domid_t id;
    char name[DOMAIN_NAME_MAX];
    uint32_t sid;          /* FLASK security id; 0 = unlabeled: may not run */
    uint32_t self_sid;     /* type_transition of sid on itself (class domain) */
    uint32_t target_sid;   /* the domain a device model serves (set_target); 0 = none */
    struct domain *target; /* that domain, referenced until this one is destroyed; or NULL */
    bool is_hardware;
    bool started;  /* domain_start ran: its vCPUs have been allowed to run */
    bool sealed;   /* measured and labeled (boot-time domains, or XEN_DOMCTL_flaxen_seal) */
    bool sealing;  /* a seal is in progress (under lock: no second one, no unpause) */
    unsigned refs; /* domain_get references (atomic); a referenced domain is not destroyed */
    enum domain_state state;
    unsigned shutdown_code; /* SHUTDOWN_* of the public ABI */
    struct spinlock lock;

    unsigned nr_vcpus;
    struct vcpu *vcpus[DOMAIN_MAX_VCPUS];

    uint64_t boot_entry; /* where the builder wants vCPU 0 to start, and its x0 */
    uint64_t boot_x0;

    uint64_t ram_gpa; /* the guest's RAM: one bank [ram_gpa, ram_gpa + ram_size) */
    uint64_t ram_size;
    struct domain_extent extents[DOMAIN_MAX_EXTENTS];
    unsigned nr_extents;
    paddr_t magic_pa[DOMAIN_MAGIC_PAGES]; /* the builder's pages outside RAM (rings), 0 = none */

    struct mmio_region mmio[DOMAIN_MAX_MMIO];
    unsigned nr_mmio;

    /* console_io output (hypercall.c), under the domain lock. */
    char console_line[256]; /* the line being assembled */
    unsigned console_len;
    uint64_t console_tokens; /* bytes it may still print (rate limit) */
    uint64_t console_refill_ns;
    uint64_t console_dropped; /* bytes dropped since the last notice */

    /* Event channels (event_channel.c), under its lock. */
    struct evtchn *evtchn;           /* EVTCHN_MAX_PORTS entries */
    struct shared_info *shared_info; /* a hypervisor page, zeroed at creation */
    paddr_t shared_info_pa;
    uint64_t shared_info_gfn;           /* where the guest mapped it; 0 = nowhere */
    uint64_t hvm_params[HVM_NR_PARAMS]; /* hvm_op (public/hvm_op.h), under lock */
    uint32_t virq_port[24];             /* global VIRQs (bound on vCPU 0): port, 0 = none */

    struct grant_table *grant; /* grant_table.c */

    unsigned pause_count; /* domctl pausedomain nesting; under the scheduler lock */
    uint64_t max_pages;   /* domctl max_mem; 0 = the RAM it was built with */

    struct arch_domain arch;
};

/*
 * Creates domain `id` in DOMAIN_BUILDING with nr_vcpus vCPUs (all offline)
 * and an empty address space. Returns 0 and *out, or -EINVAL / -EEXIST /
 * -ENOMEM with nothing left allocated.
 */
int domain_create(domid_t id, const char *name, unsigned nr_vcpus, struct domain **out);

/*
 * Gives domain d `bytes` of RAM (rounded up to pages) at guest-physical
 * `gpa`, zero-filled, mapped read/write/execute at stage 2. Only while
 * building; at most once. 0 or -errno (nothing half-mapped stays).
 */
int domain_alloc_ram(struct domain *d, uint64_t gpa, uint64_t bytes);

/*
 * Adds 2^order pages of zeroed RAM at guest-physical gpa (memory_op
 * populate_physmap), within the domain's page limit (max_pages, else the RAM
 * it was built with) and its extent table. 0, -EINVAL (misaligned, outside
 * the IPA space), -EEXIST (something is mapped there), -ENOMEM.
 */
int domain_populate(struct domain *d, uint64_t gpa, unsigned order);

/* The pages of RAM d has now (all its extents). */
uint64_t domain_page_count(const struct domain *d);

/*
 * Gives back the extent of exactly 2^order pages that starts at gpa
 * (memory_op decrease_reservation): unmapped, then freed. 0, -ENOENT (no
 * such extent), -EBUSY (a vCPU's vcpu_info is in it, or pages of the domain
 * are mapped by other domains). A single page inside a larger extent (how
 * Linux's balloon driver makes room for grant mappings) is only unmapped: it
 * stays the domain's, freed with its extent, and domain_populate of that
 * frame maps it back.
 */
int domain_depopulate(struct domain *d, uint64_t gpa, unsigned order);

/*
 * A page the domain builder adds outside the domain's RAM, zeroed, at gpa
 * (a ring: DOMAIN_CONSOLE_GPA, DOMAIN_XENSTORE_GPA), beyond its page limit,
 * as Xen's toolstack adds its "magic" pages. It is the domain's (grantable)
 * until the domain is destroyed. 0, -EINVAL (gpa in RAM), -EEXIST (gpa is
 * mapped), -ENOSPC (DOMAIN_MAGIC_PAGES already), -ENOMEM.
 */
int domain_add_magic_page(struct domain *d, uint64_t gpa);

/*
 * Copies `len` bytes from hypervisor memory into the domain's RAM at `gpa`
 * (used by the domain builder). The range must lie in the domain's RAM.
 */
int domain_copy_to_ram(struct domain *d, uint64_t gpa, const void *src, uint64_t len);

/*
 * Labels d with `sid` (checked by the caller against the policy) and starts
 * vCPU 0 at `entry` with x0 = `x0` in EL1h, MMU off, interrupts masked (the
 * arm64 boot protocol). A domain without a label is refused with -EACCES.
 */
int domain_start(struct domain *d, uint64_t entry, uint64_t x0);

/* Marks d shut down with `code` and takes every vCPU off the CPUs. */
void domain_shutdown(struct domain *d, unsigned code);

/*
 * Frees every page, stage-2 table, VMID and vCPU of a shut-down or building
 * domain; d itself is freed too. When the last started domain is gone, the
 * free page count is compared with the one before any domain and the
 * machine powers off.
 */
void domain_destroy(struct domain *d);

/*
 * A domain that shut down and has no vCPU left on any CPU, now marked
 * DOMAIN_DEAD for the caller to destroy; NULL if there is none.
 */
struct domain *domain_claim_finished(void);

/*
 * Records the free page count before any domain exists; when the last
 * domain is destroyed, the count is compared with it (a leak is printed)
 * and the machine powers off.
 */
void domain_note_free_pages(void);

/*
 * The domain with this id, or NULL. The pointer is only safe while the
 * domain cannot be destroyed (the caller is one of its vCPUs, or the boot
 * path); a hypercall acting on another domain uses domain_get instead.
 */
struct domain *domain_by_id(domid_t id);

/*
 * Takes a reference on the domain with this id (DOMID_SELF = `self`, which
 * may be NULL): NULL if there is none, or it is dead. While the reference
 * is held the domain is not destroyed (a shut-down domain stays claimable
 * and is destroyed after the last domain_put). Every domain_get is paired
 * with one domain_put before the hypercall returns.
 */
struct domain *domain_get(domid_t id, struct domain *self);

/* A reference on the domain with the lowest id >= `from` that is not dead, or NULL. */
struct domain *domain_get_next(domid_t from);

/* Drops a reference taken by domain_get. */
void domain_put(struct domain *d);

/* Whether host page pa is one of d's own RAM pages (an extent of d). */
bool domain_owns_page(const struct domain *d, paddr_t pa);

/* The vCPU of d whose MPIDR affinity (Aff3..Aff0) equals `mpidr`, or NULL. */
struct vcpu *domain_vcpu_by_mpidr(struct domain *d, uint64_t mpidr);

/* The vCPU running on the calling physical CPU, or NULL in the idle loop. */
struct vcpu *current_vcpu(void);

/* Number of domains not yet destroyed. */
unsigned domain_count(void);

#endif
