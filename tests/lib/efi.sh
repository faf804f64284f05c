# shellcheck shell=bash
# Booting Flaxen the measured way: UEFI firmware (Debian's AAVMF) -> GRUB 2 -> Flaxen.
# Sourced by the test runner and scripts/demo.sh; needs BUILD set.
#
#   efi_grub_image             makes $BUILD/efi/BOOTAA64.EFI once: a standalone GRUB
#                              (grub-mkimage, arm64-efi modules from Debian's
#                              grub-efi-arm64-bin) with tpm and xen_boot built in and an
#                              embedded configuration that finds /flaxen/grub.cfg and runs it
#   efi_esp_tree DIR HYPERVISOR CMDLINE MODULE...
#                              writes the ESP tree in DIR/esp: EFI/BOOT/BOOTAA64.EFI,
#                              flaxen/flaxen.efi, each MODULE ("FILE[ ARGS]") as
#                              flaxen/NAME, and flaxen/grub.cfg loading them in order with
#                              xen_hypervisor / xen_module. GRUB states no module's kind:
#                              the first is dom0's kernel, the rest are told apart by their
#                              contents (policy, manifest). Also DIR/grub.golden: what GRUB
#                              will measure into PCRs 8 and 9, and the firmware into PCR 4
#                              for the two EFI applications, predicted from the tree
#   efi_esp_image DIR          the FAT image DIR/esp.img of the tree (after any change a
#                              test makes to it)
#   efi_qemu_args DIR          prints the QEMU arguments: the firmware (code read-only, a
#                              fresh copy of the variable store in DIR) and the ESP disk
#
# What the chain measures (docs/security/measured-boot.md): the firmware PCRs 0-7 (GRUB
# and, as an EFI application, flaxen.efi into PCR 4), GRUB each file it opens into PCR 9
# and each command into PCR 8, Flaxen PCRs 10-12. The machine needs acpi=off (so the
# firmware passes its device tree) and virtualization=on (EL2).

EFI_FIRMWARE_CODE=${EFI_FIRMWARE_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
EFI_FIRMWARE_VARS=${EFI_FIRMWARE_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
EFI_GRUB_MODULES_DIR=${EFI_GRUB_MODULES_DIR:-$BUILD/cache/arm64/usr/lib/grub/arm64-efi}
# GRUB's modules in the image: the TPM measurements, the Xen loader, FAT on a whole disk
# or a partition, and the commands the two configurations use.
EFI_GRUB_MODULES="tpm xen_boot fdt fat part_gpt part_msdos search search_fs_file configfile
    normal echo halt"

efi_error=""

efi_grub_image() {
    local out="$BUILD/efi/BOOTAA64.EFI" early="$BUILD/efi/early.cfg"
    efi_error=""
    [ -f "$out" ] && [ "$out" -nt "${BASH_SOURCE[0]}" ] && return 0
    command -v grub-mkimage >/dev/null ||
        { efi_error="grub-mkimage is missing (scripts/deps.sh installs grub-common)"; return 1; }
    [ -f "$EFI_GRUB_MODULES_DIR/xen_boot.mod" ] ||
        { efi_error="GRUB's arm64-efi modules are missing in $EFI_GRUB_MODULES_DIR (scripts/deps.sh)"; return 1; }
    mkdir -p "$BUILD/efi"
    # Not measured by GRUB (it is part of the image, which the firmware measures into PCR 4).
    # shellcheck disable=SC2016 # $root is GRUB's
    printf '%s\n' 'search --no-floppy --set=root --file /flaxen/grub.cfg' \
        'set prefix=($root)/flaxen' 'configfile /flaxen/grub.cfg' \
        'echo "flaxen: /flaxen/grub.cfg did not boot"' 'halt' >"$early"
    # shellcheck disable=SC2086 # a word list
    grub-mkimage -O arm64-efi -d "$EFI_GRUB_MODULES_DIR" -p /flaxen -c "$early" -o "$out.tmp" \
        $EFI_GRUB_MODULES >"$BUILD/efi/grub-mkimage.log" 2>&1 ||
        { efi_error="grub-mkimage failed: $(tail -1 "$BUILD/efi/grub-mkimage.log")"; return 1; }
    mv -f "$out.tmp" "$out"
}

efi_esp_tree() {
    local dir=$1 hypervisor=$2 cmdline=$3 module file args name n=0
    shift 3
    efi_error=""
    efi_grub_image || return 1
    if ! command -v mkfs.vfat >/dev/null || ! command -v mcopy >/dev/null; then
        efi_error="mkfs.vfat or mcopy is missing (scripts/deps.sh installs dosfstools, mtools)"
        return 1
    fi
    [ -f "$hypervisor" ] || { efi_error="hypervisor image $hypervisor is missing"; return 1; }
    rm -rf "$dir/esp" "$dir/esp.img"
    mkdir -p "$dir/esp/EFI/BOOT" "$dir/esp/flaxen"
    cp "$BUILD/efi/BOOTAA64.EFI" "$dir/esp/EFI/BOOT/"
    cp "$hypervisor" "$dir/esp/flaxen/flaxen.efi"
    # xen_boot needs at least one argument for the hypervisor.
    printf 'xen_hypervisor /flaxen/flaxen.efi %s\n' "${cmdline:-flaxen}" >"$dir/esp/flaxen/grub.cfg"
    for module in "$@"; do
        file=${module%% *}
        args=""
        [[ "$module" == *" "* ]] && args=${module#* }
        [ -f "$file" ] || { efi_error="module file $file is missing"; return 1; }
        n=$((n + 1))
        name="module$n-$(basename "$file")"
        cp "$file" "$dir/esp/flaxen/$name"
        printf 'xen_module /flaxen/%s%s\n' "$name" "${args:+ $args}" >>"$dir/esp/flaxen/grub.cfg"
    done
    printf 'boot\n' >>"$dir/esp/flaxen/grub.cfg"
    efi_predict_grub "$dir" >"$dir/grub.golden"
}

# sha256 of a string (no newline) or of a file.
efi_sha256_text() { printf '%s' "$1" | sha256sum | cut -c1-64; }
efi_sha256_file() { sha256sum "$1" | cut -c1-64; }

# What GRUB 2.06's tpm module measures for our grub.cfg, as golden lines: the embedded
# configuration's search opens grub.cfg on the disk, configfile opens it again (PCR 9,
# sha256 of the file); each command, its words joined by one space, is measured into
# PCR 8 (the digest is of the command alone, the event text "grub_cmd: COMMAND");
# xen_hypervisor / xen_module then open their file (PCR 9) and, when it has arguments,
# measure them (PCR 8, event text "kernel_cmdline: ARGS").
efi_predict_grub() {
    local dir=$1 cfg=$1/esp/flaxen/grub.cfg line command path args app
    printf '# GRUB on this ESP, predicted from its files: PCR sha256:DIGEST EVENT\n'
    # The firmware loads GRUB, GRUB has it load flaxen.efi: two EFI applications (PCR 4).
    for app in "$dir/esp/EFI/BOOT/BOOTAA64.EFI" "$dir/esp/flaxen/flaxen.efi"; do
        printf '4 sha256:%s EFI application (PE image, Authenticode)\n' \
            "$("$BUILD/host/bin/flaxen-verify" authenticode "$app")"
    done
    printf '9 sha256:%s (hd0)/flaxen/grub.cfg\n' "$(efi_sha256_file "$cfg")"
    printf '9 sha256:%s /flaxen/grub.cfg\n' "$(efi_sha256_file "$cfg")"
    while IFS= read -r line; do
        read -r command path args <<<"$line"
        line="$command${path:+ $path}${args:+ $args}"
        printf '8 sha256:%s grub_cmd: %s\n' "$(efi_sha256_text "$line")" "$line"
        case "$command" in
        xen_hypervisor | xen_module)
            printf '9 sha256:%s %s\n' "$(efi_sha256_file "$dir/esp$path")" "$path"
            [ -z "$args" ] ||
                printf '8 sha256:%s kernel_cmdline: %s\n' "$(efi_sha256_text "$args")" "$args"
            ;;
        esac
    done <"$cfg"
}

efi_esp_image() {
    local dir=$1 kib
    rm -f "$dir/esp.img"
    kib=$(($(du -sk "$dir/esp" | cut -f1) + 4096))
    [ "$kib" -ge 33792 ] || kib=33792 # FAT32 needs at least 32 MiB
    if ! mkfs.vfat -C -F 32 -n FLAXEN "$dir/esp.img" "$kib" >"$dir/esp.log" 2>&1 ||
        ! mcopy -s -i "$dir/esp.img" "$dir/esp/EFI" "$dir/esp/flaxen" ::/ >>"$dir/esp.log" 2>&1; then
        efi_error="making the ESP image failed: $(tail -1 "$dir/esp.log")"
        return 1
    fi
}

efi_qemu_args() {
    local dir=$1
    [ -f "$EFI_FIRMWARE_CODE" ] ||
        { efi_error="UEFI firmware $EFI_FIRMWARE_CODE is missing (qemu-efi-aarch64)"; return 1; }
    cp "$EFI_FIRMWARE_VARS" "$dir/vars.fd" || { efi_error="cannot copy $EFI_FIRMWARE_VARS"; return 1; }
    printf '%s\n' -drive "if=pflash,format=raw,readonly=on,file=$EFI_FIRMWARE_CODE" \
        -drive "if=pflash,format=raw,file=$dir/vars.fd" \
        -drive "if=none,id=flaxen-esp,format=raw,file=$dir/esp.img" \
        -device "virtio-blk-device,drive=flaxen-esp"
}
