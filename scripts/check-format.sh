#!/usr/bin/env bash
# Every tracked C file must be formatted as .clang-format says.
# With --report, prints one test line per file (for the test runner).
set -uo pipefail
cd "$(dirname "$0")/.."
report=0
if [ "${1-}" = "--report" ]; then
    report=1
    shift
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
fi
bad=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if clang-format --style=file "$f" | cmp -s - "$f"; then
        [ $report -eq 1 ] && echo "[test] PASS format $f"
    else
        bad=1
        if [ $report -eq 1 ]; then
            echo "[test] FAIL format $f: differs from clang-format (run: clang-format -i $f)"
        else
            echo "format: $f differs from clang-format (run: clang-format -i $f)" >&2
        fi
    fi
done
[ $report -eq 1 ] && exit 0
exit $bad
