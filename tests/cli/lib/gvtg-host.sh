# tests/cli/lib/gvtg-host.sh - sourced by the GVT-g cases: assign-host.sh's host with its iGPU
# turned into a Coffee Lake one (8086:3e92, GVT-g, no SR-IOV: VFs and sriov_* gone).  Sets $root,
# $Q as assign-host.sh does, and $D, the PF's device directory; the cases add the mdev types.
. "$SRC/tests/cli/lib/assign-host.sh"
D="$root/sys/devices/pci0000:00/0000:00:02.0"
for f in 1 2 3 4 5 6 7; do rm -rf "$root/sys/bus/pci/devices/0000:00:02.$f" "$root/sys/devices/pci0000:00/0000:00:02.$f"; done
rm -f "$D"/virtfn* "$D"/sriov_*
echo 0x3e92 >"$D/device"
sed -i 's/^PCI_ID=8086:A7A0/PCI_ID=8086:3E92/' "$D/uevent"
