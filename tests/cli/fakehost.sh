# tests/cli/fakehost.sh - shell helpers that build the PVE side of a fake node under a root
# directory (sourced by CLI cases and by tools/bench-guard.sh).  The hardware (sys/, proc/cmdline)
# comes from the demo host (examples/demo-host, see examples/README.md).
#
#   fh_init ROOT [NODE]             sys/ of the demo host + etc/pve skeleton for NODE (pve1)
#   fh_vm ROOT VMID [NODE] <<EOF    writes a VM config from stdin
#   fh_running ROOT VMID PID        makes VMID run: pid file + proc/PID/cmdline as PVE starts QEMU
#   fh_reserve ROOT BDF VMID PID    a pci-id-reservations line
#   fh_storage ROOT [snippets]      storage.cfg (local with or without snippets content)
#   fh_mapping ROOT <<EOF           /etc/pve/mapping/pci.cfg from stdin

fh_init() {
	_r=$1; _n=${2:-pve1}
	mkdir -p "$_r"
	cp -a "${DEMO:-$SRC/examples/demo-host}/sys" "$_r/"
	mkdir -p "$_r/proc/sys/kernel" "$_r/etc/pve/nodes/$_n/qemu-server" "$_r/run/qemu-server" \
		"$_r/var/lib/vz/snippets"
	cp "${DEMO:-$SRC/examples/demo-host}/proc/cmdline" "$_r/proc/cmdline"
	cp "${DEMO:-$SRC/examples/demo-host}/proc/sys/kernel/osrelease" "$_r/proc/sys/kernel/osrelease"
	echo "$_n" >"$_r/etc/hostname"
	ln -sfn "nodes/$_n" "$_r/etc/pve/local"
	ln -sfn "nodes/$_n/qemu-server" "$_r/etc/pve/qemu-server"
	fh_storage "$_r" snippets
}

fh_storage() {
	_content=iso,vztmpl,backup
	[ "${2:-}" = snippets ] && _content=$_content,snippets
	printf 'dir: local\n\tpath /var/lib/vz\n\tcontent %s\n\nlvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent rootdir,images\n' \
		"$_content" >"$1/etc/pve/storage.cfg"
}

fh_vm() {
	mkdir -p "$1/etc/pve/nodes/${3:-pve1}/qemu-server"
	cat >"$1/etc/pve/nodes/${3:-pve1}/qemu-server/$2.conf"
}

fh_running() {
	echo "$3" >"$1/run/qemu-server/$2.pid"
	mkdir -p "$1/proc/$3"
	printf '/usr/bin/kvm\0-id\0%s\0-name\0vm%s,debug-threads=on\0-pidfile\0/var/run/qemu-server/%s.pid\0-daemonize\0' \
		"$2" "$2" "$2" >"$1/proc/$3/cmdline"
}

fh_reserve() {
	echo "$2 $3 pid:$4" >>"$1/run/qemu-server/pci-id-reservations"
}

fh_mapping() {
	mkdir -p "$1/etc/pve/mapping"
	cat >"$1/etc/pve/mapping/pci.cfg"
}

# The demo scenario of examples/README.md (VMs 100..110, VM 100 running).
fh_demo() {
	_r=$1
	fh_init "$_r" pve1
	fh_mapping "$_r" <<'EOF'
iGPU-VF
	map id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3
	map id=8086:a7a0,iommugroup=23,node=pve1,path=0000:00:02.4
	description Intel iGPU SR-IOV VFs

EOF
	for spec in "100 win11 q35 0000:00:02.1,pcie=1" "101 jellyfin q35 0000:00:02.2,pcie=1" \
		"102 plex - 0000:00:02.0" "103 allfuncs q35 00:02,pcie=1" \
		"104 win11-clone q35 0000:00:02.1,pcie=1" "105 typo q35 0000:00:02.3,_pcie=1" \
		"106 mapped q35 mapping=iGPU-VF,pcie=1" "107 legacy - 0000:00:02.6,pcie=1" \
		"108 media q35 0000:00:02.5,pcie=1"; do
		set -- $spec
		{
			echo "boot: order=scsi0"
			echo "cores: 4"
			[ "$4" = "${4#*_}" ] && echo "hostpci0: $4" || echo "hostpci0: ${4%%,_*}, ${4#*,_}"
			[ "$3" != - ] && echo "machine: $3"
			echo "memory: 8192"
			echo "name: $2"
			echo "net0: virtio=BC:24:11:00:01:$1,bridge=vmbr0"
			echo "ostype: l26"
			echo "scsi0: local-lvm:vm-$1-disk-0,size=32G"
		} | fh_vm "$_r" "$1"
	done
	fh_vm "$_r" 109 <<'EOF'
boot: order=scsi0
cores: 2
hostpci0: 0000:00:02.7,pcie=1
machine: q35
memory: 4096
name: snapper
parent: before-gpu
scsi0: local-lvm:vm-109-disk-0,size=32G

[PENDING]
hostpci1: 0000:00:02.2

[before-gpu]
cores: 2
hostpci0: 0000:00:02.0
machine: q35
memory: 4096
name: snapper
scsi0: local-lvm:vm-109-disk-0,size=32G
snaptime: 1732000000
EOF
	fh_vm "$_r" 110 <<'EOF'
cores: 1
lock: backup
machine: q35
memory: 1024
name: plain
scsi0: local-lvm:vm-110-disk-0,size=8G
EOF
	fh_running "$_r" 100 4242
	fh_reserve "$_r" 0000:00:02.1 100 4242
}

# A GVT-g host: the demo hardware with the iGPU turned into a Coffee Lake GPU (8086:3e92) without
# SR-IOV, offering two mdev types; "fh_mdev ROOT UUID TYPE" creates a live instance.
fh_gvtg() {
	_r=$1
	fh_init "$_r" pve1
	_pf=$_r/sys/devices/pci0000:00/0000:00:02.0
	for _i in 1 2 3 4 5 6 7; do
		rm -rf "$_r/sys/devices/pci0000:00/0000:00:02.$_i" "$_r/sys/bus/pci/devices/0000:00:02.$_i" \
			"$_r/sys/kernel/iommu_groups/2$((_i - 1))"
	done
	rm -f "$_pf"/virtfn* "$_pf"/sriov_*
	echo 0x3e92 >"$_pf/device"
	sed -i 's/^PCI_ID=8086:A7A0/PCI_ID=8086:3E92/' "$_pf/uevent" 2>/dev/null
	mkdir -p "$_r/sys/class/mdev_bus"
	ln -s ../../devices/pci0000:00/0000:00:02.0 "$_r/sys/class/mdev_bus/0000:00:02.0"
	for _t in 4:2:1 8:4:3; do
		_d=$_pf/mdev_supported_types/i915-GVTg_V5_${_t%%:*}
		mkdir -p "$_d"
		echo "GVTg_V5_${_t%%:*}" >"$_d/name"
		echo vfio-pci >"$_d/device_api"
		_rest=${_t#*:}
		echo "${_rest##*:}" >"$_d/available_instances"
		printf 'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: %s\n' \
			"${_rest%%:*}" >"$_d/description"
	done
}

fh_mdev() {
	_pf=$1/sys/devices/pci0000:00/0000:00:02.0
	mkdir -p "$_pf/$2" "$1/sys/bus/mdev/devices"
	ln -s "../mdev_supported_types/$3" "$_pf/$2/mdev_type"
	ln -s "../../../devices/pci0000:00/0000:00:02.0/$2" "$1/sys/bus/mdev/devices/$2"
	_a=$_pf/mdev_supported_types/$3/available_instances
	echo $(($(cat "$_a") - 1)) >"$_a"
}
