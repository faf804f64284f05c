/*
 * SID table: an array of contexts indexed by SID, with a hash from context
 * to SID so that the same context always gets the same SID.
 */
#include "sidtab.h"

static uint32_t hash_level(uint32_t h, const struct mls_level *l)
{
    h = h * 31 + l->sens;
    for (uint32_t i = 0; i < l->cat.nwords; i++) {
        if (l->cat.bits[i])
            h = h * 31 + (uint32_t)(l->cat.bits[i] ^ (l->cat.bits[i] >> 32)) + i;
    }
    return h;
}

static uint32_t hash_context(const struct context *c)
{
    uint32_t h = c->user * 0x9E3779B1u ^ c->role * 0x85EBCA77u ^ c->type * 0xC2B2AE3Du;

    h = hash_level(h, &c->range.level[0]);
    h = hash_level(h, &c->range.level[1]);
    return (h ^ (h >> 16)) % SIDTAB_BUCKETS;
}

int sidtab_init(struct sidtab *t)
{
    ss_memset(t, 0, sizeof(*t));
    t->buckets = ss_alloc(sizeof(uint32_t) * SIDTAB_BUCKETS);
    return t->buckets ? 0 : -SS_ENOMEM;
}

void sidtab_destroy(struct sidtab *t)
{
    for (uint32_t i = 0; t->contexts && i < t->count; i++)
        context_destroy(&t->contexts[i]);
    ss_free(t->contexts);
    ss_free(t->chain);
    ss_free(t->buckets);
    ss_memset(t, 0, sizeof(*t));
}

static int grow(struct sidtab *t, uint32_t need)
{
    uint32_t cap = t->capacity ? t->capacity : 32;
    struct context *contexts;
    uint32_t *chain;

    if (need <= t->capacity)
        return 0;
    if (need > SIDTAB_MAX)
        return -SS_ENOMEM;
    while (cap < need)
        cap *= 2;
    contexts = ss_alloc(sizeof(struct context) * cap);
    chain = ss_alloc(sizeof(uint32_t) * cap);
    if (!contexts || !chain) {
        ss_free(contexts);
        ss_free(chain);
        return -SS_ENOMEM;
    }
    if (t->contexts) {
        ss_memcpy(contexts, t->contexts, sizeof(struct context) * t->count);
        ss_memcpy(chain, t->chain, sizeof(uint32_t) * t->count);
    }
    ss_free(t->contexts);
    ss_free(t->chain);
    t->contexts = contexts;
    t->chain = chain;
    t->capacity = cap;
    return 0;
}

static void rehash(struct sidtab *t)
{
    ss_memset(t->buckets, 0, sizeof(uint32_t) * SIDTAB_BUCKETS);
    for (uint32_t sid = 1; sid <= t->count; sid++) {
        const struct context *c = &t->contexts[sid - 1];
        uint32_t b;

        t->chain[sid - 1] = 0;
        if (!c->user)
            continue;
        b = hash_context(c);
        t->chain[sid - 1] = t->buckets[b];
        t->buckets[b] = sid;
    }
}

int sidtab_set(struct sidtab *t, uint32_t sid, const struct context *c)
{
    struct context copy;

    if (sid == 0 || grow(t, sid))
        return -SS_ENOMEM;
    context_init(&copy);
    if (context_copy(&copy, c))
        return -SS_ENOMEM;
    while (t->count < sid) {
        context_init(&t->contexts[t->count]);
        t->chain[t->count++] = 0;
    }
    context_destroy(&t->contexts[sid - 1]);
    t->contexts[sid - 1] = copy;
    rehash(t);
    return 0;
}

int sidtab_context_to_sid(struct sidtab *t, const struct context *c, uint32_t first_dynamic,
                          uint32_t *sid)
{
    uint32_t b = hash_context(c);
    uint32_t next;

    for (uint32_t s = t->buckets[b]; s; s = t->chain[s - 1]) {
        if (context_equal(&t->contexts[s - 1], c)) {
            *sid = s;
            return 0;
        }
    }
    next = t->count + 1 > first_dynamic ? t->count + 1 : first_dynamic;
    if (grow(t, next))
        return -SS_ENOMEM;
    while (t->count < next - 1) {
        context_init(&t->contexts[t->count]);
        t->chain[t->count++] = 0;
    }
    context_init(&t->contexts[next - 1]);
    if (context_copy(&t->contexts[next - 1], c))
        return -SS_ENOMEM;
    t->count = next;
    t->chain[next - 1] = t->buckets[b];
    t->buckets[b] = next;
    *sid = next;
    return 0;
}

const struct context *sidtab_search(const struct sidtab *t, uint32_t sid)
{
    if (sid == 0 || sid > t->count || !t->contexts[sid - 1].user)
        return NULL;
    return &t->contexts[sid - 1];
}
