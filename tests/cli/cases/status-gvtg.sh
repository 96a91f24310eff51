# a GVT-g host (Coffee Lake UHD 630): mdev types with instances left, one live instance of VM 100
# (PVE's UUID scheme), text and JSON
d=r/sys/devices/pci0000:00/0000:00:02.0
mkdir -p $d r/sys/bus/pci/devices r/sys/class/mdev_bus r/sys/bus/mdev/devices r/sys/class/iommu/dmar0
echo 0x8086 >$d/vendor; echo 0x3e92 >$d/device; echo 0x030000 >$d/class
mkdir -p r/sys/bus/pci/drivers/i915; ln -s ../../../bus/pci/drivers/i915 $d/driver
ln -s ../../../devices/pci0000:00/0000:00:02.0 r/sys/bus/pci/devices/0000:00:02.0
mkdir -p r/usr/share/misc && cp "$DEMO/usr/share/misc/pci.ids" r/usr/share/misc/ # names: the node's pci.ids
ln -s ../../devices/pci0000:00/0000:00:02.0 r/sys/class/mdev_bus/0000:00:02.0
for t in 1:1:512:2048:1920x1200:16 2:1:256:1024:1920x1200:8 4:2:128:512:1920x1200:4 8:3:64:384:1024x768:2; do
	IFS=: read n avail low high res weight <<EOT
$t
EOT
	ty=$d/mdev_supported_types/i915-GVTg_V5_$n
	mkdir -p $ty/devices
	echo GVTg_V5_$n >$ty/name; echo vfio-pci >$ty/device_api; echo $avail >$ty/available_instances
	printf 'low_gm_size: %sMB\nhigh_gm_size: %sMB\nfence: 4\nresolution: %s\nweight: %s\n' \
		$low $high $res $weight >$ty/description
done
u=00000000-0000-0000-0000-000000000100
mkdir -p $d/$u; ln -s ../mdev_supported_types/i915-GVTg_V5_4 $d/$u/mdev_type
ln -s ../../../devices/pci0000:00/0000:00:02.0/$u r/sys/bus/mdev/devices/$u
mkdir -p r/sys/module/kvmgt r/sys/module/i915/parameters; echo Y >r/sys/module/i915/parameters/enable_gvt
"$PP" --root r --node pve2 status; echo "rc=$?"
"$PP" --root r --node pve2 status --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
g = d["devices"][0]
print(g["platform"], g["virtualization"], g["sriov"], g["role"])
for t in g["mdev_types"]:
    print(t["type"], t["name"], t["available"], repr(t["description"]))
print(d["mdevs"])'
