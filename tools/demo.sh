#!/bin/sh
# demo.sh - runs the tool's main jobs on the bundled demo host (examples/demo-host), a fake Proxmox
# node with an iGPU that has VFs and a few VMs, some of them misconfigured.  Changes nothing in it.
set -u
cd "$(dirname "$0")/.."
PP=./pve-passthrough
ROOT=examples/demo-host
# say FORMAT [ARG...]: the narration, in the messages' language (the tool's catalog, through the
# gettext program; xgettext extracts FORMAT into the template).  Like the tool (util/i18n.c), a
# language whose locale is not generated here is still used, with LANGUAGE under the first locale
# in which the catalog answers: C.UTF-8 (glibc < 2.39; later ones treat it like C), else this
# machine's default locale (/etc/default/locale; PVE nodes have en_US.UTF-8).
export TEXTDOMAIN=pve-passthrough TEXTDOMAINDIR="$PWD/build/locale"
want=${LC_ALL:-${LC_MESSAGES:-${LANG:-C}}}
gt_env=""
case $want in
C | POSIX | C.* | POSIX.*) ;;
*)
	if ! locale -a 2>/dev/null | grep -qix "$(echo "$want" | sed 's/UTF-8/utf8/I')"; then
		sys=$(sed -n 's/^[[:space:]]*LANG=//p' /etc/default/locale 2>/dev/null | tr -d "\"'" | tail -n 1)
		for l in C.UTF-8 $sys; do
			if [ -n "$(LC_ALL=$l LANGUAGE=${LANGUAGE:-$want} gettext '' 2>/dev/null)" ]; then
				gt_env="LC_ALL=$l LANGUAGE=${LANGUAGE:-$want}"
				break
			fi
		done
	fi
	;;
esac
say() {
	fmt=$1
	shift
	if command -v gettext >/dev/null 2>&1; then
		fmt=$(env $gt_env gettext "$fmt")
	fi
	# shellcheck disable=SC2059
	printf "$fmt\n" "$@"
}
run() {
	printf '\n$ pve-passthrough %s\n' "$*"
	$PP "$@"
	say "(exit %s)" "$?"
}
say "Demo host: %s (node pve1).  Every command reads it through --root." "$ROOT"

# lint: what PVE itself would silently drop from the demo VMs' configs at its next write
set -- "$ROOT"/etc/pve/nodes/pve1/qemu-server/*.conf
if [ -e "$1" ]; then
	run lint "$@"
else
	say "(no VM configs under %s/etc/pve/nodes/pve1/qemu-server yet: lint skipped)" "$ROOT"
fi

# status: the iGPU, its VFs, and which VM config names each (every section, running or not)
run --root "$ROOT" status

# audit (every rule over every VM config and the host) and the pre-start guard
run --root "$ROOT" audit
run --root "$ROOT" audit --format nagios
echo
say "# The guard as PVE runs it before each start (exit 1 = the start is refused):"
for vm in 100 104 103 108; do run --root "$ROOT" guard $vm pre-start; done

# assign/release: plans only on the demo host (--dry-run writes nothing and takes no lock); the real
# writes happen on a throwaway copy.
echo
say "== assign and release (dry runs on the demo host)"
run --root "$ROOT" assign 101 --vf auto --dry-run
run --root "$ROOT" assign 110 --vf 0000:00:02.3 --dry-run
run --root "$ROOT" release 104 --device 0000:00:02.1 --dry-run
copy=$(mktemp -d /tmp/pp-demo-XXXXXX)
cp -a "$ROOT" "$copy/root"
echo
say "== on a throwaway copy: every VF is named by some config, so first fix the two broken VMs
== (103 passes the whole slot, 107 cannot start) and free 104's duplicate VF, then give 104 a
== free one"
run --root "$copy/root" -q release 103 --all
run --root "$copy/root" -q release 107 --all
run --root "$copy/root" -q release 104 --all
run --root "$copy/root" assign 104 --vf auto
echo
say "== a VF pool for HA and migration: one map line per VF of the iGPU (id, iommugroup, subsystem-id,
== node, path) in /etc/pve/mapping/pci.cfg, written in PVE's format under pmxcfs' lock; a VM
== given the mapping gets the first free VF at start on any node that has lines in it"
run --root "$copy/root" mapping create igpu-pool --description "iGPU VF pool"
run --root "$copy/root" assign 103 --mapping igpu-pool
run --root "$copy/root" mapping check igpu-pool
rm -rf "$copy"

# host checks end to end: the newest kernel has no i915-sriov-dkms module and no headers (the #1
# field failure, caught before the reboot); every audit rule follows; then what
# `host setup sriov` would change (a dry run: nothing is written).
run --root "$ROOT" doctor
run --root "$ROOT" host setup sriov --dry-run
