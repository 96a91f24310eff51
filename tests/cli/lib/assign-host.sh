# tests/cli/lib/assign-host.sh - sourced by the assign/release cases: a copy of the demo host's
# hardware (sys/, proc/cmdline) with a Proxmox side of our own, so the cases do not depend on the
# demo host's VMs.  Sets $root.  VM 100 runs (pid 4242), the others are stopped.
root=$(copy_demo)
rm -rf "$root/etc" "$root/run" "$root/var"
for p in "$root"/proc/[0-9]*; do [ -e "$p" ] && rm -rf "$p"; done
mkdir -p "$root/etc/pve/nodes/pve1/qemu-server" "$root/etc/pve/nodes/pve2/qemu-server" \
	"$root/run/qemu-server" "$root/proc/4242" "$root/etc/pve/mapping"
echo pve1 >"$root/etc/hostname"
ln -s nodes/pve1 "$root/etc/pve/local"
Q="$root/etc/pve/nodes/pve1/qemu-server"
printf 'boot: order=scsi0\ncores: 4\nhostpci0: 0000:00:02.1,pcie=1\nmachine: q35\nmemory: 8192\nname: win11\nostype: win11\n' >"$Q/100.conf"
printf '# Jellyfin server\nboot: order=scsi0\ncores: 2\nmachine: pc-q35-8.1\nmemory: 4096\nname: jellyfin\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0\nostype: l26\nscsi0: local-lvm:vm-101-disk-0,size=32G\n\n[before-gpu]\ncores: 2\nmachine: pc-q35-8.1\nmemory: 4096\nname: jellyfin\nsnaptime: 1700000000\n' >"$Q/101.conf"
printf 'cores: 2\nmemory: 2048\nname: legacy\nostype: l26\n' >"$Q/102.conf"
printf 'cores: 1\nlock: backup\nmachine: q35\nmemory: 1024\nname: locked\n' >"$Q/103.conf"
printf 'cores: 1\nhostpci0: 0000:00:02.2;0000:00:02.3,pcie=1\nmachine: q35\nmemory: 1024\nname: pair\n' >"$Q/104.conf"
printf 'cores: 1\nhostpci0: mapping=iGPU-VF,pcie=1\nmachine: q35\nmemory: 1024\nname: mapped\n' >"$Q/105.conf"
printf 'cores: 1\nmemory: 1024\nname: elsewhere\n' >"$root/etc/pve/nodes/pve2/qemu-server/200.conf"
printf '{"version":3,"ids":{"100":{"node":"pve1","type":"qemu"},"101":{"node":"pve1","type":"qemu"},"102":{"node":"pve1","type":"qemu"},"103":{"node":"pve1","type":"qemu"},"104":{"node":"pve1","type":"qemu"},"105":{"node":"pve1","type":"qemu"},"200":{"node":"pve2","type":"qemu"}}}\n' >"$root/etc/pve/.vmlist"
printf 'iGPU-VF\n\tmap id=8086:a7a0,iommugroup=23,node=pve1,path=0000:00:02.4,subsystem-id=1028:0b14\n\tdescription Intel iGPU VF\n\n' >"$root/etc/pve/mapping/pci.cfg"
echo 4242 >"$root/run/qemu-server/100.pid"
printf '/usr/bin/kvm\0-id\0100\0-name\0win11\0-pidfile\0/var/run/qemu-server/100.pid\0' >"$root/proc/4242/cmdline"
pp() { if [ "$1" = -q ]; then shift; "$PP" -q --root "$root" "$@"; else "$PP" --root "$root" "$@"; fi; echo "exit $?"; }
# hold_lock FILE: another process takes a real flock on FILE (its directory made) and holds it
# until ./release exists; $holder is its pid.  Returns once the lock is held.
hold_lock() {
	mkdir -p "${1%/*}"
	flock "$1" sh -c 'touch held; while [ ! -e release ]; do sleep 0.05; done' &
	holder=$!
	while [ ! -e held ]; do sleep 0.05; done
}
