#!/usr/bin/env bash
# Makes a prebuilt arm64 library fit for the hypervisor image: takes members of an
# archive (all, or the ones named), renames every code section (.text, .text.*) to
# the reserved FP/SIMD section .text.fpsimd (STYLE.md: code that runs at boot
# before any guest exists, or inside an FP/SIMD bracket), checks that the code
# bytes did not change and that no other section is executable, and writes a new
# archive.
#
# Usage: scripts/fpsimd-archive.sh OUT.a IN.a WORKDIR [MEMBER.o...]
# Environment: HYP_CROSS (default aarch64-linux-gnu-)
set -euo pipefail

out=$1 in=$2 work=$3
shift 3
cross=${HYP_CROSS:-aarch64-linux-gnu-}
reserved=.text.fpsimd

sections() { "${cross}readelf" -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p'; }
code_bytes() {
    local obj=$1
    shift
    "${cross}objdump" -s $(printf -- '-j %s ' "$@") "$obj" | grep '^ [0-9a-f]'
}

rm -rf "$work" && mkdir -p "$work"
in_abs=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
(cd "$work" && "${cross}ar" x "$in_abs" "$@")
for member in "$@"; do
    [ -f "$work/$member" ] || { echo "$(basename "$in"): no member $member" >&2; exit 1; }
done
for o in "$work"/*.o; do
    code=$(sections "$o" | awk '$1 ~ /^\.text(\..*)?$/ { print $1 }')
    [ -n "$code" ] || continue
    # shellcheck disable=SC2086 # one section name per word
    before=$(code_bytes "$o" $code)
    # objcopy's flag list would replace the flags (and one without "contents" empties
    # the section), so only the name changes; the bytes are compared to be sure.
    "${cross}objcopy" $(for s in $code; do echo "--rename-section $s=$reserved"; done) "$o"
    after=$(code_bytes "$o" "$reserved")
    if [ "$before" != "$after" ]; then
        echo "$(basename "$in"): $(basename "$o"): code changed while renaming its sections" >&2
        exit 1
    fi
    bad=$(sections "$o" | awk -v r="$reserved" '$7 ~ /X/ && $1 != r { print $1 }')
    if [ -n "$bad" ]; then
        echo "$(basename "$in"): $(basename "$o"): executable section(s) outside $reserved: $bad" >&2
        exit 1
    fi
done
rm -f "$out.tmp"
# shellcheck disable=SC2046 # file names without spaces, sorted for a reproducible archive
"${cross}ar" rcs "$out.tmp" $(ls "$work"/*.o | sort)
mv -f "$out.tmp" "$out"
