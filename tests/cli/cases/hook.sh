# hook install / remove: the shared snippet for a VM without a hookscript, a chained per-VM snippet
# for one that has one (the old script still runs, its status is honoured), remove restores what
# was there; no snippets storage: refused with how to enable it; VM locked / not on this node.
. "$SRC/tests/cli/fakehost.sh"
. "$SRC/tests/cli/lib/installed.sh"
. "$SRC/tests/cli/lib/hook-host.sh"
old_hook <<'EOF'
echo "old hook: $1 $2"
[ "$2" = post-stop ] && exit 7
exit 0
EOF
cp "$C/100.conf" "$TMP/100.before"; cp "$C/101.conf" "$TMP/101.before"
"$PP" --root "$R" hook install 100 101; echo "install rc=$?"
diff "$TMP/100.before" "$C/100.conf"
diff "$TMP/101.before" "$C/101.conf"
ls "$R/var/lib/vz/snippets"
cat "$R/var/lib/vz/snippets/pve-passthrough-guard-101.sh"
echo "== again: nothing changes"
"$PP" --root "$R" hook install 100; echo "rc=$?"
echo "== the chain runs: guard, then the old script (its exit status counts)"
sed "s#'/var/lib#'$R/var/lib#" "$R/var/lib/vz/snippets/pve-passthrough-guard-101.sh" >"$TMP/chain.sh"
chmod +x "$TMP/chain.sh"
for ph in pre-start post-stop; do
	as_installed present "$R" "$TMP/chain.sh" 101 $ph
	echo "$ph rc=$?"
done
echo "== the tool not installed: the previous script still runs (and decides), the guard is skipped"
for ph in pre-start post-stop; do
	{ as_installed absent "$R" "$TMP/chain.sh" 101 $ph; echo "$ph rc=$?"; } 2>&1 |
		sed "s/on $(uname -n):/on NODE:/"
done
echo "== audit sees the guard (no guard-missing for 100, 101)"
"$PP" --root "$R" audit --vmid 100 --vmid 101; echo "rc=$?"
echo "== remove restores"
"$PP" --root "$R" hook remove 100 101 103; echo "remove rc=$?"
cmp "$TMP/100.before" "$C/100.conf" && echo "100 restored"
cmp "$TMP/101.before" "$C/101.conf" && echo "101 restored"
ls "$R/var/lib/vz/snippets"
echo "== a previous hookscript that is missing: chained, with a warning (starts fail until restored)"
sed -i 's/^cores: 4$/cores: 4\nhookscript: local:snippets\/gone.sh/' "$C/100.conf"
"$PP" --root "$R" hook install 100; echo "rc=$?"
"$PP" --root "$R" hook remove 100; echo "rc=$?"
cp "$TMP/100.before" "$C/100.conf"
echo "== locked VM, VM of another node, bad VMID"
"$PP" --root "$R" hook install 110 300; echo "rc=$?"
"$PP" --root "$R" hook install abc; echo "rc=$?"
echo "== locked VM with its own hookscript: the chained snippet is not left behind"
sed -i '1i hookscript: local:snippets/old.sh' "$C/110.conf"
"$PP" --root "$R" hook install 110; echo "rc=$?"
ls "$R/var/lib/vz/snippets"
"$PP" --root "$R" hook; echo "rc=$?"
echo "== no snippets storage"
fh_storage "$R"
"$PP" --root "$R" hook install 102; echo "rc=$?"
