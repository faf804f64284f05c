#!/bin/busybox sh
# /init of the Linux domU that dom0 starts with xl create (hyp-linux-dom0). It has no
# console device of its own yet (no console ring): it writes its marker to the kernel log,
# which its boot console (earlycon=xenboot keep_bootcon) sends through console_io to the
# hypervisor's console, then probes a refused operation until it is destroyed.
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
echo "FLAXEN-DOMU-MARKER: domU /init, hypervisor $($bb cat /sys/hypervisor/type)" >/dev/kmsg
# Then once a second, an operation the default policy refuses domU_t (XENVER_compile_info,
# behind /sys/hypervisor/compilation: version:xen_compile_info, denied without an audit
# line, dontaudit), with its outcome, numbered, for dom0 to watch while it switches the mode
# and booleans.
n=0
while :; do
    n=$((n + 1))
    if $bb cat /sys/hypervisor/compilation/compile_date >/dev/null 2>&1; then
        result=allowed
    else
        result=denied
    fi
    echo "FLAXEN-DOMU-PROBE $n compile_info=$result" >/dev/kmsg
    $bb sleep 1
done
