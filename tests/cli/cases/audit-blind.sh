# Blind is UNKNOWN, never OK (issue 12): whatever could not be read makes audit exit 3 naming it,
# Nagios UNKNOWN with it in the status line, Prometheus pve_passthrough_up 0 - and what could be
# read is still judged.  (The unreachable API node is in tests/api/cli.sh: audit-offline-*.)
AARGS= # audit's own options for blind()
blind() { # what the three machine-facing formats say: exit codes, status line, up gauge
	"$@" audit $AARGS >/dev/null 2>&1; echo "text exit $?"
	"$@" audit $AARGS --format nagios 2>/dev/null; echo "nagios exit $?"
	"$@" audit $AARGS --format prometheus >"$TMP/p.prom" 2>/dev/null; echo "prometheus exit $?"
	grep -E '^pve_passthrough_(up|configs_)' "$TMP/p.prom"
}

echo "== a non-root user on a node laid out as pmxcfs shows it (configs, .vmlist: 0640 root:www-data)"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root (a real unprivileged user is created with useradd and run with setpriv)"
else
	id -u pp-blind-test >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin pp-blind-test
	chmod 0755 "$TMP"
	mkdir -p "$TMP/bin" && cp "$PP" "$TMP/bin/pve-passthrough"
	R=$(copy_demo)
	chgrp www-data "$R/etc/pve/.vmlist" "$R"/etc/pve/nodes/pve1/qemu-server/*.conf
	chmod 0640 "$R/etc/pve/.vmlist" "$R"/etc/pve/nodes/pve1/qemu-server/*.conf
	U="setpriv --reuid=pp-blind-test --regid=nogroup --clear-groups -- $TMP/bin/pve-passthrough"
	$U --root "$R" audit; echo "rc=$?"
	blind $U --root "$R"
	echo "== the same user in group www-data (as pveproxy runs): one config 0600 is a partial read"
	chmod 0600 "$R/etc/pve/nodes/pve1/qemu-server/105.conf"
	U="setpriv --reuid=pp-blind-test --regid=www-data --clear-groups -- $TMP/bin/pve-passthrough"
	$U --root "$R" audit >"$TMP/out" 2>&1; echo "rc=$?"
	grep -E '^(VM 10[2-5]|pve1:|INCOMPLETE|  cannot)' "$TMP/out"
	$U --root "$R" --format json audit 2>/dev/null |
		python3 -c 'import json,sys; j=json.load(sys.stdin); print("complete", j["complete"], "read", j["configs_read"], "unreadable", j["configs_unreadable"], "unread", j["unread"], "vms", j["summary"]["vms"])'
	blind $U --root "$R"
	echo "== /etc/pve 0750 root:www-data as on PVE, a user outside www-data: the root check stops"
	echo "== the run before anything is read, and monitoring still gets UNKNOWN / up 0"
	chgrp www-data "$R/etc/pve" && chmod 0750 "$R/etc/pve"
	U="setpriv --reuid=pp-blind-test --regid=nogroup --clear-groups -- $TMP/bin/pve-passthrough"
	$U --root "$R" audit; echo "rc=$?"
	blind $U --root "$R"
	grep -c '^# \(HELP\|TYPE\) pve_passthrough_\(up\|configs_read\|configs_unreadable\|last_run_timestamp_seconds\) ' "$TMP/p.prom"
	$U --root "$R" --format nagios doctor 2>/dev/null; echo "doctor nagios exit $?"
	$U --root "$R" doctor --format prometheus 2>/dev/null >"$TMP/p.prom"; echo "doctor prometheus exit $?"
	grep -E '^pve_passthrough_(up|configs_)' "$TMP/p.prom"
fi

echo "== an empty /etc/pve (pmxcfs not running, or not a PVE node)"
E=$TMP/empty
mkdir -p "$E/etc/pve" && cp -a "$DEMO/sys" "$DEMO/proc" "$E/" && echo pve1 >"$E/etc/hostname"
"$PP" --root "$E" audit; echo "rc=$?"
blind "$PP" --root "$E"
"$PP" --root "$E" --format json audit 2>/dev/null | grep -E '"(complete|configs_read)"'

echo "== .vmlist lists VMs, but no config is there (zero VMs read)"
Z=$(copy_demo)
rm "$Z"/etc/pve/nodes/pve1/qemu-server/*.conf
"$PP" --root "$Z" audit >"$TMP/out" 2>&1; echo "rc=$?"
sed -n '1,4p' "$TMP/out"
blind "$PP" --root "$Z"

echo "== --vmid that names no VM"
R2=$TMP/demo2 && cp -a "$DEMO" "$R2"
"$PP" --root "$R2" audit --vmid 999; echo "rc=$?"
AARGS="--vmid 999" blind "$PP" --root "$R2"
echo "== a VMID that exists: complete, exit per findings"
"$PP" --root "$R2" audit --vmid 100 --format nagios; echo "nagios exit $?"

echo "== the deadline (-t) expires: Nagios UNKNOWN, Prometheus up 0 (a command that hangs: test seam)"
PVE_PASSTHROUGH_TEST_STALL=command "$PP_TEST" -t 1 --format nagios --root "$R2" audit; echo "nagios exit $?"
PVE_PASSTHROUGH_TEST_STALL=command "$PP_TEST" -t 1 --format prometheus --root "$R2" audit >"$TMP/p.prom"
echo "prometheus exit $?"
grep -E '^pve_passthrough_(up|configs_)' "$TMP/p.prom"
grep -c '^pve_passthrough_last_run_timestamp_seconds{node="pve1"} [0-9]*$' "$TMP/p.prom"
