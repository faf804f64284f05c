# shellcheck shell=bash
# Shared by the tests/system/*.sh scripts: boot the hypervisor image under QEMU.
# Source it from the repository's top directory.

# Settings shared by every system test (override from the environment).
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
# The CPU: every architecture feature QEMU has (pointer authentication, SHA-2, GICv3, ...),
# with its implementation-defined pointer-authentication algorithm instead of QARMA5:
# the same instructions and keys, but QARMA5 emulated in software made every function
# call of the hypervisor and of Linux (which signs return addresses) several times
# slower (dom0 reached /init in 7.8 s instead of 2.9 s).
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
IMAGE=${FLAXEN_IMAGE:-$BUILD/xen/flaxen.bin}
TIMEOUT=${TIMEOUT:-60}
# The FLASK policy every boot gets as a module (enforcing mode needs one); FLAXEN_POLICY=
# (empty) boots without.
FLAXEN_POLICY=${FLAXEN_POLICY-$BUILD/policy/flaxen.30}
log_dir=$BUILD/system/logs
mkdir -p "$log_dir"
# Every boot gets a software TPM (enforcing mode measures into one); FLAXEN_TPM=no boots without.
FLAXEN_TPM=${FLAXEN_TPM:-yes}
# shellcheck source=tests/lib/swtpm.sh
. tests/lib/swtpm.sh

# flaxen_tpm_start DIR: starts a TPM for one QEMU run and fills tpm_args with its QEMU
# arguments (none with FLAXEN_TPM=no); non-zero, with swtpm_error set, if it cannot.
flaxen_tpm_start() {
    tpm_args=()
    [ "$FLAXEN_TPM" = yes ] || return 0
    swtpm_start "$1" || return 1
    mapfile -t tpm_args < <(swtpm_qemu_args "$1")
}

flaxen_tpm_stop() {
    [ "$FLAXEN_TPM" = yes ] && swtpm_stop "$1"
    return 0
}

# flaxen_dump_dtb OUT [QEMU ARGS...]: QEMU's device tree for the boards flaxen_boot boots
# (with the TPM node), to be edited and passed back with -dtb.
flaxen_dump_dtb() {
    local out=$1 dir="$log_dir/dump.tpm" rc
    shift
    flaxen_tpm_start "$dir" || return 1
    timeout -k 2 30 "$QEMU" -M virt,virtualization=on,gic-version=3 -cpu "$QEMU_CPU" -smp 2 -m 1G \
        -display none -nodefaults "${tpm_args[@]}" "$@" -machine dumpdtb="$out" </dev/null \
        >/dev/null 2>&1
    rc=$?
    flaxen_tpm_stop "$dir"
    return $rc
}

# flaxen_boot LOG SMP [QEMU ARGS...]
# Boots $IMAGE with SMP CPUs, console to LOG. Returns QEMU's status, 124/137 on timeout, or
# 125 when a line starting with FATAL appeared (QEMU is then stopped a second later: the
# hypervisor halts the CPU and would otherwise sit until the timeout).

flaxen_boot() {
    local log=$1 smp=$2 pid rc tpm_dir="${1%.log}.tpm"
    shift 2
    if ! flaxen_tpm_start "$tpm_dir"; then
        echo "$swtpm_error" >"$log"
        return 126
    fi
    timeout -k 5 "$TIMEOUT" "$QEMU" -M virt,virtualization=on,gic-version=3 -cpu "$QEMU_CPU" \
        -smp "$smp" -m 1G -nographic -nic none -no-reboot -kernel "$IMAGE" "${tpm_args[@]}" \
        ${FLAXEN_POLICY:+-device guest-loader,addr=0x52000000,initrd=$FLAXEN_POLICY} "$@" \
        </dev/null >"$log" 2>&1 &
    pid=$!
    rc=
    while kill -0 "$pid" 2>/dev/null; do
        if grep -q '^FATAL' "$log" 2>/dev/null; then
            sleep 1
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            rc=125
            break
        fi
        sleep 0.2
    done
    if [ -z "$rc" ]; then
        wait "$pid"
        rc=$?
    fi
    flaxen_tpm_stop "$tpm_dir"
    return $rc
}

# flaxen_show_tail LOG: for a failure report, the first FATAL lines with the faulting
# address resolved against the ELF (build/xen/flaxen, linked at 0), then the last lines.
flaxen_show_tail() {
    local log=$1 base elr elf=${IMAGE%.bin}
    if grep -q '^FATAL' "$log"; then
        echo "    first FATAL lines:"
        tr -d '\r' <"$log" | grep -m3 '^FATAL' | sed 's/^/    | /'
        base=$(tr -d '\r' <"$log" | sed -n 's/^ *hypervisor *\(0x[0-9a-f]*\) .*/\1/p' | head -1)
        elr=$(tr -d '\r' <"$log" | sed -n 's/.*ELR_EL2 \(0x[0-9a-f]*\).*/\1/p' | head -1)
        if [ -n "$base" ] && [ -n "$elr" ] && [ -f "$elf" ] && [ $((elr)) -ge $((base)) ]; then
            echo "    ELR_EL2 is $(aarch64-linux-gnu-addr2line -f -p -e "$elf" \
                "$(printf '%#x' $((elr - base)))" 2>/dev/null)"
        fi
    fi
    echo "    last console lines ($log):"
    tr -d '\r' <"$log" | tail -15 | sed 's/^/    | /'
}

# flaxen_preflight NAME: reports a failure and returns 1 if QEMU or the image is missing.
flaxen_preflight() {
    if ! command -v "$QEMU" >/dev/null; then
        echo "[test] FAIL $1: $QEMU not installed"
        return 1
    fi
    if [ ! -f "$IMAGE" ]; then
        echo "[test] FAIL $1: $IMAGE missing (make hyp)"
        return 1
    fi
}
