#!/usr/bin/env bash
# A long fuzzing run of one target: tests/fuzz/run.sh TARGET SECONDS
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
name=fuzz_$1
corpus="$BUILD/fuzz/corpus/$name"
tests/fuzz/seed.sh "$name" "$corpus"
exec "$BUILD/fuzz/$name" -max_total_time="$2" -max_len=65536 -timeout=10 "$corpus"
