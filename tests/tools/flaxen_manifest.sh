#!/usr/bin/env bash
# flaxen-manifest as a deployment uses it: keys, building, printing, verifying, and the
# refusals (an existing key, bad entries, another key, a changed byte). Its signatures are
# also checked by stock `openssl pkeyutl`, independently of our code.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
T="$BUILD/host/bin/flaxen-manifest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "[test] PASS flaxen-manifest: $1"; }
fail() { echo "[test] FAIL flaxen-manifest: $1: $2"; }
# status NAME EXPECTED CMD...: runs CMD (output in $tmp/out), compares its exit status.
status() {
    local name=$1 want=$2 got
    shift 2
    "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $got, expected $want: $(head -3 "$tmp/out")"; fi
}
has() { # NAME TEXT: the last command's output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass "$1"; else fail "$1" "no '$2' in: $(head -3 "$tmp/out")"; fi
}

head -c 20000 /dev/urandom >"$tmp/kernel"
printf 'another image' >"$tmp/kernel2"
status "keygen" 0 "$T" keygen "$tmp/k.pem"
mode=$(stat -c %a "$tmp/k.pem")
[ "$mode" = 600 ] && pass "keygen: key readable by its owner only" || fail "keygen mode" "$mode"
cp "$tmp/k.pem" "$tmp/k.copy"
status "keygen refuses to overwrite a key" 2 "$T" keygen "$tmp/k.pem"
cmp -s "$tmp/k.pem" "$tmp/k.copy" && pass "keygen: the existing key is unchanged" || fail "keygen overwrite" "key changed"
status "pubkey" 0 "$T" pubkey "$tmp/k.pem"
pub=$(cat "$tmp/out")
[[ "$pub" =~ ^[0-9a-f]{64}$ ]] && pass "pubkey: 64 hex digits" || fail "pubkey" "$pub"
status "pubkey --c" 0 "$T" pubkey "$tmp/k.pem" --c
has "pubkey --c: a C array" "static const uint8_t manifest_public_key[32] = {"

status "build" 0 "$T" build -k "$tmp/k.pem" -o "$tmp/m.bin" --serial 42 \
    --domain dom0 --image "$tmp/kernel" --cmdline "console=hvc0" --label system_u:system_r:dom0_t \
    --domain web --image "$tmp/kernel2" --ramdisk "$tmp/kernel" \
    --label system_u:system_r:domU_t --mls s0-s2:c0.c3
status "print" 0 "$T" print "$tmp/m.bin"
has "print: serial and count" "serial 42, 2 domains"
has "print: image digest" "image   sha256:$(sha256sum "$tmp/kernel" | cut -c1-64)"
has "print: config digest covers the command line" "config  sha256:$(printf 'cmdline=console=hvc0\n' | sha256sum | cut -c1-64)"
has "print: MLS range" "mls     s0-s2:c0.c3"
ramdisk_line="ramdisk=sha256:$(sha256sum "$tmp/kernel" | cut -c1-64)"
has "print: config digest covers the ramdisk" "config  sha256:$(printf 'cmdline=\n%s\n' "$ramdisk_line" | sha256sum | cut -c1-64)"
status "verify with the key" 0 "$T" verify "$tmp/m.bin" -k "$tmp/k.pem"
has "verify: good" "signature good"
status "verify with the public key" 0 "$T" verify "$tmp/m.bin" --pubkey "$pub"

# Stock OpenSSL agrees: the last 64 bytes are an Ed25519 signature of the rest.
size=$(stat -c %s "$tmp/m.bin")
head -c $((size - 64)) "$tmp/m.bin" >"$tmp/body"
tail -c 64 "$tmp/m.bin" >"$tmp/sig"
openssl pkey -in "$tmp/k.pem" -pubout -out "$tmp/pub.pem" 2>/dev/null
status "openssl pkeyutl verifies the signature" 0 openssl pkeyutl -verify -pubin \
    -inkey "$tmp/pub.pem" -rawin -in "$tmp/body" -sigfile "$tmp/sig"

"$T" keygen "$tmp/other.pem" >/dev/null 2>&1
status "verify with another key fails" 1 "$T" verify "$tmp/m.bin" -k "$tmp/other.pem"
has "verify: names the key mismatch" "signed for another key"
for at in 100 $((size - 70)) $((size - 10)); do
    cp "$tmp/m.bin" "$tmp/bad.bin"
    printf '\x01' | dd of="$tmp/bad.bin" bs=1 seek="$at" conv=notrunc 2>/dev/null
    cmp -s "$tmp/m.bin" "$tmp/bad.bin" && printf '\x02' | dd of="$tmp/bad.bin" bs=1 seek="$at" conv=notrunc 2>/dev/null
    status "a changed byte at $at is refused" 1 "$T" verify "$tmp/bad.bin" -k "$tmp/k.pem"
done
head -c 100 "$tmp/m.bin" >"$tmp/short.bin"
status "a truncated manifest is refused" 1 "$T" verify "$tmp/short.bin" -k "$tmp/k.pem"
has "truncation named" "truncated"

status "a bad name is refused" 2 "$T" build -k "$tmp/k.pem" -o "$tmp/x.bin" \
    --domain "two words" --image "$tmp/kernel" --label system_u:system_r:domU_t
status "a duplicate name is refused" 2 "$T" build -k "$tmp/k.pem" -o "$tmp/x.bin" \
    --domain a --image "$tmp/kernel" --label l --domain a --image "$tmp/kernel2" --label l
status "a missing label is refused" 2 "$T" build -k "$tmp/k.pem" -o "$tmp/x.bin" \
    --domain a --image "$tmp/kernel"
status "a missing image file is refused" 2 "$T" build -k "$tmp/k.pem" -o "$tmp/x.bin" \
    --domain a --image "$tmp/nothing" --label l
[ ! -e "$tmp/x.bin" ] && [ ! -e "$tmp/x.bin.tmp" ] && pass "refused builds write nothing" ||
    fail "refused builds" "an output file exists"
