#!/usr/bin/env bash
# Makes an initramfs (newc cpio, gzip) for a Linux domain: Debian's busybox-static, the Xen
# modules of Debian's arm64 kernel and INIT as /init, all from the package cache
# scripts/deps.sh fills ($BUILD/cache/arm64), the helpers every /init sources
# (tests/linux/init-lib.sh as /lib/flaxen/init.sh), plus files of the build.
#
#   scripts/linux-initramfs.sh OUT INIT [SOURCE=DEST]...
#       DEST is a path inside the initramfs; a SOURCE named @NAME makes DEST a symbolic
#       link to NAME instead.
set -euo pipefail
out=$1 init=$2
BUILD=${BUILD:-build}
root="$BUILD/cache/arm64"
kernel=$(scripts/linux-kernel.sh)
version=${kernel##*/vmlinuz-}
modules="$root/lib/modules/$version/kernel/drivers/xen"
[ -x "$root/bin/busybox" ] || { echo "linux-initramfs: no busybox in $root (scripts/deps.sh)" >&2; exit 1; }
[ -d "$modules" ] || { echo "linux-initramfs: no Xen modules in $modules" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib/modules/xen" "$work/proc" "$work/sys" "$work/dev" "$work/tmp"
cp "$root/bin/busybox" "$work/bin/busybox"
cp "$modules"/xen-privcmd.ko "$modules"/xenfs/xenfs.ko "$modules"/xen-evtchn.ko \
    "$modules"/xen-gntdev.ko "$modules"/xen-gntalloc.ko "$work/lib/modules/xen/"
install -m 755 "$init" "$work/init"
install -D -m 644 tests/linux/init-lib.sh "$work/lib/flaxen/init.sh"
shift 2
for item in "$@"; do
    source=${item%%=*} dest=${item#*=}
    [ "$source" != "$item" ] && [ -n "$dest" ] || { echo "linux-initramfs: '$item' is not SOURCE=DEST" >&2; exit 1; }
    mkdir -p "$work/$(dirname "$dest")"
    if [[ "$source" == @* ]]; then
        ln -sf "${source#@}" "$work/$dest"
    else
        cp "$source" "$work/$dest"
    fi
done
mkdir -p "$(dirname "$out")"
# Fixed times and owners: the same inputs give the same bytes (the manifest lists its digest).
find "$work" -exec touch -h -d @0 {} +
(cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 --reproducible) |
    gzip -9 -n >"$out.tmp"
mv -f "$out.tmp" "$out"
