#!/usr/bin/env bash
# Install what the build and the tests need, and nothing when it is all there.
#
# Usage: scripts/deps.sh [check|run|bench]   (the set grows with the target)
# Cost on a machine that has everything: one dpkg-query call and a few file tests
# (well under a second).
#
# Two kinds of packages:
#   host_packages   installed with apt-get on this machine
#   arm64_packages  Debian's arm64 builds of libraries the hypervisor image links
#                   (e.g. libfdt.a): fetched with `apt-get download PKG:arm64` into
#                   $BUILD/cache/debs/ and unpacked with `dpkg -x` into
#                   $BUILD/cache/arm64/, never installed. A stamp
#                   $BUILD/cache/arm64/.stamps/PKG_VERSION records each unpacked
#                   package; while one is there, nothing is fetched. Delete
#                   $BUILD/cache/arm64 to fetch the current versions again.
set -euo pipefail

host_packages=(
    make gcc clang lld cppcheck clang-format clang-tidy valgrind gawk
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm device-tree-compiler
    m4 checkpolicy libsepol-dev setools libclang-rt-14-dev policycoreutils-python-utils
    libfdt-dev libssl-dev libsodium-dev swtpm swtpm-tools tpm2-tools libtss2-dev
    qemu-efi-aarch64 grub-common mtools dosfstools cpio libc6-dev-arm64-cross
)

# libfdt-dev and libsodium-dev hold the static libfdt.a and libsodium.a (libfdt1 and
# libsodium23 only the shared libraries, which a freestanding image cannot use).
# grub-efi-arm64-bin holds GRUB's arm64-efi modules, from which the build makes the ESP's
# standalone GRUB (with the host's grub-mkstandalone from grub-common).
arm64_packages=(libfdt-dev libsodium-dev grub-efi-arm64-bin busybox-static)
# Also Debian's arm64 Linux kernel (dom0 and domUs, with its modules): the package that
# linux-image-arm64 depends on today (fetch_arm64_kernel).

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
cache="$BUILD/cache"
stamps="$cache/arm64/.stamps"

if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
apt_updated=0

install_host_packages() {
    local installed missing=() pkg
    installed=" $(dpkg-query -W -f='${db:Status-Status}:${Package} ' "${host_packages[@]}" 2>/dev/null || true) "
    for pkg in "${host_packages[@]}"; do
        [[ "$installed" == *" installed:$pkg "* ]] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "deps: installing ${missing[*]}" >&2
    $sudo apt-get update -qq >&2
    apt_updated=1
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# True when some version of the package is unpacked (a file test, no apt call).
arm64_present() {
    local stamp
    for stamp in "$stamps/$1"_*; do
        [ -f "$stamp" ] && return 0
    done
    return 1
}

# The file name apt-get download would give PKG:arm64's candidate; empty if unknown.
arm64_deb_name() {
    { apt-get download --print-uris -qq "$1:arm64" 2>/dev/null || true; } | awk 'NR == 1 { print $2 }'
}

# Makes apt's lists hold arm64 packages (the architecture added, the lists fetched once).
arm64_lists() {
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "deps: adding the arm64 architecture to dpkg" >&2
        $sudo dpkg --add-architecture arm64
        apt_updated=0 # lists fetched before this hold no arm64 packages
    fi
    if [ $apt_updated -eq 0 ]; then
        echo "deps: $1:arm64 is not in apt's lists; running apt-get update" >&2
        $sudo apt-get update -qq >&2
        apt_updated=1
    fi
}

# Puts PKG:arm64's .deb into $cache/debs (unless already there); prints its path.
arm64_download() {
    local pkg=$1 debs="$cache/debs" name
    local -a apt_opts=(-qq)
    name=$(arm64_deb_name "$pkg")
    if [ -z "$name" ]; then
        arm64_lists "$pkg"
        name=$(arm64_deb_name "$pkg")
    fi
    if [ -z "$name" ]; then
        echo "deps: ERROR: apt knows no package $pkg:arm64 (is arm64 in apt's sources?)" >&2
        return 1
    fi
    mkdir -p "$debs"
    if [ ! -s "$debs/$name" ]; then
        # As root, apt fetches as the _apt user, who cannot write here: say so up front
        # instead of letting apt warn and fall back.
        [ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
        if ! (cd "$debs" && apt-get download "${apt_opts[@]}" "$pkg:arm64") >&2 ||
            [ ! -s "$debs/$name" ]; then
            echo "deps: ERROR: could not download $pkg:arm64 ($name) into $debs;" \
                "check the network and apt's sources" >&2
            return 1
        fi
    fi
    echo "$debs/$name"
}

fetch_arm64_package() {
    local pkg=$1 deb version
    deb=$(arm64_download "$pkg") || return 1
    version=$(dpkg-deb -f "$deb" Version) || return 1
    echo "deps: unpacking $(basename "$deb") into $cache/arm64" >&2
    mkdir -p "$cache/arm64" "$stamps"
    dpkg -x "$deb" "$cache/arm64"
    rm -f "$stamps/$pkg"_*
    # A version may hold ':' (an epoch); keep the stamp's name a plain file name.
    echo "$deb" >"$stamps/${pkg}_${version//:/%3a}"
}

# The kernel package linux-image-arm64 points at (linux-image-VERSION-arm64); empty if unknown.
arm64_kernel_name() {
    { apt-cache depends "linux-image-arm64:arm64" 2>/dev/null || true; } |
        awk '/Depends: linux-image-[0-9]/ { sub(/:arm64$/, "", $2); print $2; exit }'
}

fetch_arm64_kernel() {
    local name
    name=$(arm64_kernel_name)
    if [ -z "$name" ]; then
        arm64_lists linux-image-arm64
        name=$(arm64_kernel_name)
    fi
    if [ -z "$name" ]; then
        echo "deps: ERROR: apt knows no linux-image-arm64:arm64 to take the kernel from" >&2
        return 1
    fi
    fetch_arm64_package "$name"
}

install_host_packages
for pkg in "${arm64_packages[@]}"; do
    arm64_present "$pkg" || fetch_arm64_package "$pkg"
done
compgen -G "$stamps/linux-image-*-arm64_*" >/dev/null || fetch_arm64_kernel
