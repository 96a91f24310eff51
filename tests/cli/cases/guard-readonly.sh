# The guard is read-only and lock-free (docs/pve.md 6: PVE holds the VM's config lock while the
# hook runs): with the config locks of the VMs held by other processes
# (real flock), pre-start still answers at once, and no file under the root changes.
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
mkdir -p "$R/var/lock/qemu-server" "$R/run/lock/pve-passthrough"
: >"$R/var/lock/qemu-server/lock-104.conf"
: >"$R/var/lock/qemu-server/lock-101.conf"
sums() { (cd "$R" && find . -type f ! -path './proc/*' -exec sha256sum {} + | LC_ALL=C sort); }
# the lock holders live until the guard has answered (timeout 1 s: a guard that waited for a
# lock would hit it and say so)
printf 'guard {\n\ttimeout = 1\n\ton-internal-error = refuse\n}\n' >"$R/etc/pve-passthrough.conf"
before=$(sums)
flock -x -o "$R/var/lock/qemu-server/lock-104.conf" sleep 5 &
h1=$!
flock -x -o "$R/var/lock/qemu-server/lock-101.conf" sleep 5 &
h2=$!
# wait until both locks are really held
for i in $(seq 50); do
	flock -n "$R/var/lock/qemu-server/lock-104.conf" true || flock -n "$R/var/lock/qemu-server/lock-101.conf" true || break
	sleep 0.05
done
"$PP" --root "$R" guard 104 pre-start 2>&1; echo "VM 104 (locked) rc=$?"
"$PP" --root "$R" guard 101 pre-start 2>&1; echo "VM 101 (locked) rc=$?"
kill "$h1" "$h2" 2>/dev/null
wait 2>/dev/null
[ "$before" = "$(sums)" ] && echo "no file changed" || echo "FILES CHANGED"
