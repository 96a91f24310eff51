#!/bin/sh
# demo.sh - runs the tool's main jobs on the bundled demo host (examples/demo-host), a fake Proxmox
# node with an iGPU that has VFs and a few VMs, some of them misconfigured.  Changes nothing in it.
set -u
cd "$(dirname "$0")/.."
PP=./pve-passthrough
ROOT=examples/demo-host
run() { printf '\n$ pve-passthrough %s\n' "$*"; $PP "$@"; echo "(exit $?)"; }
echo "Demo host: $ROOT (node pve1).  Every command reads it through --root."

run --root "$ROOT" status
run --root "$ROOT" status --all
# lint: what PVE itself would silently drop from the demo VMs' configs at its next write
set -- "$ROOT"/etc/pve/nodes/pve1/qemu-server/*.conf
if [ -e "$1" ]; then
	run lint "$@"
else
	echo "(no VM configs under $ROOT/etc/pve/nodes/pve1/qemu-server yet: lint skipped)"
fi

# audit and the pre-start guard.  Until examples/demo-host has its etc/ (the PVE side), the same
# scenario is built in a temporary copy by tests/cli/fakehost.sh.
AROOT=$ROOT
if [ ! -d "$ROOT/etc/pve" ]; then
	AROOT=$(mktemp -d /tmp/pp-demo-XXXXXX)
	trap 'rm -rf "$AROOT"' EXIT
	(SRC=$(pwd) DEMO=$(pwd)/$ROOT; export SRC DEMO; . tests/cli/fakehost.sh; fh_demo "$AROOT/root")
	AROOT=$AROOT/root
	echo "(demo host without etc/ yet: audit and guard run on a copy with the scenario's VMs)"
fi
run --root "$AROOT" audit
run --root "$AROOT" audit --format nagios
echo
echo "# The guard as PVE runs it before each start (exit 1 = the start is refused):"
for vm in 100 104 103 108; do run --root "$AROOT" guard $vm pre-start; done

# host checks end to end (issue 7): the newest kernel has no i915-sriov-dkms module and no headers,
# the #1 field failure, caught before the reboot; every audit rule follows; then what
# `host setup sriov` would change (a dry run: nothing is written).
run --root "$AROOT" doctor
run --root "$ROOT" host setup sriov --dry-run
