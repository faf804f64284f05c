#!/usr/bin/env bash
# What `make run` shows today: the policy built from flask/policy/, checked,
# queried and a denial explained, all by Flaxen's own security server; then
# the measured chain under QEMU with a software TPM: UEFI firmware -> GRUB ->
# Flaxen -> Debian's Linux as dom0, labeled from the signed manifest, which
# starts a labeled Linux domU with xl; denials; and a verifier's verdict on
# dom0's quote of PCRs 0-11 against golden values.
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

step "The measured chain under QEMU: UEFI firmware (AAVMF) -> GRUB -> Flaxen at EL2, with a software TPM"
echo "(each boot under software emulation takes some seconds; first a reference boot of this"
echo " build, which records the firmware's own measurements: the golden values for PCRs 0-7)"
tests/guest/run.sh efi-reference | grep -E '^\[test\] FAIL|recorded' || true
if [ ! -f "$BUILD/golden/efi-firmware.golden" ]; then
    echo "the reference boot recorded nothing: see the lines above"
    exit 1
fi
echo "(then the boot itself)"
KEEP_LOGS=1 tests/guest/run.sh tests/guest/demo/chain.scenario | grep -v '^\[test\] PASS' || true
log="$BUILD/guest/logs/chain.log"
if [ ! -f "$log" ]; then
    echo "the boot left no console log: see the lines above"
    exit 1
fi
step "What the firmware, GRUB and the hypervisor said (excerpt of $log)"
tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;=]*[a-zA-Z]//g' |
    grep -E '^(UEFI firmware|BdsDxe: starting|Welcome to GRUB|Flaxen|sha256|crypto self-test|Flask: mode|measured boot|  EFI hand-over|domain [0-9]+ \(|avc:  denied)' |
    awk '!seen[$0]++' || true

step "What dom0 did: Debian's Linux on its console hvc0 (the domU's own lines are (dN))"
tr -d '\r' <"$log" | grep -E '^\(d0\) |FLAXEN-DOMU-MARKER' |
    grep -vE '^\(d0\) (\[|attest: |\[test\] PASS)' | sed 's/^(d0) //' || true

step "GRUB's configuration on the ESP (every line is measured into PCR 8, the file into PCR 9)"
cat "$BUILD/guest/logs/chain.efi/esp/flaxen/grub.cfg"

step "A verifier checks the host from dom0's quote against the golden values"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib/attestation.sh
. tests/lib/attestation.sh
if ! attestation_extract "$log" "$tmp"; then
    echo "dom0 printed no $attestation_missing"
    exit 1
fi
attestation_enroll "$BUILD/guest/logs/chain.tpm" "$tmp" ||
    echo "(the attestation key could not be enrolled: $(tail -1 "$tmp/enroll.log"))"
append=$(sed -n 's/^append=//p' tests/guest/demo/chain.scenario)
echo "golden values: PCRs 0-7 from the reference boot, 8-9 predicted from the ESP, 10-11 from the build:"
{
    grep -v '^#' "$BUILD/golden/efi-firmware.golden"
    cat "$BUILD/guest/logs/chain.efi/grub.golden"
    "$BUILD/host/bin/flaxen-verify" golden --cmdline "$append" --policy "$BUILD/policy/flaxen.30" \
        --manifest "$BUILD/guest/logs/chain.manifest" --boot dom0
} >"$tmp/golden"
grep -c '^[0-9]' "$tmp/golden" | sed 's/$/ golden events/'
show "$BUILD/host/bin/flaxen-verify" check --quote "$tmp/quote" --signature "$tmp/signature" \
    --key "$tmp/key" --log "$tmp/log" --nonce 4d616b652072756e3a20667265736820 \
    --enrolled-key "$tmp/enrolled.pub" --golden "$tmp/golden"

printf '\nThe policy sources are in flask/policy/; see docs/security/policy-guide.md and\n'
printf 'docs/security/measured-boot.md (section 8: the chain from the firmware).\n'
