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

# status: the iGPU, its VFs, and which VM config names each (every section, running or not)
run --root "$ROOT" status

# audit (every rule over every VM config and the host) and the pre-start guard
run --root "$ROOT" audit
run --root "$ROOT" audit --format nagios
echo
echo "# The guard as PVE runs it before each start (exit 1 = the start is refused):"
for vm in 100 104 103 108; do run --root "$ROOT" guard $vm pre-start; done

# assign/release: plans only on the demo host (--dry-run writes nothing and takes no lock); the real
# writes happen on a throwaway copy.
echo
echo "== assign and release (dry runs on the demo host)"
run --root "$ROOT" assign 101 --vf auto --dry-run
run --root "$ROOT" assign 110 --vf 0000:00:02.3 --dry-run
run --root "$ROOT" release 104 --device 0000:00:02.1 --dry-run
copy=$(mktemp -d /tmp/pp-demo-XXXXXX)
cp -a "$ROOT" "$copy/root"
echo
echo "== on a throwaway copy: every VF is named by some config, so first fix the two broken VMs"
echo "== (103 passes the whole slot, 107 cannot start) and free 104's duplicate VF, then give 104 a"
echo "== free one"
run --root "$copy/root" -q release 103 --all
run --root "$copy/root" -q release 107 --all
run --root "$copy/root" -q release 104 --all
run --root "$copy/root" assign 104 --vf auto
echo
echo "== a VF pool for HA and migration: one map line per VF of the iGPU (id, iommugroup, subsystem-id,"
echo "== node, path) in /etc/pve/mapping/pci.cfg, written in PVE's format under pmxcfs' lock; a VM"
echo "== given the mapping gets the first free VF at start on any node that has lines in it"
run --root "$copy/root" mapping create igpu-pool --description "iGPU VF pool"
run --root "$copy/root" assign 103 --mapping igpu-pool
run --root "$copy/root" mapping check igpu-pool
rm -rf "$copy"

# host checks end to end: the newest kernel has no i915-sriov-dkms module and no headers (the #1
# field failure, caught before the reboot); every audit rule follows; then what
# `host setup sriov` would change (a dry run: nothing is written).
run --root "$ROOT" doctor
run --root "$ROOT" host setup sriov --dry-run
