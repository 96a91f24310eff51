# VFs in use: a VF in PVE's reservations (running VM 100) or bound to vfio-pci blocks a setup that
# changes the count and a rollback; `host vfs` goes through sysfs/'s checks (range, vfio-bound).
. "$SRC/tests/cli/lib/host.sh"
mkhost h --numvfs 3 --kernel 6.8.12-4-pve
mkdir -p h/etc/pve/nodes/pve1/qemu-server h/run/qemu-server h/proc/4242
ln -s nodes/pve1 h/etc/pve/local
printf '0000:00:02.2 100 pid:4242\n' >h/run/qemu-server/pci-id-reservations
"$PP" --root h host setup sriov --vfs 5 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --vfs 3 >/dev/null; echo "rc=$?"
"$PP" --root h host rollback >/dev/null; echo "rc=$?"
rm h/run/qemu-server/pci-id-reservations
"$PP" --root h host rollback | stamp | head -2; echo "rc=$?"
"$PP" --root h host vfs 9; echo "rc=$?"
"$PP" --root h host vfs 2; echo "rc=$?"
cat h/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs; echo
"$PP" --root h host vfs x; echo "rc=$?"
rm -rf h; mkhost h --numvfs 3 --vfio-vfs 1
"$PP" --root h host vfs 0; echo "rc=$?"
# a VF reserved by a starting VM (not bound to vfio-pci yet) also blocks `host vfs`
rm -rf h; mkhost h --numvfs 3
mkdir -p h/etc/pve/nodes/pve1/qemu-server h/run/qemu-server h/proc/4242
ln -s nodes/pve1 h/etc/pve/local
printf '0000:00:02.3 101 pid:4242\n' >h/run/qemu-server/pci-id-reservations
"$PP" --root h host vfs 0; echo "rc=$?"
