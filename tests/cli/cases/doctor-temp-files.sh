# Issue 13 defect 3: doctor reports the temporary files a killed write of ours left (rule
# temp-file-left): in a node's qemu-server directory (pmxcfs would replicate it), pci.cfg's
# directory, /etc and the journal.  One whose writer still runs (our own pid) is not stale.
R=$(copy_demo)
touch "$R/etc/pve/nodes/pve1/qemu-server/101.conf.pp-tmp.999999.0123456789abcdef" \
	"$R/etc/pve/mapping/pci.cfg.pp-tmp.999998.0123456789abcdef" \
	"$R/etc/modules.pp-tmp.999997.0123456789abcdef" \
	"$R/etc/pve/nodes/pve1/qemu-server/102.conf.pp-tmp.$$.0123456789abcdef"
mkdir -p "$R/var/lib/pve-passthrough/journal/20260101T000000Z-001-setup"
touch "$R/var/lib/pve-passthrough/journal/20260101T000000Z-001-setup/journal.pp-tmp.999996.0123456789abcdef"
"$PP" --root "$R" doctor | grep temp-file-left
"$PP" --root "$R" --format json doctor | grep -c '"temp-file-left"'
echo "== the next write in that directory removes its own leftovers"
"$PP" -q --root "$R" release 101 --all; echo "exit $?"
ls "$R/etc/pve/nodes/pve1/qemu-server" | grep -c pp-tmp
