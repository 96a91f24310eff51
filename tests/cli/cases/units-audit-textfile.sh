# The shipped pve-passthrough-audit.service runs its ExecStart= line as written (the template with
# @SBINDIR@ filled in as mk/package.mk does, continuation lines joined and split into argv as
# systemd does; the host is the demo host through PVE_PASSTHROUGH_ROOT): the textfile appears by
# rename (a reader holding the old file keeps reading it whole), exit 0 and 1 both replace it,
# exit 3 (incomplete) replaces it with pve_passthrough_up 0 and fails the unit, a usage error
# keeps the old file.
. "$SRC/tests/cli/fakehost.sh"
unit=$SRC/units/pve-passthrough-audit.service.in
mkdir -p "$TMP/sbin" "$TMP/textfile"
ln -s "$PP" "$TMP/sbin/pve-passthrough"
# ExecStart= with its continuation lines, @SBINDIR@ as the package fills it
line=$(sed 's|@SBINDIR@|'"$TMP/sbin"'|g' "$unit" | awk '
	/^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") }
	on { if (sub(/\\$/, "")) { printf "%s", $0; next } print; on = 0 }')
prom=$(sed -n 's/^Environment=PROM=//p' "$unit")
echo "unit writes $prom"
PROM=$TMP/textfile/pve-passthrough.prom; export PROM
service() { # root: runs ExecStart= with the unit's environment (PROM) and the host under root
	( export PVE_PASSTHROUGH_ROOT="$1"; eval "set -- $line"; "$@" ); echo "unit exit $?"
	ls "$TMP/textfile"
}

echo "== exit 0 (a clean node): written"
C=$TMP/clean; fh_init "$C"
fh_vm "$C" 100 <<'CONF'
memory: 2048
CONF
service "$C"
grep -E '^pve_passthrough_(up|configs_read)' "$PROM"

echo "== exit 1 (the demo host's errors): replaced by rename, a reader of the old file unaffected"
R=$(copy_demo)
old_inode=$(stat -c %i "$PROM")
exec 3<"$PROM"
service "$R"
[ "$(stat -c %i "$PROM")" != "$old_inode" ] && echo "new inode: renamed into place, not rewritten"
grep -q '^pve_passthrough_configs_read{node="pve1"} 1$' <&3 && echo "the open old file still reads whole"
exec 3<&-
grep -E '^pve_passthrough_(up|configs_read|audit_findings.*error)' "$PROM"

echo "== exit 3 (empty /etc/pve): replaced, pve_passthrough_up 0, the unit fails"
E=$TMP/empty; mkdir -p "$E/etc/pve" && cp -a "$DEMO/sys" "$DEMO/proc" "$E/" && echo pve1 >"$E/etc/hostname"
service "$E"
grep -E '^pve_passthrough_up' "$PROM"

echo "== a usage error (exit 2): the old file kept, no temporary left"
sum=$(md5sum <"$PROM")
( export PVE_PASSTHROUGH_ROOT="$R"; eval "set -- $(printf '%s' "$line" | sed 's/audit --format prometheus/audit --format prometheus --no-such-option/')"; "$@" ); echo "unit exit $?"
[ "$(md5sum <"$PROM")" = "$sum" ] && echo "old file kept"
ls "$TMP/textfile"
