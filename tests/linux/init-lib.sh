# Sourced by the /init scripts of the Linux initramfs images (scripts/linux-initramfs.sh
# installs it in each as /lib/flaxen/init.sh): what they all do first, and their helpers.
bb=/bin/busybox

# The kernel's file systems.
init_mounts() {
    $bb mkdir -p /proc /sys /dev /tmp
    $bb mount -t proc proc /proc
    $bb mount -t sysfs sysfs /sys
    $bb mount -t devtmpfs devtmpfs /dev
}

# dom0's Xen drivers, modules of Debian's package, which has no modules.dep: loaded in
# dependency order, then xenfs on /proc/xen. Says what failed; non-zero if anything did.
init_xen_modules() {
    local status=0 m
    for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
        $bb insmod /lib/modules/xen/$m.ko 2>/tmp/insmod ||
            { status=1; echo "insmod $m: $($bb cat /tmp/insmod)"; }
    done
    $bb mkdir -p /proc/xen
    $bb mount -t xenfs xenfs /proc/xen 2>/tmp/mount ||
        { status=1; echo "mount xenfs: $($bb cat /tmp/mount)"; }
    return $status
}

# xl_dmesg_wait SECONDS PATTERN: the first line of the hypervisor's console (xl dmesg) that
# matches PATTERN (grep), waiting up to SECONDS for it; nothing if none came.
xl_dmesg_wait() {
    local line="" _
    for _ in $($bb seq 1 "$1"); do
        line=$(xl dmesg | $bb grep -m1 "$2")
        [ -n "$line" ] && break
        $bb sleep 1
    done
    echo "$line"
}
