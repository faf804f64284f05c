#!/usr/bin/env bash
# Boots guest-test scenarios under QEMU, one fresh boot each, and checks what the guests
# printed against what each scenario expects (format: tests/guest/README.md).
#
#   tests/guest/run.sh                  every tests/guest/scenarios/*.scenario
#   tests/guest/run.sh selftest hang    only these scenarios (or paths to .scenario files)
#   tests/guest/run.sh --list           names and descriptions
#
# Environment: QEMU=path (default qemu-system-aarch64), BUILD=dir (default build),
# KEEP_LOGS=1 keeps every console log (default: only logs of scenarios with a failure),
# VERBOSE=1 prints each console log after its results.
#
# Output: one "[test] PASS|FAIL scenario/check" line per check (the make-check protocol),
# notes indented below them, and "guest: N passed, N failed" at the end. The exit status is
# 0 whatever the tests did; 2 when the runner itself cannot work (no QEMU, unknown scenario).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
# The CPU: every architecture feature QEMU has (pointer authentication, SHA-2, GICv3, ...),
# with its implementation-defined pointer-authentication algorithm instead of QARMA5:
# the same instructions and keys, but QARMA5 emulated in software made every function
# call of the hypervisor and of Linux (which signs return addresses) several times
# slower (dom0 reached /init in 7.8 s instead of 2.9 s).
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
KEEP_LOGS=${KEEP_LOGS:-0}
VERBOSE=${VERBOSE:-0}
scenario_dir=tests/guest/scenarios
# shellcheck source=tests/lib/swtpm.sh
. tests/lib/swtpm.sh
# shellcheck source=tests/lib/efi.sh
. tests/lib/efi.sh
log_dir=$BUILD/guest/logs
passed=0
failed=0

die() {
    echo "guest-run: $*" >&2
    exit 2
}

report_pass() {
    echo "[test] PASS $1"
    passed=$((passed + 1))
    scenario_checks=$((scenario_checks + 1))
}

report_fail() {
    echo "[test] FAIL $1"
    failed=$((failed + 1))
    scenario_failed=1
    scenario_checks=$((scenario_checks + 1))
}

note() {
    echo "    $*"
}

trim() {
    local text=$1
    text=${text#"${text%%[![:space:]]*}"}
    text=${text%"${text##*[![:space:]]}"}
    printf '%s' "$text"
}

# ---------------------------------------------------------------- scenario files

reset_scenario() {
    s_description="" s_kernel="" s_hypervisor="" s_append=""
    s_machine="virt,gic-version=3" s_cpu="$QEMU_CPU" s_smp=1 s_memory=256M
    s_timeout=20 s_expect="done" s_done=""
    s_pass=() s_fail=() s_require=() s_forbid=() s_device=() s_qemu_args=()
    s_modules=() s_dtmodules=() s_domains=() s_errors=() s_checks=()
    s_manifest=auto s_manifest_addr=0x5f000000 s_manifest_omit=() s_manifest_labels=()
    s_manifest_flip="" s_manifest_key="" s_dom0_label=system_u:system_r:dom0_t
    s_manifest_images=() s_manifest_cmdlines=() s_manifest_extras=() s_tpm=yes tpm_dir=""
    s_boot=direct s_efi_tamper=""
}

# Reads one scenario file into the s_* variables; problems go to s_errors.
parse_scenario() {
    local file=$1 number=0 line key value words
    while IFS= read -r line || [ -n "$line" ]; do
        number=$((number + 1))
        line=$(trim "${line%$'\r'}")
        [[ -z "$line" || "$line" == \#* ]] && continue
        if [[ "$line" != *=* ]]; then
            s_errors+=("line $number: expected key=value")
            continue
        fi
        key=$(trim "${line%%=*}")
        value=$(trim "${line#*=}")
        value=${value//\$\{BUILD\}/$BUILD}
        case "$key" in
        description) s_description=$value ;;
        guest) s_kernel="$BUILD/guest/$value.bin" ;;
        kernel) s_kernel=$value ;;
        hypervisor) s_hypervisor=$value ;;
        append) s_append=$value ;;
        machine) s_machine=$value ;;
        cpu) s_cpu=$value ;;
        memory) s_memory=$value ;;
        smp | timeout)
            if [[ ! "$value" =~ ^[1-9][0-9]*$ ]]; then
                s_errors+=("line $number: $key must be a positive integer")
            elif [ "$key" = smp ]; then s_smp=$value; else s_timeout=$value; fi
            ;;
        expect)
            case "$value" in
            done | timeout) s_expect=$value ;;
            *) s_errors+=("line $number: expect must be done or timeout") ;;
            esac
            ;;
        done) s_done=$value ;;
        pass) read -ra words <<<"$value" && s_pass+=("${words[@]}") ;;
        fail) read -ra words <<<"$value" && s_fail+=("${words[@]}") ;;
        require) s_require+=("$value") ;;
        forbid) s_forbid+=("$value") ;;
        check) s_checks+=("$value") ;;
        device) s_device+=("$value") ;;
        qemu_args) read -ra words <<<"$value" && s_qemu_args+=("${words[@]}") ;;
        module) s_modules+=("$value") ;;
        dtmodule) s_dtmodules+=("$value") ;;
        domain) s_domains+=("$value") ;;
        tpm)
            case "$value" in
            yes | no) s_tpm=$value ;;
            *) s_errors+=("line $number: tpm must be yes or no") ;;
            esac
            ;;
        boot)
            case "$value" in
            direct | efi) s_boot=$value ;;
            *) s_errors+=("line $number: boot must be direct or efi") ;;
            esac
            ;;
        efi_tamper) s_efi_tamper=$value ;;
        manifest) s_manifest=$value ;;
        manifest_addr) s_manifest_addr=$value ;;
        manifest_omit) s_manifest_omit+=("$value") ;;
        manifest_label) s_manifest_labels+=("$value") ;;
        manifest_image) s_manifest_images+=("$value") ;;
        manifest_extra) s_manifest_extras+=("$value") ;;
        manifest_cmdline) s_manifest_cmdlines+=("$value") ;;
        manifest_flip) s_manifest_flip=$value ;;
        manifest_key) s_manifest_key=$value ;;
        dom0_label) s_dom0_label=$value ;;
        policy)
            read -ra words <<<"$value"
            s_dtmodules+=("xen,xsm-policy ${words[1]:-0x52000000} ${words[0]:-}")
            ;;
        *) s_errors+=("line $number: unknown key '$key'") ;;
        esac
    done <"$file"
    if [ -z "$s_done" ]; then
        if [ "$s_expect" = "done" ]; then s_done=yes; else s_done=no; fi
    fi
    [ -n "$s_kernel" ] || [ -n "$s_hypervisor" ] || s_errors+=("no guest=, kernel= or hypervisor=")
    if [ -n "$s_hypervisor" ] && [ -n "$s_kernel" ]; then
        s_errors+=("hypervisor= boots guests as module= lines; kernel=/guest= is for bare mode")
    fi
}

# ---------------------------------------------------------------- QEMU command line

# tpm=yes: a fresh software TPM for this boot ($log_dir/NAME.tpm, started before QEMU runs).
attach_tpm() {
    [ "$s_tpm" = yes ] || return 0
    tpm_dir="$log_dir/$1.tpm"
    rm -rf "$tpm_dir"
    mapfile -t -O "${#qemu_cmd[@]}" qemu_cmd < <(swtpm_qemu_args "$tpm_dir")
}

# Fills qemu_cmd for the scenario; returns non-zero (with a message) if it cannot.
build_command() {
    local name=$1 module kind addr image bootargs device
    qemu_cmd=("$QEMU" -M "$s_machine" -cpu "$s_cpu" -smp "$s_smp" -m "$s_memory"
        -nodefaults -display none -monitor none -serial stdio -no-reboot)
    if [ "$s_boot" = efi ]; then
        build_efi_command "$name"
        return
    fi
    if [ -n "$s_hypervisor" ]; then
        [ -f "$s_hypervisor" ] || { build_error="hypervisor image $s_hypervisor is missing"; return 1; }
        qemu_cmd+=(-kernel "$s_hypervisor")
        for module in "${s_modules[@]}"; do
            read -r kind addr image bootargs <<<"$module"
            image=$(image_path "$image")
            [ -f "$image" ] || { build_error="module image $image is missing"; return 1; }
            case "$kind" in
            kernel) device="guest-loader,addr=$addr,kernel=$image"
                [ -n "$bootargs" ] && device+=",bootargs=${bootargs//,/,,}" ;;
            ramdisk | initrd) device="guest-loader,addr=$addr,initrd=$image" ;;
            *) build_error="module kind '$kind' (want kernel or ramdisk)"; return 1 ;;
            esac
            qemu_cmd+=(-device "$device")
        done
    else
        [ -f "$s_kernel" ] || { build_error="guest image $s_kernel is missing (make guests)"; return 1; }
        qemu_cmd+=(-kernel "$s_kernel")
    fi
    [ -n "$s_append" ] && qemu_cmd+=(-append "$s_append")
    for device in "${s_device[@]}"; do qemu_cmd+=(-device "$device"); done
    qemu_cmd+=("${s_qemu_args[@]}")
    [ -z "$s_hypervisor" ] || attach_tpm "$name"
    if [ -n "$s_hypervisor" ] && [ "$s_manifest" != none ]; then
        make_manifest "$name" || return 1
    fi
    [ $((${#s_dtmodules[@]} + ${#s_domains[@]})) -eq 0 ] || add_dt_nodes "$name"
}

# boot=efi: UEFI firmware, GRUB from an ESP, Flaxen (tests/lib/efi.sh). The modules go
# through GRUB's xen_module in order: module= kernels (their address is GRUB's to choose),
# then the policy and the manifest (found by their contents). efi_tamper=hypervisor changes
# a header byte of flaxen.efi (it still boots), efi_tamper=grub.cfg adds a command, both
# after GRUB's measurements were predicted into $log_dir/NAME.efi/grub.golden.
build_efi_command() {
    local name=$1 dir="$log_dir/$1.efi" module kind addr image bootargs entry compatible file
    local modules=()
    [ -n "$s_hypervisor" ] || { build_error="boot=efi boots a hypervisor= image"; return 1; }
    [ ${#s_domains[@]} -eq 0 ] ||
        { build_error="boot=efi: GRUB cannot place domain= kernels at fixed addresses"; return 1; }
    qemu_cmd+=("${s_qemu_args[@]}")
    attach_tpm "$name"
    [ "$s_manifest" = none ] || make_manifest "$name" || return 1
    for module in "${s_modules[@]}"; do
        read -r kind addr image bootargs <<<"$module"
        modules+=("$(image_path "$image")${bootargs:+ $bootargs}")
    done
    for entry in "${s_dtmodules[@]}"; do
        read -r compatible addr file <<<"$entry"
        case "$compatible" in
        xen,xsm-policy | flaxen,domain-manifest) modules+=("$(image_path "$file")") ;;
        *) build_error="boot=efi: GRUB cannot state a $compatible module"; return 1 ;;
        esac
    done
    rm -rf "$dir" && mkdir -p "$dir"
    efi_esp_tree "$dir" "$s_hypervisor" "$s_append" "${modules[@]}" || { build_error=$efi_error; return 1; }
    case "$s_efi_tamper" in
    "") ;;
    hypervisor) printf '\x01' | dd of="$dir/esp/flaxen/flaxen.efi" bs=1 seek=72 conv=notrunc 2>/dev/null ;;
    grub.cfg) sed -i '1i echo flaxen: an extra command' "$dir/esp/flaxen/grub.cfg" ;;
    *) build_error="efi_tamper=$s_efi_tamper (want hypervisor or grub.cfg)"; return 1 ;;
    esac
    efi_esp_image "$dir" || { build_error=$efi_error; return 1; }
    efi_qemu_args "$dir" >"$dir/qemu.args" || { build_error=$efi_error; return 1; }
    mapfile -t -O "${#qemu_cmd[@]}" qemu_cmd <"$dir/qemu.args"
}

# ---------------------------------------------------------------- the domain manifest

# True when FILE starts with the FLASK policy magic (a policy passed as a ramdisk).
is_policy_file() {
    [ "$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')" = 8cff7cf9 ]
}

# The value of KEY=VALUE among "NAME LABEL"-style scenario settings for a domain, or empty.
setting_for() {
    local domain=$1 entry
    shift
    for entry in "$@"; do
        [ "${entry%% *}" = "$domain" ] && { echo "${entry#* }"; return; }
    done
}

# manifest=auto (the default for hypervisor scenarios): a manifest signed with the build's
# key (the one the hypervisor trusts), one entry per boot-time domain: its kernel image,
# command line and ramdisk as the hypervisor will load them, and its seclabel
# (dom0: dom0_label=, domains without one: system_u:system_r:domU_t). manifest=FILE uses a
# file as it is; manifest=none boots without one. For the refusal scenarios:
# manifest_omit=NAME leaves a domain out; manifest_label=NAME LABEL, manifest_image=NAME FILE
# and manifest_cmdline=NAME TEXT list another label, image or command line for it;
# manifest_key=FILE signs with another key (manifest_key=new: a key made for the run);
# manifest_extra=NAME IMAGE LABEL [ramdisk=FILE] [CMDLINE] lists a domain a toolstack builds
# and seals;
# manifest_flip=OFFSET changes a bit of the byte at OFFSET after signing.
make_manifest() {
    local name=$1 tool="$BUILD/host/bin/flaxen-manifest" out="$log_dir/$name.manifest"
    local key=${s_manifest_key:-${FLAXEN_MANIFEST_KEY:-$BUILD/keys/manifest-signing.pem}}
    local args=() module kind addr image bootargs entry token dname kernel ramdisk label
    local dom0_kernel="" dom0_cmdline="" dom0_ramdisk=""
    if [ "$s_manifest" != auto ]; then
        [ -f "$s_manifest" ] || { build_error="manifest $s_manifest is missing"; return 1; }
        s_dtmodules+=("flaxen,domain-manifest $s_manifest_addr $s_manifest")
        return 0
    fi
    [ -x "$tool" ] || { build_error="$tool is missing (make host-tools)"; return 1; }
    if [ "$key" = new ]; then
        key="$log_dir/$name.other-key.pem"
        rm -f "$key"
        "$tool" keygen "$key" >/dev/null 2>&1 || { build_error="flaxen-manifest keygen failed"; return 1; }
    fi
    [ -f "$key" ] || { build_error="signing key $key is missing (make hyp makes it)"; return 1; }
    for module in "${s_modules[@]}"; do
        read -r kind addr image bootargs <<<"$module"
        image=$(image_path "$image")
        case "$kind" in
        kernel) dom0_kernel=$image dom0_cmdline=${bootargs:-$s_append} ;;
        ramdisk | initrd) is_policy_file "$image" || dom0_ramdisk=$image ;;
        esac
    done
    if [ -n "$dom0_kernel" ] && ! omitted dom0; then
        label=$(setting_for dom0 "${s_manifest_labels[@]}")
        args+=(--domain dom0 --image "$dom0_kernel" --cmdline "$dom0_cmdline"
            --label "${label:-$s_dom0_label}")
        [ -z "$dom0_ramdisk" ] || args+=(--ramdisk "$dom0_ramdisk")
    fi
    for entry in "${s_domains[@]}"; do
        parse_domain_entry "$entry" || return 1
        dname=$d_name bootargs=$d_bootargs kernel=${d_kernel%@*} label=$d_label
        ramdisk=${d_ramdisk%@*}
        omitted "$dname" && continue
        token=$(setting_for "$dname" "${s_manifest_labels[@]}")
        [ -z "$token" ] || label=$token
        token=$(setting_for "$dname" "${s_manifest_images[@]}")
        [ -z "$token" ] || kernel=$token
        token=$(setting_for "$dname" "${s_manifest_cmdlines[@]}")
        [ -z "$token" ] || bootargs=$token
        args+=(--domain "$dname" --image "$(image_path "$kernel")" --cmdline "$bootargs"
            --label "${label:-system_u:system_r:domU_t}")
        [ -z "$ramdisk" ] || args+=(--ramdisk "$(image_path "$ramdisk")")
    done
    for entry in "${s_manifest_extras[@]}"; do # NAME IMAGE LABEL [ramdisk=FILE] [CMDLINE]
        read -r dname kernel label bootargs <<<"$entry"
        ramdisk=""
        if [[ "$bootargs" == ramdisk=* ]]; then
            ramdisk=${bootargs%% *} bootargs=${bootargs#"$ramdisk"} ramdisk=${ramdisk#ramdisk=}
            bootargs=${bootargs# }
        fi
        args+=(--domain "$dname" --image "$(image_path "$kernel")" --cmdline "$bootargs"
            --label "$label")
        [ -z "$ramdisk" ] || args+=(--ramdisk "$(image_path "$ramdisk")")
    done
    [ ${#args[@]} -gt 0 ] || return 0 # no domain to list
    rm -f "$out"
    "$tool" build -k "$key" -o "$out" --serial 1 "${args[@]}" >"$out.log" 2>&1 ||
        { build_error="flaxen-manifest: $(tail -1 "$out.log")"; return 1; }
    if [ -n "$s_manifest_flip" ]; then # one bit of the byte at that offset
        token=$(od -An -tu1 -j "$s_manifest_flip" -N1 "$out" | tr -d ' ')
        [ -n "$token" ] || { build_error="manifest_flip=$s_manifest_flip: past the end"; return 1; }
        printf "\\$(printf %03o $((token ^ 1)))" |
            dd of="$out" bs=1 seek="$s_manifest_flip" conv=notrunc 2>/dev/null
    fi
    s_dtmodules+=("flaxen,domain-manifest $s_manifest_addr $out")
}

# True when manifest_omit= names the domain.
omitted() {
    local entry
    for entry in "${s_manifest_omit[@]}"; do
        [ "$entry" = "$1" ] && return 0
    done
    return 1
}

# A file name, with guest:NAME standing for $BUILD/guest/NAME.bin.
image_path() {
    if [[ "$1" == guest:* ]]; then echo "$BUILD/guest/${1#guest:}.bin"; else echo "$1"; fi
}

# A dts string literal.
dts_string() {
    local text=${1//\\/\\\\}
    printf '"%s"' "${text//\"/\\\"}"
}

# Emits "module@ADDR { ... };" for a file loaded at ADDR, and the loader device for it.
# Arguments: indent, compatible list (dts syntax), address, file, bootargs (may be empty).
emit_module_node() {
    local indent=$1 compatible=$2 addr=$3 file=$4 bootargs=$5 size
    [ -f "$file" ] || { build_error="module file $file is missing"; return 1; }
    size=$(stat -c %s "$file")
    printf '%smodule@%x {\n%s\tcompatible = %s;\n' "$indent" "$((addr))" "$indent" "$compatible"
    printf '%s\treg = <0x%x 0x%x 0x%x 0x%x>;\n' "$indent" "$((addr >> 32))" \
        "$((addr & 0xffffffff))" "$((size >> 32))" "$((size & 0xffffffff))"
    [ -z "$bootargs" ] || printf '%s\tbootargs = %s;\n' "$indent" "$(dts_string "$bootargs")"
    printf '%s};\n' "$indent"
    qemu_cmd+=(-device "loader,file=$file,addr=$addr,force-raw=on")
}

# A boot-time domain: /chosen/NAME with compatible "xen,domain" (the dom0less binding).
# Entry: NAME kernel=IMAGE@ADDR [ramdisk=FILE@ADDR] [memory=KIB] [cpus=N] [seclabel=LABEL]
#        [FLAG...] [bootargs=REST OF THE LINE]
# Splits a domain= entry into d_name, d_kernel and d_ramdisk (IMAGE@ADDR), d_memory, d_cpus,
# d_label, d_flags and d_bootargs; returns 1 with build_error set when it is malformed.
parse_domain_entry() {
    local entry=$1 head token
    d_bootargs="" d_kernel="" d_ramdisk="" d_memory=65536 d_cpus=1 d_label="" d_flags=()
    head=${entry%% bootargs=*}
    [[ "$entry" == *" bootargs="* ]] && d_bootargs=${entry#* bootargs=}
    read -ra tokens <<<"$head"
    d_name=${tokens[0]-}
    [[ "$d_name" =~ ^[A-Za-z][A-Za-z0-9,._+-]*$ ]] || { build_error="domain name '$d_name'"; return 1; }
    for token in "${tokens[@]:1}"; do
        case "$token" in
        kernel=*@*) d_kernel=${token#kernel=} ;;
        ramdisk=*@*) d_ramdisk=${token#ramdisk=} ;;
        memory=*) d_memory=${token#memory=} ;;
        cpus=*) d_cpus=${token#cpus=} ;;
        seclabel=*) d_label=${token#seclabel=} ;;
        *=*) build_error="domain $d_name: unknown setting '$token'"; return 1 ;;
        *) d_flags+=("$token") ;;
        esac
    done
    [ -n "$d_kernel" ] || { build_error="domain $d_name: no kernel=IMAGE@ADDR"; return 1; }
}

emit_domain_node() {
    local token
    parse_domain_entry "$1" || return 1
    printf '\t\t%s {\n\t\t\tcompatible = "xen,domain";\n' "$d_name"
    printf '\t\t\t#address-cells = <2>;\n\t\t\t#size-cells = <2>;\n'
    printf '\t\t\tmemory = <0x0 %d>;\n\t\t\tcpus = <%d>;\n' "$d_memory" "$d_cpus"
    [ -z "$d_label" ] || printf '\t\t\tseclabel = %s;\n' "$(dts_string "$d_label")"
    for token in "${d_flags[@]}"; do printf '\t\t\t%s;\n' "$token"; done
    emit_module_node $'\t\t\t' '"multiboot,kernel", "multiboot,module"' "${d_kernel##*@}" \
        "$(image_path "${d_kernel%@*}")" "$d_bootargs" || return 1
    if [ -n "$d_ramdisk" ]; then
        emit_module_node $'\t\t\t' '"multiboot,ramdisk", "multiboot,module"' "${d_ramdisk##*@}" \
            "$(image_path "${d_ramdisk%@*}")" "" || return 1
    fi
    printf '\t\t};\n'
}

# Device-tree modules (policy, manifest) and boot-time domains: QEMU's guest-loader only
# writes kernel and ramdisk modules, so dump QEMU's device tree, add the nodes under /chosen
# with dtc (a second "/ { chosen { ... }; };" block merges into the first), boot with -dtb
# and load the files with QEMU's generic loader.
add_dt_nodes() {
    local name=$1 entry compatible addr file
    local source="$log_dir/$name.dts" dumped="$log_dir/$name.qemu.dtb" edited="$log_dir/$name.dtb"
    command -v dtc >/dev/null || { build_error="dtc is needed for dtmodule=, policy=, domain="; return 1; }
    if [ -n "$tpm_dir" ]; then # QEMU connects to the TPM even to dump its device tree
        swtpm_start "$tpm_dir" || { build_error=$swtpm_error; return 1; }
    fi
    timeout -k 2 30 "${qemu_cmd[@]}" -machine dumpdtb="$dumped" </dev/null >/dev/null 2>&1 ||
        { build_error="QEMU could not dump its device tree"; return 1; }
    [ -z "$tpm_dir" ] || swtpm_stop "$tpm_dir"
    dtc -q -I dtb -O dts -o "$source" "$dumped" || { build_error="dtc could not read the dump"; return 1; }
    {
        printf '/ {\n\tchosen {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n'
        # The hypervisor's own command line, so /chosen/bootargs cannot be taken for dom0's.
        [ -z "$s_hypervisor" ] || [ -z "$s_append" ] ||
            printf '\t\txen,xen-bootargs = %s;\n' "$(dts_string "$s_append")"
        for entry in "${s_dtmodules[@]}"; do
            read -r compatible addr file <<<"$entry"
            emit_module_node $'\t\t' "\"$compatible\", \"multiboot,module\"" "$addr" \
                "$(image_path "$file")" "" || return 1
        done
        for entry in "${s_domains[@]}"; do
            emit_domain_node "$entry" || return 1
        done
        printf '\t};\n};\n'
    } >>"$source" || return 1
    dtc -q -I dts -O dtb -o "$edited" "$source" || { build_error="dtc rejected $source"; return 1; }
    qemu_cmd+=(-dtb "$edited")
}

# ---------------------------------------------------------------- console log

# Turns the console log into records TYPE, ORIGIN, NAME, REASON separated by \x1f (not a
# tab: read would merge empty fields). ORIGIN is "dN" for lines a hypervisor prefixed with
# "(dN) " (a domain's console_io output) or "(XEN) DOMN: " (Xen's virtual UART), else empty.
parse_log() {
    tr -d '\r' <"$1" | awk -v OFS=$'\x1f' '
    {
        origin = ""
        if (match($0, /^\(d[0-9]+\) /)) {
            origin = substr($0, 2, RLENGTH - 3)
            $0 = substr($0, RLENGTH + 1)
        } else if (match($0, /^\(XEN\) DOM[0-9]+: /)) {
            origin = "d" substr($0, 10, RLENGTH - 11)
            $0 = substr($0, RLENGTH + 1)
        }
        if ($0 == "[test] DONE") { print "DONE", origin, "", ""; next }
        if (!match($0, /^\[test\] (PASS|FAIL|SKIP|START) /)) next
        type = substr($0, 8, RLENGTH - 8)
        rest = substr($0, RLENGTH + 1)
        name = rest; reason = ""
        if (type == "FAIL" || type == "SKIP") {
            split_at = index(rest, ": ")
            if (split_at > 0) { name = substr(rest, 1, split_at - 1); reason = substr(rest, split_at + 2) }
        }
        gsub(/[ \t]+$/, "", name)
        print type, origin, name, reason
    }'
}

load_results() {
    local type origin name reason key
    declare -gA r_status=() r_reason=() r_started=() r_done=()
    r_order=()
    while IFS=$'\x1f' read -r type origin name reason; do
        key=${origin:+$origin/}$name
        case "$type" in
        DONE) r_done[${origin:-yes}]=1 ;;
        START) r_started[$key]=1 ;;
        PASS | SKIP)
            [ -n "${r_status[$key]+x}" ] || r_order+=("$key")
            [ "${r_status[$key]-}" = FAIL ] || r_status[$key]=$type
            ;;
        FAIL)
            [ -n "${r_status[$key]+x}" ] || r_order+=("$key")
            [ "${r_status[$key]-}" = FAIL ] || { r_status[$key]=FAIL; r_reason[$key]=$reason; }
            ;;
        esac
    done < <(parse_log "$1")
}

# "[test] DONE", or "[test] DONE from d1" for a hypervisor-prefixed origin.
done_label() {
    if [ "$1" = yes ]; then echo "[test] DONE"; else echo "[test] DONE from $1"; fi
}

# Why a listed test has no result line.
missing_reason() {
    if [ -n "${r_started[$1]+x}" ]; then
        echo "started but never finished"
    else
        echo "no result line (the test never ran)"
    fi
}

in_list() {
    local want=$1 item
    shift
    for item in "$@"; do [ "$item" = "$want" ] && return 0; done
    return 1
}

check_tests() {
    local name=$1 test
    for test in "${s_pass[@]}"; do
        case "${r_status[$test]-}" in
        PASS) report_pass "$name/$test" ;;
        FAIL) report_fail "$name/$test: ${r_reason[$test]}" ;;
        SKIP) report_fail "$name/$test: skipped, expected to pass" ;;
        *) report_fail "$name/$test: $(missing_reason "$test")" ;;
        esac
    done
    for test in "${s_fail[@]}"; do
        case "${r_status[$test]-}" in
        FAIL) report_pass "$name/$test" && note "failed as expected: ${r_reason[$test]}" ;;
        PASS | SKIP) report_fail "$name/$test: expected to FAIL, but it ${r_status[$test]}ed" ;;
        *) report_fail "$name/$test: $(missing_reason "$test") (expected a FAIL line)" ;;
        esac
    done
    for test in "${r_order[@]}"; do
        in_list "$test" "${s_pass[@]}" "${s_fail[@]}" && continue
        if [ "${r_status[$test]}" = FAIL ]; then
            report_fail "$name/$test: ${r_reason[$test]} (test not listed in the scenario)"
        else
            report_fail "$name/$test: ${r_status[$test]}, but not listed in the scenario"
        fi
    done
}

# What the runner still waited for when time ran out.
describe_waiting() {
    local test waiting=() running=() origin
    for test in "${s_pass[@]}" "${s_fail[@]}"; do
        [ -n "${r_status[$test]+x}" ] || waiting+=("$test")
    done
    for test in "${!r_started[@]}"; do
        [ -n "${r_status[$test]+x}" ] || running+=("$test")
    done
    for origin in ${s_done/#no/yes}; do
        [ -n "${r_done[$origin]+x}" ] || waiting+=("$(done_label "$origin")")
    done
    note "still waiting for: ${waiting[*]:-nothing}; running when cut: ${running[*]:-none}"
}

show_tail() {
    note "last 10 console lines ($1):"
    tr -d '\r' <"$1" | tail -n 10 | sed 's/^/      | /'
}

check_boot() {
    local name=$1 rc=$2 log=$3 seconds=$4 origin missing_done=""
    local timed_out=0
    [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && timed_out=1
    if [ "$s_done" != no ]; then
        for origin in $s_done; do
            [ -n "${r_done[$origin]+x}" ] || missing_done="$(done_label "$origin")"
        done
    fi
    if [ $timed_out -eq 1 ]; then
        if [ "$s_expect" = timeout ]; then
            report_pass "$name/boot"
            note "cut by the ${s_timeout}s timeout, as the scenario expects"
        else
            report_fail "$name/boot: guest did not finish: timeout after ${s_timeout}s"
        fi
        describe_waiting
        show_tail "$log"
    elif [ "$s_expect" = timeout ]; then
        report_fail "$name/boot: expected a hang until the ${s_timeout}s timeout, but QEMU exited with status $rc after ${seconds}s"
        show_tail "$log"
    elif [ -n "$missing_done" ]; then
        report_fail "$name/boot: guest did not finish: QEMU exited with status $rc before $missing_done"
        show_tail "$log"
    elif [ "$rc" -ne 0 ]; then
        report_fail "$name/boot: QEMU exited with status $rc"
        show_tail "$log"
    else
        report_pass "$name/boot"
    fi
}

check_console() {
    local name=$1 log=$2 index=0 pattern
    for pattern in "${s_require[@]}"; do
        index=$((index + 1))
        # Not `tr | grep -q`: grep stops at the first match, tr dies of SIGPIPE on a long
        # log, and pipefail turns the match into a failure.
        if grep -Eq -- "$pattern" < <(tr -d '\r' <"$log"); then
            report_pass "$name/require-$index"
        else
            report_fail "$name/require-$index: no console line matches /$pattern/"
        fi
    done
    index=0
    for pattern in "${s_forbid[@]}"; do
        index=$((index + 1))
        local hit
        hit=$(tr -d '\r' <"$log" | grep -Em1 -- "$pattern")
        if [ -z "$hit" ]; then
            report_pass "$name/forbid-$index"
        else
            report_fail "$name/forbid-$index: forbidden /$pattern/ matched: $hit"
        fi
    done
}

# Runs each check= command with the console log as its last argument; its "PASS name" and
# "FAIL name: reason" lines become results of the scenario (a check that prints neither,
# or exits non-zero, fails).
run_checks() {
    local name=$1 log=$2 command index=0 line out rc seen
    for command in "${s_checks[@]}"; do
        index=$((index + 1))
        out=$(bash -c "$command \"\$1\"" check "$log" 2>&1)
        rc=$?
        seen=0
        while IFS= read -r line; do
            case "$line" in
            "PASS "*) report_pass "$name/check-$index: ${line#PASS }" && seen=1 ;;
            "FAIL "*) report_fail "$name/check-$index: ${line#FAIL }" && seen=1 ;;
            esac
        done <<<"$out"
        if [ "$rc" -ne 0 ] || [ "$seen" -eq 0 ]; then
            report_fail "$name/check-$index: '$command' exited with $rc: $(tail -2 <<<"$out" | tr '\n' ' ')"
        fi
    done
}

# ---------------------------------------------------------------- one scenario

run_scenario() {
    local file=$1 name log rc start seconds error
    name=$(basename "$file" .scenario)
    log="$log_dir/$name.log"
    scenario_failed=0
    scenario_checks=0
    build_error=""
    reset_scenario
    parse_scenario "$file"
    echo "== $name${s_description:+: $s_description}"
    if [ ${#s_errors[@]} -gt 0 ]; then
        for error in "${s_errors[@]}"; do report_fail "$name/scenario: $file: $error"; done
        return
    fi
    if ! build_command "$name"; then
        report_fail "$name/boot: $build_error"
        return
    fi
    if [ -n "$tpm_dir" ] && ! swtpm_start "$tpm_dir"; then
        report_fail "$name/boot: $swtpm_error"
        return
    fi
    start=$(date +%s%N)
    timeout -k 5 "$s_timeout" "${qemu_cmd[@]}" </dev/null >"$log" 2>&1
    rc=$?
    [ -z "$tpm_dir" ] || swtpm_stop "$tpm_dir"
    seconds=$(awk -v ns="$(($(date +%s%N) - start))" 'BEGIN { printf "%.1f", ns / 1e9 }')
    load_results "$log"
    check_tests "$name"
    check_boot "$name" "$rc" "$log" "$seconds"
    check_console "$name" "$log"
    run_checks "$name" "$log"
    [ "$VERBOSE" = 1 ] && sed 's/^/      | /' "$log"
    if [ "$scenario_failed" -eq 0 ] && [ "$KEEP_LOGS" != 1 ]; then
        rm -f "$log" "$log_dir/$name".{dts,dtb,qemu.dtb}
        rm -rf "$log_dir/$name.tpm" "$log_dir/$name.efi"
        note "(${seconds}s)"
    else
        note "(${seconds}s, console log: $log)"
    fi
}

# ---------------------------------------------------------------- main

list_scenarios() {
    local file
    for file in "$scenario_dir"/*.scenario; do
        reset_scenario
        parse_scenario "$file"
        printf '%-20s %s\n' "$(basename "$file" .scenario)" "$s_description"
    done
}

case "${1-}" in
-h | --help)
    sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
-l | --list)
    list_scenarios
    exit 0
    ;;
esac

command -v "$QEMU" >/dev/null || die "QEMU '$QEMU' not found (install qemu-system-arm or set QEMU=)"
command -v timeout >/dev/null || die "timeout(1) not found"
files=()
if [ $# -eq 0 ]; then
    files=("$scenario_dir"/*.scenario)
    [ -e "${files[0]}" ] || die "no scenarios in $scenario_dir"
else
    for name in "$@"; do
        if [[ "$name" == */* ]]; then
            [ -f "$name" ] || die "no scenario file $name"
            files+=("$name")
            continue
        fi
        name=${name%.scenario}
        [ -f "$scenario_dir/$name.scenario" ] || die "no scenario '$name' in $scenario_dir"
        files+=("$scenario_dir/$name.scenario")
    done
fi
mkdir -p "$log_dir" || die "cannot create $log_dir"
for file in "${files[@]}"; do
    run_scenario "$file"
done
echo "guest: $passed passed, $failed failed"
exit 0
