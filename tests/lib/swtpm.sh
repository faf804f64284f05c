# A software TPM 2.0 (swtpm) for a QEMU boot, sourced by the test runners.
#
#   swtpm_start DIR      manufactures a TPM in DIR once (SHA-256 bank only, as Flaxen
#                        requires), then starts swtpm on the control socket DIR/ctrl;
#                        returns non-zero (with swtpm_error set) if it cannot
#   swtpm_qemu_args DIR  prints the QEMU arguments that attach it as tpm-tis-device
#   swtpm_stop DIR       stops it (QEMU stops it too when it exits; a killed QEMU does not)
#
# One swtpm serves one QEMU run: QEMU shuts it down when it exits.

swtpm_start() {
    local dir=$1 tries
    swtpm_error=""
    command -v swtpm >/dev/null && command -v swtpm_setup >/dev/null ||
        { swtpm_error="swtpm is not installed (scripts/deps.sh installs it)"; return 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd) # swtpm --daemon leaves the working directory
    if [ ! -f "$dir/tpm2-00.permall" ]; then
        swtpm_setup --tpm2 --tpmstate "$dir" --pcr-banks sha256 --overwrite >"$dir/setup.log" 2>&1 ||
            { swtpm_error="swtpm_setup failed: $(tail -1 "$dir/setup.log")"; return 1; }
    fi
    swtpm_stop "$dir"
    rm -f "$dir/ctrl"
    swtpm socket --tpm2 --tpmstate dir="$dir" --ctrl type=unixio,path="$dir/ctrl" \
        --terminate --pid file="$dir/pid" --log file="$dir/swtpm.log" --daemon ||
        { swtpm_error="swtpm did not start (see $dir/swtpm.log)"; return 1; }
    for ((tries = 0; tries < 100; tries++)); do
        [ -S "$dir/ctrl" ] && return 0
        sleep 0.05
    done
    swtpm_error="swtpm made no socket $dir/ctrl"
    return 1
}

swtpm_qemu_args() {
    printf '%s\n' -chardev "socket,id=flaxen-tpm,path=$1/ctrl" \
        -tpmdev "emulator,id=tpm0,chardev=flaxen-tpm" -device "tpm-tis-device,tpmdev=tpm0"
}

swtpm_stop() {
    local pid
    pid=$(cat "$1/pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null
    for ((i = 0; i < 40; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null
    rm -f "$1/pid"
    return 0
}
