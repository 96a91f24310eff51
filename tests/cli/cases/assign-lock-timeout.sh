# another assign holds the node's allocation lock: exit 3 with a clear message, nothing written;
# once it lets go, the assign goes through
. "$SRC/tests/cli/lib/assign-host.sh"
mkdir -p "$root/run/lock/pve-passthrough"
flock "$root/run/lock/pve-passthrough/assign.lock" sh -c 'touch held; while [ ! -e release ]; do sleep 0.05; done' &
holder=$!
while [ ! -e held ]; do sleep 0.05; done
cp "$Q/101.conf" before.conf
pp assign 101 --vf auto --lock-timeout 1
cmp before.conf "$Q/101.conf" && echo "unchanged"
touch release
wait "$holder"
pp -q assign 101 --vf auto
grep hostpci "$Q/101.conf"
