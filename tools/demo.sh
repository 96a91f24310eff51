#!/bin/sh
# demo.sh - runs the tool's main jobs on the bundled demo host (examples/demo-host), a fake Proxmox
# node with an iGPU that has VFs and a few VMs, some of them misconfigured.  Changes nothing in it.
set -u
cd "$(dirname "$0")/.."
PP=./pve-passthrough
ROOT=examples/demo-host
run() { printf '\n$ pve-passthrough %s\n' "$*"; $PP "$@"; echo "(exit $?)"; }
echo "Demo host: $ROOT (node pve1).  Every command reads it through --root."

# lint: what PVE itself would silently drop from the demo VMs' configs at its next write
set -- "$ROOT"/etc/pve/nodes/pve1/qemu-server/*.conf
if [ -e "$1" ]; then
	run lint "$@"
else
	echo "(no VM configs under $ROOT/etc/pve/nodes/pve1/qemu-server yet: lint skipped)"
fi
run --root "$ROOT" status
run --root "$ROOT" status --all
# assign/release: plans only on the bundled host (--dry-run writes nothing and takes no lock); the
# real writes happen on a throwaway copy.
if [ -e "$ROOT/etc/pve/nodes/pve1/qemu-server/101.conf" ]; then
	echo
	echo "== assign and release (dry runs on the demo host)"
	run --root "$ROOT" assign 101 --vf auto --dry-run
	run --root "$ROOT" assign 110 --vf 0000:00:02.3 --dry-run
	run --root "$ROOT" release 104 --device 0000:00:02.1 --dry-run
	copy=$(mktemp -d /tmp/pp-demo-XXXXXX)
	cp -a "$ROOT" "$copy/root"
	echo
	echo "== on a throwaway copy ($copy/root): free VM 104's duplicate VF, then ask for a free one"
	run --root "$copy/root" -q release 104 --all
	run --root "$copy/root" assign 104 --vf auto
	rm -rf "$copy"
else
	echo "(no VM configs under $ROOT/etc/pve/nodes/pve1/qemu-server yet: assign demo skipped)"
fi
