#!/usr/bin/env bash
# Static analysis that fails the build: cppcheck over our C code, with the
# exceptions recorded (and justified) in scripts/cppcheck.supp.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$(cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
    --std=c11 --inline-suppr --suppressions-list=scripts/cppcheck.supp \
    -I xsm/flask/ss -I "$BUILD/include" -I xen/include -I xen/arch/arm64/include -D__GNUC__ \
    xsm/flask xen/arch/host xen/common xen/arch/arm64 xen/drivers tools/flask tools/lib tests/hyp \
    measured-boot 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    echo "[test] PASS cppcheck"
else
    echo "[test] FAIL cppcheck: $(echo "$out" | head -3 | tr '\n' ' ')"
    echo "$out"
    exit 1
fi
