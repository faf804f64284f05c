#!/usr/bin/env bash
# Boots the hypervisor image with each FLASK mode and boot policy case and checks what the
# console says: a good policy loads and is described, enforcing mode without a usable policy
# stops the boot (fail closed), permissive without a policy boots but refuses labels
# and every check,
# disabled ignores the policy, an unknown flask= value stops the boot.
#
#   tests/system/flask_boot.sh                  every variant
#   tests/system/flask_boot.sh enforcing ...    only these variants (names below)
#
# The policy reaches the hypervisor in the two ways a loader passes it: as a second
# "initrd" of QEMU's guest-loader (found by its magic, as GRUB's untyped module would be)
# or as a /chosen/module node compatible with "xen,xsm-policy" (added with dtc to QEMU's
# own device tree, the file loaded with QEMU's generic loader).
# "flask_selfcheck=labels" on the command line makes the boot code look up contexts and
# decide a few checks on the console ("Flask check: ..." lines); "flask_selfcheck=ratelimit"
# also provokes 31 denials and waits for the next audit window (5 s).
#
# Each variant passes when the console shows its expected lines in order; variants that
# must stop the boot pass only when the hypervisor reported FATAL with the expected reason;
# the others only when no line starts with FATAL and QEMU powered off by itself.
#
# Environment: QEMU, BUILD, FLAXEN_IMAGE, TIMEOUT (see tests/system/lib.sh).
# Output: "[test] PASS flask boot NAME" or "[test] FAIL flask boot NAME: reason".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# Every variant chooses its own policy module: none from lib.sh, should it ever add one.
# shellcheck disable=SC2034
FLAXEN_POLICY=
# shellcheck source=tests/system/lib.sh
. tests/system/lib.sh

POLICY=$BUILD/policy/flaxen.30
POLICY_MLS=$BUILD/policy/flaxen-mls.30
POLICY_ADDR=0x52000000
CORRUPT=$log_dir/flask_boot_corrupt.30
TRUNCATED=$log_dir/flask_boot_truncated.30
BAD_MAGIC=$log_dir/flask_boot_bad_magic.30

variants=(enforcing default-mode dt-node mls no-policy corrupt truncated bad-magic
    permissive-no-policy permissive disabled bogus ratelimit)

# Policy files that cannot load: 64 bytes of 0xff in the middle, the first half only, and a
# wrong magic number (passed as a typed module: with a wrong magic an untyped one is no policy).
make_bad_policies() {
    local size
    size=$(stat -c %s "$POLICY")
    cp "$POLICY" "$CORRUPT"
    head -c 64 /dev/zero | tr '\0' '\377' |
        dd of="$CORRUPT" bs=1 seek=$((size / 2)) conv=notrunc status=none
    head -c $((size / 2)) "$POLICY" >"$TRUNCATED"
    { printf '\x8d\xff\x7c\xf9'; tail -c +5 "$POLICY"; } >"$BAD_MAGIC"
}

# dt_policy NAME FILE: prints the QEMU arguments that pass FILE as a "xen,xsm-policy" module.
dt_policy() {
    local name=$1 file=$2 size dts=$log_dir/flask_boot_$1.dts
    local dumped=$log_dir/flask_boot_$1.qemu.dtb dtb=$log_dir/flask_boot_$1.dtb
    size=$(stat -c %s "$file")
    flaxen_dump_dtb "$dumped" || return 1
    dtc -q -I dtb -O dts -o "$dts" "$dumped" || return 1
    {
        printf '/ {\n\tchosen {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n'
        printf '\t\tmodule@%x {\n\t\t\tcompatible = "xen,xsm-policy", "multiboot,module";\n' \
            "$((POLICY_ADDR))"
        printf '\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n\t\t};\n\t};\n};\n' "$((POLICY_ADDR))" "$size"
    } >>"$dts"
    dtc -q -I dts -O dtb -o "$dtb" "$dts" || return 1
    echo "-dtb $dtb -device loader,file=$file,addr=$POLICY_ADDR,force-raw=on"
}

initrd_policy() {
    echo "-device guest-loader,addr=$POLICY_ADDR,initrd=$1"
}

# Sets append (hypervisor command line), qemu_args, fatal (1 = must stop) and expect (globs,
# in order) for variant $1.
setup_variant() {
    local good_load=("Flask: policy version 30 (* bytes), MLS off, unknown permissions denied"
        "Flask: 14 classes, * types, * attributes, * roles, * users, * booleans"
        "Flask: initial SID dom0 = system_u:system_r:dom0_t"
        "Flask: initial SID domU = system_u:system_r:domU_t")
    local labels=("Flask check: context system_u:system_r:domU_t: SID 12 (back: 0 system_u:system_r:domU_t)"
        "Flask check: context system_u:system_r:nosuch_t: error -22: *the policy has no type 'nosuch_t'"
        "Flask check: context user_1:system_r:domU_t: error -22: *user 'user_1' may not have role 'system_r'"
        "Flask check: initial SIDs dom0 0/3 domU 0/12"
        "Flask check: dom0 pause domU: 0")
    local denial="avc:  denied  { pause } for scontext=system_u:system_r:domU_t tcontext=system_u:system_r:dom0_t tclass=domain"
    local off="no domains to run: powering off"
    fatal=0
    qemu_args=$(initrd_policy "$POLICY")
    case $1 in
    enforcing)
        append="flask=enforcing flask_selfcheck=labels"
        expect=("${good_load[@]}" "Flask: mode enforcing" "${labels[@]}" "$denial"
            "Flask check: domU pause dom0: -13" "$off") ;;
    default-mode)
        append="flask_selfcheck=labels"
        expect=("${good_load[@]}" "Flask: mode enforcing" "$denial" "$off") ;;
    dt-node)
        append="flask=enforcing flask_selfcheck=labels"
        qemu_args=$(dt_policy dt-node "$POLICY") || return 1
        expect=("  module\[0\] 0x000052000000 - * XSM policy" "${good_load[@]}"
            "Flask: mode enforcing" "${labels[@]}" "$denial" "$off") ;;
    mls)
        append="flask=enforcing flask_selfcheck=labels"
        qemu_args=$(initrd_policy "$POLICY_MLS")
        expect=("Flask: policy version 30 (* bytes), MLS on, unknown permissions denied"
            "Flask: initial SID dom0 = system_u:system_r:dom0_t:s0-s15:c0.c255"
            "Flask: initial SID domU = system_u:system_r:domU_t:s0" "Flask: mode enforcing"
            "Flask check: context system_u:system_r:domU_t: error -22: *the policy is MLS, the context needs a level"
            "avc:  denied  { pause } for scontext=system_u:system_r:domU_t:s0 tcontext=system_u:system_r:dom0_t:s0-s15:c0.c255 tclass=domain"
            "$off") ;;
    no-policy)
        append="flask=enforcing"
        qemu_args=""
        fatal=1
        expect=("FATAL: CPU 0: Flask: enforcing mode needs a policy: *") ;;
    corrupt)
        append="flask=enforcing"
        qemu_args=$(initrd_policy "$CORRUPT")
        fatal=1
        expect=("FATAL: CPU 0: Flask: the policy (* bytes) was refused: *") ;;
    truncated)
        append="flask=enforcing"
        qemu_args=$(initrd_policy "$TRUNCATED")
        fatal=1
        expect=("FATAL: CPU 0: Flask: the policy (* bytes) was refused: *") ;;
    bad-magic)
        append="flask=enforcing"
        qemu_args=$(dt_policy bad-magic "$BAD_MAGIC") || return 1
        fatal=1
        expect=("FATAL: CPU 0: Flask: the policy (* bytes) was refused: bad magic 0xf97cff8d*") ;;
    permissive-no-policy)
        append="flask=permissive flask_selfcheck=labels"
        qemu_args=""
        expect=("Flask: WARNING: permissive mode without a policy: *"
            "Flask: mode permissive (no policy)"
            "Flask check: context system_u:system_r:domU_t: error -22: no policy is loaded: *"
            "Flask check: initial SIDs dom0 0/3 domU 0/12" "Flask check: dom0 pause domU: -13"
            "Flask check: domU pause dom0: -13" "$off") ;;
    permissive)
        append="flask=permissive flask_selfcheck=labels"
        expect=("${good_load[@]}" "Flask: mode permissive" "${labels[@]}" "$denial"
            "Flask check: domU pause dom0: 0" "$off") ;;
    disabled)
        append="flask=disabled flask_selfcheck=labels"
        expect=("Flask: disabled: the policy module (* bytes) is ignored" "Flask: mode disabled"
            "Flask check: context system_u:system_r:domU_t: SID 6 *"
            "Flask check: dom0 pause domU: -13" "$off") ;;
    bogus)
        append="flask=bogus"
        fatal=1
        expect=("FATAL: CPU 0: Flask: flask=bogus on the command line: unknown mode (enforcing, permissive or disabled)") ;;
    ratelimit)
        append="flask=enforcing flask_selfcheck=ratelimit"
        expect=("Flask check: domU pause dom0: -13"
            "Flask check: 31 denials done, waiting for the next audit window"
            "Flask: 11 AVC lines suppressed" "$denial" "Flask check: domU pause dom0 again: -13"
            "$off") ;;
    esac
}

# Prints the first expected line missing from console log $1 (in order), or nothing.
first_missing() {
    local log=$1 line at=0
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

# Lines that must never appear: with a rate limit of 20 per window, the ratelimit variant
# prints 20 denials before the wait and one after it.
count_denials() {
    tr -d '\r' <"$1" | grep -c '^avc:  denied  '
}

run_variant() {
    local name=$1 log="$log_dir/flask_boot_$1.log" rc missing reason="" append qemu_args fatal
    local -a expect
    if ! setup_variant "$name"; then
        echo "[test] FAIL flask boot $name: could not prepare the device tree (dtc, QEMU dumpdtb)"
        return
    fi
    # shellcheck disable=SC2086 # $qemu_args is a list of arguments
    flaxen_boot "$log" 2 -append "$append" $qemu_args
    rc=$?
    missing=$(first_missing "$log")
    if [ "$fatal" -eq 1 ] && [ $rc -ne 125 ]; then
        reason="the boot did not stop with FATAL (QEMU status $rc)"
    elif [ "$fatal" -eq 0 ] && [ $rc -eq 125 ]; then
        reason="the hypervisor reported a FATAL error"
    elif [ "$fatal" -eq 0 ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
        reason="timed out after ${TIMEOUT}s (QEMU did not power off)"
    elif [ "$fatal" -eq 0 ] && [ $rc -ne 0 ]; then
        reason="QEMU exited with status $rc"
    elif [ -n "$missing" ]; then
        reason="the console lacks an expected line"
    elif [ "$name" = ratelimit ] && [ "$(count_denials "$log")" -ne 21 ]; then
        reason="$(count_denials "$log") denial lines, expected 20 before the wait and 1 after"
    fi
    if [ -z "$reason" ]; then
        echo "[test] PASS flask boot $name"
        return
    fi
    echo "[test] FAIL flask boot $name: $reason"
    [ -n "$missing" ] && echo "    waiting for: \"$missing\""
    flaxen_show_tail "$log"
}

flaxen_preflight "flask boot" || exit 0
for f in "$POLICY" "$POLICY_MLS"; do
    if [ ! -f "$f" ]; then
        echo "[test] FAIL flask boot: $f missing (make policy)"
        exit 0
    fi
done
if ! command -v dtc >/dev/null; then
    echo "[test] FAIL flask boot: dtc not installed"
    exit 0
fi
make_bad_policies
for v in "${variants[@]}"; do
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$v"; then
        continue
    fi
    run_variant "$v"
done
exit 0
