#!/bin/busybox sh
# /init of dom0 booted through the measured chain (make run, scenario hyp-efi-linux):
# Debian's Linux as dom0 builds a labeled Linux domU with xl, shows it refused an operation
# by the policy, locks the policy, is itself refused switching enforcing off, and hands a
# verifier a TPM quote of PCRs 0-11 (flaxen-attest, over the nonce on its command line:
# flaxen_nonce=HEX). Results in the test runner's protocol ("[test] PASS|FAIL name").
. /lib/flaxen/init.sh
init_mounts
export PATH=/usr/bin:/bin

pass() { echo "[test] PASS $1"; }
fail() { echo "[test] FAIL $1: $2"; }
show() { echo "dom0# $*"; "$@" 2>&1; }

echo "FLAXEN-INIT-MARKER: dom0 /init"
echo "dom0: Linux $($bb uname -r) on $($bb cat /sys/hypervisor/type)" \
    "$($bb cat /sys/hypervisor/version/major).$($bb cat /sys/hypervisor/version/minor)," \
    "console $($bb sed -n 's/^\(hvc0\).*/\1/p' /proc/consoles)"
init_xen_modules >/tmp/modules || fail modules "$($bb cat /tmp/modules)"

# A labeled Linux domU, built, sealed (its kernel, ramdisk and command line measured and
# matched with the signed manifest) and started by xl.
show xl list -Z
show xl create /etc/xl/linux.cfg
marker=$(xl_dmesg_wait 120 'FLAXEN-DOMU-MARKER')
if [ -n "$marker" ]; then pass domu_marker; else fail domu_marker "the domU printed no marker"; fi
show xl list -Z
# Its console (hvc0 on the Xen console ring), read through xl console for three seconds.
echo "dom0# xl console linux   (its FLAXEN lines)"
$bb timeout 3 xl console linux </dev/null >/tmp/console 2>&1
$bb grep 'FLAXEN-DOMU' /tmp/console | $bb tail -3 | $bb sed 's/^\[ *[0-9.]*\] /linux| /'
if $bb grep -q 'FLAXEN-DOMU-MARKER' /tmp/console; then
    pass domu_console
else
    fail domu_console "$($bb tail -c 200 /tmp/console)"
fi
if xl list -Z | $bb grep -qE '^linux +[1-9][0-9]* .* system_u:system_r:domU_t$'; then
    pass domu_labeled
else
    fail domu_labeled "not listed as domU_t"
fi
# The domU runs xl dmesg once a second (tests/linux/domu-init.sh); the policy refuses it.
denial=$(xl_dmesg_wait 30 'avc:  denied  { readconsole } .*domU_t')
echo "dom0: what the domU was told: $(xl dmesg | $bb grep -m1 -o 'FLAXEN-DOMU-PROBE .*denied.*')"
echo "dom0: what the hypervisor logged: $denial"
if [ -n "$denial" ]; then pass domu_denied; else fail domu_denied "no AVC line for the domU"; fi
# Asked through its xenstore (control/shutdown), the domU powers itself off.
echo "dom0# xl shutdown -w linux"
$bb timeout 60 xl shutdown -w linux 2>&1

# dom0 locks the policy; from then on even dom0 may not switch enforcing off.
show flask-set-bool policy_locked 1
if show flask-setenforce 0; then
    fail setenforce_refused "flask-setenforce 0 was allowed after policy_locked"
else
    pass setenforce_refused
fi
show flask-getenforce

# The attestation: the verifier's nonce from the command line, PCRs 0-11.
nonce=$($bb sed -n 's/.*flaxen_nonce=\([0-9a-fA-F]*\).*/\1/p' /proc/cmdline)
echo "dom0# flaxen-attest $nonce"
if flaxen-attest "$nonce" >/tmp/quote 2>/tmp/attest.err; then
    $bb cat /tmp/quote
    pass attestation
else
    fail attestation "$($bb cat /tmp/attest.err)"
fi
echo "[test] DONE"
$bb poweroff -f
