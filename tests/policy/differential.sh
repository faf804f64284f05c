#!/usr/bin/env bash
# Differential tests: Flaxen's security server (flask-query) against libsepol
# (sepol-ref, linked statically) on every policy the build produces:
#   - every (source type, target type, class) decision, for each boolean setting;
#   - every computed create/member/change label;
#   - tens of thousands of random context pairs with random boolean flips.
# Any difference fails, naming the policy and the first differing line.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FQ="$BUILD/host/bin/flask-query"
REF="$BUILD/host/bin/sepol-ref"
RANDOM_QUERIES=${RANDOM_QUERIES:-20000}
work="$BUILD/differential"
mkdir -p "$work"

compare() { # name ours-file theirs-file
    local name=$1 ours=$2 theirs=$3 lines
    lines=$(wc -l <"$theirs")
    if [ "$lines" -eq 0 ]; then
        echo "[test] FAIL $name: the reference produced no output"
    elif cmp -s "$ours" "$theirs"; then
        echo "[test] PASS $name ($lines lines identical)"
    else
        local first
        first=$(diff "$ours" "$theirs" | head -4 | tr '\n' ' ')
        echo "[test] FAIL $name: $(diff "$ours" "$theirs" | grep -c '^[<>]') lines differ; first: $first"
    fi
}

# Boolean settings to try: all combinations for up to 4 booleans, else the
# defaults, all off, all on, and each one flipped alone.
bool_settings() { # policy -> one line per setting, each "-b a=0 -b b=1 ..." (may be empty)
    local policy=$1 names defaults n
    mapfile -t names < <("$FQ" check "$policy" | awk '/^  [^ ]+ = [01]$/ {print $1}')
    mapfile -t defaults < <("$FQ" check "$policy" | awk '/^  [^ ]+ = [01]$/ {print $3}')
    n=${#names[@]}
    echo ""
    [ "$n" -eq 0 ] && return
    if [ "$n" -le 4 ]; then
        for ((mask = 0; mask < (1 << n); mask++)); do
            local s=""
            for ((i = 0; i < n; i++)); do s+=" -b ${names[i]}=$(((mask >> i) & 1))"; done
            echo "$s"
        done
        return
    fi
    local all0="" all1=""
    for ((i = 0; i < n; i++)); do
        all0+=" -b ${names[i]}=0"
        all1+=" -b ${names[i]}=1"
        echo " -b ${names[i]}=$((1 - defaults[i]))"
    done
    echo "$all0"
    echo "$all1"
}

policies=$(ls "$BUILD"/policy/*.24 "$BUILD"/policy/*.30 "$BUILD"/policy/tests/*.24 \
    "$BUILD"/policy/tests/*.30 2>/dev/null)
[ -n "$policies" ] || { echo "[test] FAIL differential: no policies under $BUILD/policy"; exit 1; }

seed=1
for policy in $policies; do
    label=${policy#"$BUILD"/policy/}
    tag=${label//\//_}
    while IFS= read -r setting; do
        # shellcheck disable=SC2086
        "$FQ" enum $setting "$policy" | grep -v '^#' >"$work/$tag.ours" 2>&1
        # shellcheck disable=SC2086
        "$REF" enum $setting "$policy" | grep -v '^#' >"$work/$tag.ref" 2>&1
        compare "enum $label${setting:+ [$setting ]}" "$work/$tag.ours" "$work/$tag.ref"
    done < <(bool_settings "$policy")
    "$FQ" enum-trans "$policy" | grep -v '^#' >"$work/$tag.tours"
    "$REF" enum-trans "$policy" | grep -v '^#' >"$work/$tag.tref"
    compare "enum-trans $label" "$work/$tag.tours" "$work/$tag.tref"
    "$REF" gen-queries "$seed" "$RANDOM_QUERIES" "$policy" >"$work/$tag.q"
    "$FQ" batch "$policy" <"$work/$tag.q" >"$work/$tag.bours"
    "$REF" batch "$policy" <"$work/$tag.q" >"$work/$tag.bref"
    compare "random $label (seed $seed)" "$work/$tag.bours" "$work/$tag.bref"
    seed=$((seed + 1))
done
