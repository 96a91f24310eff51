# systemd-boot on ZFS: the one line of /etc/kernel/cmdline is edited; a conflicting
# i915.enable_gvt=1 is reported and left alone without --replace-conflicts, removed with it;
# proxmox-boot-tool refresh is listed (not run: --root).  Then rollback restores every byte.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --boot sdboot-zfs --cmdline-extra "quiet i915.enable_gvt=1" --kernel 6.8.12-4-pve
snap h >before
# the conflict left alone would keep SR-IOV from working: refused before any plan is shown,
# unless --force (then it is listed among the notes)
"$PP" --root h host setup sriov --vfs 3 --dry-run 2>&1; echo "rc=$?"
"$PP" --root h host setup sriov --vfs 3 --dry-run --force | sed -n '/^Notes/,$p'
"$PP" --root h host setup sriov --yes --vfs 3 --replace-conflicts | stamp | sed -n '1,10p;/^Commands/,$p'; echo "rc=$?"
cat h/etc/kernel/cmdline
grep ExecStart h/etc/systemd/system/pve-passthrough-vfs.service
"$PP" --root h host setup sriov --yes --vfs 3 --replace-conflicts | tail -1; echo "rc=$?"
"$PP" --root h host rollback --yes | stamp | tail -4; echo "rc=$?"
snap h >after
cmp before after && echo "byte-identical after rollback"
"$PP" --root h host rollback --yes; echo "rc=$?"
