# status's used_by (docs/cli.md): every section (main, pending, snapshot:<name>), hostpci ids
# expanded as PVE does - "00:02" covers the PF and every VF, "A;B" names each device, a
# domain-less id, mapping= every map line of this node, mdev= names its parent - and running as
# docs/cli.md defines it.  A value PVE drops (105's "0000:00:02.3, pcie=1") names nothing;
# another node's configs and other nodes' map lines are not this node's users.
show() {
	python3 -c '
import json, sys
for d in json.load(sys.stdin)["devices"]:
    print(d["bdf"], ", ".join("%d %s %s%s" % (u["vmid"], u["section"], u["key"], " (running)" if u["running"] else "") for u in d["used_by"]) or "-")'
}
root=$(copy_demo)
q=$root/etc/pve/nodes/pve1/qemu-server
printf 'machine: q35\nname: lists\nhostpci0: 0000:00:02.6;0000:00:02.7,pcie=1\nhostpci3: 00:1f.3\n\n[PENDING]\nhostpci1: mapping=iGPU-VF\n' >"$q/111.conf"
mkdir -p "$root/etc/pve/nodes/pve2/qemu-server"
printf 'name: elsewhere\nhostpci0: 0000:00:02.1\n' >"$root/etc/pve/nodes/pve2/qemu-server/200.conf"
sed -i 's/^\(\tmap .*path=0000:00:02.4\)$/\1\n\tmap id=8086:a7a0,node=pve2,path=0000:00:02.5/' "$root/etc/pve/mapping/pci.cfg"
"$PP" --root "$root" --format json status | show; echo "rc=$?"
# VM 100 stops (its pid file goes): still a user, no longer running
rm "$root/run/qemu-server/100.pid"
"$PP" --root "$root" --format json status | show | grep '^0000:00:02.1 '
# a GVT-g host: an mdev= entry names the PF it creates the instance on
r=gvt; d=$r/sys/devices/pci0000:00/0000:00:02.0
mkdir -p $d $r/sys/bus/pci/devices $r/sys/class/mdev_bus $r/sys/class/iommu/dmar0 $r/etc/pve/nodes/pve2/qemu-server
echo 0x8086 >$d/vendor; echo 0x3e92 >$d/device; echo 0x030000 >$d/class
ln -s ../../../devices/pci0000:00/0000:00:02.0 $r/sys/bus/pci/devices/0000:00:02.0
mkdir -p $r/usr/share/misc && cp "$DEMO/usr/share/misc/pci.ids" $r/usr/share/misc/ # names: the node's pci.ids
ln -s ../../devices/pci0000:00/0000:00:02.0 $r/sys/class/mdev_bus/0000:00:02.0
mkdir -p $d/mdev_supported_types/i915-GVTg_V5_4/devices
echo GVTg_V5_4 >$d/mdev_supported_types/i915-GVTg_V5_4/name
echo 2 >$d/mdev_supported_types/i915-GVTg_V5_4/available_instances
ln -s nodes/pve2 $r/etc/pve/local
printf 'name: desktop\nhostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\n' >$r/etc/pve/nodes/pve2/qemu-server/120.conf
"$PP" --root $r status | sed -n '4,5p'
# no Proxmox on the machine (no /etc/pve, node from --node): nobody uses anything, no error
rm -rf $r/etc
"$PP" --root $r --node box --format json status | show; echo "rc=$?"
