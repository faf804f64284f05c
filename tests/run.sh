#!/usr/bin/env bash
# The test runner behind `make check`.
#
# Each suite is a command that prints one line per test:
#   [test] PASS name
#   [test] FAIL name: reason
#   [test] SKIP name: reason
# A suite that exits non-zero without reporting a failure counts as one failure, so a
# crash can never look green. The last line is "N passed, N failed" (", N skipped").
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD

suites=(
    "format|scripts/check-format.sh --report"
    "static|scripts/static-check.sh"
    "hyp-objects|scripts/check-hyp-objects.sh"
    "public-abi|scripts/check-public-abi.sh"
    "hyp-image|scripts/check-hyp-image.sh"
)
for bin in "$BUILD"/host/bin/unit/test_*; do
    [ -x "$bin" ] && suites+=("unit:$(basename "$bin")|$bin")
done
suites+=(
    "flask-query|tests/tools/flask_query.sh"
    "hooks-doc|tests/tools/hooks_doc.sh"
    "flaxen-manifest|tests/tools/flaxen_manifest.sh"
    "flaxen-verify|tests/tools/flaxen_verify.sh"
    "conformance|tests/policy/conformance.sh"
    "audit2allow|tests/tools/audit2allow.sh"
    "guest|tests/guest/run.sh"
    "boot|tests/system/boot_smoke.sh"
    "flask-boot|tests/system/flask_boot.sh"
    "hardening|tests/system/hardening.sh"
    "differential|tests/policy/differential.sh"
    "fuzz|tests/fuzz/smoke.sh"
)

passed=0 failed=0 skipped=0
failures=()
log_dir="$BUILD/test-logs"
mkdir -p "$log_dir"
for entry in "${suites[@]}"; do
    name=${entry%%|*}
    cmd=${entry#*|}
    log="$log_dir/${name//[:\/]/_}.log"
    echo "== $name"
    $cmd >"$log" 2>&1
    rc=$?
    suite_failed=0
    while IFS= read -r line; do
        case "$line" in
        "[test] PASS "*) passed=$((passed + 1)); echo "  $line" ;;
        "[test] FAIL "*)
            failed=$((failed + 1)); suite_failed=1; echo "  $line"
            failures+=("$name: ${line#\[test\] FAIL }") ;;
        "[test] SKIP "*) skipped=$((skipped + 1)); echo "  $line" ;;
        esac
    done <"$log"
    if [ $rc -ne 0 ] && [ $suite_failed -eq 0 ]; then
        failed=$((failed + 1))
        echo "  [test] FAIL $name: exited with status $rc without reporting a failure (log: $log)"
        failures+=("$name: exited with status $rc (log: $log)")
        tail -5 "$log" | sed 's/^/    /'
    fi
done

# Repeat the failures just above the summary: a CI log is often read from its tail.
if [ "${#failures[@]}" -gt 0 ]; then
    echo "== failures"
    for f in "${failures[@]}"; do echo "  $f"; done
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
