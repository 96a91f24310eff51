# a non-PCI mdev parent (the kernel's mtty sample, as in the real-kernel tier): its types and a live
# instance are shown after the devices, in text and under "mdev_parents" in JSON
d=r/sys/devices/virtual/mtty/mtty
mkdir -p r/sys/bus/pci/devices r/sys/class/mdev_bus r/sys/bus/mdev/devices
ln -s ../../devices/virtual/mtty/mtty r/sys/class/mdev_bus/mtty
for t in 1:24:'Single port mtty' 2:11:'Dual port mtty'; do
	IFS=: read n avail desc <<EOT
$t
EOT
	ty=$d/mdev_supported_types/mtty-$n
	mkdir -p $ty/devices
	echo "$desc" >$ty/name; echo vfio-pci >$ty/device_api; echo $avail >$ty/available_instances
	echo "$desc" >$ty/description
done
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
mkdir -p $d/$u; ln -s ../mdev_supported_types/mtty-2 $d/$u/mdev_type
ln -s ../../../devices/virtual/mtty/mtty/$u r/sys/bus/mdev/devices/$u
"$PP" --root r --node pve3 status; echo "rc=$?"
"$PP" --root r --node pve3 status --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["devices"], d["mdevs"])
for p in d["mdev_parents"]:
    for t in p["mdev_types"]:
        print(p["name"], t["type"], t["name"], t["available"], repr(t["description"]))'
