#!/usr/bin/env bash
# Benchmarks: Flaxen's security server next to libsepol on the same policies and
# queries (both built -O2, no sanitizers, measured in one run), and the AVC hit
# cost in instructions (callgrind). Prints numbers and ratios; never pass/fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
B="$BUILD/host/bin"

ns() { "$@" | awk '/^ns_per_op/ {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
row() { # label ours theirs goal
    printf '%-44s %12s ns %12s ns   ratio %s   (goal <= %s)\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
}

printf '%-44s %15s %15s\n' "benchmark" "Flaxen" "libsepol"
for p in flaxen.30 flaxen-mls.30; do
    policy="$BUILD/policy/$p"
    ours=$(ns "$B/ss-bench" load "$policy" 2000)
    theirs=$(ns "$B/sepol-bench" load "$policy" 2000)
    row "policy load with validation ($p)" "$ours" "$theirs" "1"
    ours=$(ns "$B/ss-bench" av "$policy" 10)
    theirs=$(ns "$B/sepol-bench" av "$policy" 10)
    row "decision, all type/type/class triples ($p)" "$ours" "$theirs" "0.333"
done
q=(system_u:system_r:dom0_t:s0-s15:c0.c255 system_u:system_r:domU_t:s5 domain)
ours=$(ns "$B/ss-bench" one "$BUILD/policy/flaxen-mls.30" "${q[@]}" 200000)
theirs=$(ns "$B/sepol-bench" one "$BUILD/policy/flaxen-mls.30" "${q[@]}" 200000)
row "MLS query through constraints" "$ours" "$theirs" "0.05"

if command -v valgrind >/dev/null; then
    n=100000
    out="$BUILD/bench-callgrind.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=avc_has_perm \
        "$B/avc-hit" "$BUILD/policy/flaxen.30" "$n" >/dev/null 2>&1
    total=$(awk '/^summary:/ {print $2}' "$out")
    printf '%-44s %12s instructions per hit (goal <= 50)\n' "AVC hit (callgrind)" \
        "$(awk -v t="$total" -v n="$n" 'BEGIN { printf "%.1f", t / n }')"
fi
