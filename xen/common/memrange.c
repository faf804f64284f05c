/*
 * Sorted sets of disjoint physical ranges with a fixed capacity.
 */
#include <flaxen/memrange.h>
#include <flaxen/string.h>

void memrange_init(struct memrange_set *set)
{
    set->nr = 0;
}

static void remove_at(struct memrange_set *set, unsigned i)
{
    memmove(&set->r[i], &set->r[i + 1], (set->nr - i - 1) * sizeof(set->r[0]));
    set->nr--;
}

static int insert_at(struct memrange_set *set, unsigned i, paddr_t start, paddr_t end)
{
    if (set->nr == MEMRANGE_MAX)
        return -ENOMEM;
    memmove(&set->r[i + 1], &set->r[i], (set->nr - i) * sizeof(set->r[0]));
    set->r[i] = (struct memrange){start, end};
    set->nr++;
    return 0;
}

int memrange_add(struct memrange_set *set, paddr_t start, paddr_t end)
{
    unsigned i = 0;

    if (end <= start)
        return -EINVAL;
    while (i < set->nr && set->r[i].end < start)
        i++;
    /* Ranges i.. that touch or overlap [start, end) merge into one. */
    if (i == set->nr || set->r[i].start > end)
        return insert_at(set, i, start, end);
    if (set->r[i].start < start)
        start = set->r[i].start;
    while (i + 1 < set->nr && set->r[i + 1].start <= end)
        remove_at(set, i + 1);
    set->r[i].start = start;
    if (set->r[i].end < end)
        set->r[i].end = end;
    return 0;
}

int memrange_remove(struct memrange_set *set, paddr_t start, paddr_t end)
{
    if (end <= start)
        return 0;
    for (unsigned i = 0; i < set->nr; i++) {
        struct memrange *r = &set->r[i];

        if (r->end <= start || r->start >= end)
            continue;
        if (r->start < start && r->end > end) {
            paddr_t tail_end = r->end;

            r->end = start;
            return insert_at(set, i + 1, end, tail_end);
        }
        if (r->start >= start && r->end <= end) {
            remove_at(set, i);
            i--;
        } else if (r->start < start) {
            r->end = start;
        } else {
            r->start = end;
        }
    }
    return 0;
}

bool memrange_contains(const struct memrange_set *set, paddr_t start, paddr_t end)
{
    for (unsigned i = 0; i < set->nr; i++)
        if (set->r[i].start <= start && end <= set->r[i].end)
            return true;
    return false;
}

uint64_t memrange_total(const struct memrange_set *set)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < set->nr; i++)
        total += set->r[i].end - set->r[i].start;
    return total;
}
