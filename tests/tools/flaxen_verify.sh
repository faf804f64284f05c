#!/usr/bin/env bash
# flaxen-verify's offline parts: the Authenticode digest it predicts PCR 4 with (what the
# firmware measures when it loads an EFI application: live agreement is checked by the
# hyp-efi-chain scenario), and the record of a reference boot's firmware events.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
V="$BUILD/host/bin/flaxen-verify"
img="$BUILD/xen/flaxen.bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "[test] PASS flaxen-verify: $1"; }
fail() { echo "[test] FAIL flaxen-verify: $1: $2"; }
# poke FILE OFFSET BYTE: a copy's byte changed
poke() { cp "$img" "$1" && printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

base=$("$V" authenticode "$img") || { fail "authenticode of flaxen.bin" "refused"; exit 0; }
[[ "$base" =~ ^[0-9a-f]{64}$ ]] && pass "authenticode of flaxen.bin: $base" ||
    fail "authenticode of flaxen.bin" "'$base'"
# The PE header sits at 0x40; the optional header at 0x58; its checksum at 0x58 + 64.
poke "$tmp/checksum" $((0x58 + 64)) 5a
[ "$("$V" authenticode "$tmp/checksum")" = "$base" ] && pass "the checksum field is not hashed" ||
    fail "the checksum field is not hashed" "digest changed"
poke "$tmp/stamp" $((0x48)) 01
[ "$("$V" authenticode "$tmp/stamp")" != "$base" ] && pass "a header byte changes the digest" ||
    fail "a header byte changes the digest" "same digest"
poke "$tmp/text" 8192 ff
[ "$("$V" authenticode "$tmp/text")" != "$base" ] && pass "a code byte changes the digest" ||
    fail "a code byte changes the digest" "same digest"
size=$(stat -c %s "$img")
poke "$tmp/data" $((size - 1)) 01
[ "$("$V" authenticode "$tmp/data")" != "$base" ] && pass "the last data byte changes the digest" ||
    fail "the last data byte changes the digest" "same digest"
[ "$("$V" authenticode "$img")" = "$base" ] && pass "the digest is stable" || fail "stable" "changed"
head -c 4096 "$img" >"$tmp/cut"
"$V" authenticode "$tmp/cut" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "beyond the end" "$tmp/out" && pass "a cut image is refused" ||
    fail "a cut image is refused" "$(cat "$tmp/out")"
printf 'not an image' >"$tmp/junk"
"$V" authenticode "$tmp/junk" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "not a PE/COFF" "$tmp/out" && pass "a non-PE file is refused" ||
    fail "a non-PE file is refused" "$(cat "$tmp/out")"
"$V" record --log "$tmp/junk" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "Spec ID" "$tmp/out" && pass "record refuses a file that is no event log" ||
    fail "record refuses a file that is no event log" "$(cat "$tmp/out")"
