#!/usr/bin/env bash
# Checks hyp-attest's console log (tests/guest/guests/attest.c): reassembles the quote, its
# signature, the attestation key and the event log dom0 printed, predicts the golden values
# from the build (the scenario's command line, the policy, the manifest) and runs
# flaxen-verify. Then the refusals: a stale nonce, a changed log, another policy, another
# domain image, another enrolled key. The key is enrolled the way a deployment would: derived
# again on the host from the same TPM (swtpm's state, once QEMU is gone) with tpm2-tools.
#
#   tests/guest/checks/attest.sh NONCE POLICY MANIFEST SCENARIO TPMSTATE LOG
#
# Prints "PASS name" / "FAIL name: reason" lines (tests/guest/run.sh, check=).
set -uo pipefail
nonce=$1 policy=$2 manifest=$3 scenario=$4 tpmstate=$5 log=$6
BUILD=${BUILD:-build}
V="$BUILD/host/bin/flaxen-verify"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# verdict NAME WANT ARGS...: runs flaxen-verify check, expects exit WANT (0 trusted, 1 not).
verdict() {
    local name=$1 want=$2 got
    shift 2
    "$V" check "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass "$name: $(grep VERDICT "$tmp/out")"
    else
        fail "$name" "exit $got, expected $want: $(tr '\n' ' ' <"$tmp/out" | cut -c1-400)"
    fi
}

# shellcheck source=tests/lib/attestation.sh
. tests/lib/attestation.sh
attestation_extract "$log" "$tmp" ||
    { fail "attestation printed" "no $attestation_missing in the console log"; exit 0; }
pass "attestation printed: $(stat -c %s "$tmp/quote") + $(stat -c %s "$tmp/signature") + $(stat -c %s "$tmp/key") + $(stat -c %s "$tmp/log") bytes"

append=$(sed -n 's/^append=//p' "$scenario")
"$V" golden --cmdline "$append" --policy "$policy" --manifest "$manifest" >"$tmp/golden" ||
    { fail "golden values" "flaxen-verify golden failed"; exit 0; }
args=(--quote "$tmp/quote" --signature "$tmp/signature" --key "$tmp/key" --log "$tmp/log")

if attestation_enroll "$tpmstate" "$tmp"; then
    pass "attestation key enrolled from the TPM with tpm2-tools"
else
    fail "attestation key enrolled" "$(tail -2 "$tmp/enroll.log" | tr '\n' ' ')"
fi

verdict "the host is trusted" 0 "${args[@]}" --nonce "$nonce" --golden "$tmp/golden" \
    --enrolled-key "$tmp/enrolled.pub"
grep -q "OK   flaxen: domain domU1: sha256:" "$tmp/out" && pass "domU1 matches its golden value" ||
    fail "domU1 matches its golden value" "not listed as OK"

verdict "a stale nonce is refused" 1 "${args[@]}" --nonce "00${nonce:2}" --golden "$tmp/golden"
grep -q "FAIL nonce" "$tmp/out" && pass "the verdict names the nonce" || fail "names the nonce" "no"

cp "$tmp/log" "$tmp/log.bad"
size=$(stat -c %s "$tmp/log.bad")
printf '\x01' | dd of="$tmp/log.bad" bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null
verdict "a changed event log is refused" 1 --quote "$tmp/quote" --signature "$tmp/signature" \
    --key "$tmp/key" --log "$tmp/log.bad" --nonce "$nonce" --golden "$tmp/golden"

# A changed digest (the first event after the 65-byte header: PCR, type, count, algorithm).
cp "$tmp/log" "$tmp/log.digest"
printf '\x5a' | dd of="$tmp/log.digest" bs=1 seek=80 conv=notrunc 2>/dev/null
verdict "a changed digest in the log is refused" 1 --quote "$tmp/quote" \
    --signature "$tmp/signature" --key "$tmp/key" --log "$tmp/log.digest" --nonce "$nonce"
grep -q "FAIL PCR digest" "$tmp/out" && pass "the verdict names the PCR digest" ||
    fail "names the PCR digest" "no"

"$V" golden --cmdline "$append" --policy "$BUILD/policy/flaxen-mls.30" --manifest "$manifest" \
    >"$tmp/golden.policy"
verdict "another policy is refused" 1 "${args[@]}" --nonce "$nonce" --golden "$tmp/golden.policy"
grep -q "FAIL flaxen: FLASK policy" "$tmp/out" && pass "the verdict names the policy" ||
    fail "names the policy" "no"

perl -pe 's/^(11 sha256:\S+ flaxen: domain domU1 label \S+ image sha256:)[0-9a-f]{64}/${1}'"$(printf '0%.0s' {1..64})"'/' \
    "$tmp/golden" >"$tmp/golden.image"
cmp -s "$tmp/golden" "$tmp/golden.image" && fail "another domain image" "the golden file did not change"
verdict "another domain image is refused" 1 "${args[@]}" --nonce "$nonce" --golden "$tmp/golden.image"
grep -q "FAIL flaxen: domain domU1" "$tmp/out" && pass "the verdict names the domain" ||
    fail "names the domain" "no"

cp "$tmp/key" "$tmp/other.pub"
printf '\x00' | dd of="$tmp/other.pub" bs=1 seek=40 conv=notrunc 2>/dev/null
verdict "another enrolled key is refused" 1 "${args[@]}" --nonce "$nonce" --golden "$tmp/golden" \
    --enrolled-key "$tmp/other.pub"
