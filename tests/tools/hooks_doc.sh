#!/usr/bin/env bash
# docs/security/hooks.md must be exactly what the hook table generates (tools/xsm/hooks_doc.c),
# so the auditors' table of hypercall sub-op -> hook -> FLASK permission cannot drift.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
gen="$BUILD/host/bin/xsm-hooks-doc"
out="$BUILD/hooks.md"
if ! "$gen" >"$out"; then
    echo "[test] FAIL hooks.md: the generator refused the hook table"
    exit 0
fi
if diff -u docs/security/hooks.md "$out" >"$BUILD/hooks.md.diff"; then
    echo "[test] PASS hooks.md matches the hook table ($(grep -c '^| `' "$out") sub-ops)"
else
    echo "[test] FAIL hooks.md differs from the hook table: run $gen > docs/security/hooks.md"
    head -20 "$BUILD/hooks.md.diff"
fi
