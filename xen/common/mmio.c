/*
 * The MMIO emulation registry of each domain (flaxen/mmio.h).
 */
#include <flaxen/domain.h>
#include <flaxen/mmio.h>

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

int mmio_register(struct domain *d, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                  void *ctx)
{
    if (!size || base + size < base || !ops || !ops->read || !ops->write)
        return -EINVAL;
    if (d->nr_mmio == DOMAIN_MAX_MMIO)
        return -ENOMEM;
    if (d->ram_size && overlaps(base, size, d->ram_gpa, d->ram_size))
        return -EEXIST;
    for (unsigned i = 0; i < d->nr_mmio; i++)
        if (overlaps(base, size, d->mmio[i].base, d->mmio[i].size))
            return -EEXIST;
    d->mmio[d->nr_mmio++] = (struct mmio_region){base, size, ops, ctx};
    return 0;
}

int mmio_dispatch(struct vcpu *v, struct mmio_access *access)
{
    struct domain *d = v->domain;

    if (access->size != 1 && access->size != 2 && access->size != 4 && access->size != 8)
        return -EINVAL;
    for (unsigned i = 0; i < d->nr_mmio; i++) {
        const struct mmio_region *r = &d->mmio[i];
        uint64_t offset = access->gpa - r->base;

        if (access->gpa < r->base || offset >= r->size || r->size - offset < access->size)
            continue;
        if (access->write)
            return r->ops->write(v, r->ctx, offset, access->size, access->value);
        access->value = 0;
        return r->ops->read(v, r->ctx, offset, access->size, &access->value);
    }
    return -ENOENT;
}
