#!/bin/sh
# systest-hook: when the system tier's second disk (/dev/vdb, labelled SYSTEST) is attached, mounts
# it read-only on /run/systest and runs its stage.sh (tests/system/guest/stage.sh) with the output
# on the serial console.  Without it the guest boots as a plain Debian system.
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/vdb ] && break
	sleep 1
done
[ -b /dev/vdb ] || exit 0
mkdir -p /run/systest
mount -o ro /dev/vdb /run/systest || { echo "SYSTEST-HOOK-FAILED: cannot mount /dev/vdb"; exit 1; }
[ -f /run/systest/stage.sh ] || exit 0
exec /bin/sh /run/systest/stage.sh
