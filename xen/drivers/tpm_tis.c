/*
 * TPM 2.0 over the TIS (PC Client PTP FIFO) interface, memory-mapped,
 * locality 0, polled (QEMU's tpm-tis-device has no interrupt). The
 * registers, from the TCG PC Client Platform TPM Profile specification:
 *
 *   0x000 ACCESS (8)    bit 7 tpmRegValidSts, bit 5 activeLocality,
 *                       bit 1 requestUse (write)
 *   0x018 STS (32)      bit 7 stsValid, bit 6 commandReady, bit 5 tpmGo,
 *                       bit 4 dataAvail, bit 3 Expect; bits 8-23 burstCount
 *   0x024 DATA_FIFO (8)
 *   0xf00 DID_VID (32)
 *
 * A command: take the locality, set commandReady, write the bytes in bursts
 * (Expect stays set until the last), set tpmGo, wait for dataAvail, read the
 * 10-byte header and then the size it gives, set commandReady again. Every
 * wait has a deadline; a TPM that misses one gets an error, never a hang.
 *
 * The TPM belongs to the hypervisor: its registers are mapped at EL2 only,
 * never into a guest's stage 2.
 */
#include <flaxen/arch.h>
#include <flaxen/format.h>
#include <flaxen/tpm.h>
#include <flaxen/types.h>

#define TIS_ACCESS 0x000
#define TIS_STS 0x018
#define TIS_DATA_FIFO 0x024
#define TIS_DID_VID 0xf00

#define ACCESS_VALID 0x80
#define ACCESS_ACTIVE 0x20
#define ACCESS_REQUEST_USE 0x02

#define STS_VALID 0x80
#define STS_COMMAND_READY 0x40
#define STS_GO 0x20
#define STS_DATA_AVAIL 0x10
#define STS_EXPECT 0x08

#define TIS_TIMEOUT_NS 2000000000ull      /* locality, commandReady, each burst */
#define TIS_CMD_TIMEOUT_NS 10000000000ull /* a command's execution (key creation is slow) */

static volatile uint8_t *tis;

static uint8_t read8(unsigned off)
{
    return tis[off];
}

static void write8(unsigned off, uint8_t v)
{
    tis[off] = v;
}

static uint32_t read32(unsigned off)
{
    return *(volatile uint32_t *)(tis + off);
}

static void write32(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(tis + off) = v;
}

/* Waits until (STS & mask) == want; false at the deadline. */
static bool wait_sts(uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
    uint64_t deadline = arch_time_ns() + timeout_ns;

    do {
        if ((read32(TIS_STS) & mask) == want)
            return true;
        arch_cpu_relax();
    } while (arch_time_ns() < deadline);
    return (read32(TIS_STS) & mask) == want;
}

static unsigned burst_count(void)
{
    return (read32(TIS_STS) >> 8) & 0xffff;
}

static int tis_error(char *err, const char *what)
{
    format_snprintf(err, TPM_ERROR_LEN, "TIS: %s", what);
    return -EIO;
}

static int request_locality(char *err)
{
    uint64_t deadline = arch_time_ns() + TIS_TIMEOUT_NS;

    write8(TIS_ACCESS, ACCESS_REQUEST_USE);
    while ((read8(TIS_ACCESS) & (ACCESS_VALID | ACCESS_ACTIVE)) != (ACCESS_VALID | ACCESS_ACTIVE)) {
        if (arch_time_ns() >= deadline)
            return tis_error(err, "locality 0 was not granted");
        arch_cpu_relax();
    }
    return 0;
}

int tpm_tis_init(uint64_t base, uint32_t *did_vid, char *err)
{
    tis = arch_phys_to_virt(base);
    if (request_locality(err)) {
        tis = NULL;
        return -EIO;
    }
    *did_vid = read32(TIS_DID_VID);
    return 0;
}

/* Writes len bytes in bursts; Expect must stay set until the last one is in. */
static int send_bytes(const uint8_t *cmd, size_t len, char *err)
{
    size_t done = 0;

    while (done < len) {
        uint64_t deadline = arch_time_ns() + TIS_TIMEOUT_NS;
        unsigned burst;

        while (!(burst = burst_count())) {
            if (arch_time_ns() >= deadline)
                return tis_error(err, "no burst count while sending");
            arch_cpu_relax();
        }
        for (; burst && done < len; burst--)
            write8(TIS_DATA_FIFO, cmd[done++]);
        if (done < len && !wait_sts(STS_VALID | STS_EXPECT, STS_VALID | STS_EXPECT, TIS_TIMEOUT_NS))
            return tis_error(err, "the TPM stopped expecting bytes before the command's end");
    }
    if (!wait_sts(STS_VALID | STS_EXPECT, STS_VALID, TIS_TIMEOUT_NS))
        return tis_error(err, "the TPM expects more bytes than the command has");
    return 0;
}

/* Reads exactly len bytes in bursts. */
static int receive_bytes(uint8_t *rsp, size_t len, char *err)
{
    size_t done = 0;

    while (done < len) {
        unsigned burst;

        if (!wait_sts(STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL, TIS_TIMEOUT_NS))
            return tis_error(err, "the response ended early");
        burst = burst_count();
        for (; burst && done < len; burst--)
            rsp[done++] = read8(TIS_DATA_FIFO);
    }
    return 0;
}

int tpm_tis_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t max, size_t *rsp_len,
                     char *err)
{
    uint32_t size;
    int rc;

    if (!tis)
        return tis_error(err, "no TPM");
    if (len < 10 || max < 10)
        return tis_error(err, "a command or response buffer shorter than a header");
    write32(TIS_STS, STS_COMMAND_READY);
    if (!wait_sts(STS_COMMAND_READY, STS_COMMAND_READY, TIS_TIMEOUT_NS))
        return tis_error(err, "the TPM did not become ready for a command");
    rc = send_bytes(cmd, len, err);
    if (!rc) {
        write32(TIS_STS, STS_GO);
        if (!wait_sts(STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL, TIS_CMD_TIMEOUT_NS))
            rc = tis_error(err, "no response within 10 s");
    }
    rc = rc ? rc : receive_bytes(rsp, 10, err);
    if (!rc) {
        size = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
        if (size < 10 || size > max)
            rc = tis_error(err, "a response size out of bounds");
        else
            rc = receive_bytes(rsp + 10, size - 10, err);
        if (!rc && !wait_sts(STS_VALID | STS_DATA_AVAIL, STS_VALID, TIS_TIMEOUT_NS))
            rc = tis_error(err, "more response bytes than its header says");
        if (!rc)
            *rsp_len = size;
    }
    write32(TIS_STS, STS_COMMAND_READY); /* back to idle, also after an error */
    return rc;
}
