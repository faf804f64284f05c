#!/usr/bin/env bash
# The guest ABI headers compile on their own, for AArch64 and the host, and
# their _Static_asserts on sizes and offsets hold on both.
set -uo pipefail
cd "$(dirname "$0")/.."
for h in $(cd xen/include/public && find . -name '*.h' | sed 's|^\./||' | sort); do
    for cc in aarch64-linux-gnu-gcc gcc; do
        if out=$(echo "#include \"$h\"" | $cc -std=c11 -Wall -Wextra -Werror -ffreestanding \
            -Ixen/include/public -x c -c - -o /dev/null 2>&1); then
            echo "[test] PASS public ABI $h ($cc)"
        else
            echo "[test] FAIL public ABI $h ($cc): $(echo "$out" | grep -m1 error)"
        fi
    done
done
