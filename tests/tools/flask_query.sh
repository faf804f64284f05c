#!/usr/bin/env bash
# flask-query as a policy author uses it: each command's output and exit code.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FQ="$BUILD/host/bin/flask-query"
P="$BUILD/policy/flaxen.30"
PM="$BUILD/policy/flaxen-mls.30"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "[test] PASS $1"; }
fail() { echo "[test] FAIL $1: $2"; }
expect() { # name condition-command...
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}
contains() { grep -qF -- "$2" "$1"; }

"$FQ" check "$P" >"$tmp/check" 2>&1
expect "check: version" contains "$tmp/check" "version: 30 (XenFlask)"
expect "check: non-MLS" contains "$tmp/check" "mls: no"
expect "check: hypervisor classes" contains "$tmp/check" "hypervisor classes: match Flaxen's 14 classes"
expect "check: booleans listed" contains "$tmp/check" "guest_writeconsole = 1"
"$FQ" check "$PM" >"$tmp/checkm" 2>&1
expect "check: MLS" contains "$tmp/checkm" "mls: yes"
expect "check: sensitivities" contains "$tmp/checkm" "sensitivities: 16"

head -c 1000 "$P" >"$tmp/short"
"$FQ" check "$tmp/short" >"$tmp/out" 2>&1
rc=$?
expect "check: truncated policy exits 1" test $rc -eq 1
expect "check: truncated policy is explained" contains "$tmp/out" "policy rejected: policy ends early"

"$FQ" query "$P" system_u:system_r:dom0_t system_u:system_r:domU_t domain pause >"$tmp/q" 2>&1
expect "query: allowed exits 0" test $? -eq 0
expect "query: allowed listed" contains "$tmp/q" "allowed: { pause }"
"$FQ" query "$P" system_u:system_r:domU_t system_u:system_r:dom0_t domain pause >"$tmp/q" 2>&1
expect "query: denied exits 1" test $? -eq 1
expect "query: TE reason" contains "$tmp/q" "pause: denied, no allow rule grants it"
"$FQ" query "$PM" system_u:system_r:dom0_t:s0-s7:c0.c255 system_u:system_r:domU_t:s9 domain pause >"$tmp/q" 2>&1
expect "query: MLS constraint reason" contains "$tmp/q" "constraint #"
expect "query: constraint text" contains "$tmp/q" "l1 == l2"
"$FQ" query "$P" system_u:system_r:dom0_t system_u:system_r:domU_t nosuchclass >"$tmp/q" 2>&1
expect "query: unknown class exits 2" test $? -eq 2
"$FQ" query "$P" system_u:system_r:dom0_t:s0 system_u:system_r:domU_t domain >"$tmp/q" 2>&1
expect "query: MLS context in a non-MLS policy exits 2" test $? -eq 2
expect "query: invalid context named" contains "$tmp/q" "is not a valid context"
"$FQ" query -b guest_writeconsole=0 "$P" system_u:system_r:domU_t system_u:system_r:xen_t xen writeconsole >"$tmp/q" 2>&1
expect "query: boolean off denies" test $? -eq 1
"$FQ" query -b guest_writeconsole=1 "$P" system_u:system_r:domU_t system_u:system_r:xen_t xen writeconsole >"$tmp/q" 2>&1
expect "query: boolean on allows" test $? -eq 0
"$FQ" query -b no_such_bool=1 "$P" system_u:system_r:domU_t system_u:system_r:xen_t xen >"$tmp/q" 2>&1
expect "query: unknown boolean exits 2" test $? -eq 2

echo 'avc:  denied  { writeconsole } for domid=1 scontext=system_u:system_r:domU_t tcontext=system_u:system_r:xen_t tclass=xen' |
    "$FQ" explain -b guest_writeconsole=0 "$P" >"$tmp/e" 2>&1
expect "explain: allow rule suggested" contains "$tmp/e" "fix: allow domU_t xen_t:xen { writeconsole };"
expect "explain: boolean suggested" contains "$tmp/e" "fix: set boolean guest_writeconsole=1"
echo 'avc:  denied  { pause } for domid=0 scontext=system_u:system_r:dom0_t:s0-s7:c0.c255 tcontext=system_u:system_r:domU_t:s9 tclass=domain' |
    "$FQ" explain "$PM" >"$tmp/e" 2>&1
expect "explain: constraint named" contains "$tmp/e" "refused by constraint #"
echo "nothing to see" | "$FQ" explain "$P" >"$tmp/e" 2>&1
expect "explain: no denial lines exits 1" test $? -eq 1

# The suggested rule, added to the policy source, really permits the access.
echo 'avc:  denied  { pause } for domid=1 scontext=system_u:system_r:domU_t tcontext=system_u:system_r:dom0_t tclass=domain' |
    "$FQ" explain "$P" >"$tmp/e" 2>&1
rule=$(sed -n 's/^  fix: \(allow .*;\)$/\1/p' "$tmp/e" | head -1)
expect "explain: rule for pause" test "$rule" = "allow domU_t dom0_t:domain { pause };"
awk -v rule="$rule" '!done && /^user / { print rule; done = 1 } { print }' \
    "$BUILD/policy/flaxen.conf" >"$tmp/fixed.conf"
if checkpolicy -t Xen -c 30 -o "$tmp/fixed.30" "$tmp/fixed.conf" >/dev/null 2>&1; then
    "$FQ" query "$tmp/fixed.30" system_u:system_r:domU_t system_u:system_r:dom0_t domain pause >/dev/null 2>&1
    expect "explain: suggested rule permits the access" test $? -eq 0
else
    fail "explain: suggested rule permits the access" "checkpolicy rejected the amended policy"
fi

"$FQ" enum "$P" >"$tmp/enum"
expect "enum: header" test "$(head -c 1 "$tmp/enum")" = "#"
expect "enum: six fields per row" test -z "$(grep -v '^#' "$tmp/enum" | awk 'NF != 6' | head -1)"
printf 'av system_u:system_r:dom0_t system_u:system_r:domU_t domain\nctx system_u:system_r:dom0_t\nav bad:ctx x domain\n' |
    "$FQ" batch "$P" >"$tmp/b"
expect "batch: one answer per line" test "$(wc -l <"$tmp/b")" -eq 3
expect "batch: invalid context answered" contains "$tmp/b" "av bad:ctx x domain invalid"
"$FQ" >/dev/null 2>&1
expect "usage: no command exits 2" test $? -eq 2
