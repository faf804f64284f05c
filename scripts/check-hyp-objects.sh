#!/usr/bin/env bash
# The hypervisor-side objects must hold no FP/SIMD instruction (STYLE.md: our
# code is built with -mgeneral-regs-only; only the reserved section .text.fpsimd
# may use them: fpsimd.S, which saves and restores a vCPU's FP/SIMD registers).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OBJDUMP=${HYP_OBJDUMP:-aarch64-linux-gnu-objdump}
objs=$(find "$BUILD/hyp/obj" -name '*.o' 2>/dev/null | sort)
if [ -z "$objs" ]; then
    echo "[test] FAIL hyp objects: none built under $BUILD/hyp/obj"
    exit 0
fi
for o in $objs; do
    name=${o#"$BUILD"/hyp/obj/}
    # FP/SIMD registers appear as v0-v31 or q/d/s/h/b0-31 operands. Branches and
    # address computations are skipped: their operands are addresses (e.g. "b28").
    hits=$("$OBJDUMP" -d --no-show-raw-insn "$o" | awk -F'\t' '
        /^Disassembly of section / { reserved = ($0 ~ /section \.text\.fpsimd:/); next }
        !reserved && NF >= 3 && $2 !~ /^(b|b\..*|bl|blr|br|cbz|cbnz|tbz|tbnz|adr|adrp|ret)$/ {
            ops = $3; sub(/[ ]*(<|\/\/).*/, "", ops)
            if (ops ~ /(^|[ ,\[{])[vqdshb]([0-9]|[12][0-9]|3[01])([.,\] }]|$)/) print $1 "\t" $2 "\t" ops
        }' | head -3)
    if [ -z "$hits" ]; then
        echo "[test] PASS no FP/SIMD in $name (aarch64, -mgeneral-regs-only)"
    else
        echo "[test] FAIL no FP/SIMD in $name: $(echo "$hits" | tr '\t\n' '  ')"
    fi
done
