#!/usr/bin/env bash
# Hypervisor benchmarks (make bench), under QEMU with one CPU and -icount shift=0: the
# virtual counter ticks once per instruction, so the numbers are deterministic and read as
# "instructions", not host time. Prints numbers; never pass/fail (a run whose guest test
# fails prints no number).
#   boot to first guest instruction: the hypervisor's "first guest entry at N ns" line
#       (the counter starts at 0 when QEMU starts the CPU)
#   vCPU switch round trip: tests/guest/guests/bench.c (two vCPUs yielding to each other)
#   null hypercall (xen_version extraversion, one AVC lookup): FLASK with a cold AVC, FLASK
#       with a warm AVC, and the dummy module (flask=disabled); the FLASK overhead as a ratio
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-3}
log=$BUILD/guest/logs/hyp-bench.log

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

dummy_scenario=$BUILD/hyp-bench-dummy.scenario
sed 's/flask=enforcing/flask=disabled/' tests/bench/hyp-bench.scenario >"$dummy_scenario"
dummy_log=$BUILD/guest/logs/hyp-bench-dummy.log

value() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$2" | head -1; }

boot=() switch=() cold=() warm=() dummy=()
for _ in $(seq "$runs"); do
    KEEP_LOGS=1 tests/guest/run.sh tests/bench/hyp-bench.scenario >/dev/null 2>&1 || true
    b=$(sed -n 's/^first guest entry at \([0-9]*\) ns after reset.*/\1/p' "$log" | head -1)
    s=$(value switch_round_trip_ns "$log")
    c=$(value null_hypercall_cold_ns "$log")
    w=$(value null_hypercall_warm_ns "$log")
    KEEP_LOGS=1 tests/guest/run.sh "$dummy_scenario" >/dev/null 2>&1 || true
    d=$(value null_hypercall_warm_ns "$dummy_log")
    [ -n "$b" ] && boot+=("$b")
    [ -n "$s" ] && switch+=("$s")
    [ -n "$c" ] && cold+=("$c")
    [ -n "$w" ] && warm+=("$w")
    [ -n "$d" ] && dummy+=("$d")
done
printf '%-44s %12s ns (%s runs, -smp 1 -icount shift=0)\n' "hypervisor: reset to first guest instruction" \
    "$(printf '%s\n' "${boot[@]}" | median)" "${#boot[@]}"
printf '%-44s %12s ns (%s runs, 2 vCPUs on 1 CPU, SCHEDOP_yield)\n' "hypervisor: vCPU switch round trip" \
    "$(printf '%s\n' "${switch[@]}" | median)" "${#switch[@]}"
c=$(printf '%s\n' "${cold[@]}" | median)
w=$(printf '%s\n' "${warm[@]}" | median)
d=$(printf '%s\n' "${dummy[@]}" | median)
printf '%-44s %12s ns\n' "null hypercall, dummy module" "$d"
printf '%-44s %12s ns\n' "null hypercall, FLASK, cold AVC (1st call)" "$c"
printf '%-44s %12s ns   FLASK/dummy ratio %s\n' "null hypercall, FLASK, warm AVC" "$w" \
    "$(awk -v a="${w:-0}" -v b="${d:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
