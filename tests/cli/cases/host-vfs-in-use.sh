# VFs in use: a VF in PVE's reservations (running VM 100) or bound to vfio-pci blocks a setup that
# changes the count and a rollback; `host vfs` goes through sysfs/'s checks (range, vfio-bound).
# A reservation is in force as PVE reads it (docs/pve.md 3): `pid:<pid>` while that VM's QEMU runs
# with that pid (<vmid>.pid + /proc/<pid>/cmdline), `time:<epoch>` until that time (a start in
# progress).  A leftover pid: entry or an expired time: entry blocks nothing.
. "$SRC/tests/cli/lib/host.sh"
# running(DIR VMID PID): VM VMID's QEMU runs as PID, the way qemu-server leaves it
running() {
	mkdir -p "$1/run/qemu-server" "$1/proc/$3"
	echo "$3" >"$1/run/qemu-server/$2.pid"
	printf '/usr/bin/kvm\0-id\0%s\0-pidfile\0/var/run/qemu-server/%s.pid\0' "$2" "$2" >"$1/proc/$3/cmdline"
}
mkhost h --numvfs 3 --kernel 6.8.12-4-pve
mkdir -p h/etc/pve/nodes/pve1/qemu-server h/run/qemu-server
ln -s nodes/pve1 h/etc/pve/local
running h 100 4242
printf '0000:00:02.2 100 pid:4242\n' >h/run/qemu-server/pci-id-reservations
"$PP" --root h host setup sriov --vfs 5 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --yes --vfs 3 >/dev/null; echo "rc=$?"
"$PP" --root h host rollback --yes >/dev/null; echo "rc=$?"
# VM 100 stopped: its pid: line is a leftover PVE takes over, and blocks nothing
rm h/run/qemu-server/100.pid
"$PP" --root h host rollback --dry-run >/dev/null; echo "leftover pid: rc=$?"
rm h/run/qemu-server/pci-id-reservations
"$PP" --root h host rollback --yes | stamp | head -2; echo "rc=$?"
"$PP" --root h host vfs 9; echo "rc=$?"
"$PP" --root h host vfs 2; echo "rc=$?"
cat h/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs; echo
"$PP" --root h host vfs x; echo "rc=$?"
# the VF unit's instance form PF:N: pve-passthrough-vfs@0000:00:02.0:3.service runs
# `host vfs --wait 60 0000:00:02.0:3`
"$PP" --root h host vfs 0000:00:02.0:0; echo "rc=$?"
cat h/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs; echo
"$PP" --root h host vfs 0000:00:09.0:1; echo "rc=$?"
"$PP" --root h host vfs --pf 0000:00:02.0 0000:00:09.0:1; echo "rc=$?"
"$PP" --root h host vfs 00:02.0:1; echo "rc=$?"
rm -rf h; mkhost h --numvfs 3 --vfio-vfs 1
"$PP" --root h host vfs 0; echo "rc=$?"
# a VF reserved by a starting VM (time: in the future, not bound to vfio-pci yet) also blocks
# `host vfs`; the same reservation once expired does not
rm -rf h; mkhost h --numvfs 3
mkdir -p h/etc/pve/nodes/pve1/qemu-server h/run/qemu-server
ln -s nodes/pve1 h/etc/pve/local
printf '0000:00:02.3 101 time:4102444800\n' >h/run/qemu-server/pci-id-reservations
"$PP" --root h host vfs 0; echo "rc=$?"
printf '0000:00:02.3 101 time:1700000000\n' >h/run/qemu-server/pci-id-reservations
"$PP" --root h host vfs 0; echo "expired time: rc=$?"
