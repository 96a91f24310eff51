#!/bin/sh
# bench-guard.sh - speed of the pre-start guard and of audit (make bench-guard).
#  1. guard pre-start on a generated node: the demo host's iGPU with 7 VFs, 500 VM configs (each
#     with a VF, 6 of them running), side by side with a shell hookscript that does the same checks
#     the way users write them (cat/grep on sysfs and the configs).  Median wall time per call.
#  2. audit of a node with 10,000 VM configs: wall time and peak RSS, against merely reading the
#     files (cat).
# Prints measured figures; asserts nothing about them (machines differ).
set -eu
cd "$(dirname "$0")/.."
SRC=$(pwd); DEMO=$SRC/examples/demo-host; export SRC DEMO
PP=$SRC/pve-passthrough
command -v hyperfine >/dev/null || { echo "bench-guard: hyperfine is missing (tools/deps.sh)" >&2; exit 1; }
W=$(mktemp -d /tmp/pp-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
. tests/cli/fakehost.sh

# ---------------------------------------------------------------- node with 500 VMs
gen_vms() { # root first count every: VMs first.. (every EVERY-th has a VF)
	awk -v dir="$1/etc/pve/nodes/pve1/qemu-server" -v first="$2" -v n="$3" -v every="$4" 'BEGIN {
		for (i = first; i < first + n; i++) {
			f = dir "/" i ".conf"
			printf "boot: order=scsi0\ncores: 2\n" > f
			if (i % every == 0)
				printf "hostpci0: 0000:00:02.%d,pcie=1\n", i % 7 + 1 > f
			printf "machine: q35\n" > f
			printf "memory: 4096\nname: vm%d\nnet0: virtio=BC:24:11:00:%02x:%02x,bridge=vmbr0\n", i, int(i / 256) % 256, i % 256 > f
			printf "ostype: l26\nscsi0: local-lvm:vm-%d-disk-0,size=32G\nsmbios1: uuid=%08d-0000-4000-8000-000000000000\n", i, i > f
			close(f)
		}
	}'
}
N=$W/node500
fh_init "$N"
gen_vms "$N" 100 500 1
fh_vmlist "$N"
for v in 101 102 103 104 105 106; do fh_running "$N" $v $((4000 + v)); done

# The shell hookscript as users write it (forum/blog style): refuse a PF with VFs, a missing
# device, and a device that a running VM's config names.
cat >"$W/hook.sh" <<'EOF'
#!/bin/bash
vmid=$1; phase=$2
[ "$phase" = pre-start ] || exit 0
conf=$R/etc/pve/qemu-server/$vmid.conf
for dev in $(grep -E '^hostpci[0-9]+:' "$conf" | sed -E 's/^hostpci[0-9]+: *(host=)?//; s/,.*//; s/;/ /g'); do
	case $dev in ????:*) ;; *) dev=0000:$dev ;; esac
	if [ ! -e "$R/sys/bus/pci/devices/$dev" ]; then
		echo "hookscript: $dev does not exist" >&2; exit 1
	fi
	if [ -e "$R/sys/bus/pci/devices/$dev/sriov_numvfs" ] &&
	   [ "$(cat "$R/sys/bus/pci/devices/$dev/sriov_numvfs")" -gt 0 ]; then
		echo "hookscript: $dev is a PF with VFs" >&2; exit 1
	fi
	for pidf in "$R"/run/qemu-server/*.pid; do
		o=$(basename "$pidf" .pid)
		[ "$o" = "$vmid" ] && continue
		[ -d "$R/proc/$(cat "$pidf")" ] || continue
		if grep -q "^hostpci[0-9]*:.*$dev" "$R/etc/pve/qemu-server/$o.conf"; then
			echo "hookscript: $dev is used by running VM $o" >&2; exit 1
		fi
	done
done
exit 0
EOF
chmod +x "$W/hook.sh"

# VM 100 (VF 02.3, free): both allow.  Sanity: both must agree.
"$PP" --root "$N" guard 100 pre-start
R=$N "$W/hook.sh" 100 pre-start
# `--version` is the binary's own process start (dynamic loading, no work): the guard's ratio to it
# is what a library change can be judged by on a machine whose load varies.
R=$N hyperfine -N -w 20 -r 300 --export-json "$W/guard.json" \
	"$PP --root $N guard 100 pre-start" "$W/hook.sh 100 pre-start" "$PP --version" >"$W/hf.txt" 2>&1 ||
	{ cat "$W/hf.txt"; exit 1; }
python3 - "$W/guard.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
g, s = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"guard pre-start, 500 VM configs, iGPU with 7 VFs: median {g:.2f} ms "
      f"(mean {r[0]['mean']*1000:.2f} ms, {len(r[0]['times'])} runs)")
print(f"shell hookscript (cat/grep), same node:           median {s:.2f} ms "
      f"(mean {r[1]['mean']*1000:.2f} ms)")
print(f"guard is {s / g:.1f}x faster than the shell version")
v = r[2]["median"] * 1000
print(f"process start (--version):                        median {v:.2f} ms "
      f"-> guard/start = {g / v:.2f}")
EOF
echo "guard binary links: $(ldd "$PP" | awk '{print $1}' | grep -v vdso | tr '\n' ' ')"

# ---------------------------------------------------------------- audit of 10,000 configs
# (one in 100 passes a VF through: 100 VMs over 7 VFs, so device-shared finds every overlap)
B=$W/node10k
fh_init "$B"
gen_vms "$B" 100 10000 100
fh_vmlist "$B" # audit reads it to know it saw every VM
cat "$B"/etc/pve/nodes/pve1/qemu-server/*.conf >/dev/null # warm the page cache
/usr/bin/time -f "%e %M" -o "$W/cat.t" sh -c "cat '$B'/etc/pve/nodes/pve1/qemu-server/*.conf >/dev/null"
/usr/bin/time -f "%e %M" -o "$W/audit.t" "$PP" --root "$B" audit --format json >"$W/audit.json" || true
python3 - "$W/cat.t" "$W/audit.t" "$W/audit.json" <<'EOF'
import json, sys
c = open(sys.argv[1]).read().split()
a = open(sys.argv[2]).read().split()
s = json.load(open(sys.argv[3]))["summary"]
ct, cr, at, ar = float(c[0]), int(c[1]), float(a[0]), int(a[1])
print(f"audit, 10,000 VM configs: {at*1000:.0f} ms wall, peak RSS {ar/1024:.1f} MiB "
      f"({s['vms']} VMs, {s['error']} errors, {s['warning']} warnings, {s['info']} info)")
print(f"cat of the same files:    {ct*1000:.0f} ms wall, peak RSS {cr/1024:.1f} MiB "
      f"-> audit/cat = {at / max(ct, 0.001):.1f}x")
EOF
