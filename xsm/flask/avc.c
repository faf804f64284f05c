/*
 * The access vector cache (see avc.h for what it promises).
 *
 * Shape: AVC_SLOTS singly linked chains; new entries go to the head of
 * their chain, so the tail of a chain is its oldest entry. Reclaim walks
 * the slots round-robin from a rotating start and evicts chain tails.
 *
 * The hit path is kept short on purpose: one call for the server's
 * sequence number, a multiplicative hash, a chain walk comparing three
 * words, one counter increment and one bit test (about 50 instructions on
 * AArch64 and x86-64 at -O2). Everything else (the security server,
 * allocation, audit lines) lives in separate functions that only misses,
 * denials and audited grants reach; "lookups" is derived, not counted.
 *
 * No locks: the hypervisor serialises callers (see avc.h).
 */
#include "avc.h"

#define AVC_SLOT_BITS 9
_Static_assert(AVC_SLOTS == 1u << AVC_SLOT_BITS, "AVC_SLOTS must be 2^AVC_SLOT_BITS");

/* A text line under construction in the cache's fixed buffer. */
struct avc_line {
    char *buf;
    size_t len; /* always < AVC_AUDIT_LINE_MAX; buf[len] == '\0' */
};

/*
 * Fibonacci hashing of the packed triple. SIDs and classes are small
 * numbers, so packing them into disjoint bit ranges loses little, and the
 * multiply spreads neighbouring keys over different slots.
 */
static inline uint32_t avc_hash(uint32_t ssid, uint32_t tsid, uint32_t tclass)
{
    uint32_t key = ssid ^ (tsid << 11) ^ (tclass << 24);

    return (key * 0x9e3779b1u) >> (32 - AVC_SLOT_BITS);
}

static inline struct avc_node *avc_lookup(const struct avc *a, uint32_t ssid, uint32_t tsid,
                                          uint32_t tclass)
{
    struct avc_node *node = a->slots[avc_hash(ssid, tsid, tclass)];

    while (node && (node->ssid != ssid || node->tsid != tsid || node->tclass != tclass))
        node = node->next;
    return node;
}

/* ------------------------------------------------------------ audit lines */

static void line_add(struct avc_line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void line_add(struct avc_line *l, const char *fmt, ...)
{
    size_t room = AVC_AUDIT_LINE_MAX - l->len;
    size_t n;
    va_list ap;

    if (room <= 1)
        return;
    va_start(ap, fmt);
    n = ss_vformat(l->buf + l->len, room, fmt, ap);
    va_end(ap);
    l->len += n < room ? n : room - 1;
}

/* Untrusted text (a device-tree path): no spaces or control bytes, bounded. */
static void line_add_word(struct avc_line *l, const char *s)
{
    for (size_t i = 0; i < 256 && s[i] && l->len + 1 < AVC_AUDIT_LINE_MAX; i++) {
        unsigned char b = (unsigned char)s[i];

        l->buf[l->len++] = b > 0x20 && b < 0x7f ? (char)b : '?';
    }
    l->buf[l->len] = '\0';
}

static void line_add_perms(struct avc_line *l, const struct ss_server *ss, uint32_t tclass,
                           uint32_t perms)
{
    uint32_t unknown = 0;

    line_add(l, " {");
    for (uint32_t bit = 0; bit < 32; bit++) {
        const char *name;

        if (!(perms & (1u << bit)))
            continue;
        name = ss_perm_name(ss, tclass, bit);
        if (name)
            line_add(l, " %s", name);
        else
            unknown |= 1u << bit;
    }
    if (unknown)
        line_add(l, " 0x%x", unknown);
    line_add(l, " }");
}

/* The optional fields between "for " and "scontext=", each followed by a space. */
static void line_add_audit_data(struct avc_line *l, const struct avc_audit_data *ad)
{
    if (!ad)
        return;
    if (ad->domid >= 0)
        line_add(l, "domid=%d ", (int)ad->domid);
    if (ad->target_domid >= 0)
        line_add(l, "target=%d ", (int)ad->target_domid);
    switch (ad->object) {
    case AVC_AUDIT_IRQ:
        line_add(l, "irq=%u ", ad->u.irq);
        break;
    case AVC_AUDIT_DEVICE:
        line_add(l, "device=%04x:%02x:%02x.%u ", ad->u.sbdf >> 16, (ad->u.sbdf >> 8) & 0xff,
                 (ad->u.sbdf >> 3) & 0x1f, ad->u.sbdf & 7);
        break;
    case AVC_AUDIT_IOMEM:
        line_add(l, "iomem=0x%llx-0x%llx ", (unsigned long long)ad->u.iomem.first_pfn,
                 (unsigned long long)ad->u.iomem.last_pfn);
        break;
    case AVC_AUDIT_DTDEVICE:
        line_add(l, "dtdevice=");
        line_add_word(l, ad->u.dtdevice ? ad->u.dtdevice : "?");
        line_add(l, " ");
        break;
    case AVC_AUDIT_NONE:
        break;
    }
}

/* "key=context", or "fallback=SID" when the SID has no context. */
static void line_add_context(struct avc_line *l, const struct ss_server *ss, const char *key,
                             const char *fallback, uint32_t sid)
{
    char *text;
    size_t len;

    if (ss_sid_to_context(ss, sid, &text, &len) == 0) {
        line_add(l, "%s=%s", key, text);
        ss_free(text);
    } else {
        line_add(l, "%s=%u", fallback, sid);
    }
}

/* One SELinux-format line: avc:  denied  { p1 p2 } for [k=v ]scontext=.. tcontext=.. tclass=.. */
static void avc_audit(struct avc *a, uint32_t ssid, uint32_t tsid, uint32_t tclass, uint32_t perms,
                      bool denied, const struct avc_audit_data *ad)
{
    struct avc_line l = {a->line, 0};
    const char *class_name;

    if (!a->audit)
        return;
    a->line[0] = '\0';
    line_add(&l, "avc:  %s ", denied ? "denied" : "granted");
    line_add_perms(&l, a->ss, tclass, perms);
    line_add(&l, " for ");
    line_add_audit_data(&l, ad);
    line_add_context(&l, a->ss, "scontext", "ssid", ssid);
    line_add(&l, " ");
    line_add_context(&l, a->ss, "tcontext", "tsid", tsid);
    class_name = ss_class_name(a->ss, tclass);
    if (class_name)
        line_add(&l, " tclass=%s", class_name);
    else
        line_add(&l, " tclass=%u", tclass);
    a->audit(a->audit_ctx, l.buf);
}

/* The security server could not answer: say so, and what was done. */
static int avc_undecided(struct avc *a, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                         uint32_t requested, int error, const struct avc_audit_data *ad)
{
    struct avc_line l = {a->line, 0};

    if (a->audit) {
        a->line[0] = '\0';
        line_add(&l, "avc:  unable to decide (error %d) for ", error);
        line_add_audit_data(&l, ad);
        line_add(&l, "ssid=%u tsid=%u tclass=%u requested=0x%x: %s", ssid, tsid, tclass, requested,
                 a->enforcing ? "denied" : "allowed (permissive)");
        a->audit(a->audit_ctx, l.buf);
    }
    return a->enforcing ? -SS_EACCES : 0;
}

/* --------------------------------------------------------- cache contents */

static void avc_free_node(struct avc *a, struct avc_node *node)
{
    ss_free(node);
    a->entries--;
    a->stats.frees++;
}

/* Evicts the oldest entry (the tail) of a non-empty chain. */
static void avc_evict_oldest(struct avc *a, uint32_t slot)
{
    struct avc_node **link = &a->slots[slot];

    while ((*link)->next)
        link = &(*link)->next;
    avc_free_node(a, *link);
    *link = NULL;
    a->stats.reclaims++;
}

/* Evicts up to AVC_RECLAIM_BATCH entries, continuing where the last reclaim stopped. */
static void avc_reclaim(struct avc *a)
{
    uint32_t evicted = 0;
    uint32_t slot = a->reclaim_slot;

    for (uint32_t i = 0; i < AVC_SLOTS && evicted < AVC_RECLAIM_BATCH; i++) {
        slot = (a->reclaim_slot + i) & (AVC_SLOTS - 1);
        while (a->slots[slot] && evicted < AVC_RECLAIM_BATCH) {
            avc_evict_oldest(a, slot);
            evicted++;
        }
    }
    a->reclaim_slot = (slot + 1) & (AVC_SLOTS - 1);
}

/* Reclaims until `limit` entries or fewer remain. */
static void avc_shrink_to(struct avc *a, uint32_t limit)
{
    while (a->entries > limit)
        avc_reclaim(a);
}

/* Caches a decision; NULL when memory is short (the decision still stands). */
static struct avc_node *avc_insert(struct avc *a, uint32_t ssid, uint32_t tsid, uint32_t tclass,
                                   const struct ss_av_decision *avd)
{
    uint32_t slot = avc_hash(ssid, tsid, tclass);
    struct avc_node *node;

    avc_shrink_to(a, a->threshold ? a->threshold - 1 : 0);
    node = ss_alloc(sizeof(*node));
    if (!node)
        return NULL;
    node->ssid = ssid;
    node->tsid = tsid;
    node->tclass = tclass;
    node->avd = *avd;
    node->next = a->slots[slot];
    a->slots[slot] = node;
    a->entries++;
    a->stats.allocations++;
    return node;
}

/* ---------------------------------------------------------------- checks */

/*
 * Applies a decision: audits, then refuses or (permissive) allows. A denial
 * allowed only because of permissive mode widens the cached entry so the
 * same permissions are not logged again until the next flush.
 */
static int avc_apply(struct avc *a, struct avc_node *node, const struct ss_av_decision *avd,
                     uint32_t ssid, uint32_t tsid, uint32_t tclass, uint32_t requested,
                     const struct avc_audit_data *ad)
{
    uint32_t denied = requested & ~avd->allowed;
    bool refuse = denied && a->enforcing && !(avd->flags & SS_AVD_PERMISSIVE);
    uint32_t audited = denied ? denied & avd->auditdeny : requested & avd->auditallow;

    if (audited)
        avc_audit(a, ssid, tsid, tclass, audited, denied != 0, ad);
    if (refuse)
        return -SS_EACCES;
    if (denied && node)
        node->avd.allowed |= denied;
    return 0;
}

/* The server's policy moved on without a flush: drop everything. */
static __attribute__((noinline)) void avc_flush_stale(struct avc *a)
{
    avc_flush(a);
}

/* Out of line, so the hit path in avc_has_perm stays short. */
static __attribute__((noinline)) int avc_miss(struct avc *a, uint32_t ssid, uint32_t tsid,
                                              uint32_t tclass, uint32_t requested,
                                              const struct avc_audit_data *ad)
{
    struct ss_av_decision avd;
    struct avc_node *node;
    int rc;

    a->stats.misses++;
    rc = ss_compute_av(a->ss, ssid, tsid, tclass, &avd, NULL);
    if (rc)
        return avc_undecided(a, ssid, tsid, tclass, requested, rc, ad);
    node = avc_insert(a, ssid, tsid, tclass, &avd);
    return avc_apply(a, node, &avd, ssid, tsid, tclass, requested, ad);
}

/* Everything but the plain hit: stale cache, miss, something to audit or deny. */
__attribute__((noinline)) static int avc_has_perm_slow(struct avc *a, uint32_t ssid, uint32_t tsid,
                                                       uint32_t tclass, uint32_t requested,
                                                       const struct avc_audit_data *ad)
{
    struct avc_node *node;

    if (!requested)
        return -SS_EINVAL; /* a hook that asks for nothing is a bug: fail closed */
    if (*a->ss_seqno != a->seqno)
        avc_flush_stale(a);
    node = avc_lookup(a, ssid, tsid, tclass);
    if (!node)
        return avc_miss(a, ssid, tsid, tclass, requested, ad);
    a->stats.hits++;
    if (!(requested & (~node->avd.allowed | node->avd.auditallow)))
        return 0; /* all granted, nothing to audit */
    return avc_apply(a, node, &node->avd, ssid, tsid, tclass, requested, ad);
}

int avc_has_perm(struct avc *a, uint32_t ssid, uint32_t tsid, uint32_t tclass, uint32_t requested,
                 const struct avc_audit_data *ad)
{
    /* The hit path calls nothing, so it saves no registers (goal: <= 50 instructions). */
    if (__builtin_expect(requested != 0 && *a->ss_seqno == a->seqno, 1)) {
        const struct avc_node *node = avc_lookup(a, ssid, tsid, tclass);

        if (node && !(requested & (~node->avd.allowed | node->avd.auditallow))) {
            a->stats.hits++;
            return 0;
        }
    }
    return avc_has_perm_slow(a, ssid, tsid, tclass, requested, ad);
}

/* ------------------------------------------------------ life and settings */

int avc_init(struct avc *a, struct ss_server *ss)
{
    ss_memset(a, 0, sizeof(*a));
    if (!ss)
        return -SS_EINVAL;
    a->ss = ss;
    a->enforcing = true;
    a->threshold = AVC_DEFAULT_THRESHOLD;
    a->ss_seqno = ss_seqno_ref(ss);
    a->seqno = ss_seqno(ss);
    return 0;
}

static void avc_free_all(struct avc *a)
{
    for (uint32_t slot = 0; slot < AVC_SLOTS; slot++) {
        struct avc_node *node = a->slots[slot];

        a->slots[slot] = NULL;
        while (node) {
            struct avc_node *next = node->next;

            avc_free_node(a, node);
            node = next;
        }
    }
}

void avc_destroy(struct avc *a)
{
    avc_free_all(a);
    ss_memset(a, 0, sizeof(*a));
}

void avc_flush(struct avc *a)
{
    avc_free_all(a);
    a->seqno = ss_seqno(a->ss);
}

void avc_set_audit(struct avc *a, avc_audit_fn *fn, void *ctx)
{
    a->audit = fn;
    a->audit_ctx = ctx;
}

void avc_set_enforcing(struct avc *a, bool enforcing)
{
    if (enforcing && !a->enforcing)
        avc_flush(a);
    a->enforcing = enforcing;
}

bool avc_get_enforcing(const struct avc *a)
{
    return a->enforcing;
}

uint32_t avc_get_threshold(const struct avc *a)
{
    return a->threshold;
}

void avc_set_threshold(struct avc *a, uint32_t threshold)
{
    a->threshold = threshold;
    avc_shrink_to(a, threshold ? threshold : 1);
}

void avc_get_stats(const struct avc *a, struct avc_stats *out)
{
    *out = a->stats;
    out->lookups = a->stats.hits + a->stats.misses; /* not counted on the hit path */
}

void avc_get_hash_stats(const struct avc *a, struct avc_hash_stats *out)
{
    ss_memset(out, 0, sizeof(*out));
    out->buckets_total = AVC_SLOTS;
    for (uint32_t slot = 0; slot < AVC_SLOTS; slot++) {
        uint32_t chain = 0;

        for (const struct avc_node *node = a->slots[slot]; node; node = node->next)
            chain++;
        if (chain)
            out->buckets_used++;
        if (chain > out->max_chain_len)
            out->max_chain_len = chain;
        out->entries += chain;
    }
}
