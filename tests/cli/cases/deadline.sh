# The per-command deadline (issue 13 defect 6): -t/--timeout SECONDS or the config file's top-level
# `timeout`; when it expires the command says so and exits 3, nothing half-written.  Here a real
# flock held by another process keeps assign waiting (its own --lock-timeout is longer).
. "$SRC/tests/cli/lib/assign-host.sh"
hold_lock "$root/var/lock/qemu-server/lock-101.conf"
cp "$Q/101.conf" before.conf
echo "== -t 1: the deadline comes before the 60 s lock timeout"
"$PP" -t 1 --root "$root" assign 101 --vf auto --lock-timeout 60; echo "exit $?"
cmp before.conf "$Q/101.conf" && echo "unchanged"
ls -a "$Q" | grep -c pp-tmp
echo "== timeout = 1 in the config file"
printf 'timeout = 1\n' >"$root/etc/pve-passthrough.conf"
"$PP" --root "$root" assign 101 --vf auto --lock-timeout 60; echo "exit $?"
echo "== --timeout overrides the file; the lock timeout comes first"
"$PP" --timeout 30 --root "$root" assign 101 --vf auto --lock-timeout 1; echo "exit $?"
touch release
wait "$holder"
echo "== Nagios: the UNKNOWN line on stdout (a command that hangs: test seam)"
rm "$root/etc/pve-passthrough.conf"
PVE_PASSTHROUGH_TEST_STALL=command "$PP_TEST" -t 1 --format nagios --root "$root" audit; echo "exit $?"
echo "== the guard keeps its own limit (guard { timeout }), whatever -t says"
printf 'guard {\n\ttimeout = 2\n\ton-internal-error = refuse\n}\n' >"$root/etc/pve-passthrough.conf"
PVE_PASSTHROUGH_TEST_STALL=guard "$PP_TEST" -t 1 --root "$root" guard 101 pre-start; echo "exit $?"
echo "== bad values"
"$PP" -t x --root "$root" status; echo "exit $?"
"$PP" --timeout 86401 --root "$root" status; echo "exit $?"
"$PP" -t --root "$root" status; echo "exit $?"
printf 'timeout = -1\n' >"$root/etc/pve-passthrough.conf"
"$PP" --root "$root" audit --vmid 101; echo "exit $?"
echo "== 0 = no limit"
printf 'timeout = 0\n' >"$root/etc/pve-passthrough.conf"
"$PP" --root "$root" -q assign 101 --vf auto; echo "exit $?"
