# The VFs of a generic SR-IOV PF (an X710 NIC at 01:00.0, 4 VFs) are treated like iGPU VFs: status
# lists them with their users, assign --vf auto --pf picks a free one, the guard refuses a double
# booking and the PF while its VFs exist, audit reports both (the hint names one of the PF's VFs).
. "$SRC/tests/cli/lib/host.sh"
mkhost g --nic-total 8 --nic-numvfs 4 --acpi dmar --kconfig-iommu on
mkdir -p g/etc/pve/nodes/pve1/qemu-server g/run/qemu-server g/proc/4242
ln -s nodes/pve1 g/etc/pve/local
ln -s nodes/pve1/qemu-server g/etc/pve/qemu-server
Q=g/etc/pve/nodes/pve1/qemu-server
printf 'cores: 1\nhostpci0: 0000:01:02.0,pcie=1\nmachine: q35\nmemory: 1024\nname: a\n' >$Q/100.conf
printf 'cores: 1\nmachine: q35\nmemory: 1024\nname: b\n' >$Q/101.conf
printf 'cores: 1\nhostpci0: 0000:01:02.0,pcie=1\nmachine: q35\nmemory: 1024\nname: c\n' >$Q/102.conf
printf 'cores: 1\nhostpci0: 0000:01:00.0,pcie=1\nmachine: q35\nmemory: 1024\nname: d\n' >$Q/103.conf
printf '{"version":3,"ids":{"100":{"node":"pve1","type":"qemu"},"101":{"node":"pve1","type":"qemu"},"102":{"node":"pve1","type":"qemu"},"103":{"node":"pve1","type":"qemu"}}}\n' >g/etc/pve/.vmlist
echo 4242 >g/run/qemu-server/100.pid
printf '/usr/bin/kvm\0-id\0100\0-name\0a\0-pidfile\0/var/run/qemu-server/100.pid\0' >g/proc/4242/cmdline
"$PP" --root g status --table | grep '^0000:01'; echo "rc=$?"
"$PP" --root g assign 101 --vf auto --pf 0000:01:00.0; echo "rc=$?"
grep hostpci $Q/101.conf
"$PP" --root g guard 102 pre-start; echo "rc=$?"
"$PP" --root g guard 103 pre-start; echo "rc=$?"
"$PP" --root g audit | grep -A1 -E 'pf-with-vfs|device-shared'; echo "rc=$?"
