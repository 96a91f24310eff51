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
