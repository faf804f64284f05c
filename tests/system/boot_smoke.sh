#!/usr/bin/env bash
# Boots the hypervisor image alone under QEMU (no domains yet) and checks that it comes up
# and powers the machine off by itself.
#
#   tests/system/boot_smoke.sh              every variant
#   tests/system/boot_smoke.sh smp4 ...     only these variants (names below)
#
# Each variant passes when the console shows, in order, the banner, "CPU n online" for every
# CPU, "N CPUs online" and "no domains to run: powering off", no line starts with "FATAL",
# and QEMU exited by itself (PSCI SYSTEM_OFF) before the timeout.
#
# Environment: QEMU (default qemu-system-aarch64), BUILD (default build), FLAXEN_IMAGE
# (default $BUILD/xen/flaxen.bin), TIMEOUT seconds per boot (default 60).
# Output: "[test] PASS boot smoke NAME" or "[test] FAIL boot smoke NAME: reason"; on a failure
# the last console lines and the line it was waiting for. Logs: $BUILD/system/logs/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/system/lib.sh
. tests/system/lib.sh

# name|CPUs|extra QEMU arguments
variants=(
    "smp2|2|"
    "smp4|4|"
    "smp1-icount|1|-icount shift=0"
)

# Prints the first expected line missing from console log $1 (in order), or nothing.
first_missing() {
    local log=$1 smp=$2 line at=0 n
    local -a expect=("Flaxen hypervisor * (EL2)")
    # -cpu max has FEAT_SHA256: measurements use the instructions, checked at boot.
    expect+=("sha256: ARMv8 SHA-2 instructions (agree with the portable C)")
    expect+=("crypto self-test: SHA-256 and Ed25519 known answers OK")
    for ((n = 0; n < smp; n++)); do
        expect+=("CPU $n online*")
    done
    if [ "$smp" -eq 1 ]; then
        expect+=("1 CPU online")
    else
        expect+=("$smp CPUs online")
    fi
    expect+=("measured boot: TPM 2.0 at * (vendor 0x1014, device 0x1), SHA-256 bank")
    expect+=("measured boot: PCRs 10 11 agree with the event log (* events of Flaxen's)")
    expect+=("no domains to run: powering off")
    mapfile -t lines < <(tr -d '\r' <"$log")
    for line in "${expect[@]}"; do
        while [ "$at" -lt "${#lines[@]}" ]; do
            # shellcheck disable=SC2053 # the expectation is a glob on purpose
            [[ "${lines[$at]}" == $line ]] && break
            at=$((at + 1))
        done
        if [ "$at" -ge "${#lines[@]}" ]; then
            echo "$line"
            return
        fi
        at=$((at + 1))
    done
}

run_variant() {
    local name=$1 smp=$2 extra=$3 log="$log_dir/boot_smoke_$1.log" rc missing reason=""
    # shellcheck disable=SC2086 # $extra is a list of arguments
    flaxen_boot "$log" "$smp" $extra
    rc=$?
    missing=$(first_missing "$log" "$smp")
    if [ $rc -eq 125 ]; then
        reason="the hypervisor reported a FATAL error"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        reason="timed out after ${TIMEOUT}s (QEMU did not power off)"
    elif [ $rc -ne 0 ]; then
        reason="QEMU exited with status $rc"
    elif [ -n "$missing" ]; then
        reason="QEMU exited but the console lacks an expected line"
    fi
    if [ -z "$reason" ]; then
        echo "[test] PASS boot smoke $name"
        return
    fi
    echo "[test] FAIL boot smoke $name: $reason"
    [ -n "$missing" ] && echo "    waiting for: \"$missing\""
    flaxen_show_tail "$log"
}

flaxen_preflight "boot smoke" || exit 0
for v in "${variants[@]}"; do
    IFS='|' read -r name smp extra <<<"$v"
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
        continue
    fi
    run_variant "$name" "$smp" "$extra"
done
exit 0
