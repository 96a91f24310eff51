# tests/cli/fakehost.sh - shell helpers that build fake nodes under a root directory, for CLI cases
# that need more than the demo host (examples/demo-host, see examples/README.md) and for
# tools/bench-guard.sh.  The hardware (sys/, proc/cmdline) is copied from the demo host.
#
#   fh_init ROOT [NODE]             sys/ and pci.ids of the demo host + etc/pve skeleton for NODE (pve1)
#   fh_vm ROOT VMID [NODE] <<EOF    writes a VM config from stdin (and updates .vmlist)
#   fh_vmlist ROOT                  /etc/pve/.vmlist from the configs present, as pmxcfs keeps it
#   fh_running ROOT VMID PID        makes VMID run: pid file + proc/PID/cmdline as PVE starts QEMU
#   fh_reserve ROOT BDF VMID PID    a pci-id-reservations line
#   fh_storage ROOT [snippets]      storage.cfg (local with or without snippets content)
#   fh_mapping ROOT <<EOF           /etc/pve/mapping/pci.cfg from stdin
#   fh_gvtg ROOT, fh_mdev ROOT UUID TYPE   a GVT-g variant of the hardware, a live mdev instance

fh_init() {
	_r=$1; _n=${2:-pve1}
	mkdir -p "$_r"
	cp -a "${DEMO:-$SRC/examples/demo-host}/sys" "$_r/"
	mkdir -p "$_r/usr/share/misc" # names under --root come from the node's pci.ids
	cp "${DEMO:-$SRC/examples/demo-host}/usr/share/misc/pci.ids" "$_r/usr/share/misc/"
	mkdir -p "$_r/proc/sys/kernel" "$_r/etc/pve/nodes/$_n/qemu-server" "$_r/run/qemu-server" \
		"$_r/var/lib/vz/snippets"
	cp "${DEMO:-$SRC/examples/demo-host}/proc/cmdline" "$_r/proc/cmdline"
	cp "${DEMO:-$SRC/examples/demo-host}/proc/sys/kernel/osrelease" "$_r/proc/sys/kernel/osrelease"
	echo "$_n" >"$_r/etc/hostname"
	ln -sfn "nodes/$_n" "$_r/etc/pve/local"
	ln -sfn "nodes/$_n/qemu-server" "$_r/etc/pve/qemu-server"
	fh_storage "$_r" snippets
	fh_vmlist "$_r"
}

# pmxcfs derives /etc/pve/.vmlist from the config files under nodes/ (the demo host's file shows
# its layout); a running PVE node always has it, with "ids": {} when there is no guest.
fh_vmlist() {
	{
		printf '{\n"version": 1,\n"ids": {'
		_sep=
		for _f in "$1"/etc/pve/nodes/*/qemu-server/*.conf; do
			[ -e "$_f" ] || continue
			_id=${_f##*/}; _id=${_id%.conf}; _nd=${_f%/qemu-server/*}; _nd=${_nd##*/}
			printf '%s\n"%s": { "node": "%s", "type": "qemu", "version": 1 }' "$_sep" "$_id" "$_nd"
			_sep=,
		done
		printf '}\n\n}\n'
	} >"$1/etc/pve/.vmlist"
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
	fh_vmlist "$1"
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
