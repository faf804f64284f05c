#!/usr/bin/env bash
# Policy conformance: the declarative expectations in tests/policy/cases/*.cases,
# decided by Flaxen's own security server (flask-query) on every variant they
# apply to. One test line per case and policy variant, so an auditor sees
# exactly which expectation holds or fails.
#
# Case file format: "allow|deny SCONTEXT TCONTEXT CLASS PERM" per line, '#'
# comments. The first line may name booleans to set: "# bools: NAME=VALUE ...".
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FQ="$BUILD/host/bin/flask-query"

run_cases() { # cases-file policy bool-options...
    local cases=$1 policy=$2
    shift 2
    local label="${cases##*/}@${policy##*/}"
    local n=0
    while read -r expect scon tcon cls perm rest; do
        case "$expect" in allow | deny) ;; *) continue ;; esac
        n=$((n + 1))
        "$FQ" query "$@" "$policy" "$scon" "$tcon" "$cls" "$perm" >/dev/null 2>&1
        rc=$?
        got=error
        [ $rc -eq 0 ] && got=allow
        [ $rc -eq 1 ] && got=deny
        name="$label: $expect $scon $tcon $cls $perm"
        if [ "$got" = "$expect" ]; then
            echo "[test] PASS $name"
        else
            echo "[test] FAIL $name: got $got"
        fi
    done <"$cases"
    [ $n -gt 0 ] || echo "[test] FAIL $label: no cases read"
}

locked=(-b prot_doms_locked=1 -b policy_locked=1 -b driver_dom_noiommu=1)
for v in 30 24; do
    run_cases tests/policy/cases/base.cases "$BUILD/policy/flaxen.$v"
    run_cases tests/policy/cases/locked.cases "$BUILD/policy/flaxen.$v" "${locked[@]}"
    run_cases tests/policy/cases/mls.cases "$BUILD/policy/flaxen-mls.$v"
done

# The non-MLS build must carry no MLS statement at all.
if grep -n -E '^[[:space:]]*(sensitivity|dominance|category|level|mlsconstrain|mlsvalidatetrans|range_transition)[[:space:]]' \
    "$BUILD/policy/flaxen.conf"; then
    echo "[test] FAIL non-MLS policy.conf holds MLS statements"
else
    echo "[test] PASS non-MLS policy.conf holds no MLS statement"
fi
