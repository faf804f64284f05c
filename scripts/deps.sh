#!/usr/bin/env bash
# Install what the build and the tests need, and nothing when it is all there.
#
# Usage: scripts/deps.sh [check|run|bench]   (the set grows with the target)
# Cost on a machine that has everything: one dpkg-query call (well under a second).
set -euo pipefail

host_packages=(
    make gcc clang lld cppcheck clang-format clang-tidy valgrind gawk
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
    m4 checkpolicy libsepol-dev setools libclang-rt-14-dev policycoreutils-python-utils
)

installed=" $(dpkg-query -W -f='${db:Status-Status}:${Package} ' "${host_packages[@]}" 2>/dev/null || true) "
missing=()
for pkg in "${host_packages[@]}"; do
    [[ "$installed" == *" installed:$pkg "* ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
