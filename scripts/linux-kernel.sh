#!/usr/bin/env bash
# Prints the path of Debian's arm64 kernel image in the package cache (the newest, if
# scripts/deps.sh has unpacked more than one); fails if there is none.
set -euo pipefail
BUILD=${BUILD:-build}
kernel=$(ls "$BUILD"/cache/arm64/boot/vmlinuz-*-arm64 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "linux-kernel: no vmlinuz-*-arm64 in $BUILD/cache/arm64/boot (scripts/deps.sh)" >&2; exit 1; }
echo "$kernel"
