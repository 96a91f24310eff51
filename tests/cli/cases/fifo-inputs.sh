# Issue 13 defect 6: a FIFO (or a directory, or a device) in place of any input is a clear message
# naming the path, never a wait and never silently skipped: .vmlist, pci.cfg, the reservations
# file, the tool's config, /proc/<pid>/cmdline and sysfs attributes (libpci's own and ours).
# Every run is under timeout(1): a hang shows as "rc=124" instead of blocking the suite.  No
# writer ever opens the FIFOs, so anything that waited on one would hang.
. "$SRC/tests/cli/lib/assign-host.sh"
cp "$Q/101.conf" before.conf
t() { timeout 20 "$PP" --root "$root" "$@" >/dev/null 2>err; echo "rc=$?"; cat err; }
check_unchanged() { cmp -s before.conf "$Q/101.conf" && echo "101.conf unchanged" || echo "101.conf CHANGED"; }
fifo_in() { mv "$1" saved; mkfifo "$1"; }
restore() { rm -rf "$1"; mv saved "$1"; }

echo "== .vmlist"
fifo_in "$root/etc/pve/.vmlist"
t status; t audit; t assign 101 --vf auto; check_unchanged
restore "$root/etc/pve/.vmlist"

echo "== pci.cfg"
fifo_in "$root/etc/pve/mapping/pci.cfg"
t status; t audit; t assign 101 --vf auto; check_unchanged
restore "$root/etc/pve/mapping/pci.cfg"
echo "-- a directory"
mv "$root/etc/pve/mapping/pci.cfg" saved; mkdir "$root/etc/pve/mapping/pci.cfg"
t audit
restore "$root/etc/pve/mapping/pci.cfg"

echo "== pci-id-reservations"
mkfifo "$root/run/qemu-server/pci-id-reservations"
t status; t audit; t assign 101 --vf auto; check_unchanged
rm "$root/run/qemu-server/pci-id-reservations"
echo "-- a directory"
mkdir "$root/run/qemu-server/pci-id-reservations"
t audit
rmdir "$root/run/qemu-server/pci-id-reservations"

echo "== the tool's config"
mkfifo "$root/etc/pve-passthrough.conf"
t audit; t assign 101 --vf auto; check_unchanged
t guard 101 pre-start
rm "$root/etc/pve-passthrough.conf"
echo "-- a character device (/dev/zero's numbers)"
mknod "$root/etc/pve-passthrough.conf" c 1 5
t audit
rm "$root/etc/pve-passthrough.conf"

echo "== /proc/4242/cmdline (VM 100 runs as 4242): counted as running, its VF 02.1 not offered"
fifo_in "$root/proc/4242/cmdline"
t status; t audit; t assign 101 --vf auto
grep hostpci "$Q/101.conf"
restore "$root/proc/4242/cmdline"
cp before.conf "$Q/101.conf"

echo "== sysfs: the PF's vendor (libpci reads it for names)"
fifo_in "$root/sys/bus/pci/devices/0000:00:02.0/vendor"
t status
restore "$root/sys/bus/pci/devices/0000:00:02.0/vendor"
echo "== sysfs: the PF's sriov_numvfs"
fifo_in "$root/sys/bus/pci/devices/0000:00:02.0/sriov_numvfs"
t status; t audit
restore "$root/sys/bus/pci/devices/0000:00:02.0/sriov_numvfs"
echo "== all restored: assign works"
t assign 101 --vf auto
