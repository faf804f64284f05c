# Sourced by the attestation check and the demo: turns what the attest guest printed
# ("(dN) attest: PART OFFSET HEX" lines) back into files.
#
#   attestation_extract LOG DIR [DOMAIN]   writes DIR/quote, DIR/signature, DIR/key and
#                                          DIR/log; non-zero when a part is missing
#   attestation_enroll TPMSTATE DIR        the attestation key derived again on the host from
#                                          the same TPM (swtpm's state, once QEMU is gone)
#                                          with tpm2-tools, as a deployment enrolls it:
#                                          DIR/enrolled.pub; non-zero (DIR/enroll.log) if not
attestation_extract() {
    local log=$1 dir=$2 dom=${3:-d0} part
    for part in quote signature key log; do
        tr -d '\r' <"$log" | sed -n "s/^($dom) attest: $part [0-9]* \([0-9a-f]*\)$/\1/p" |
            tr -d '\n' | perl -ne 'print pack("H*", $_)' >"$dir/$part"
        [ -s "$dir/$part" ] || { attestation_missing=$part; return 1; }
    done
}

attestation_enroll() {
    local state=$1 dir=$2 port pid rc=0
    port=$((22000 + ($$ % 4000) * 2))
    swtpm socket --tpm2 --tpmstate dir="$state" --flags not-need-init,startup-clear \
        --server type=tcp,port=$port,bindaddr=127.0.0.1 \
        --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 >"$dir/swtpm.log" 2>&1 &
    pid=$!
    sleep 0.5
    # The fixed template the hypervisor's CreatePrimary uses: same seed, same key.
    TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port" tpm2_createprimary -Q -C e -g sha256 \
        -G ecc256:ecdsa-sha256:null -c "$dir/ak.ctx" \
        -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' \
        >"$dir/enroll.log" 2>&1 &&
        TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port" tpm2_readpublic -Q -c "$dir/ak.ctx" \
            -o "$dir/enrolled.pub" >>"$dir/enroll.log" 2>&1 || rc=1
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return $rc
}
