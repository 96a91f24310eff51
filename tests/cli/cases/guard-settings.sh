# /etc/pve-passthrough.conf: per-rule severity (an error lowered to a warning lets the start go on,
# off silences it), internal errors allowed with a warning or refused, the timeout, and a malformed
# file (exit 3 for audit naming file and line; the guard falls back to the built-in default).
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
conf() { cat >"$R/etc/pve-passthrough.conf"; }
conf <<'CONF'
# demo: VM 107 may start with pcie=1 on i440fx, vf-bound-on-host is not reported
rule pcie-needs-q35 { severity = warning }
rule vf-bound-on-host { severity = off }
CONF
"$PP" --root "$R" guard 107 pre-start; echo "107 rc=$?"
"$PP" --root "$R" guard 108 pre-start; echo "108 rc=$?"
"$PP" --root "$R" audit --vmid 107 --vmid 108 | tail -n 1; echo "audit rc=$?"
echo "== internal error (the VM's config is missing): allow by default, refuse when configured"
"$PP" --root "$R" guard 999 pre-start; echo "rc=$?"
conf <<'CONF'
guard {
	on-internal-error = refuse
}
CONF
"$PP" --root "$R" guard 999 pre-start; echo "rc=$?"
echo "== a FIFO in place of the VM config: refused at once, naming it (never a hang)"
conf <<'CONF'
guard {
	on-internal-error = refuse
	timeout = 1
}
CONF
rm "$R/etc/pve/nodes/pve1/qemu-server/101.conf"
mkfifo "$R/etc/pve/nodes/pve1/qemu-server/101.conf"
"$PP" --root "$R" guard 101 pre-start; echo "refuse rc=$?"
rm "$R/etc/pve/nodes/pve1/qemu-server/101.conf"
cp "$DEMO/etc/pve/nodes/pve1/qemu-server/101.conf" "$R/etc/pve/nodes/pve1/qemu-server/"
echo "== timeout: a guard that hangs (test hook) gives up after 1 s"
PVE_PASSTHROUGH_TEST_STALL=guard "$PP_TEST" --root "$R" guard 101 pre-start; echo "refuse rc=$?"
sed -i 's/refuse/allow/' "$R/etc/pve-passthrough.conf"
PVE_PASSTHROUGH_TEST_STALL=guard "$PP_TEST" --root "$R" guard 101 pre-start; echo "allow rc=$?"
echo "== malformed settings"
conf <<'CONF'
guard {
	timeout = 0
}
CONF
"$PP" --root "$R" audit --vmid 100; echo "audit rc=$?"
"$PP" --root "$R" guard 102 pre-start; echo "guard rc=$?"
conf <<'CONF'
rule pf-with-vf { severity = off }
CONF
"$PP" --root "$R" audit --vmid 100; echo "audit rc=$?"
"$PP" --config "$TMP/none.conf" --root "$R" audit --vmid 100; echo "missing --config rc=$?"
