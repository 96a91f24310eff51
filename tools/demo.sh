#!/bin/sh
# demo.sh - runs the tool's main jobs on the bundled demo host (examples/demo-host), a fake Proxmox
# node with an iGPU that has VFs and a few VMs, some of them misconfigured.  Changes nothing in it.
set -u
cd "$(dirname "$0")/.."
PP=./pve-passthrough
ROOT=examples/demo-host
run() { printf '\n$ pve-passthrough %s\n' "$*"; $PP "$@"; echo "(exit $?)"; }
echo "Demo host: $ROOT (node pve1).  Every command reads it through --root."

# host checks end to end (issue 7): the newest kernel has no i915-sriov-dkms module and no headers,
# the #1 field failure, caught before the reboot; then what `host setup sriov` would change.
run --root "$ROOT" doctor
run --root "$ROOT" host setup sriov --dry-run
