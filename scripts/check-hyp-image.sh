#!/usr/bin/env bash
# Post-link checks of the hypervisor image (STYLE.md, "Build and hardening").
#
#   scripts/check-hyp-image.sh [ELF]      (default build/xen/flaxen; ELF.bin next to it)
#
# Fails (exit 1) when:
#   - an ERET is not followed by a speculation barrier (SB, or DSB then ISB);
#   - an FP/SIMD instruction appears outside the .text.fpsimd section (operands
#     v0-v31, q/d/s/h/b0-31, or the FPCR/FPSR registers);
#   - flaxen.bin exceeds the size budget (HYP_IMAGE_BUDGET bytes, default 512 KiB);
#   - a section or a loadable segment is both writable and executable;
#   - there is a dynamic relocation other than R_AARCH64_RELATIVE (head.S applies
#     only those, and stops on anything else);
#   - the arm64 Image header is wrong (magic, image_size, flags).
# Prints one "[test] PASS|FAIL name" line per check (the test runner's protocol).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
ELF=${1:-$BUILD/xen/flaxen}
BIN=$ELF.bin
BUDGET=${HYP_IMAGE_BUDGET:-524288}
CROSS=${HYP_CROSS:-aarch64-linux-gnu-}
OBJDUMP=${CROSS}objdump
READELF=${CROSS}readelf
NM=${CROSS}nm
failed=0

pass() { echo "[test] PASS $1"; }
fail() {
    echo "[test] FAIL $1: $2"
    failed=1
}

if [ ! -f "$ELF" ] || [ ! -f "$BIN" ]; then
    fail "hyp image" "$ELF or $BIN missing (make hyp)"
    exit 1
fi

# "section<TAB>address<TAB>mnemonic<TAB>operands" for every instruction.
listing=$("$OBJDUMP" -d --no-show-raw-insn "$ELF" | awk -F'\t' '
    /^Disassembly of section / { sec = $0; sub(/^Disassembly of section /, "", sec); sub(/:$/, "", sec) }
    NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ { addr = $1; gsub(/[ :]/, "", addr); print sec "\t" addr "\t" $2 "\t" $3 }')

# 1. ERET followed by SB, or by DSB and then ISB.
bad_eret=$(echo "$listing" | awk -F'\t' '
    state == 1 { if ($3 == "sb") state = 0; else if ($3 == "dsb") state = 2; else { print at; state = 0 } ; next }
    state == 2 { if ($3 != "isb") print at; state = 0; next }
    $3 == "eret" { state = 1; at = $2 }
    END { if (state) print at }')
n_eret=$(echo "$listing" | awk -F'\t' '$3 == "eret"' | wc -l)
if [ -z "$bad_eret" ]; then
    pass "hyp image: all $n_eret eret followed by a speculation barrier"
else
    fail "hyp image: eret followed by a speculation barrier" "not at $(echo "$bad_eret" | tr '\n' ' ')"
fi

# 2. FP/SIMD only in .text.fpsimd (operand test as in check-hyp-objects.sh).
fpsimd=$(echo "$listing" | awk -F'\t' '
    $1 != ".text.fpsimd" && $3 !~ /^(b|b\..*|bl|blr|br|cbz|cbnz|tbz|tbnz|adr|adrp|ret)$/ {
        ops = $4; sub(/[ ]*(<|\/\/).*/, "", ops)
        if (ops ~ /(^|[ ,\[{])[vqdshb]([0-9]|[12][0-9]|3[01])([.,\] }]|$)/ || ops ~ /fp[cs]r/)
            print $1 ":" $2 " " $3 " " ops
    }' | head -3)
if [ -z "$fpsimd" ]; then
    pass "hyp image: no FP/SIMD instruction outside .text.fpsimd"
else
    fail "hyp image: no FP/SIMD instruction outside .text.fpsimd" "$(echo "$fpsimd" | tr '\n' ';')"
fi
if grep -q ' \.text\.fpsimd ' < <("$READELF" -SW "$ELF"); then
    pass "hyp image: reserved section .text.fpsimd present"
else
    fail "hyp image: reserved section .text.fpsimd present" "missing"
fi

# 3. Size budget.
size=$(stat -c %s "$BIN")
memsize=$(( 0x$("$NM" "$ELF" | awk '$3 == "__image_size" { print $1 }') ))
echo "hyp image: flaxen.bin $size bytes (budget $BUDGET), $memsize bytes in memory with BSS"
if [ "$size" -le "$BUDGET" ]; then
    pass "hyp image: size $size <= budget $BUDGET"
else
    fail "hyp image: size within budget" "$size > $BUDGET bytes"
fi

# 4. Nothing writable and executable.
wx_sections=$("$READELF" -SW "$ELF" | sed -n 's/^ *\[ *[0-9]*\] *//p' |
    awk '$1 != "NULL" && $7 ~ /W/ && $7 ~ /X/ { print $1 }')
wx_segments=$("$READELF" -lW "$ELF" | awk '$1 == "LOAD" && $0 ~ / RWE / { print $3 }')
if [ -z "$wx_sections$wx_segments" ]; then
    pass "hyp image: no section or segment both writable and executable"
else
    fail "hyp image: W^X" "writable+executable: $(echo "$wx_sections $wx_segments" | tr '\n' ' ')"
fi

# 5. Only relative relocations.
other_relocs=$("$READELF" -rW "$ELF" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE" { print $3 }' | sort -u)
if [ -z "$other_relocs" ]; then
    pass "hyp image: only R_AARCH64_RELATIVE dynamic relocations"
else
    fail "hyp image: only R_AARCH64_RELATIVE dynamic relocations" "found $(echo "$other_relocs" | tr '\n' ' ')"
fi

# 6. arm64 Image header: magic at 0x38, image_size at 0x10, flags at 0x18.
le64() { od -An -tx8 -j "$1" -N8 "$BIN" | tr -d ' '; }
magic=$(od -An -c -j 56 -N4 "$BIN" | tr -d ' ')
if [ "$magic" = "ARMd" ] && [ $((0x$(le64 16))) -eq "$memsize" ] && [ $((0x$(le64 24))) -eq 10 ]; then
    pass "hyp image: arm64 Image header (magic, image_size $memsize, flags 0xa)"
else
    fail "hyp image: arm64 Image header" "magic '$magic', image_size 0x$(le64 16), flags 0x$(le64 24)"
fi

exit $failed
