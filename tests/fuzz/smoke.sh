#!/usr/bin/env bash
# Short fuzzing runs for `make check`: each target a few seconds, corpus seeded
# with the policies the build produced. Prints one test line per target.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SECONDS_EACH=${FUZZ_SMOKE_SECONDS:-4}

for bin in "$BUILD"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    corpus="$BUILD/fuzz/corpus/$name"
    tests/fuzz/seed.sh "$name" "$corpus"
    if out=$("$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        "$corpus" 2>&1); then
        runs=$(echo "$out" | grep -o 'Done [0-9]* runs' | tail -1)
        echo "[test] PASS $name ($runs in ${SECONDS_EACH}s)"
    else
        echo "[test] FAIL $name: the fuzzer found a crash or leak"
        echo "$out" | tail -30
    fi
done
