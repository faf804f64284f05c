#!/bin/busybox sh
# /init of the Linux domU that dom0 starts with xl create (hyp-linux-dom0). It has no
# console device of its own yet (no console ring): it writes its marker to the kernel log,
# which its boot console (earlycon=xenboot keep_bootcon) sends through console_io to the
# hypervisor's console, then waits to be destroyed.
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
echo "FLAXEN-DOMU-MARKER: domU /init, hypervisor $($bb cat /sys/hypervisor/type)" >/dev/kmsg
while :; do $bb sleep 60; done
