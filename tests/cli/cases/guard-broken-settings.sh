# A broken /etc/pve-passthrough.conf never weakens the guard (issue 15, defect 1; issue 10): VM 102
# passes the PF of active VFs, so the guard must refuse it whatever the rest of the file says.
# - a host rule id (doctor's vfs-count) is a known id: a setting of doctor, no effect on the guard
# - an unknown rule, a misspelt severity, a timeout out of range, a NUL byte: with the default
#   allow every rule still runs at its default severity and the ignored line is named; with
#   refuse the start is refused
# - the guard's own on-internal-error unreadable: refused
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
conf() { cat >"$R/etc/pve-passthrough.conf"; }
echo "== a host rule's setting"
conf <<'CONF'
rule vfs-count { severity = off }
CONF
"$PP" --root "$R" guard 102 pre-start; echo "rc=$?"
"$PP" --root "$R" audit --vmid 102 | tail -n 1; echo "audit rc=$?"
echo "== broken, default allow"
for bad in 'rule pf-with-vf { severity = off }' 'rule pf-with-vfs { severity = of }' \
	'guard {
	timeout = 0
}'; do
	printf '%s\n' "$bad" >"$R/etc/pve-passthrough.conf"
	"$PP" --root "$R" guard 102 pre-start; echo "rc=$?"
done
printf 'rule pf-with-vfs { severity = off }\n\000\n' >"$R/etc/pve-passthrough.conf"
"$PP" --root "$R" guard 102 pre-start; echo "NUL rc=$?"
echo "== broken, refuse"
conf <<'CONF'
guard {
	on-internal-error = refuse
}
rule pf-with-vfs { severity = off }
rule no-such-rule { severity = off }
CONF
"$PP" --root "$R" guard 100 pre-start; echo "rc=$?"
printf 'guard {\n\ton-internal-error = refuse\n}\nrule pf-with-vfs { severity = off }\n\000\n' \
	>"$R/etc/pve-passthrough.conf"
"$PP" --root "$R" guard 100 pre-start; echo "NUL rc=$?"
echo "== the guard's own setting unreadable"
conf <<'CONF'
guard {
	on-internal-error = refsue
}
CONF
"$PP" --root "$R" guard 100 pre-start; echo "rc=$?"
echo "== the guard block glued to the line before it (libconfuse reads it: so does the guard)"
conf <<'CONF'
timeout = 60*guard {
	on-internal-error = refuse
}
rule no-such-rule { severity = off }
CONF
"$PP" --root "$R" guard 100 pre-start; echo "glued rc=$?"
