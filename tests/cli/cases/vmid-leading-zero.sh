# One VMID grammar for every command (PVE's pve-vmid, ^[1-9][0-9]{2,8}$): '0101' is a usage error
# (exit 2) for assign, release, guard, audit --vmid and hook install/remove alike; before the
# single parser, assign and release took it as VM 101 (issue 10).
R=$(copy_demo)
for args in "assign 0101 --vf auto" "release 0101 --all" "guard 0101 pre-start" \
	"audit --vmid 0101" "hook install 0101" "hook remove 0101"; do
	echo "== $args"
	$PP --root "$R" $args 2>&1 | head -n 1
	$PP --root "$R" $args >/dev/null 2>&1
	echo "status $?"
done
# and nothing was written
cmp "$DEMO/etc/pve/nodes/pve1/qemu-server/101.conf" "$R/etc/pve/nodes/pve1/qemu-server/101.conf" && echo "101.conf unchanged"
