# Issue 13 defect 3: audit reports the temporary files a killed write of ours left under /etc/pve
# (rule temp-file-left, the detection doctor uses): in a node's qemu-server directory (pmxcfs
# replicates it to every node) and pci.cfg's directory.  Files outside /etc/pve are doctor's
# (host) scope; one whose writer still runs (our own pid) is not stale; PVE's own temp names
# are not ours.
R=$(copy_demo)
touch "$R/etc/pve/nodes/pve1/qemu-server/101.conf.pp-tmp.999999.0123456789abcdef" \
	"$R/etc/pve/mapping/pci.cfg.pp-tmp.999998.0123456789abcdef" \
	"$R/etc/modules.pp-tmp.999997.0123456789abcdef" \
	"$R/etc/pve/nodes/pve1/qemu-server/102.conf.pp-tmp.$$.0123456789abcdef" \
	"$R/etc/pve/nodes/pve1/qemu-server/103.conf.tmp.999995"
"$PP" --root "$R" audit | grep -A2 temp-file-left
"$PP" --root "$R" --format json audit | grep -c '"temp-file-left"'
"$PP" --root "$R" --format nagios audit | grep -o 'temp-file-left[^;]*' | head -3
echo "== severity off in the config file"
printf 'rule temp-file-left { severity = off }\n' >"$R/etc/pve-passthrough.conf"
"$PP" --root "$R" audit | grep -c temp-file-left
rm "$R/etc/pve-passthrough.conf"
echo "== the next write in that directory removes its own leftovers"
"$PP" -q --root "$R" release 101 --all; echo "exit $?"
"$PP" --root "$R" audit | grep -c temp-file-left
