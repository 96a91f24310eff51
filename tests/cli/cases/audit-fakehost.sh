# audit on variants of the demo hardware: hookscripts missing or not executable, mappings that
# are unknown or no longer match (and pci.cfg lines PVE ignores), a VF gone from the host, no IOMMU
. "$SRC/tests/cli/fakehost.sh"
R=$TMP/root
fh_init "$R"
fh_mapping "$R" <<'CONF'
igpu-old
	map id=8086:a7a0,iommugroup=99,node=pve1,path=0000:00:02.3
	map id=8086:46a6,node=pve1,path=0000:00:02.4
	map node=pve1,path=0000:00:02.6

CONF
printf '#!/bin/sh\nexit 0\n' >"$R/var/lib/vz/snippets/noexec.sh"
fh_vm "$R" 120 <<'CONF'
hookscript: local:snippets/gone.sh
hostpci0: 0000:00:02.1,pcie=1
machine: q35
name: hook-gone
CONF
fh_vm "$R" 121 <<'CONF'
hookscript: local:snippets/noexec.sh
machine: q35
name: hook-noexec
CONF
fh_vm "$R" 122 <<'CONF'
hostpci0: mapping=igpu-old
hostpci1: mapping=nope
name: mapped
CONF
fh_vm "$R" 123 <<'CONF'
hostpci0: 0000:00:02.7
hostpci1: 0000:00:1f.3
name: gone-vf
CONF
# VF 6 (02.7) disappears, as after a kernel upgrade without the dkms module
rm -f "$R/sys/bus/pci/devices/0000:00:02.7" "$R/sys/devices/pci0000:00/0000:00:02.0/virtfn6"
rm -rf "$R/sys/devices/pci0000:00/0000:00:02.7"
echo 6 >"$R/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs"
"$PP" --root "$R" audit
echo "rc=$?"
echo "== no IOMMU"
rm -rf "$R/sys/class/iommu/"*
"$PP" --root "$R" audit --vmid 123 --format json | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["vmid"], f["rule"], f["severity"], f["key"], f["device"])'
