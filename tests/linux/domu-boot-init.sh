#!/bin/busybox sh
# /init of a Linux domU the hypervisor builds at boot from the device tree (scenario
# hyp-linux-domu-boot; no dom0). It has no console ring or xenstore (nobody serves them: those
# come from xl create); its kernel log, with printk.time=0, goes through console_io to the
# hypervisor's console, where its "[test]" lines are read. It checks what it finds, asks for
# an operation its label does not allow, then powers off.
. /lib/flaxen/init.sh
init_mounts
say() { echo "$*" >/dev/kmsg; }
pass() { say "[test] PASS $1"; }
fail() { say "[test] FAIL $1: $2"; }
expect() { if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "'$3', expected '$2'"; fi; }

say "FLAXEN-DOMU-MARKER: boot-time domU /init"
expect hypervisor_type xen "$($bb cat /sys/hypervisor/type 2>&1)"
expect hypervisor_version 4.17 "$($bb cat /sys/hypervisor/version/major).$($bb cat /sys/hypervisor/version/minor)"
# Its memory is what its device-tree node gave it (131072 KiB).
total=$($bb sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
if [ "$total" -gt 100000 ] && [ "$total" -le 131072 ]; then pass memory; else fail memory "MemTotal $total kB"; fi
# A hypercall its label (domU_t) is refused: reading the hypervisor's console.
$bb insmod /lib/modules/xen/xen-privcmd.ko unrestricted=1 || fail privcmd "insmod failed"
err=$(/usr/bin/xl dmesg 2>&1 >/dev/null)
case "$err" in
*"Permission denied"*) pass readconsole_denied ;;
*) fail readconsole_denied "xl dmesg: '$err'" ;;
esac
say "[test] DONE"
$bb poweroff -f
