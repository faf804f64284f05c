# shellcheck shell=bash
# Shared by the tests/system/*.sh scripts: boot the hypervisor image under QEMU.
# Source it from the repository's top directory.

# Settings shared by every system test (override from the environment).
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
IMAGE=${FLAXEN_IMAGE:-$BUILD/xen/flaxen.bin}
TIMEOUT=${TIMEOUT:-60}
# The FLASK policy every boot gets as a module (enforcing mode needs one); FLAXEN_POLICY=
# (empty) boots without.
FLAXEN_POLICY=${FLAXEN_POLICY-$BUILD/policy/flaxen.30}
log_dir=$BUILD/system/logs
mkdir -p "$log_dir"

# flaxen_boot LOG SMP [QEMU ARGS...]
# Boots $IMAGE with SMP CPUs, console to LOG. Returns QEMU's status, 124/137 on timeout, or
# 125 when a line starting with FATAL appeared (QEMU is then stopped a second later: the
# hypervisor halts the CPU and would otherwise sit until the timeout).

flaxen_boot() {
    local log=$1 smp=$2 pid
    shift 2
    timeout -k 5 "$TIMEOUT" "$QEMU" -M virt,virtualization=on,gic-version=3 -cpu max \
        -smp "$smp" -m 1G -nographic -nic none -no-reboot -kernel "$IMAGE" \
        ${FLAXEN_POLICY:+-device guest-loader,addr=0x52000000,initrd=$FLAXEN_POLICY} "$@" \
        </dev/null >"$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if grep -q '^FATAL' "$log" 2>/dev/null; then
            sleep 1
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            return 125
        fi
        sleep 0.2
    done
    wait "$pid"
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
