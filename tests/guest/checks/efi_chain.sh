#!/usr/bin/env bash
# Checks a boot through the measured chain UEFI -> GRUB -> Flaxen (boot=efi scenarios):
# reassembles the attestation dom0 printed, enrolls the attestation key from the TPM and
# runs flaxen-verify against golden values from three sources:
#   PCRs 0-7   the firmware's own, recorded from the reference boot (scenario
#              efi-reference), $BUILD/golden/efi-firmware.golden
#   PCRs 4,8,9 the EFI applications (Authenticode), GRUB's files and commands, predicted
#              from the ESP (tests/lib/efi.sh)
#   PCRs 10-11 Flaxen's, predicted by flaxen-verify golden from the command line, the
#              policy and the manifest
#
#   tests/guest/checks/efi_chain.sh record NONCE SCENARIO LOG
#       the reference boot: the quote must be sound (signature, nonce, PCR digest = the
#       log's replay); then its PCR 0-7 events become efi-firmware.golden
#   tests/guest/checks/efi_chain.sh trusted NONCE SCENARIO [DOMAIN...] LOG
#       the verdict must be TRUSTED, and a stale nonce must be refused; each DOMAIN (one
#       dom0 built at run time, measured into PCR 12 outside the quote of PCRs 0-11) must
#       be reported as not verified, never as OK
#   tests/guest/checks/efi_chain.sh untrusted NONCE SCENARIO LOG NAME...
#       the verdict must be UNTRUSTED, with a failed check naming each NAME
#
# SCENARIO is the scenario's name: its files are $BUILD/guest/logs/SCENARIO.*.
# Prints "PASS name" / "FAIL name: reason" lines (tests/guest/run.sh, check=).
set -uo pipefail
mode=$1 nonce=$2 scenario=$3
shift 3
log=${*: -1}
names=("${@:1:$#-1}")
BUILD=${BUILD:-build}
V="$BUILD/host/bin/flaxen-verify"
logs="$BUILD/guest/logs"
reference="$BUILD/golden/efi-firmware.golden"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# shellcheck source=tests/lib/attestation.sh
. tests/lib/attestation.sh
attestation_extract "$log" "$tmp" ||
    { fail "attestation printed" "no $attestation_missing in the console log"; exit 0; }
args=(--quote "$tmp/quote" --signature "$tmp/signature" --key "$tmp/key" --log "$tmp/log"
    --nonce "$nonce")
if attestation_enroll "$logs/$scenario.tpm" "$tmp"; then
    args+=(--enrolled-key "$tmp/enrolled.pub")
else
    fail "attestation key enrolled" "$(tail -2 "$tmp/enroll.log" | tr '\n' ' ')"
fi

# What a reference is valid for: the firmware and its initial variable store (the EFI
# applications it loads are predicted from their images, not recorded).
images_id() {
    sha256sum "${EFI_FIRMWARE_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}" \
        "${EFI_FIRMWARE_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}" | cut -c1-64 | tr '\n' ' '
}

if [ "$mode" = record ]; then
    if "$V" check "${args[@]}" >"$tmp/out" 2>&1; then
        pass "reference boot: the quote is sound ($(grep -c '^  OK' "$tmp/out") checks)"
    else
        fail "reference boot: the quote is sound" "$(grep FAIL "$tmp/out" | tr '\n' ' ')"
        exit 0
    fi
    mkdir -p "$(dirname "$reference")"
    { echo "# images: $(images_id)"; "$V" record --log "$tmp/log" --pcrs 0-7; } >"$reference.tmp" &&
        mv -f "$reference.tmp" "$reference"
    n=$(grep -c '^[0-7] ' "$reference")
    [ "$n" -ge 10 ] && pass "firmware reference recorded: $n events in PCRs 0-7" ||
        fail "firmware reference recorded" "only $n events"
    exit 0
fi

if [ ! -f "$reference" ] || [ "$(sed -n '1s/^# images: //p' "$reference")" != "$(images_id)" ]; then
    fail "firmware reference" "$reference is missing or from another firmware: run the efi-reference scenario first (make golden-efi)"
    exit 0
fi
append=$(sed -n 's/^append=//p' "tests/guest/scenarios/$scenario.scenario")
{
    grep -v '^#' "$reference"
    cat "$logs/$scenario.efi/grub.golden"
    # Through GRUB dom0 is the only domain built at boot (PCR 11); the manifest's other
    # entries are domains dom0 builds later, measured into PCR 12 when sealed.
    "$V" golden --cmdline "$append" --policy "$BUILD/policy/flaxen.30" \
        --manifest "$logs/$scenario.manifest" --boot dom0
} >"$tmp/golden" || { fail "golden values" "could not be put together"; exit 0; }

"$V" check "${args[@]}" --golden "$tmp/golden" >"$tmp/out" 2>&1
rc=$?
verdict=$(grep VERDICT "$tmp/out")
case "$mode" in
trusted)
    [ "$rc" -eq 0 ] && pass "the chain is trusted: $verdict" ||
        fail "the chain is trusted" "exit $rc: $(grep -E 'FAIL|VERDICT' "$tmp/out" | tr '\n' ' ' | cut -c1-600)"
    for pcr in 0 1 4 5 7 8 9; do
        grep -q "OK   firmware and boot loader: PCR $pcr:" "$tmp/out" &&
            pass "PCR $pcr compared event by event" || fail "PCR $pcr compared event by event" "no OK line"
    done
    # The continued log is still one a stock parser reads: firmware, GRUB and Flaxen events.
    if tpm2_eventlog "$tmp/log" >"$tmp/eventlog" 2>&1 &&
        grep -q "Exit Boot Services Returned with Success" "$tmp/eventlog" &&
        grep -q "flaxen: domain dom0 label" "$tmp/eventlog" &&
        [ "$(grep -cE '^    (1[01]|[0-9]) +: 0x' "$tmp/eventlog")" -eq 12 ]; then
        pass "tpm2_eventlog parses the continued log and replays PCRs 0-11"
    else
        fail "tpm2_eventlog parses the continued log" "$(tail -3 "$tmp/eventlog" | tr '\n' ' ')"
    fi
    for name in "${names[@]}"; do
        if grep -q "^  --   flaxen: domain $name: in PCR 12, which the quote does not cover: not verified" "$tmp/out" &&
            ! grep -q "^  OK   flaxen: domain $name:" "$tmp/out"; then
            pass "domain $name (PCR 12, not quoted) is reported as not verified"
        else
            fail "domain $name (PCR 12, not quoted) is reported as not verified" "$(grep "domain $name" "$tmp/out")"
        fi
    done
    "$V" check "${args[@]/$nonce/00${nonce:2}}" --golden "$tmp/golden" >"$tmp/stale" 2>&1
    [ $? -eq 1 ] && grep -q "FAIL nonce" "$tmp/stale" && pass "a stale nonce is refused" ||
        fail "a stale nonce is refused" "$(grep VERDICT "$tmp/stale")"
    ;;
untrusted)
    [ "$rc" -eq 1 ] && pass "the tampered chain is not trusted: $(cut -c1-300 <<<"$verdict")" ||
        fail "the tampered chain is not trusted" "exit $rc: $verdict"
    for name in "${names[@]}"; do
        grep -q "^  FAIL .*$name" "$tmp/out" && pass "the verdict names $name" ||
            fail "the verdict names $name" "$(grep FAIL "$tmp/out" | tr '\n' ' ' | cut -c1-400)"
    done
    ;;
*) fail "efi_chain.sh" "unknown mode $mode" ;;
esac
