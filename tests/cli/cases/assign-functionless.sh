# --vf with a function-less id names every function of the slot: the PF of active VFs -> pf-with-vfs
# (exit 1, file untouched); a slot without an SR-IOV PF -> not-a-vf
root=$(copy_demo)
before=$(sha1sum "$root/etc/pve/nodes/pve1/qemu-server/101.conf")
"$PP" --root "$root" assign 101 --vf 0000:00:02; echo "rc=$?"
"$PP" --root "$root" assign 101 --vf 00:02; echo "rc=$?"
"$PP" --root "$root" assign 101 --vf 0000:00:14; echo "rc=$?"
[ "$before" = "$(sha1sum "$root/etc/pve/nodes/pve1/qemu-server/101.conf")" ] && echo "101.conf untouched"
