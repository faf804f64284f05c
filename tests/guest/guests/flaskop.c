/*
 * xsm_op at run time (issue 4, scenario 4; scenario hyp-flaskop.scenario, policy
 * build/policy/flaxen.30).
 *
 * role=priv (a domain labeled dom0_t, given a copy of the policy as its ramdisk): reads the
 *   mode, the policy version, MLS; turns contexts into SIDs and back; asks access and create
 *   questions; flips the guest_writeconsole boolean (pending, then committed) and sees an
 *   ACCESS answer change with it; reads and tunes the AVC; switches to permissive and back;
 *   loads the policy again; and has a corrupted policy refused with the old one still
 *   answering.
 * role=unpriv (domU_t): the same calls are refused (-EACCES, one AVC line each).
 */
#include "guest.h"

#include <flask/av_permissions.h>
#include <flask/flask.h>

static struct xen_flask_op op;
static char text[256];
static uint8_t policy[65536] __attribute__((aligned(16)));

static long flask(uint32_t cmd)
{
    op.cmd = cmd;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    return hypercall1(XEN_HC_xsm_op, (unsigned long)&op);
}

static uint32_t sid_of(const char *context)
{
    memset(&op, 0, sizeof(op));
    op.u.sid_context.context = (uint64_t)(uintptr_t)context;
    op.u.sid_context.size = (uint32_t)strlen(context) + 1;
    CHECK_EQ(flask(FLASK_CONTEXT_TO_SID), 0);
    CHECK(op.u.sid_context.sid != 0);
    return op.u.sid_context.sid;
}

/* May domU_t write to the console (xen:writeconsole)? */
static bool domu_may_write_console(uint32_t domu, uint32_t xen)
{
    memset(&op, 0, sizeof(op));
    op.u.access = (struct xen_flask_access){
        .ssid = domu, .tsid = xen, .tclass = SECCLASS_XEN, .req = XEN__WRITECONSOLE};
    CHECK_EQ(flask(FLASK_ACCESS), 0);
    return op.u.access.allowed & XEN__WRITECONSOLE;
}

static void set_bool(const char *name, uint8_t value, uint8_t commit)
{
    memset(&op, 0, sizeof(op));
    op.u.boolean.bool_id = 0xffffffffu;
    op.u.boolean.name = (uint64_t)(uintptr_t)name;
    op.u.boolean.size = (uint32_t)strlen(name);
    op.u.boolean.new_value = value;
    op.u.boolean.commit = commit;
    CHECK_EQ(flask(FLASK_SETBOOL), 0);
}

/* The ramdisk (linux,initrd-start/end in /chosen): a copy of the policy. */
static uint32_t load_ramdisk(void)
{
    struct fdt_node chosen;
    uint32_t length;
    CHECK(fdt_find_path(guest_fdt(), "/chosen", &chosen));
    const uint8_t *start = fdt_property(guest_fdt(), &chosen, "linux,initrd-start", &length);
    CHECK(start && length == 8);
    uint64_t from = ((uint64_t)fdt_cell(start) << 32) | fdt_cell(start + 4);
    const uint8_t *end = fdt_property(guest_fdt(), &chosen, "linux,initrd-end", &length);
    CHECK(end && length == 8);
    uint64_t to = ((uint64_t)fdt_cell(end) << 32) | fdt_cell(end + 4);
    CHECK(to > from && to - from <= sizeof(policy));
    memcpy(policy, (const void *)(uintptr_t)from, to - from);
    CHECK_EQ(*(uint32_t *)policy, 0xf97cff8c); /* the policy's magic */
    return (uint32_t)(to - from);
}

static void role_priv(void)
{
    uint32_t size = load_ramdisk();
    memset(&op, 0, sizeof(op));
    CHECK_EQ(flask(FLASK_GETENFORCE), 1);
    CHECK_EQ(flask(FLASK_POLICYVERS), 30);
    CHECK(flask(FLASK_MLS) >= 0);
    op.interface_version = 7;
    op.cmd = FLASK_GETENFORCE;
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&op), -XEN_ENOSYS);
    CHECK_EQ(flask(FLASK_USER), -XEN_ENOSYS);
    CHECK_EQ(flask(99), -XEN_ENOSYS);

    /* Contexts and SIDs, both ways; a short buffer gets -ERANGE and the size needed. */
    uint32_t domu = sid_of("system_u:system_r:domU_t"), xen = sid_of("system_u:system_r:xen_t");
    memset(&op, 0, sizeof(op));
    op.u.sid_context.sid = domu;
    op.u.sid_context.context = (uint64_t)(uintptr_t)text;
    op.u.sid_context.size = sizeof(text);
    CHECK_EQ(flask(FLASK_SID_TO_CONTEXT), 0);
    CHECK(!strcmp(text, "system_u:system_r:domU_t"));
    CHECK_EQ(op.u.sid_context.size, 25);
    op.u.sid_context.size = 5;
    CHECK_EQ(flask(FLASK_SID_TO_CONTEXT), -XEN_ERANGE);
    CHECK_EQ(op.u.sid_context.size, 25);
    memset(&op, 0, sizeof(op));
    op.u.sid_context.context = (uint64_t)(uintptr_t) "system_u:system_r:no_such_t";
    op.u.sid_context.size = 28;
    CHECK_EQ(flask(FLASK_CONTEXT_TO_SID), -XEN_EINVAL);

    /* Access and create questions. */
    CHECK(domu_may_write_console(domu, xen));
    memset(&op, 0, sizeof(op));
    op.u.access = (struct xen_flask_access){
        .ssid = domu, .tsid = xen, .tclass = SECCLASS_XEN, .req = XEN__READCONSOLE};
    CHECK_EQ(flask(FLASK_ACCESS), 0);
    CHECK_EQ(op.u.access.allowed, 0);
    memset(&op, 0, sizeof(op));
    op.u.transition =
        (struct xen_flask_transition){.ssid = domu, .tsid = domu, .tclass = SECCLASS_DOMAIN};
    CHECK_EQ(flask(FLASK_CREATE), 0);
    CHECK(op.u.transition.newsid != 0);

    /* A boolean: pending first (no change), then committed (the answer changes). */
    set_bool("guest_writeconsole", 0, 0);
    memset(&op, 0, sizeof(op));
    op.u.boolean.bool_id = 0xffffffffu;
    op.u.boolean.name = (uint64_t)(uintptr_t) "guest_writeconsole";
    op.u.boolean.size = 18;
    CHECK_EQ(flask(FLASK_GETBOOL), 0);
    CHECK_EQ(op.u.boolean.enforcing, 1);
    CHECK_EQ(op.u.boolean.pending, 0);
    CHECK(domu_may_write_console(domu, xen));
    memset(&op, 0, sizeof(op));
    CHECK_EQ(flask(FLASK_COMMITBOOLS), 0);
    CHECK(!domu_may_write_console(domu, xen));
    set_bool("guest_writeconsole", 1, 1);
    CHECK(domu_may_write_console(domu, xen));
    printf("[guest] flaskop: a boolean flip changed a decision and back\n");

    /* The AVC. */
    memset(&op, 0, sizeof(op));
    CHECK_EQ(flask(FLASK_AVC_CACHESTATS), 0);
    CHECK(op.u.cache_stats.lookups > 0);
    op.u.cache_stats.cpu = 1;
    CHECK_EQ(flask(FLASK_AVC_CACHESTATS), -XEN_ENOENT);
    memset(&op, 0, sizeof(op));
    CHECK_EQ(flask(FLASK_AVC_HASHSTATS), 0);
    CHECK_EQ(op.u.hash_stats.buckets_total, 512);
    long threshold = flask(FLASK_GETAVC_THRESHOLD);
    CHECK(threshold > 0);
    op.u.setavc_threshold.threshold = 600;
    CHECK_EQ(flask(FLASK_SETAVC_THRESHOLD), 0);
    CHECK_EQ(flask(FLASK_GETAVC_THRESHOLD), 600);
    op.u.setavc_threshold.threshold = (uint32_t)threshold;
    CHECK_EQ(flask(FLASK_SETAVC_THRESHOLD), 0);
    memset(&op, 0, sizeof(op));
    op.u.peersid.evtchn = 1;
    CHECK_EQ(flask(FLASK_GET_PEER_SID), -XEN_EINVAL); /* no such channel */

    /* A run-time label for IRQ 200 (domU_t's SID, for the test), refused twice, removed. */
    memset(&op, 0, sizeof(op));
    op.u.ocontext =
        (struct xen_flask_ocontext){.ocon = FLASK_OCON_PIRQ, .sid = domu, .low = 200, .high = 200};
    CHECK_EQ(flask(FLASK_ADD_OCONTEXT), 0);
    op.u.ocontext.sid = xen;
    CHECK_EQ(flask(FLASK_ADD_OCONTEXT), -XEN_EEXIST);
    CHECK_EQ(flask(FLASK_DEL_OCONTEXT), 0);
    CHECK_EQ(flask(FLASK_DEL_OCONTEXT), -XEN_ENOENT);
    op.u.ocontext.ocon = 9;
    CHECK_EQ(flask(FLASK_ADD_OCONTEXT), -XEN_EINVAL);

    /* A device-tree node's label: added, refused again, removed, and no second removal. */
    static const char dt_path[] = "/soc/flaskop@0";
    memset(&op, 0, sizeof(op));
    op.u.devicetree_label = (struct xen_flask_devicetree_label){
        .sid = domu, .length = sizeof(dt_path), .path = (uint64_t)(uintptr_t)dt_path};
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), 0);
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), -XEN_EEXIST);
    op.u.devicetree_label.sid = 0;
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), 0);
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), -XEN_ENOENT);
    op.u.devicetree_label.sid = 0xfffff; /* no such SID */
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), -XEN_EINVAL);
    op.u.devicetree_label.length = 0;
    CHECK_EQ(flask(FLASK_DEVICETREE_LABEL), -XEN_EINVAL);

    /* Permissive and back. */
    memset(&op, 0, sizeof(op));
    op.u.enforce.enforcing = 0;
    CHECK_EQ(flask(FLASK_SETENFORCE), 0);
    CHECK_EQ(flask(FLASK_GETENFORCE), 0);
    op.u.enforce.enforcing = 1;
    CHECK_EQ(flask(FLASK_SETENFORCE), 0);
    CHECK_EQ(flask(FLASK_GETENFORCE), 1);

    /* The same policy again; then a corrupted one, refused, the old one still in force. */
    memset(&op, 0, sizeof(op));
    op.u.load.buffer = (uint64_t)(uintptr_t)policy;
    op.u.load.size = size;
    CHECK_EQ(flask(FLASK_LOAD), 0);
    CHECK(domu_may_write_console(domu, xen));
    for (uint32_t i = size / 2; i < size / 2 + 64; i++)
        policy[i] ^= 0xff;
    memset(&op, 0, sizeof(op));
    op.u.load.buffer = (uint64_t)(uintptr_t)policy;
    op.u.load.size = size;
    CHECK_EQ(flask(FLASK_LOAD), -XEN_EINVAL);
    op.u.load.size = 0;
    CHECK_EQ(flask(FLASK_LOAD), -XEN_EINVAL);
    CHECK(domu_may_write_console(domu, xen));
    CHECK_EQ(sid_of("system_u:system_r:domU_t"), domu);
    CHECK_EQ(flask(FLASK_GETENFORCE), 1);
    printf("[guest] flaskop: policy reloaded; a corrupted one refused, the old one in force\n");
}

static void role_unpriv(void)
{
    memset(&op, 0, sizeof(op));
    CHECK_EQ(flask(FLASK_GETENFORCE), -XEN_EACCES);
    op.u.enforce.enforcing = 0;
    CHECK_EQ(flask(FLASK_SETENFORCE), -XEN_EACCES);
    memset(&op, 0, sizeof(op));
    op.u.load.buffer = (uint64_t)(uintptr_t)policy;
    op.u.load.size = 64;
    CHECK_EQ(flask(FLASK_LOAD), -XEN_EACCES);
    memset(&op, 0, sizeof(op));
    op.u.boolean.bool_id = 0;
    CHECK_EQ(flask(FLASK_SETBOOL), -XEN_EACCES);
    memset(&op, 0, sizeof(op));
    op.u.access = (struct xen_flask_access){.ssid = 1, .tsid = 1, .tclass = 1, .req = 1};
    CHECK_EQ(flask(FLASK_ACCESS), -XEN_EACCES);
}

GUEST_TEST_XEN(xsm_op)
{
    if (guest_bootarg_is("role", "priv"))
        role_priv();
    else if (guest_bootarg_is("role", "unpriv"))
        role_unpriv();
    else
        CHECK_MSG(false, "role=priv or unpriv");
}
