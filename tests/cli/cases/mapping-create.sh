# mapping create on the demo host: one map line per VF of the iGPU, in PVE's writer format, under
# pmxcfs' lock for pci.cfg; the section passes our own check after a re-read (mapping check, and
# the guard for a VM given the mapping); a second run finds nothing to do (our reader + writer give
# the file back byte for byte); a second node's lines survive, a stale line of this node is
# replaced where it stands.
root=$(copy_demo)
cfg="$root/etc/pve/mapping/pci.cfg"
lockdir="$root/etc/pve/priv/lock/file-mapping_pci_cfg"
"$PP" --root "$root" mapping create igpu-pool --dry-run; echo "exit $?"
cmp -s "$cfg" "$DEMO/etc/pve/mapping/pci.cfg" && echo "dry run: pci.cfg unchanged"
"$PP" --root "$root" mapping create igpu-pool --description 'iGPU VF pool'; echo "exit $?"
[ -e "$lockdir" ] || echo "lock released"
sum1=$(sha1sum <"$cfg")
"$PP" --root "$root" mapping create igpu-pool --description 'iGPU VF pool'; echo "exit $?"
[ "$(sha1sum <"$cfg")" = "$sum1" ] && echo "second run: pci.cfg byte for byte the same"
"$PP" --root "$root" mapping check igpu-pool; echo "exit $?"
printf 'cores: 1\nmachine: q35\nname: pooled\n' >"$root/etc/pve/nodes/pve1/qemu-server/111.conf"
"$PP" --root "$root" assign 111 --mapping igpu-pool; echo "exit $?"
"$PP" --root "$root" guard 111 pre-start; echo "guard exit $?"

echo "== another node's lines survive; a stale line of this node is replaced in place"
printf 'pool2\n\tmap id=8086:a7a0,iommugroup=31,node=pve2,path=0000:00:02.1,subsystem-id=1028:0b14\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2\n\tmap id=8086:a7a0,iommugroup=32,node=pve2,path=0000:00:02.2,subsystem-id=1028:0b14\n\tmdev 0\n\n' >>"$cfg"
"$PP" --root "$root" mapping check pool2; echo "exit $?"
"$PP" --root "$root" mapping create pool2 --vfs 1,0000:00:02.4; echo "exit $?"
"$PP" --root "$root" mapping check pool2; echo "exit $?"

echo "== refusals"
"$PP" --root "$root" mapping create 9bad; echo "exit $?"
"$PP" --root "$root" mapping create pool3 --vfs 9; echo "exit $?"
"$PP" --root "$root" mapping create pool3 --pf 0000:00:02.1; echo "exit $?"
"$PP" --root "$root" mapping check nope; echo "exit $?"
mkdir "$lockdir"
sum2=$(sha1sum <"$cfg")
"$PP" --root "$root" mapping create pool3 --lock-timeout 0; echo "exit $?"
[ "$(sha1sum <"$cfg")" = "$sum2" ] && echo "pci.cfg unchanged"
[ -d "$lockdir" ] && echo "the other holder's lock is left alone, mtime $(stat -c %Y "$lockdir") (pmxcfs' unlock request)"
rmdir "$lockdir"
rm -rf "$root/etc/pve/priv"
"$PP" --root "$root" mapping create pool3; echo "exit $?"
