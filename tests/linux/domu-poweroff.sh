#!/bin/busybox sh
# /sbin/poweroff of the Linux domU: what the kernel runs for an orderly power-off (xl
# shutdown: xenstore's control/shutdown). Its /init is a shell that cannot be signalled,
# so this powers off directly, after syncing.
/bin/busybox sync
exec /bin/busybox poweroff -f
