# hook install --all / remove --all (this node's VMs that pass PCI devices; --cluster: every
# node's) and hook status (guarded / chained / not guarded / hookscript missing on this node), in
# text and JSON.
. "$SRC/tests/cli/lib/hook-host.sh"
old_hook <<'EOF'
exit 0
EOF
echo "== status before"
"$PP" --root "$R" hook status; echo "rc=$?"
echo "== install --all"
"$PP" --root "$R" hook install --all 2>/dev/null; echo "rc=$?"
"$PP" --root "$R" hook status; echo "rc=$?"
echo "== a hookscript whose file is gone from this node"
rm "$R/var/lib/vz/snippets/pve-passthrough-guard-101.sh"
"$PP" --root "$R" --format json hook status 101; echo "rc=$?"
echo "== the cluster: pve2's VMs too (install --all --cluster writes pve2's config through pmxcfs)"
mkdir -p "$R/etc/pve/nodes/pve2/qemu-server"
printf 'hostpci0: 0000:00:02.6\nmemory: 2048\n' >"$R/etc/pve/nodes/pve2/qemu-server/301.conf"
"$PP" --root "$R" hook status --cluster | grep -E "pve2|guarded,"
"$PP" --root "$R" hook install --all --cluster 2>&1 | grep -E "301|pve2"
"$PP" --root "$R" hook status 301 999; echo "rc=$?"
echo "== remove --all restores what was there"
"$PP" --root "$R" hook remove --all; echo "rc=$?"
grep hookscript "$C/101.conf"
"$PP" --root "$R" hook status | tail -n 1
echo "== usage"
"$PP" --root "$R" hook install; echo "rc=$?"
"$PP" --root "$R" hook install --all 100; echo "rc=$?"
"$PP" --root "$R" hook remove --cluster 100; echo "rc=$?"
