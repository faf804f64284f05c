#!/bin/busybox sh
# /init of the Linux domU that dom0 starts with xl create (hyp-linux-dom0). It writes its
# marker to the kernel log, which goes to its console hvc0 (the Xen console ring, read in
# dom0 with xl console) and to its boot console (earlycon=xenboot keep_bootcon: console_io,
# the hypervisor's console), echoes what comes in on hvc0, then probes a refused operation
# until it is destroyed.
. /lib/flaxen/init.sh
init_mounts
echo "FLAXEN-DOMU-MARKER: domU /init, hypervisor $($bb cat /sys/hypervisor/type)" >/dev/kmsg
# Its console is hvc0 on the Xen console ring (dom0's xl console): each line typed there
# comes back through the kernel log, which goes to both consoles.
(while read -r line; do echo "FLAXEN-DOMU-ECHO: $line" >/dev/kmsg; done </dev/hvc0) &
# privcmd, for the domU's own hypercalls from user space. Linux 6.1.192 restricts it in a
# domU to the target domain xenstore names (none here: this is no device model) after
# xenstore is up; its hypercalls are the test: unrestricted=1 (a locked-down kernel refuses).
$bb insmod /lib/modules/xen/xen-privcmd.ko unrestricted=1 ||
    echo "FLAXEN-DOMU-ERROR: insmod xen-privcmd failed" >/dev/kmsg
# Then once a second, an operation the default policy refuses domU_t and audits: reading the
# hypervisor's console (xl dmesg: sysctl readconsole, xen:readconsole), with its outcome and
# xl's message, numbered, for dom0 to watch while it switches the mode and booleans.
n=0
while :; do
    n=$((n + 1))
    if err=$(/usr/bin/xl dmesg 2>&1 >/dev/null); then
        result=allowed
    else
        result="denied ($err)"
    fi
    echo "FLAXEN-DOMU-PROBE $n readconsole=$result" >/dev/kmsg
    $bb sleep 1
done
