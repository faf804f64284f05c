#!/usr/bin/env bash
# Checks the console log of hyp-coverage (tests/guest/guests/coverage.c) beyond what the
# scenario's regexes can: between "cov NAME: call" and "cov NAME: = ..." the hypervisor
# printed exactly one AVC denial for the coverage domain when the row is checked, none when
# it is exempt; no denial of that domain falls outside a call; every hook was called. Then
# the denials of the run are fed to audit2allow -p POLICY.30, its allow rules are added to
# POLICY.conf, and the recompiled policy must grant every access that was denied.
#
#   tests/guest/checks/coverage.sh BUILD/policy/tests/coverage LOG
#
# Prints "PASS name" / "FAIL name: reason" lines (tests/guest/run.sh, check=).
set -uo pipefail
policy=$1 log=$2
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tr -d '\r' <"$log" >"$tmp/log"
awk '
    /^\(d1\) cov [A-Z0-9_]+: call$/ { name = $3; sub(/:$/, "", name); open = 1; count = 0; next }
    /^avc:  denied  .* domid=1 / {
        if (open) count++; else stray++
        next
    }
    /^\(d1\) cov [A-Z0-9_]+: = / {
        name = $3; sub(/:$/, "", name)
        want = ($0 ~ /\(checked\)$/ && name != "CONSOLE_WRITE") ? 1 : 0
        if (count == want) printf "PASS %s: %d AVC line%s\n", name, count, count == 1 ? "" : "s"
        else printf "FAIL %s: %d AVC lines, expected %d\n", name, count, want
        open = 0; results++
        next
    }
    /^\(d1\) cov: [0-9]+ sub-ops$/ { total = $3 }
    END {
        if (stray) printf "FAIL no stray denials: %d AVC lines of d1 outside a call\n", stray
        else print "PASS no stray denials"
        if (total == 0) print "FAIL every hook called: the guest did not finish its list"
        else if (results != total) printf "FAIL every hook called: %d results for %d hooks\n", results, total
        else printf "PASS every hook called: %d\n", total
    }' "$tmp/log"

# audit2allow over every denial of the run (both domains).
grep -E '^avc:  denied  ' "$tmp/log" >"$tmp/denials"
n=$(wc -l <"$tmp/denials")
if [ "$n" -eq 0 ]; then
    echo "FAIL audit2allow: no denial lines in the log"
    exit 0
fi
if ! audit2allow -p "$policy.30" -i "$tmp/denials" >"$tmp/rules" 2>"$tmp/a2a.err"; then
    echo "FAIL audit2allow reads the $n denial lines: $(head -2 "$tmp/a2a.err" | tr '\n' ' ')"
    exit 0
fi
echo "PASS audit2allow reads the $n denial lines"
grep '^allow' "$tmp/rules" >"$tmp/allow"
# Each denial, as an avc-audit query: scontext tcontext class perm domid.
sed -E 's/^avc:  denied  \{ ([a-z0-9_]+) \} for domid=([0-9]+) (target=[0-9]+ )?scontext=([^ ]+) tcontext=([^ ]+) tclass=([a-z0-9_]+).*/\4 \5 \6 \1 \2/' \
    "$tmp/denials" | sort -u >"$tmp/queries"
awk 'NR == FNR { rules = rules $0 "\n"; next } !done && /^role / { printf "%s", rules; done = 1 } { print }' \
    "$tmp/allow" "$policy.conf" >"$tmp/fixed.conf"
if ! checkpolicy -t Xen -c 30 -o "$tmp/fixed.30" "$tmp/fixed.conf" >"$tmp/cp.log" 2>&1; then
    echo "FAIL audit2allow's rules compile: $(grep -m1 -i 'error\|neverallow' "$tmp/cp.log")"
    exit 0
fi
"$BUILD/host/bin/avc-audit" "$tmp/fixed.30" <"$tmp/queries" >"$tmp/after" 2>&1
if [ -s "$tmp/after" ]; then
    echo "FAIL audit2allow's rules permit every denial: still $(head -1 "$tmp/after")"
else
    echo "PASS audit2allow's rules permit every denial ($(wc -l <"$tmp/allow") rules, $(wc -l <"$tmp/queries") accesses)"
fi
