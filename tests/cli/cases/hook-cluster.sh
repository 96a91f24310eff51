# hook install in a cluster (issue 12): a shared storage with snippets is preferred (the VM can
# start on every node); with only node-local ones it still installs, and warns that the VM cannot
# start on the other nodes until the snippet is copied there, with the command that does it.
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
mkdir -p "$R/etc/pve/nodes/pve2/qemu-server" "$R/etc/pve/nodes/pve3/qemu-server"
echo "== three nodes, only local has snippets: installed there, with the warning"
"$PP" --root "$R" hook install 100 101; echo "rc=$?"
"$PP" --root "$R" hook remove 100 101 >/dev/null; echo "remove rc=$?"
echo "== an NFS storage with snippets (shared by its type): chosen over local, no warning"
cat >>"$R/etc/pve/storage.cfg" <<'CFG'

nfs: shared-nfs
	export /export/pve
	path /mnt/pve/shared-nfs
	server 192.0.2.10
	content snippets,iso
CFG
"$PP" --root "$R" hook install 100; echo "rc=$?"
ls "$R/mnt/pve/shared-nfs/snippets"
"$PP" --root "$R" hook remove 100 >/dev/null; echo "remove rc=$?"
echo "== a dir storage marked 'shared 1' (no NFS): chosen"
fh_storage "$R" snippets
cat >>"$R/etc/pve/storage.cfg" <<'CFG'

dir: cluster-dir
	path /srv/shared
	content snippets
	shared 1
CFG
"$PP" --root "$R" hook install 100; echo "rc=$?"
"$PP" --root "$R" hook remove 100 >/dev/null
echo "== the same restricted to the other nodes: not usable here, local with the warning"
printf '\tnodes pve2,pve3\n' >>"$R/etc/pve/storage.cfg"
"$PP" --root "$R" hook install 100; echo "rc=$?"
"$PP" --root "$R" hook remove 100 >/dev/null
echo "== a single node (no other node in /etc/pve/nodes): local, no warning"
R2=$TMP/single; mkdir -p "$R2"; cp -a "$DEMO/." "$R2/"
"$PP" --root "$R2" hook install 100; echo "rc=$?"
