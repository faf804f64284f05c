/*
 * Host tests of the MMIO emulation registry (xen/common/mmio.c).
 */
#include <string.h>

#include <flaxen/domain.h>
#include <flaxen/mmio.h>

#include "unit.h"

struct fake_device {
    uint64_t last_offset;
    unsigned last_size;
    uint64_t last_value;
    int reads, writes;
    int rc;
};

static int dev_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
    struct fake_device *dev = ctx;

    (void)v;
    dev->reads++;
    dev->last_offset = offset;
    dev->last_size = size;
    *value = 0xabcd0000 | offset;
    return dev->rc;
}

static int dev_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
    struct fake_device *dev = ctx;

    (void)v;
    dev->writes++;
    dev->last_offset = offset;
    dev->last_size = size;
    dev->last_value = value;
    return dev->rc;
}

static const struct mmio_ops dev_ops = {"fake", dev_read, dev_write};

static struct domain dom;
static struct vcpu vcpu0;

static struct vcpu *fresh(void)
{
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu0, 0, sizeof(vcpu0));
    vcpu0.domain = &dom;
    return &vcpu0;
}

static void test_register_checks(struct unit *u)
{
    struct fake_device dev = {0};

    fresh();
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x1000, 0, &dev_ops, &dev), -EINVAL);
    UNIT_CHECK_EQ(u, mmio_register(&dom, UINT64_MAX - 10, 0x100, &dev_ops, &dev), -EINVAL);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x1000, 0x1000, NULL, &dev), -EINVAL);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x1000, 0x1000, &dev_ops, &dev), 0);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x1800, 0x1000, &dev_ops, &dev), -EEXIST);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x0, 0x1001, &dev_ops, &dev), -EEXIST);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x2000, 0x1000, &dev_ops, &dev), 0); /* touching: fine */
    dom.ram_gpa = 0x40000000;
    dom.ram_size = 0x100000;
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x400ff000, 0x2000, &dev_ops, &dev), -EEXIST);
    for (unsigned i = dom.nr_mmio; i < DOMAIN_MAX_MMIO; i++)
        UNIT_CHECK_EQ(u, mmio_register(&dom, 0x10000 * (i + 1), 0x1000, &dev_ops, &dev), 0);
    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x900000, 0x1000, &dev_ops, &dev), -ENOMEM);
}

static void test_dispatch(struct unit *u)
{
    struct vcpu *v = fresh();
    struct fake_device dev = {0};
    struct mmio_access a = {0x1008, 4, false, 0};

    UNIT_CHECK_EQ(u, mmio_register(&dom, 0x1000, 0x100, &dev_ops, &dev), 0);
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), 0);
    UNIT_CHECK_EQ(u, a.value, 0xabcd0008);
    UNIT_CHECK_EQ(u, dev.last_size, 4);
    a = (struct mmio_access){0x10f8, 8, true, 0x1122334455667788ull};
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), 0);
    UNIT_CHECK_EQ(u, dev.last_offset, 0xf8);
    UNIT_CHECK(u, dev.last_value == 0x1122334455667788ull);
    /* Straddling the end of the region, outside it, or a bad size: not handled. */
    a = (struct mmio_access){0x10fc, 8, false, 0};
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), -ENOENT);
    a = (struct mmio_access){0x0fff, 1, false, 0};
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), -ENOENT);
    a = (struct mmio_access){0x1000, 3, false, 0};
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), -EINVAL);
    UNIT_CHECK_EQ(u, dev.reads, 1);
    UNIT_CHECK_EQ(u, dev.writes, 1);
    /* A handler's error reaches the caller. */
    dev.rc = -EINVAL;
    a = (struct mmio_access){0x1000, 4, true, 1};
    UNIT_CHECK_EQ(u, mmio_dispatch(v, &a), -EINVAL);
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_register_checks),
    UNIT_CASE(test_dispatch),
    {0},
};
