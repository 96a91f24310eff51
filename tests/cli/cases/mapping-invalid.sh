# mapping-invalid as PVE's start check judges pci.cfg: the demo mapping as it was before the fix
# (no subsystem-id, while the VFs have subsystem ids) fails every start of VM 106 - the guard
# refuses, audit names the pci.cfg line and the corrected map line, and assign --mapping refuses.
# One bad line among good ones is enough: qemu-server checks every map line of the node.
root=$(copy_demo)
cfg="$root/etc/pve/mapping/pci.cfg"
sed -i 's/,subsystem-id=1028:0b14$//' "$cfg"
"$PP" --root "$root" guard 106 pre-start; echo "guard exit $?"
"$PP" --root "$root" audit --vmid 106 --fail-on error; echo "audit exit $?"
printf 'cores: 1\nmachine: q35\nname: new\n' >"$root/etc/pve/nodes/pve1/qemu-server/111.conf"
"$PP" --root "$root" assign 111 --mapping iGPU-VF; echo "assign exit $?"
# only the second line wrong (iommugroup)
cp "$DEMO/etc/pve/mapping/pci.cfg" "$cfg"
sed -i '3s/iommugroup=23/iommugroup=24/' "$cfg"
"$PP" --root "$root" guard 106 pre-start; echo "guard exit $?"
# the demo's own (fixed) mapping passes
cp "$DEMO/etc/pve/mapping/pci.cfg" "$cfg"
"$PP" --root "$root" guard 106 pre-start; echo "guard exit $?"
