#!/usr/bin/env bash
# Hypervisor benchmarks (make bench), under QEMU with one CPU and -icount shift=0: the
# virtual counter ticks once per instruction, so the numbers are deterministic and read as
# "instructions", not host time. Prints numbers; never pass/fail (a run whose guest test
# fails prints no number).
#   boot to first guest instruction: the hypervisor's "first guest entry at N ns" line
#       (the counter starts at 0 when QEMU starts the CPU)
#   vCPU switch round trip: tests/guest/guests/bench.c (two vCPUs yielding to each other)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-3}
log=$BUILD/guest/logs/hyp-bench.log

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

boot=() switch=()
for _ in $(seq "$runs"); do
    KEEP_LOGS=1 tests/guest/run.sh tests/bench/hyp-bench.scenario >/dev/null 2>&1 || true
    b=$(sed -n 's/^first guest entry at \([0-9]*\) ns after reset.*/\1/p' "$log" | head -1)
    s=$(sed -n 's/^(d1) \[bench\] switch_round_trip_ns=\([0-9]*\).*/\1/p' "$log" | head -1)
    [ -n "$b" ] && boot+=("$b")
    [ -n "$s" ] && switch+=("$s")
done
printf '%-44s %12s ns (%s runs, -smp 1 -icount shift=0)\n' "hypervisor: reset to first guest instruction" \
    "$(printf '%s\n' "${boot[@]}" | median)" "${#boot[@]}"
printf '%-44s %12s ns (%s runs, 2 vCPUs on 1 CPU, SCHEDOP_yield)\n' "hypervisor: vCPU switch round trip" \
    "$(printf '%s\n' "${switch[@]}" | median)" "${#switch[@]}"
