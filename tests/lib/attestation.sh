# Sourced by the attestation check and the demo: turns what the attest guest printed
# ("(dN) attest: PART OFFSET HEX" lines) back into files.
#
#   attestation_extract LOG DIR [DOMAIN]   writes DIR/quote, DIR/signature, DIR/key and
#                                          DIR/log; non-zero when a part is missing
attestation_extract() {
    local log=$1 dir=$2 dom=${3:-d0} part
    for part in quote signature key log; do
        tr -d '\r' <"$log" | sed -n "s/^($dom) attest: $part [0-9]* \([0-9a-f]*\)$/\1/p" |
            tr -d '\n' | perl -ne 'print pack("H*", $_)' >"$dir/$part"
        [ -s "$dir/$part" ] || { attestation_missing=$part; return 1; }
    done
}
