#!/usr/bin/env bash
# Denials logged by the AVC are in SELinux's format: audit2allow -p reads them
# and writes the allow rules that, added to the policy, permit exactly them.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
AUDIT="$BUILD/host/bin/avc-audit"
P="$BUILD/policy/flaxen.30"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "[test] PASS $1"; }
fail() { echo "[test] FAIL $1: $2"; }

cat >"$tmp/queries" <<'Q'
system_u:system_r:domU_t system_u:system_r:dom0_t domain pause 3
system_u:system_r:domU_t system_u:system_r:dom0_t domain destroy 3
system_u:system_r:driver_dom_t system_u:system_r:domU_t domain getdomaininfo 4
system_u:system_r:domU_t system_u:system_r:xen_t xen readconsole 3
Q
"$AUDIT" "$P" <"$tmp/queries" >"$tmp/denials" 2>"$tmp/err"
n=$(grep -c '^avc:  denied  { ' "$tmp/denials")
if [ "$n" -eq 4 ]; then pass "AVC logs one denial line per denied query"; else
    fail "AVC logs one denial line per denied query" "$n lines: $(head -3 "$tmp/denials" | tr '\n' '|')"
fi
re='^avc:  denied  \{ [a-z_]+ \} for domid=[0-9]+ scontext=[A-Za-z_0-9]+:[A-Za-z_0-9]+:[A-Za-z_0-9]+ tcontext=[A-Za-z_0-9]+:[A-Za-z_0-9]+:[A-Za-z_0-9]+ tclass=[A-Za-z_0-9]+$'
if [ -s "$tmp/denials" ] && ! grep -Evq "$re" "$tmp/denials"; then pass "denial lines have SELinux's format"; else
    fail "denial lines have SELinux's format" "$(grep -Ev "$re" "$tmp/denials" | head -1)"
fi

if ! audit2allow -p "$P" -i "$tmp/denials" >"$tmp/rules" 2>"$tmp/a2a.err"; then
    fail "audit2allow reads the lines" "$(head -2 "$tmp/a2a.err" | tr '\n' ' ')"
    exit 0
fi
pass "audit2allow reads the lines"
for want in "allow domU_t dom0_t:domain { destroy pause };" "allow domU_t xen_t:xen readconsole;" \
    "allow driver_dom_t domU_t:domain getdomaininfo;"; do
    if grep -qF "$want" "$tmp/rules"; then pass "audit2allow: $want"; else
        fail "audit2allow: $want" "rules were: $(grep '^allow' "$tmp/rules" | tr '\n' ' ')"
    fi
done

# The rules, added to the policy source, permit exactly the denied accesses.
grep '^allow' "$tmp/rules" >"$tmp/allow"
awk 'NR == FNR { rules = rules $0 "\n"; next } !done && /^user / { printf "%s", rules; done = 1 } { print }' \
    "$tmp/allow" "$BUILD/policy/flaxen.conf" >"$tmp/fixed.conf"
if checkpolicy -t Xen -c 30 -o "$tmp/fixed.30" "$tmp/fixed.conf" >"$tmp/cp.log" 2>&1; then
    "$AUDIT" "$tmp/fixed.30" <"$tmp/queries" >"$tmp/after"
    if [ ! -s "$tmp/after" ]; then pass "audit2allow's rules permit every logged denial"; else
        fail "audit2allow's rules permit every logged denial" "$(head -1 "$tmp/after")"
    fi
else
    # A neverallow in the policy may forbid a rule: that is the policy working, and must be visible.
    fail "audit2allow's rules permit every logged denial" "checkpolicy: $(grep -m1 -i 'neverallow\|error' "$tmp/cp.log")"
fi
