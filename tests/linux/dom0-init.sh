#!/bin/busybox sh
# /init of the initramfs dom0 boots in the Linux scenarios (scripts/linux-initramfs.sh
# puts it there with Debian's busybox-static and the kernel's Xen modules). It checks what
# a stock Linux dom0 should find on Flaxen and prints the results in the test runner's
# protocol ("[test] PASS|FAIL name", "[test] DONE"), then powers the machine off.
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
echo "FLAXEN-INIT-MARKER: dom0 /init"

pass() { echo "[test] PASS $1"; }
fail() { echo "[test] FAIL $1: $2"; }
# expect NAME WANT GOT: passes when GOT equals WANT
expect() { if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "'$3', expected '$2'"; fi; }

expect hypervisor_type xen "$($bb cat /sys/hypervisor/type 2>&1)"
expect hypervisor_version 4.17 "$($bb cat /sys/hypervisor/version/major 2>&1).$($bb cat /sys/hypervisor/version/minor 2>&1)"
if $bb grep -q '^hvc0' /proc/consoles; then pass console_hvc0; else fail console_hvc0 "$($bb cat /proc/consoles)"; fi

# The Xen drivers are modules; the package has no modules.dep: dependency order.
loaded=yes
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
    $bb insmod /lib/modules/xen/$m.ko 2>/tmp/insmod || { loaded=no; echo "insmod $m: $($bb cat /tmp/insmod)"; }
done
expect xen_modules yes "$loaded"
$bb mkdir -p /proc/xen
$bb mount -t xenfs xenfs /proc/xen 2>/tmp/mount || echo "mount xenfs: $($bb cat /tmp/mount)"
expect capabilities control_d "$($bb cat /proc/xen/capabilities 2>&1)"
missing=""
for dev in privcmd evtchn gntdev xenbus hypercall; do
    [ -c /dev/xen/$dev ] || missing="$missing $dev"
done
expect dev_xen "" "$missing"
irqs=$($bb grep -c -E 'xen-dyn .*(xenbus|hvc_console)' /proc/interrupts)
expect xen_interrupts 2 "$irqs"
echo "[test] DONE"
$bb poweroff -f
