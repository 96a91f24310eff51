# a host without an Intel GPU (and without Proxmox): lists what is there, says there is no iGPU
mkdir -p r/sys/devices/pci0000:00/0000:00:03.0 r/sys/bus/pci/devices r/proc/sys/kernel
d=r/sys/devices/pci0000:00/0000:00:03.0
echo 0x1af4 >$d/vendor; echo 0x1041 >$d/device; echo 0x020000 >$d/class
ln -s ../../../devices/pci0000:00/0000:00:03.0 r/sys/bus/pci/devices/0000:00:03.0
mkdir -p r/usr/share/misc && cp "$DEMO/usr/share/misc/pci.ids" r/usr/share/misc/ # names: the node's pci.ids
echo 6.1.0-28-amd64 >r/proc/sys/kernel/osrelease
"$PP" --root r --node box status --all; echo "rc=$?"
"$PP" --root r --node box status --format json; echo "rc=$?"
