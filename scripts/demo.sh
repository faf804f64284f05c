#!/usr/bin/env bash
# What `make run` shows today: the policy built from flask/policy/, checked,
# queried and a denial explained, all by Flaxen's own security server; then
# the hypervisor booted under QEMU with a software TPM and a signed manifest,
# its measurements, labels and a denial, and a verifier's verdict on its quote.
# (Booting through UEFI and GRUB comes with the rest of issue 5.)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FQ="$BUILD/host/bin/flask-query"
P="$BUILD/policy/flaxen.30"
PM="$BUILD/policy/flaxen-mls.30"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" || true; }

step "The compiled policy (checkpolicy -t Xen -c 30), loaded and validated"
show "$FQ" check "$P"

step "dom0 may pause an ordinary guest"
show "$FQ" query "$P" system_u:system_r:dom0_t system_u:system_r:domU_t domain pause unpause destroy

step "A guest may not pause dom0: the decision, and why"
show "$FQ" query "$P" system_u:system_r:domU_t system_u:system_r:dom0_t domain pause

step "A denial as the hypervisor logs it, explained (audit2allow-style fix included)"
line='avc:  denied  { writeconsole } for domid=3 scontext=system_u:system_r:domU_t tcontext=system_u:system_r:xen_t tclass=xen'
echo "$line"
echo "$line" | "$FQ" explain -b guest_writeconsole=0 "$P"

step "MLS: dom0 cleared to s7 may not pause a guest at s9 (no read up / write down)"
show "$FQ" query "$PM" system_u:system_r:dom0_t:s0-s7:c0.c255 system_u:system_r:domU_t:s9 domain pause

step "Booting Flaxen at EL2 under QEMU: a software TPM, the policy, a signed manifest, two domains"
echo "(a QEMU boot under software emulation: a few seconds)"
KEEP_LOGS=1 tests/guest/run.sh tests/guest/demo/measured.scenario | grep -v '^\[test\] PASS' || true
log="$BUILD/guest/logs/measured.log"
if [ ! -f "$log" ]; then
    echo "the boot left no console log: see the lines above"
    exit 1
fi
step "What the hypervisor said (excerpt of $log)"
tr -d '\r' <"$log" | grep -E '^(sha256|crypto self-test|Flask: mode|measured boot|domain [0-9]+ \(|avc:  denied)' || true

step "A verifier checks the host from dom0's quote against the golden values of this build"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib/attestation.sh
. tests/lib/attestation.sh
if ! attestation_extract "$log" "$tmp"; then
    echo "dom0 printed no $attestation_missing"
    exit 1
fi
append=$(sed -n 's/^append=//p' tests/guest/demo/measured.scenario)
printf '$ %s\n' "flaxen-verify golden --cmdline \"$append\" --policy $BUILD/policy/flaxen.30 --manifest $BUILD/guest/logs/measured.manifest"
"$BUILD/host/bin/flaxen-verify" golden --cmdline "$append" --policy "$BUILD/policy/flaxen.30" \
    --manifest "$BUILD/guest/logs/measured.manifest" | tee "$tmp/golden"
show "$BUILD/host/bin/flaxen-verify" check --quote "$tmp/quote" --signature "$tmp/signature" \
    --key "$tmp/key" --log "$tmp/log" --nonce 4d616b652072756e3a20667265736820 --golden "$tmp/golden"

printf '\nThe policy sources are in flask/policy/; see docs/security/policy-guide.md and\n'
printf 'docs/security/measured-boot.md. (Booting through UEFI and GRUB comes next.)\n'
