/*
 * The security server's labels of hardware (security.h) on real policies: the policy's
 * pirqcon, ioportcon, iomemcon, pcidevicecon and devicetreecon, frames above 4 GiB, and the
 * run-time labels xsm_op adds and removes (ADD/DEL_OCONTEXT, DEVICETREE_LABEL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policydb.h"
#include "security.h"
#include "test_server.h"
#include "unit.h"

/* ---------------------------------------------------------------- object contexts */

/* rc 0 and the SID's context is `want`, or (want NULL) the initial SID `fallback`. */
static void expect_label(struct unit *u, const struct ss_server *s, const char *what, int rc,
                         const uint32_t *sidp, const char *want, uint32_t fallback)
{
    uint32_t sid = *sidp; /* read after the call that filled it */

    UNIT_CHECK_MSG(u, rc == 0, "%s: rc %d", what, rc);
    if (!rc && want) {
        UNIT_CHECK_MSG(u, sid != fallback, "%s: got the default SID", what);
        expect_context(u, s, sid, want);
    } else if (!rc) {
        UNIT_CHECK_MSG(u, sid == fallback, "%s: SID %u, want the default %u", what, sid, fallback);
    }
}

#define OBJ(ctx) "system_u:object_r:" ctx
/* The call sets `sid`; the label is then checked (the order of evaluation matters). */
#define LABEL(what, call, want, fallback) expect_label(u, s, what, call, &sid, want, fallback)

static void test_ocontexts_feature_policy(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/ocontexts.30");
    uint32_t sid = 0, a = 0, b = 0;

    if (!s)
        return;
    /* pirqcon 4 serial, 16 and 1023 nic, 17 gpu. */
    LABEL("pirq 4", ss_pirq_sid(s, 4, &sid), OBJ("serial_dev_t"), 10);
    LABEL("pirq 17", ss_pirq_sid(s, 17, &sid), OBJ("gpu_dev_t"), 10);
    LABEL("pirq 5", ss_pirq_sid(s, 5, &sid), NULL, SS_ISID_IRQ);
    LABEL("pirq 1024", ss_pirq_sid(s, 1024, &sid), NULL, SS_ISID_IRQ);
    UNIT_CHECK(u, !ss_pirq_sid(s, 16, &a) && !ss_pirq_sid(s, 1023, &b) && a == b);
    expect_context(u, s, a, OBJ("nic_dev_t"));
    /* ioportcon 0x3f8-0x3ff and 0x2f8 serial, 0xecc0-0xecdf nic, 0xffff gpu. */
    LABEL("ports 3f8-3ff", ss_ioport_sid(s, 0x3f8, 0x3ff, &sid), OBJ("serial_dev_t"), 8);
    LABEL("ports 3fa-3fc", ss_ioport_sid(s, 0x3fa, 0x3fc, &sid), OBJ("serial_dev_t"), 8);
    LABEL("port 2f8", ss_ioport_sid(s, 0x2f8, 0x2f8, &sid), OBJ("serial_dev_t"), 8);
    LABEL("port ffff", ss_ioport_sid(s, 0xffff, 0xffff, &sid), OBJ("gpu_dev_t"), 8);
    LABEL("ports ecc0-ecdf", ss_ioport_sid(s, 0xecc0, 0xecdf, &sid), OBJ("nic_dev_t"), 8);
    LABEL("ports 3f0-3f8", ss_ioport_sid(s, 0x3f0, 0x3f8, &sid), NULL, SS_ISID_IOPORT);
    LABEL("ports 3ff-400", ss_ioport_sid(s, 0x3ff, 0x400, &sid), NULL, SS_ISID_IOPORT);
    LABEL("ports 2f8-2f9", ss_ioport_sid(s, 0x2f8, 0x2f9, &sid), NULL, SS_ISID_IOPORT);
    LABEL("port 10000", ss_ioport_sid(s, 0x10000, 0x10000, &sid), NULL, SS_ISID_IOPORT);
    UNIT_CHECK_EQ(u, ss_ioport_sid(s, 0x3ff, 0x3f8, &sid), -SS_EINVAL);
    /* iomemcon 0xfebd9, 0xfebe0-0xfebff nic; 0x100000-0x1fffff hi_mem; 0xfffff000-0xffffffff
     * gpu. */
    LABEL("frame febd9", ss_iomem_sid(s, 0xfebd9, 0xfebd9, &sid), OBJ("nic_dev_t"), 9);
    LABEL("frames febe0-febff", ss_iomem_sid(s, 0xfebe0, 0xfebff, &sid), OBJ("nic_dev_t"), 9);
    LABEL("frames 1xxxxx", ss_iomem_sid(s, 0x100000, 0x1fffff, &sid), OBJ("hi_mem_t"), 9);
    LABEL("top frames", ss_iomem_sid(s, 0xfffff000, 0xffffffff, &sid), OBJ("gpu_dev_t"), 9);
    LABEL("frame febdf", ss_iomem_sid(s, 0xfebdf, 0xfebdf, &sid), NULL, SS_ISID_IOMEM);
    LABEL("frames febd9-febe0", ss_iomem_sid(s, 0xfebd9, 0xfebe0, &sid), NULL, SS_ISID_IOMEM);
    LABEL("frames fffff-100000", ss_iomem_sid(s, 0xfffff, 0x100000, &sid), NULL, SS_ISID_IOMEM);
    /* 64-bit frame numbers are not cut to 32 bits on the way. */
    LABEL("frames across 4G", ss_iomem_sid(s, 0xffffffff, 0x100000000, &sid), NULL, SS_ISID_IOMEM);
    LABEL("frame 1_000febd9", ss_iomem_sid(s, 0x1000febd9, 0x1000febd9, &sid), NULL, SS_ISID_IOMEM);
    LABEL("frame max", ss_iomem_sid(s, UINT64_MAX, UINT64_MAX, &sid), NULL, SS_ISID_IOMEM);
    UNIT_CHECK_EQ(u, ss_iomem_sid(s, 0x100001, 0x100000, &sid), -SS_EINVAL);
    /* pcidevicecon 0xc800 nic, 0x0100 gpu. */
    LABEL("pci c800", ss_pcidevice_sid(s, 0xc800, &sid), OBJ("nic_dev_t"), 11);
    LABEL("pci 0100", ss_pcidevice_sid(s, 0x0100, &sid), OBJ("gpu_dev_t"), 11);
    LABEL("pci c801", ss_pcidevice_sid(s, 0xc801, &sid), NULL, SS_ISID_DEVICE);
    LABEL("pci 1c800", ss_pcidevice_sid(s, 0x1c800, &sid), NULL, SS_ISID_DEVICE);
    /* devicetreecon: exact paths only. */
    LABEL("dt serial", ss_devicetree_sid(s, "/soc/serial@9000000", &sid), OBJ("serial_dev_t"), 11);
    LABEL("dt gpu", ss_devicetree_sid(s, "/smmu@fd800000/gpu", &sid), OBJ("dt_dev_t"), 11);
    LABEL("dt slash", ss_devicetree_sid(s, "/soc/serial@9000000/", &sid), NULL, SS_ISID_DEVICE);
    LABEL("dt parent", ss_devicetree_sid(s, "/soc", &sid), NULL, SS_ISID_DEVICE);
    LABEL("dt empty", ss_devicetree_sid(s, "", &sid), NULL, SS_ISID_DEVICE);
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, NULL, &sid), -SS_EINVAL);
    ss_destroy(s);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* ocontexts.30 with its top iomemcon entry (0xfffff000-0xffffffff gpu_dev_t) moved
 * above 2^32 by patching the 64-bit frame numbers of the version 30 image. */
static void test_iomem_above_4g(struct unit *u)
{
    static const uint64_t low = 0x1234567000ull, high = 0x1234567fffull;
    size_t len, at = 0;
    unsigned char *image = read_policy(u, "policy/tests/ocontexts.30", &len), pattern[16];
    struct ss_server *s = ss_create();
    struct ss_error err;
    uint32_t sid = 0;
    int found = 0;

    put64(pattern, 0xfffff000);
    put64(pattern + 8, 0xffffffff);
    for (size_t i = 0; image && i + 16 <= len; i++)
        if (!memcmp(image + i, pattern, 16)) {
            found++;
            at = i;
        }
    UNIT_CHECK_EQ(u, found, 1);
    if (found == 1) {
        put64(image + at, low);
        put64(image + at + 8, high);
        UNIT_CHECK_MSG(u, ss_load_policy(s, image, len, NULL, &err) == 0, "%s", err.msg);
        LABEL("high frames", ss_iomem_sid(s, low, high, &sid), OBJ("gpu_dev_t"), 9);
        LABEL("low 32 bits only", ss_iomem_sid(s, 0x34567000, 0x34567fff, &sid), NULL,
              SS_ISID_IOMEM);
        LABEL("one below", ss_iomem_sid(s, low - 1, high, &sid), NULL, SS_ISID_IOMEM);
        LABEL("old place", ss_iomem_sid(s, 0xfffff000, 0xffffffff, &sid), NULL, SS_ISID_IOMEM);
    }
    free(image);
    ss_destroy(s);
}

/* flask/policy/device_contexts. */
static void test_ocontexts_flaxen(struct unit *u)
{
    struct ss_server *s = server(u, "policy/flaxen.30");
    uint32_t sid = 0;
    char path[64];

    if (!s)
        return;
    LABEL("uart dt", ss_devicetree_sid(s, "/pl011@9000000", &sid), OBJ("uart_dev_t"), 11);
    LABEL("uart mmio", ss_iomem_sid(s, 0x9000, 0x9000, &sid), OBJ("uart_dev_t"), 9);
    LABEL("uart irq", ss_pirq_sid(s, 33, &sid), OBJ("uart_dev_t"), 10);
    LABEL("gic", ss_iomem_sid(s, 0x8000, 0x8fff, &sid), OBJ("gic_dev_t"), 9);
    LABEL("tpm", ss_iomem_sid(s, 0xc000, 0xc004, &sid), OBJ("tpm_dev_t"), 9);
    LABEL("tpm+1", ss_iomem_sid(s, 0xc000, 0xc005, &sid), NULL, SS_ISID_IOMEM);
    LABEL("uart mmio +4G", ss_iomem_sid(s, 0x100009000, 0x100009000, &sid), NULL, SS_ISID_IOMEM);
    /* flx_each(0, 31, ...): virtio transport i at 0x0a000000 + i * 0x200, GIC interrupt 48 + i. */
    for (uint32_t i = 0; i < 32; i++) {
        snprintf(path, sizeof(path), "/virtio_mmio@%x", 0xa000000 + i * 0x200);
        LABEL(path, ss_devicetree_sid(s, path, &sid), OBJ("nic_dev_t"), 11);
        LABEL("virtio irq", ss_pirq_sid(s, 48 + i, &sid), OBJ("nic_dev_t"), 10);
    }
    LABEL("irq 80", ss_pirq_sid(s, 80, &sid), NULL, SS_ISID_IRQ);
    LABEL("virtio 32", ss_devicetree_sid(s, "/virtio_mmio@a004000", &sid), NULL, SS_ISID_DEVICE);
    LABEL("pci", ss_pcidevice_sid(s, 0x100, &sid), NULL, SS_ISID_DEVICE);
    LABEL("ioport", ss_ioport_sid(s, 0x3f8, 0x3ff, &sid), NULL, SS_ISID_IOPORT);
    ss_destroy(s);
}

/* ---------------------------------------------------------------- reload */

static void test_ocontext_add_del(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/ocontexts.30");
    uint32_t nic = 0, gpu = 0, sid = 0;

    if (!s)
        return;
    UNIT_CHECK(u, !ss_pirq_sid(s, 16, &nic) && !ss_pirq_sid(s, 17, &gpu));
    UNIT_CHECK_EQ(u, ss_pirq_sid(s, 5, &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_IRQ);
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 1, 5, 5, nic), 0);
    UNIT_CHECK_EQ(u, ss_pirq_sid(s, 5, &sid), 0);
    UNIT_CHECK_EQ(u, sid, nic);
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 1, 5, 5, nic), 0);            /* the same again */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 1, 5, 5, gpu), -SS_EEXIST);   /* another label */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 1, 17, 17, nic), -SS_EEXIST); /* the policy's */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 3, 0x200000, 0x2000ff, gpu), 0);
    UNIT_CHECK_EQ(u, ss_iomem_sid(s, 0x200010, 0x200020, &sid), 0);
    UNIT_CHECK_EQ(u, sid, gpu);
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 3, 0x2000f0, 0x200100, gpu), -SS_EEXIST); /* overlap */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 0, 1, 1, gpu), -SS_EINVAL);   /* initial SIDs: no */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 5, 1, 1, gpu), -SS_EINVAL);   /* device tree: no */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 2, 9, 8, gpu), -SS_EINVAL);   /* low > high */
    UNIT_CHECK_EQ(u, ss_ocontext_add(s, 2, 8, 9, 99999), -SS_EINVAL); /* no such SID */
    UNIT_CHECK_EQ(u, ss_ocontext_del(s, 3, 0x200000, 0x2000fe), -SS_ENOENT);
    UNIT_CHECK_EQ(u, ss_ocontext_del(s, 3, 0x200000, 0x2000ff), 0);
    UNIT_CHECK_EQ(u, ss_iomem_sid(s, 0x200010, 0x200020, &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_IOMEM);
    UNIT_CHECK_EQ(u, ss_ocontext_del(s, 1, 5, 5), 0);
    UNIT_CHECK_EQ(u, ss_pirq_sid(s, 5, &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_IRQ);
    UNIT_CHECK_EQ(u, ss_ocontext_del(s, 1, 5, 5), -SS_ENOENT);
    ss_destroy(s);
}

static void test_devicetree_label(struct unit *u)
{
    struct ss_server *s = server(u, "policy/tests/ocontexts.30");
    uint32_t serial = 0, nic = 0, sid = 0;

    if (!s)
        return;
    UNIT_CHECK(u, !ss_devicetree_sid(s, "/soc/serial@9000000", &serial) &&
                      !ss_devicetree_sid(s, "/soc/ethernet@ff0e0000", &nic));
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, "/soc/gpio@9030000", &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_DEVICE);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/gpio@9030000", nic), 0);
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, "/soc/gpio@9030000", &sid), 0);
    UNIT_CHECK_EQ(u, sid, nic);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/gpio@9030000", nic), -SS_EEXIST);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/serial@9000000", nic), -SS_EEXIST);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/x", 99999), -SS_EINVAL); /* no such SID */
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "", nic), -SS_EINVAL);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/serial@9000000", 0), 0); /* the policy's own */
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, "/soc/serial@9000000", &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_DEVICE);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/serial@9000000", 0), -SS_ENOENT);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/serial@9000000", serial), 0);
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, "/soc/serial@9000000", &sid), 0);
    UNIT_CHECK_EQ(u, sid, serial);
    UNIT_CHECK_EQ(u, ss_devicetree_label(s, "/soc/gpio@9030000", 0), 0);
    UNIT_CHECK_EQ(u, ss_devicetree_sid(s, "/soc/gpio@9030000", &sid), 0);
    UNIT_CHECK_EQ(u, sid, SS_ISID_DEVICE);
    ss_destroy(s); /* ASan: the added paths and contexts are freed with the policy */
}

const struct unit_case unit_cases[] = {
    UNIT_CASE(test_ocontexts_feature_policy), UNIT_CASE(test_iomem_above_4g),
    UNIT_CASE(test_ocontexts_flaxen),         UNIT_CASE(test_ocontext_add_del),
    UNIT_CASE(test_devicetree_label),         {0},
};
