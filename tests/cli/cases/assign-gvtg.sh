# a GVT-g host (the demo hardware turned into a Coffee Lake iGPU with two mdev types and no VFs):
# --mdev auto says which type and why, a type with no instance left after the needs of the VMs
# configured for it is refused, an unknown type is refused, a VF request is refused
. "$SRC/tests/cli/lib/gvtg-host.sh"
mdev_type() { # type name available
	mkdir -p "$D/mdev_supported_types/$1/devices"
	echo "$2" >"$D/mdev_supported_types/$1/name"
	printf 'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n' >"$D/mdev_supported_types/$1/description"
	echo vfio-pci >"$D/mdev_supported_types/$1/device_api"
	echo "$3" >"$D/mdev_supported_types/$1/available_instances"
	: >"$D/mdev_supported_types/$1/create"
}
mdev_type i915-GVTg_V5_4 GVTg_V5_4 1
mdev_type i915-GVTg_V5_8 GVTg_V5_8 2
mkdir -p "$root/sys/class/mdev_bus"
ln -s ../../devices/pci0000:00/0000:00:02.0 "$root/sys/class/mdev_bus/0000:00:02.0"
rm -f "$Q/100.conf" "$Q/104.conf" "$Q/105.conf" "$root/run/qemu-server/100.pid"
printf 'cores: 2\nhostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\nmemory: 2048\n' >"$Q/106.conf"
pp assign 101 --mdev auto
grep hostpci "$Q/101.conf"
pp assign 102 --mdev i915-GVTg_V5_4
pp assign 102 --mdev i915-GVTg_V5_1
pp assign 102 --vf auto
pp assign 102 --mdev i915-GVTg_V5_8 --dry-run --format json
pp release 101 --device 0000:00:02.0
grep hostpci "$Q/101.conf" || echo "no hostpci left"
