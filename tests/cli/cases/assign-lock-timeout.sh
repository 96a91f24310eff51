# another assign holds the node's allocation lock: exit 3 with a clear message, nothing written;
# once it lets go, the assign goes through
. "$SRC/tests/cli/lib/assign-host.sh"
hold_lock "$root/run/lock/pve-passthrough/assign.lock"
cp "$Q/101.conf" before.conf
pp assign 101 --vf auto --lock-timeout 1
cmp before.conf "$Q/101.conf" && echo "unchanged"
touch release
wait "$holder"
pp -q assign 101 --vf auto
grep hostpci "$Q/101.conf"
