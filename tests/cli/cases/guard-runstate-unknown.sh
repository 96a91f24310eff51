# Issue 13 defect 7: when whether a VM runs cannot be told (its /proc/<pid>/cmdline or pid file
# cannot be read), the guard never takes it for stopped: it warns and counts the VM as running
# (a conflict with it still refuses), and with on-internal-error = refuse it refuses.  A process
# that is gone (no /proc/<pid>) is stopped, as PVE decides.
R=$(copy_demo)
echo "== /proc/4242/cmdline is a FIFO (VM 100 runs as 4242): VM 104 shares VM 100's VF"
mv "$R/proc/4242/cmdline" cmdline.saved
mkfifo "$R/proc/4242/cmdline"
"$PP" --root "$R" guard 104 pre-start; echo "shared rc=$?"
"$PP" --root "$R" guard 101 pre-start; echo "no conflict rc=$?"
printf 'guard {\n\ton-internal-error = refuse\n}\n' >"$R/etc/pve-passthrough.conf"
"$PP" --root "$R" guard 101 pre-start; echo "refuse rc=$?"
echo "== audit: the same VM counted as running, and the picture incomplete"
rm "$R/etc/pve-passthrough.conf"
"$PP" --root "$R" audit --vmid 104 --format nagios; echo "audit rc=$?"
echo "== the pid file a directory"
rm "$R/proc/4242/cmdline"
cp cmdline.saved "$R/proc/4242/cmdline"
mv "$R/run/qemu-server/100.pid" pid.saved
mkdir "$R/run/qemu-server/100.pid"
"$PP" --root "$R" guard 101 pre-start; echo "pid dir rc=$?"
rmdir "$R/run/qemu-server/100.pid"
cp pid.saved "$R/run/qemu-server/100.pid"
echo "== the process is gone: VM 100 is stopped, VM 104 may start"
rm -r "$R/proc/4242"
"$PP" --root "$R" guard 104 pre-start; echo "gone rc=$?"
