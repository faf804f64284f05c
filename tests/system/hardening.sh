#!/usr/bin/env bash
# Boots the hypervisor once per fault-injection self-test (selftest=NAME on its command
# line, see xen/include/flaxen/selftest.h) and checks that each protection caught its fault
# with the expected FATAL report: W^X and XN mappings, unmapped low memory, the stack guard
# pages and overflow detection, the stack protector, pointer authentication and BTI.
#
#   tests/system/hardening.sh              every self-test
#   tests/system/hardening.sh pac bti      only these
#
# Environment and logs as tests/system/boot_smoke.sh. Output: "[test] PASS hardening NAME"
# or "[test] FAIL hardening NAME: reason".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/system/lib.sh
. tests/system/lib.sh

# name|extended regular expression the FATAL report must match
cases=(
    "write-text|data abort at EL2 \(EC=0x25\): permission fault on write"
    "write-rodata|data abort at EL2 \(EC=0x25\): permission fault on write"
    "exec-data|instruction abort at EL2 \(EC=0x21\): permission fault"
    "read-unmapped|data abort at EL2 \(EC=0x25\): translation fault"
    "stack-overflow|hypervisor stack overflow"
    "stack-guard|data abort at EL2 \(EC=0x25\): translation fault"
    "stack-smash|stack protector: stack smashed"
    "pac|pointer authentication failure|instruction abort at EL2 \(EC=0x21\): translation fault"
    "bti|branch target \(BTI\) exception"
)

run_case() {
    local name=$1 expect=$2 log="$log_dir/hardening_$1.log" rc
    flaxen_boot "$log" 1 -append "selftest=$name"
    rc=$?
    if [ $rc -eq 125 ] && grep -Eq "^FATAL: .*($expect)" < <(tr -d '\r' <"$log"); then
        echo "[test] PASS hardening $name"
        return
    fi
    case $rc in
    125) echo "[test] FAIL hardening $name: FATAL report does not match /$expect/" ;;
    0) echo "[test] FAIL hardening $name: no fault, the machine powered off" ;;
    124 | 137) echo "[test] FAIL hardening $name: timed out after ${TIMEOUT}s without a FATAL report" ;;
    *) echo "[test] FAIL hardening $name: QEMU exited with status $rc" ;;
    esac
    flaxen_show_tail "$log"
}

flaxen_preflight "hardening" || exit 0
for c in "${cases[@]}"; do
    name=${c%%|*}
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
        continue
    fi
    run_case "$name" "${c#*|}"
done
exit 0
