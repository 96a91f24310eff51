# The guard run the way PVE runs a hookscript: argv <vmid> <phase>, stdin closed, LC_ALL=C, a
# minimal environment with PVE_MIGRATED_FROM (empty, or the source node of an incoming migration,
# whose directory then holds the config).  Also through the installed snippet itself.
. "$SRC/tests/cli/fakehost.sh"
. "$SRC/tests/cli/lib/installed.sh"
R=$(copy_demo)
run() { env -i LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin PVE_PASSTHROUGH_ROOT="$R" \
	PVE_MIGRATED_FROM="$1" "$PP" guard "$2" pre-start <&- 2>&1; echo "rc=$?"; }
echo "== VM 104 (same VF as running VM 100)"; run "" 104
echo "== VM 101"; run "" 101
echo "== incoming migration of VM 300 from pve2: its config is still under nodes/pve2"
fh_vm "$R" 300 pve2 <<'CONF'
hostpci0: 0000:00:02.1,pcie=1
machine: q35
name: migrant
CONF
run pve2 300
echo "== ... and a clean one from pve2"
sed -i 's/02.1/02.4/' "$R/etc/pve/nodes/pve2/qemu-server/300.conf"
run pve2 300
echo "== PVE_MIGRATED_FROM naming no node directory: internal error, allowed by default"
run ../etc 300
echo "== through the snippet hook install writes (PVE execs the script, no shell)"
"$PP" --root "$R" hook install 104 102 >/dev/null
for vm in 104 102; do
	as_installed present "$R" "$R/var/lib/vz/snippets/pve-passthrough-guard.sh" $vm pre-start 2>&1
	echo "VM $vm snippet rc=$?"
done
echo "== the tool not installed (package removed, a node without it): the start goes on, said once"
for mode in absent noexec; do
	for ph in pre-start post-start; do
		{ as_installed $mode "$R" "$R/var/lib/vz/snippets/pve-passthrough-guard.sh" 104 $ph
		  echo "$mode $ph rc=$?"; } 2>&1 | sed "s/on $(uname -n):/on NODE:/"
	done
done
