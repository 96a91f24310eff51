# Rocket Lake (11th gen desktop): an Intel iGPU with neither SR-IOV nor GVT-g, said in those words
d=r/sys/devices/pci0000:00/0000:00:02.0
mkdir -p $d r/sys/bus/pci/devices
echo 0x8086 >$d/vendor; echo 0x4c8a >$d/device; echo 0x030000 >$d/class
ln -s ../../../devices/pci0000:00/0000:00:02.0 r/sys/bus/pci/devices/0000:00:02.0
mkdir -p r/usr/share/misc && cp "$DEMO/usr/share/misc/pci.ids" r/usr/share/misc/ # names: the node's pci.ids
"$PP" --root r --node pve3 status; echo "rc=$?"
"$PP" --root r --node pve3 --format json status | grep -E '"(platform|virtualization|sriov)"'
