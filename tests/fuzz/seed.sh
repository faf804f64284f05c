#!/usr/bin/env bash
# Seeds a fuzz target's corpus: policies for the loader, contexts for the parser.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
name=$1
corpus=$2
mkdir -p "$corpus"
case "$name" in
fuzz_policy_load)
    for p in "$BUILD"/policy/*.24 "$BUILD"/policy/*.30 "$BUILD"/policy/tests/*.30; do
        [ -f "$p" ] && cp -f "$p" "$corpus/$(basename "$(dirname "$p")")-$(basename "$p")"
    done
    ;;
fuzz_bootinfo)
    for d in "$BUILD"/dtb/*.dtb; do
        [ -f "$d" ] && cp -f "$d" "$corpus/"
    done
    ;;
fuzz_manifest)
    # Two signed manifests made by the tool (one domain; three, one with an MLS range).
    tool="$BUILD/host/bin/flaxen-manifest"
    key="$BUILD/fuzz/manifest-seed.pem"
    [ -f "$key" ] || "$tool" keygen "$key"
    printf 'seed image' >"$BUILD/fuzz/manifest-seed.img"
    "$tool" build -k "$key" -o "$corpus/one" --serial 1 --domain d1 \
        --image "$BUILD/fuzz/manifest-seed.img" --label system_u:system_r:domU_t
    "$tool" build -k "$key" -o "$corpus/three" --serial 2 --domain dom0 \
        --image "$BUILD/fuzz/manifest-seed.img" --cmdline "console=hvc0" \
        --label system_u:system_r:dom0_t --domain a.1 --image "$BUILD/fuzz/manifest-seed.img" \
        --label system_u:system_r:domU_t --domain b_2 --image "$key" \
        --label system_u:system_r:domU_t --mls s0-s3:c0.c5
    ;;
fuzz_context)
    i=0
    for c in "system_u:system_r:dom0_t:s0" "system_u:system_r:domU_t:s0-s15:c0.c255" \
        "system_u:object_r:xen_t:s0:c1,c3,c5-s2:c1.c9" "user_1:vm_r:domU_t:s1:c0,c1"; do
        printf '%s' "$c" >"$corpus/seed$i"
        i=$((i + 1))
    done
    ;;
esac
