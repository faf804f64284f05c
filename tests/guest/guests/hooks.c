/*
 * XSM hooks seen from a guest: the checked xen_version sub-ops either work or come back
 * -EACCES with the guest's buffer untouched, depending on the domain's label; the
 * self-only sub-ops (no FLASK permission, docs/security/hooks.md) always work.
 *
 * Bootargs: expect=allowed or expect=denied (what the label should get). The hypervisor's
 * AVC lines for the denied calls are checked by the scenario (hyp-hooks.scenario).
 */
#include "guest.h"

static bool expect_denied(void)
{
    const char *value;
    size_t length;
    if (!guest_bootarg("expect", &value, &length))
        return false;
    return length == 6 && value[0] == 'd';
}

/* One checked sub-op: denied -> -EACCES and nothing written; allowed -> its usual answer. */
static void check_version_op(unsigned int command, bool result_is_size)
{
    static uint8_t buffer[1024] __attribute__((aligned(16)));
    for (unsigned int i = 0; i < sizeof(buffer); i++)
        buffer[i] = 0xa5;
    long result = xen_version(command, buffer);
    if (expect_denied()) {
        CHECK_MSG(result == -XEN_EACCES, "XENVER %u: %ld, expected -EACCES", command, result);
        for (unsigned int i = 0; i < sizeof(buffer); i++)
            CHECK_MSG(buffer[i] == 0xa5, "XENVER %u wrote byte %u after a refusal", command, i);
    } else if (result_is_size) {
        CHECK_EQ(result, 4096);
    } else {
        CHECK_MSG(result == 0, "XENVER %u: %ld", command, result);
    }
}

GUEST_TEST_XEN(extraversion_checked)
{
    check_version_op(XENVER_extraversion, false);
}

GUEST_TEST_XEN(capabilities_checked)
{
    check_version_op(XENVER_capabilities, false);
}

GUEST_TEST_XEN(changeset_checked)
{
    check_version_op(XENVER_changeset, false);
}

GUEST_TEST_XEN(pagesize_checked)
{
    check_version_op(XENVER_pagesize, true);
}

GUEST_TEST_XEN(guest_handle_checked)
{
    check_version_op(XENVER_guest_handle, false);
}

GUEST_TEST_XEN(compile_info_checked)
{
    check_version_op(XENVER_compile_info, false);
}

GUEST_TEST_XEN(commandline_checked)
{
    check_version_op(XENVER_commandline, false);
}

/* Flaxen is linked without a build ID: allowed -> -ENODATA; denied -> -EACCES first. */
GUEST_TEST_XEN(build_id_checked)
{
    static uint32_t request[8] __attribute__((aligned(16))) = {16};
    long result = xen_version(XENVER_build_id, request);
    CHECK_EQ(result, expect_denied() ? -XEN_EACCES : -XEN_ENODATA);
}

GUEST_TEST_XEN(self_only_ops_always_work)
{
    struct xen_platform_parameters params = {0};
    struct xen_feature_info features = {0, 0};
    CHECK(xen_version(XENVER_version, NULL) > 0);
    CHECK_EQ(xen_version(XENVER_platform_parameters, &params), 0);
    CHECK_EQ(xen_version(XENVER_get_features, &features), 0);
    CHECK(features.submap & (1u << XENFEAT_auto_translated_physmap));
    CHECK_EQ(sched_yield(), 0);
}
