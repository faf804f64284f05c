/*
 * The access vector cache: remembered security-server decisions.
 *
 * Every FLASK check asks "may ssid do `requested` to tsid of class tclass?".
 * The cache keeps the security server's answer for each (ssid, tsid, tclass)
 * it has been asked about, so a repeated check costs a hash, a short chain
 * walk and a bit test. A cache belongs to one policy sequence number: when
 * the server's number moves on (policy load, boolean commit) every entry is
 * dropped before the next answer, whether or not the caller flushed.
 *
 * Denials (and grants the policy marks with auditallow) are reported through
 * an audit sink, one line each, in SELinux's AVC format so audit2allow reads
 * them. The sink should rate-limit: lines can be provoked by guests.
 *
 * Locking: none here. The hypervisor serialises every call on one cache
 * (and on its security server); the host tests are single-threaded.
 */
#ifndef FLAXEN_AVC_H
#define FLAXEN_AVC_H

#include "security.h"

#define AVC_SLOTS 512             /* hash slots; a power of two */
#define AVC_DEFAULT_THRESHOLD 512 /* entries kept before reclaiming */
#define AVC_RECLAIM_BATCH 16      /* entries evicted per reclaim step */
#define AVC_AUDIT_LINE_MAX 1024   /* longest audit line, NUL included */

/* Counters behind FLASK_AVC_CACHESTATS. */
struct avc_stats {
    uint64_t lookups;     /* hits + misses */
    uint64_t hits;        /* ... and found the triple */
    uint64_t misses;      /* ... and had to ask the security server */
    uint64_t allocations; /* entries created */
    uint64_t reclaims;    /* entries evicted to stay under the threshold */
    uint64_t frees;       /* entries released, by reclaim or flush */
};

/* Numbers behind FLASK_AVC_HASHSTATS. */
struct avc_hash_stats {
    uint32_t entries;
    uint32_t buckets_used;
    uint32_t buckets_total;
    uint32_t max_chain_len;
};

/* What an audit line names besides the two contexts. */
enum avc_audit_object {
    AVC_AUDIT_NONE,
    AVC_AUDIT_IRQ,      /* u.irq */
    AVC_AUDIT_DEVICE,   /* u.sbdf: segment << 16 | bus << 8 | device << 3 | function */
    AVC_AUDIT_IOMEM,    /* u.iomem: page frame numbers, inclusive */
    AVC_AUDIT_DTDEVICE, /* u.dtdevice: a device-tree path */
};

struct avc_audit_data {
    int32_t domid;        /* the subject domain, or -1 */
    int32_t target_domid; /* the target domain, or -1 */
    enum avc_audit_object object;
    union {
        uint32_t irq;
        uint32_t sbdf;
        struct {
            uint64_t first_pfn;
            uint64_t last_pfn;
        } iomem;
        const char *dtdevice;
    } u;
};

typedef void avc_audit_fn(void *ctx, const char *line);

struct avc_node {
    struct avc_node *next;
    uint32_t ssid;
    uint32_t tsid;
    uint32_t tclass;
    struct ss_av_decision avd;
};

struct avc {
    struct ss_server *ss;
    const uint32_t *ss_seqno; /* the server's sequence number, read on every lookup */
    bool enforcing;
    uint32_t seqno; /* the policy sequence number every entry was computed under */
    uint32_t entries;
    uint32_t threshold;
    uint32_t reclaim_slot; /* where the next reclaim starts */
    struct avc_node *slots[AVC_SLOTS];
    struct avc_stats stats;
    avc_audit_fn *audit;
    void *audit_ctx;
    char line[AVC_AUDIT_LINE_MAX]; /* the audit line being built */
};

/*
 * Prepares an empty, enforcing cache in front of `ss` with the default
 * threshold and no audit sink. Returns 0, or -SS_EINVAL without a server.
 */
int avc_init(struct avc *a, struct ss_server *ss);

/* Releases every entry; the cache must be initialised again before use. */
void avc_destroy(struct avc *a);

/*
 * Drops every entry and adopts the server's current sequence number. Call
 * after a policy load or boolean commit; a cache that is not flushed still
 * never serves an entry from an older policy (avc_has_perm checks).
 */
void avc_flush(struct avc *a);

/* Sends audit lines to fn(ctx, line); fn NULL silences them. */
void avc_set_audit(struct avc *a, avc_audit_fn *fn, void *ctx);

/*
 * Switches between enforcing (denials refused) and permissive (denials
 * logged, then allowed). Turning enforcing on flushes the cache, because
 * permissive checks widened cached entries.
 */
void avc_set_enforcing(struct avc *a, bool enforcing);
bool avc_get_enforcing(const struct avc *a);

/*
 * Decides whether ssid may do every bit of `requested` to tsid of class
 * tclass. Returns 0 if allowed, -SS_EACCES if any bit is denied while
 * enforcing and the source type is not permissive. The decision is the
 * security server's for the current policy; when the server cannot decide
 * (unknown SID or class, no policy) the request is denied while enforcing.
 * Audited denials and auditallow grants produce one line each; a denial
 * allowed because of permissive mode is logged once per (ssid, tsid,
 * tclass, permission) until the next flush. `ad` may be NULL.
 * Asking for no permission at all (requested == 0) is a caller bug and
 * returns -SS_EINVAL, never "allowed".
 */
int avc_has_perm(struct avc *a, uint32_t ssid, uint32_t tsid, uint32_t tclass, uint32_t requested,
                 const struct avc_audit_data *ad);

/*
 * The threshold: the cache never holds more than max(threshold, 1)
 * entries. Lowering it evicts entries at once.
 */
uint32_t avc_get_threshold(const struct avc *a);
void avc_set_threshold(struct avc *a, uint32_t threshold);

/* Copies of the counters and of the hash table's shape. */
void avc_get_stats(const struct avc *a, struct avc_stats *out);
void avc_get_hash_stats(const struct avc *a, struct avc_hash_stats *out);

#endif
