/*
 * Attestation (issue 5; scenario hyp-attest.scenario): XEN_SYSCTL_flaxen_attest.
 *
 * role=attester (dom0, dom0_t: the policy allows flaxen:attest): bad arguments are refused,
 *   a call with no room learns the sizes (-ENOBUFS), a call with room gets the quote over
 *   PCRs 10 and 11 (or the mask pcrs=HEX) with the nonce from its boot arguments, the
 *   signature, the attestation key
 *   and the event log. It prints them in hex ("attest: PART OFFSET HEX", 40 bytes a line) for
 *   tests/guest/checks/attest.sh, which runs the verifier over them.
 *   With then=lock it then sets the policy_locked boolean, after which the policy takes
 *   load_policy, setenforce and setbool away from dom0: switching enforcing off is refused
 *   (-EACCES, an AVC denial), and the mode stays enforcing.
 * role=denied (domU_t): refused with -EACCES.
 */
#include "guest.h"

#include <flask/flask.h>

static struct xen_sysctl sc;
static uint8_t output[96 * 1024];

static long attest(uint32_t pcr_mask, uint32_t nonce_len, uint32_t buffer_len)
{
    sc.cmd = XEN_SYSCTL_flaxen_attest;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sc.u.flaxen_attest.pcr_mask = pcr_mask;
    sc.u.flaxen_attest.nonce_len = nonce_len;
    sc.u.flaxen_attest.buffer = (uint64_t)(uintptr_t)output;
    sc.u.flaxen_attest.buffer_len = buffer_len;
    return hypercall1(XEN_HC_sysctl, (unsigned long)&sc);
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The nonce from nonce=HEX (1-64 bytes). */
static uint32_t read_nonce(uint8_t *nonce)
{
    const char *value;
    size_t length;
    uint32_t n = 0;

    CHECK(guest_bootarg("nonce", &value, &length));
    CHECK(length % 2 == 0 && length >= 2 && length <= 128);
    for (size_t i = 0; i < length; i += 2) {
        int hi = hex_value(value[i]), lo = hex_value(value[i + 1]);
        CHECK(hi >= 0 && lo >= 0);
        nonce[n++] = (uint8_t)(hi << 4 | lo);
    }
    return n;
}

/* The PCRs to quote: pcrs=HEX (a mask), by default 10 and 11 (Flaxen's own). */
static uint32_t read_pcrs(void)
{
    const char *value;
    size_t length;
    uint32_t mask = 0;

    if (!guest_bootarg("pcrs", &value, &length))
        return 1u << 10 | 1u << 11;
    CHECK(length >= 1 && length <= 6);
    for (size_t i = 0; i < length; i++) {
        int digit = hex_value(value[i]);
        CHECK(digit >= 0);
        mask = mask << 4 | (uint32_t)digit;
    }
    return mask;
}

static void print_part(const char *name, const uint8_t *bytes, uint32_t len)
{
    static const char digits[] = "0123456789abcdef";
    char line[81];

    for (uint32_t off = 0; off < len; off += 40) {
        uint32_t n = len - off < 40 ? len - off : 40;
        for (uint32_t i = 0; i < n; i++) {
            line[2 * i] = digits[bytes[off + i] >> 4];
            line[2 * i + 1] = digits[bytes[off + i] & 15];
        }
        line[2 * n] = '\0';
        printf("attest: %s %u %s\n", name, off, line);
    }
}

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t next_random(void)
{
    return guest_random(&rng);
}

/*
 * 300 attestations with random PCR masks, nonce lengths, buffers (this guest's output
 * buffer, an unmapped address, anything) and buffer sizes: each answers 0 or an error code.
 */
static void random_attestations(void)
{
    unsigned ok = 0, refused = 0;
    for (unsigned i = 0; i < 300; i++) {
        uint64_t r = next_random();
        memset(&sc, 0, sizeof(sc));
        sc.cmd = XEN_SYSCTL_flaxen_attest;
        sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        sc.u.flaxen_attest.pcr_mask = (r & 1) ? (uint32_t)(next_random() & 0xffffff) : (uint32_t)r;
        sc.u.flaxen_attest.nonce_len =
            (r & 2) ? (uint32_t)(next_random() % 70) : (uint32_t)(r >> 32);
        sc.u.flaxen_attest.buffer = (r & 4)   ? (uint64_t)(uintptr_t)output
                                    : (r & 8) ? guest_unmapped_address() + (r & 0xfff)
                                              : next_random();
        sc.u.flaxen_attest.buffer_len =
            (r & 16) ? (uint32_t)(next_random() % sizeof(output)) : (uint32_t)next_random();
        if (sc.u.flaxen_attest.buffer == (uint64_t)(uintptr_t)output &&
            sc.u.flaxen_attest.buffer_len > sizeof(output))
            sc.u.flaxen_attest.buffer_len = sizeof(output); /* never past our own buffer */
        sc.u.flaxen_attest.pad = (r & 32) ? (uint32_t)r : 0;
        long rc = hypercall1(XEN_HC_sysctl, (unsigned long)&sc);
        CHECK_MSG(rc <= 0 && rc > -4096, "random attestation %u: %ld", i, rc);
        if (rc == 0)
            ok++;
        else
            refused++;
    }
    printf("[guest] attest: 300 random requests: %u quotes, %u refused\n", ok, refused);
}

static void role_attester(void)
{
    uint32_t nonce_len, q, s, k, l, pcrs = read_pcrs();

    random_attestations();

    memset(&sc, 0, sizeof(sc));
    CHECK_EQ(attest(0, 20, 0), -XEN_EINVAL);        /* no PCR */
    CHECK_EQ(attest(1u << 24, 20, 0), -XEN_EINVAL); /* no PCR 24 */
    CHECK_EQ(attest(1u << 10, 65, 0), -XEN_EINVAL); /* nonce too long */
    nonce_len = read_nonce(sc.u.flaxen_attest.nonce);
    CHECK_EQ(attest(pcrs, nonce_len, 16), -XEN_ENOBUFS);
    q = sc.u.flaxen_attest.quote_len;
    s = sc.u.flaxen_attest.signature_len;
    k = sc.u.flaxen_attest.key_len;
    l = sc.u.flaxen_attest.log_len;
    CHECK(q > 2 && s > 4 && k > 2 && l > 65);
    CHECK(q + s + k + l <= sizeof(output));
    CHECK_EQ(attest(pcrs, nonce_len, sizeof(output)), 0);
    CHECK_EQ(sc.u.flaxen_attest.log_len, l);
    print_part("quote", output, q);
    print_part("signature", output + q, s);
    print_part("key", output + q + s, k);
    print_part("log", output + q + s + k, l);
    printf("[guest] attest: quote %u, signature %u, key %u, log %u bytes\n", q, s, k, l);
    /* dom0 going down powers the machine off: let domain 1 finish first. */
    static struct xen_domctl dc;
    uint64_t end = timer_count() + timer_ticks_from_us(20000000);
    long rc;
    do {
        dc.cmd = XEN_DOMCTL_getdomaininfo;
        dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        dc.domain = 1;
        rc = hypercall1(XEN_HC_domctl, (unsigned long)&dc);
        if (rc == 0)
            sched_yield();
    } while (rc == 0 && timer_count() < end);
    CHECK_EQ(rc, -XEN_ESRCH);
}

/* then=lock: dom0 locks the policy, then is refused what it could do before. */
static void lock_policy(void)
{
    static struct xen_flask_op op;
    static const char name[] = "policy_locked";

    op.cmd = FLASK_SETBOOL;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.boolean.bool_id = 0xffffffffu;
    op.u.boolean.name = (uint64_t)(uintptr_t)name;
    op.u.boolean.size = sizeof(name) - 1;
    op.u.boolean.new_value = 1;
    op.u.boolean.commit = 1;
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&op), 0);
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_SETENFORCE;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.enforce.enforcing = 0;
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&op), -XEN_EACCES);
    op.cmd = FLASK_GETENFORCE;
    CHECK_EQ(hypercall1(XEN_HC_xsm_op, (unsigned long)&op), 1);
    printf("[guest] attest: policy_locked set; switching enforcing off is now refused (-EACCES)\n");
}

GUEST_TEST_XEN(attestation)
{
    if (guest_bootarg_is("role", "attester")) {
        role_attester();
        if (guest_bootarg_is("then", "lock"))
            lock_policy();
    } else if (guest_bootarg_is("role", "denied")) {
        memset(&sc, 0, sizeof(sc));
        sc.u.flaxen_attest.nonce[0] = 1;
        CHECK_EQ(attest(1u << 10, 1, sizeof(output)), -XEN_EACCES);
    } else {
        CHECK_MSG(false, "no role= in the boot arguments");
    }
}
