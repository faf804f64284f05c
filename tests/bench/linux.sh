#!/usr/bin/env bash
# Linux dom0 boot benchmark (make bench): Debian's arm64 kernel as dom0 on Flaxen with FLASK
# enforcing, from QEMU's start to dom0's /init (tests/linux/bench-init.sh prints a marker
# there and powers off). Prints numbers; never pass/fail.
#   wall clock: QEMU start to its exit after the marker (the runner's timing), median of
#       BENCH_RUNS runs, -smp 2 as the scenario says
#   deterministic: -smp 1 -icount shift=0 (one instruction = 1 ns of virtual time): the
#       hypervisor's "first guest entry" time plus dom0's own clock at "Run /init"
#   xl create: from its start in dom0 to the Linux domU's marker on its console ring (dom0's
#       clock, three domUs one after another; tests/linux/bench-xl-init.sh)
# For comparison, measured on this machine class (shared/reference, xen-4.17-on-qemu.md):
# Debian's Xen 4.17 with the same kernel reached /init in 2.8 s median (no FLASK) and
# 5.7-5.9 s with xsm=flask flask=enforcing (its 3-second SILO warning); under -icount
# shift=0 -smp 1, dom0 started at 0.19 s of Xen's clock and ran /init at 0.82 s of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-3}
scenario=tests/bench/linux-dom0.scenario
log=$BUILD/guest/logs/linux-dom0.log

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

walls=()
for _ in $(seq "$runs"); do
    out=$(KEEP_LOGS=1 tests/guest/run.sh "$scenario" 2>&1 || true)
    if grep -q 'guest: [1-9][0-9]* passed, 0 failed' <<<"$out"; then
        walls+=("$(sed -n 's/^    (\([0-9.]*\)s.*/\1/p' <<<"$out" | tail -1)")
    fi
done
printf '%-48s %8s s (%s of %s runs, -smp 2, FLASK enforcing)\n' \
    "Linux dom0: QEMU start to /init (wall clock)" "$(printf '%s\n' "${walls[@]}" | median)" \
    "${#walls[@]}" "$runs"
echo "  (Xen 4.17 with the same kernel on this machine class: 5.7-5.9 s with FLASK enforcing, 2.8 s without)"

icount=$BUILD/linux-dom0-icount.scenario
sed -e 's/^smp=2$/smp=1/' "$scenario" >"$icount"
echo "qemu_args=-icount shift=0" >>"$icount"
KEEP_LOGS=1 tests/guest/run.sh "$icount" >/dev/null 2>&1 || true
ilog=$BUILD/guest/logs/linux-dom0-icount.log
entry=$(tr -d '\r' <"$ilog" 2>/dev/null | sed -n 's/^first guest entry at \([0-9]*\) ns after reset.*/\1/p' | head -1)
init=$(tr -d '\r' <"$ilog" 2>/dev/null | sed -n 's/^(d0) \[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -1)
if [ -n "$entry" ] && [ -n "$init" ]; then
    printf '%-48s %8.3f s of the hypervisor'"'"'s clock\n' "Linux dom0: reset to dom0's first instruction" \
        "$(awk -v n="$entry" 'BEGIN { print n / 1e9 }')"
    printf '%-48s %8.3f s of dom0'"'"'s clock (-smp 1 -icount shift=0)\n' \
        "Linux dom0: its start to /init" "$init"
else
    echo "Linux dom0 under -icount: no result (see $ilog)"
fi

# xl create to the domU's marker on its console: dom0's clock, three domUs one after another.
xl_scenario=tests/bench/linux-xl.scenario
KEEP_LOGS=1 tests/guest/run.sh "$xl_scenario" >/dev/null 2>&1 || true
xlog=$BUILD/guest/logs/linux-xl.log
times=$(tr -d '\r' <"$xlog" 2>/dev/null | sed -n 's/^(d0) FLAXEN-BENCH xl-create-to-marker [0-9]* \([0-9.]*\) [0-9.]*$/\1/p')
builds=$(tr -d '\r' <"$xlog" 2>/dev/null | sed -n 's/^(d0) FLAXEN-BENCH xl-create-to-marker [0-9]* [0-9.]* \([0-9.]*\)$/\1/p')
if [ -n "$times" ]; then
    printf '%-48s %8s s (median of %s, dom0'"'"'s clock; each: %s)\n' \
        "Linux domU: xl create to its console marker" "$(median <<<"$times")" \
        "$(wc -l <<<"$times")" "$(tr '\n' ' ' <<<"$times" | sed 's/ $//')"
    printf '%-48s %8s s (median: read, built, sealed - 33 MB kernel hashed - started)\n' \
        "Linux domU: of which xl create itself" "$(median <<<"$builds")"
else
    echo "Linux domU xl create: no result (see $xlog)"
fi
