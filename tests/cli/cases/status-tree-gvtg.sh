# the status tree of a GVT-g host (the demo hardware turned into a Coffee Lake iGPU, no VFs):
# PF -> mdev types -> live instances -> the VM whose entry PVE created each for (VM 100 runs,
# its instance has PVE's uuid of hostpci0 + VMID 100); a stopped VM configured for a type hangs
# under its type; a VM naming a type the PF does not offer hangs under the PF, marked by the
# rules (mdev-type-missing); --table is the flat view
. "$SRC/tests/cli/lib/gvtg-host.sh"
for t in 4:1 8:2; do
	n=${t%:*}
	mkdir -p "$D/mdev_supported_types/i915-GVTg_V5_$n/devices"
	echo "GVTg_V5_$n" >"$D/mdev_supported_types/i915-GVTg_V5_$n/name"
	echo vfio-pci >"$D/mdev_supported_types/i915-GVTg_V5_$n/device_api"
	echo "${t#*:}" >"$D/mdev_supported_types/i915-GVTg_V5_$n/available_instances"
done
mkdir -p "$root/sys/class/mdev_bus" "$root/sys/bus/mdev/devices"
ln -s ../../devices/pci0000:00/0000:00:02.0 "$root/sys/class/mdev_bus/0000:00:02.0"
u=00000000-0000-0000-0000-000000000100
mkdir -p "$D/$u"; ln -s ../mdev_supported_types/i915-GVTg_V5_4 "$D/$u/mdev_type"
ln -s ../../../devices/pci0000:00/0000:00:02.0/$u "$root/sys/bus/mdev/devices/$u"
printf 'cores: 2\nhostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\nmemory: 2048\nname: desk\n' >"$Q/100.conf"
printf 'cores: 2\nhostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_8\nmemory: 2048\nname: office\n' >"$Q/102.conf"
printf 'cores: 2\nhostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_1\nmemory: 2048\nname: typo\n' >"$Q/104.conf"
rm -f "$Q/105.conf"
"$PP" --root "$root" status | sed -n '/^DEVICE/,$p'; echo "rc=$?"
"$PP" --root "$root" status --table | sed -n '/^BDF/,$p'
