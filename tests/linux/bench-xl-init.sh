#!/bin/busybox sh
# /init of dom0 in the xl create benchmark (tests/bench/linux.sh): builds, seals and starts
# the Linux domU BENCH_RUNS times (from the kernel command line: bench_runs=N) and prints,
# for each, the time from xl create's start to the domU's marker on its console, and to
# xl create's return (built, sealed, started), read from dom0's clock (/proc/uptime, 10 ms
# steps).
. /lib/flaxen/init.sh
init_mounts
export PATH=/usr/bin:/bin
init_xen_modules
echo "FLAXEN-INIT-MARKER: dom0 /init"
runs=$($bb sed -n 's/.*bench_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
uptime() { $bb cut -d' ' -f1 /proc/uptime; }
for n in $($bb seq 1 "${runs:-3}"); do
    start=$(uptime)
    xl create /etc/xl/linux.cfg >/tmp/create 2>&1 || { echo "xl create: $($bb cat /tmp/create)"; break; }
    created=$(uptime)
    id=$(xl list | $bb awk '$1 == "linux" { print $2 }')
    for _ in $($bb seq 1 1200); do
        $bb grep -q 'FLAXEN-DOMU-MARKER' "/run/xl/backend/$id.console" 2>/dev/null && break
        $bb sleep 0.05
    done
    end=$(uptime)
    if $bb grep -q 'FLAXEN-DOMU-MARKER' "/run/xl/backend/$id.console"; then
        echo "FLAXEN-BENCH xl-create-to-marker $n $(echo "$start $end" | $bb awk '{ printf "%.2f", $2 - $1 }')" \
            "$(echo "$start $created" | $bb awk '{ printf "%.2f", $2 - $1 }')"
    fi
    xl destroy linux
    while xl list | $bb grep -q '^linux '; do $bb sleep 0.1; done
done
echo "[test] DONE"
$bb poweroff -f
