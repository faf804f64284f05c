#!/bin/busybox sh
# /init of the initramfs dom0 boots in the Linux scenarios (scripts/linux-initramfs.sh
# puts it there with Debian's busybox-static and the kernel's Xen modules). It checks what
# a stock Linux dom0 should find on Flaxen and prints the results in the test runner's
# protocol ("[test] PASS|FAIL name", "[test] DONE"), then powers the machine off.
. /lib/flaxen/init.sh
init_mounts
echo "FLAXEN-INIT-MARKER: dom0 /init"

pass() { echo "[test] PASS $1"; }
fail() { echo "[test] FAIL $1: $2"; }
# expect NAME WANT GOT: passes when GOT equals WANT
expect() { if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "'$3', expected '$2'"; fi; }

expect hypervisor_type xen "$($bb cat /sys/hypervisor/type 2>&1)"
expect hypervisor_version 4.17 "$($bb cat /sys/hypervisor/version/major 2>&1).$($bb cat /sys/hypervisor/version/minor 2>&1)"
if $bb grep -q '^hvc0' /proc/consoles; then pass console_hvc0; else fail console_hvc0 "$($bb cat /proc/consoles)"; fi

# The Xen drivers (modules) and xenfs.
init_xen_modules
expect xen_modules 0 "$?"
expect capabilities control_d "$($bb cat /proc/xen/capabilities 2>&1)"
missing=""
for dev in privcmd evtchn gntdev xenbus hypercall; do
    [ -c /dev/xen/$dev ] || missing="$missing $dev"
done
expect dev_xen "" "$missing"
irqs=$($bb grep -c -E 'xen-dyn .*(xenbus|hvc_console)' /proc/interrupts)
expect xen_interrupts 2 "$irqs"
export PATH=/usr/bin:/bin
# xl (tools/xl/xl.c): the host, the domains with their labels, the hypervisor's console.
xl info >/tmp/info 2>&1
if $bb grep -qx 'xen_major              : 4' /tmp/info && $bb grep -qx 'xen_minor              : 17' /tmp/info &&
    $bb grep -qx 'nr_cpus                : 2' /tmp/info && $bb grep -qE '^total_memory +: 10[0-9][0-9]$' /tmp/info &&
    $bb grep -qE '^free_memory +: [1-9][0-9]*$' /tmp/info; then
    pass xl_info
else
    fail xl_info "$($bb tr '\n' '|' </tmp/info)"
fi
xl list -Z >/tmp/list 2>&1
if $bb head -1 /tmp/list | $bb grep -q '^Name  *ID   Mem VCPUs.State.Time(s)   Security Label$' &&
    $bb grep -qE '^Domain-0 +0 +256 +1 +r----- +[0-9.]+ +system_u:system_r:dom0_t$' /tmp/list; then
    pass xl_list_Z
else
    fail xl_list_Z "$($bb tr '\n' '|' </tmp/list)"
fi
if xl dmesg | $bb grep -q '^Flask: mode enforcing'; then pass xl_dmesg; else fail xl_dmesg "no Flask line"; fi
xl destroy 77 >/tmp/destroy 2>&1
status=$?
if [ "$status" = 1 ] && $bb grep -q "destroying domain 77: No such process" /tmp/destroy; then
    pass xl_destroy_unknown
else
    fail xl_destroy_unknown "exit $status: $($bb cat /tmp/destroy)"
fi

# xl create: a domain built, sealed and started at run time, and one the manifest does not
# list, which never runs. Both end with their memory back.
free_memory() { xl info | $bb sed -n 's/^free_memory *: //p'; }
# Waits (up to 10 s) until free memory is back to $1 MiB; prints what it is.
memory_back() {
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ "$(free_memory)" = "$1" ] && break
        $bb sleep 0.5
    done
    free_memory
}
before=$(free_memory)
xl create /etc/xl/web.cfg >/tmp/create 2>&1
expect xl_create "0" "$?"
expect xl_create_memory_back "$before" "$(memory_back "$before")"
xl create /etc/xl/rogue.cfg >/tmp/rogue 2>&1
status=$?
if [ "$status" = 1 ] && $bb grep -q "sealing domain [0-9]* as 'rogue'" /tmp/rogue; then
    pass xl_create_unlisted_refused
else
    fail xl_create_unlisted_refused "exit $status: $($bb tr '\n' '|' </tmp/rogue)"
fi
expect xl_create_unlisted_memory_back "$before" "$(memory_back "$before")"

# The policy at work on the domU's probe (tests/linux/domu-init.sh): "N RESULT" of its
# newest probe line on the hypervisor's console.
last_probe() {
    xl dmesg | $bb sed -n 's/.*FLAXEN-DOMU-PROBE \([0-9]*\) readconsole=\([a-z]*\).*/\1 \2/p' | $bb tail -1
}
# Waits (up to 30 s) for a probe numbered above $1 with result $2; prints the last probe.
wait_probe() {
    local seen
    for _ in $($bb seq 1 60); do
        seen=$(last_probe)
        [ "${seen%% *}" -gt "$1" ] 2>/dev/null && [ "${seen#* }" = "$2" ] && break
        $bb sleep 0.5
    done
    echo "$seen"
}
policy_at_work() {
    local probe n off
    probe=$(wait_probe 0 denied)
    expect domu_denied denied "${probe#* }"
    n=${probe%% *}
    # The refusal as the domU saw it (EACCES from the hypercall, through xl) and the AVC
    # line it left on the hypervisor's console.
    if xl dmesg | $bb grep -q "FLAXEN-DOMU-PROBE $n readconsole=denied (xl: reading the hypervisor's console: Permission denied"; then
        pass domu_denied_eacces
    else
        fail domu_denied_eacces "$(xl dmesg | $bb grep "FLAXEN-DOMU-PROBE $n ")"
    fi
    if xl dmesg | $bb grep -qE "^avc:  denied  \{ readconsole \} for domid=$1 scontext=system_u:system_r:domU_t tcontext=system_u:system_r:xen_t tclass=xen$"; then
        pass domu_denial_logged
    else
        fail domu_denial_logged "$(xl dmesg | $bb grep 'avc:' | $bb tail -3 | $bb tr '\n' '|')"
    fi
    flask-setenforce 0
    probe=$(wait_probe "$n" allowed)
    expect domu_permissive_allows allowed "${probe#* }"
    n=${probe%% *}
    flask-setenforce 1
    probe=$(wait_probe "$((n + 1))" denied)
    expect domu_enforcing_denies_again denied "${probe#* }"
    # guest_writeconsole off: the domU's console writes are refused (silently: dontaudit),
    # so its probe lines stop; on again, they come back.
    n=${probe%% *}
    flask-set-bool guest_writeconsole 0
    $bb sleep 4
    off=$(last_probe)
    flask-set-bool guest_writeconsole 1
    probe=$(wait_probe "$((n + 3))" denied)
    if [ "${off%% *}" -le "$((n + 1))" ] && [ "${probe%% *}" -gt "$((n + 3))" ]; then
        pass bool_changes_domu_decision
    else
        fail bool_changes_domu_decision "before $n, while off ${off%% *}, after ${probe%% *}"
    fi
}

# A Linux domU whose kernel or command line is not what the manifest lists cannot be
# started: a copy of its kernel with one byte changed, and its config with init=/bin/sh.
$bb cp /usr/share/flaxen/Image /tmp/Image.tampered
printf 'X' | $bb dd of=/tmp/Image.tampered bs=1 seek=4096 conv=notrunc 2>/dev/null
$bb sed 's|^kernel = .*|kernel = "/tmp/Image.tampered"|' /etc/xl/linux.cfg >/tmp/tampered-kernel.cfg
$bb sed 's|^extra = "\(.*\)"|extra = "\1 init=/bin/sh"|' /etc/xl/linux.cfg >/tmp/tampered-cmdline.cfg
for what in kernel cmdline; do
    xl create /tmp/tampered-$what.cfg >/tmp/tampered 2>&1
    status=$?
    case $what in
    kernel) reason="its kernel image (sha256:[0-9a-f]*) is not the one the manifest lists" ;;
    cmdline) reason="its command line or ramdisk differ from what the manifest lists" ;;
    esac
    if [ "$status" = 1 ] && $bb grep -q "sealing domain [0-9]* as 'linux'" /tmp/tampered &&
        xl dmesg | $bb grep -q "seal as entry 'linux' with label system_u:system_r:domU_t refused: $reason" &&
        ! xl list | $bb grep -q '^linux '; then
        pass linux_domu_tampered_${what}_refused
    else
        fail linux_domu_tampered_${what}_refused "exit $status: $($bb tr '\n' '|' </tmp/tampered)"
    fi
done
$bb rm -f /tmp/Image.tampered
expect linux_domu_tampered_memory_back "$before" "$(memory_back "$before")"

# A Linux domU: xl create, its marker on the hypervisor's console, xl list -Z, xl destroy.
before=$(free_memory)
if xl create /etc/xl/linux.cfg >/tmp/linux 2>&1; then
    marker=$(xl_dmesg_wait 120 'FLAXEN-DOMU-MARKER')
    if [ -n "$marker" ]; then pass linux_domu_marker; else fail linux_domu_marker "not on the console"; fi
    if xl list -Z | $bb grep -qE '^linux +[1-9][0-9]* +128 +1 +[-rb]{2}---- +[0-9.]+ +system_u:system_r:domU_t$'; then
        pass linux_domu_listed
    else
        fail linux_domu_listed "$(xl list -Z | $bb tr '\n' '|')"
    fi
    # Its console ring: xl console shows what the domU wrote to hvc0 and passes input in.
    (echo "hello-from-dom0"; $bb sleep 4) | $bb timeout 6 xl console linux >/tmp/console 2>&1
    if $bb grep -q 'FLAXEN-DOMU-MARKER: domU /init' /tmp/console; then
        pass linux_domu_console
    else
        fail linux_domu_console "$($bb tail -c 300 /tmp/console | $bb tr '\n' '|')"
    fi
    if $bb grep -q 'FLAXEN-DOMU-ECHO: hello-from-dom0' /tmp/console; then
        pass linux_domu_console_input
    else
        fail linux_domu_console_input "$($bb tail -c 300 /tmp/console | $bb tr '\n' '|')"
    fi
    policy_at_work "$(xl list | $bb awk '$1 == "linux" { print $2 }')"
    # xl shutdown: through the domU's xenstore (control/shutdown), its kernel powers off.
    # Its console's last words show the guest powered itself off (not destroyed).
    id=$(xl list | $bb awk '$1 == "linux" { print $2 }')
    if $bb timeout 60 xl shutdown -w linux >/tmp/shutdown 2>&1 &&
        $bb grep -q 'reboot: Power down' "/run/xl/backend/$id.console"; then
        pass linux_domu_shutdown
    else
        fail linux_domu_shutdown "$($bb tr '\n' '|' </tmp/shutdown) $($bb tail -c 200 "/run/xl/backend/$id.console")"
    fi
    expect linux_domu_shutdown_memory_back "$before" "$(memory_back "$before")"
else
    fail linux_domu_marker "xl create: $($bb tr '\n' '|' </tmp/linux)"
fi
# xl destroy: a second Linux domU, stopped from outside once it has booted.
if xl create /etc/xl/linux.cfg >/tmp/linux 2>&1; then
    for _ in $($bb seq 1 120); do
        [ "$(xl list | $bb awk '$1 == "linux" { print $2 }')" != "" ] &&
            $bb grep -q 'FLAXEN-DOMU-MARKER' /run/xl/backend/"$(xl list | $bb awk '$1 == "linux" { print $2 }')".console 2>/dev/null &&
            break
        $bb sleep 1
    done
    xl destroy linux
    expect linux_domu_destroyed "$before" "$(memory_back "$before")"
else
    fail linux_domu_destroyed "xl create: $($bb tr '\n' '|' </tmp/linux)"
fi

# The flask-* tools (tools/flask/utils/flask.c), as a Xen user runs them.
mode=$(flask-getenforce)
status=$?
expect getenforce "Enforcing 1" "$mode $status"
all=$(flask-get-bool -a 2>&1)
if echo "$all" | $bb grep -qx 'guest_writeconsole: 1' && echo "$all" | $bb grep -qx 'policy_locked: 0'; then
    pass get_bool_all
else
    fail get_bool_all "$(echo "$all" | $bb tr '\n' ' ')"
fi
flask-set-bool guest_writeconsole 0
expect set_bool "guest_writeconsole: 0" "$(flask-get-bool guest_writeconsole 2>&1)"
flask-set-bool guest_writeconsole on
expect set_bool_back "guest_writeconsole: 1" "$(flask-get-bool guest_writeconsole 2>&1)"
flask-set-bool no_such_bool 1 2>/dev/null
expect set_bool_unknown 2 "$?"
flask-setenforce 0
expect setenforce_permissive Permissive "$(flask-getenforce)"
flask-setenforce Enforcing
expect setenforce_enforcing Enforcing "$(flask-getenforce)"
flask-setenforce maybe 2>/dev/null
expect setenforce_usage 1 "$?"
expect loadpolicy "Successfully loaded policy." "$(flask-loadpolicy /etc/flask/flaxen.30 2>&1)"
flask-loadpolicy /etc/flask/corrupt.30 >/tmp/load 2>&1
status=$?
if [ "$status" = 255 ] && $bb grep -q "Unable to load new Flask policy" /tmp/load; then
    pass loadpolicy_corrupt_refused
else
    fail loadpolicy_corrupt_refused "exit $status: $($bb cat /tmp/load)"
fi
expect policy_still_in_force "Enforcing guest_writeconsole: 1" \
    "$(flask-getenforce) $(flask-get-bool guest_writeconsole)"
if flask-avc-stats >/tmp/avc 2>&1 && $bb grep -qE '^total +[1-9]' /tmp/avc; then
    pass avc_stats
else
    fail avc_stats "$($bb cat /tmp/avc | $bb tr '\n' ' ')"
fi
flask-label-pci 0000:00:01.0 system_u:object_r:device_t >/tmp/pci 2>&1
status=$?
if [ "$status" = 1 ] && $bb grep -q "Unable to find device" /tmp/pci; then
    pass label_pci_no_device
else
    fail label_pci_no_device "exit $status: $($bb cat /tmp/pci)"
fi
echo "[test] DONE"
$bb poweroff -f
