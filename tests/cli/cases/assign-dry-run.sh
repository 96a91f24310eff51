# assign --dry-run: the plan as a unified diff (text) and as JSON; nothing written, no lock taken
. "$SRC/tests/cli/lib/assign-host.sh"
cp "$Q/101.conf" before.conf
pp assign 101 --vf auto --dry-run
pp assign 101 --vf auto --dry-run --format json
cmp before.conf "$Q/101.conf" && echo "101.conf unchanged"
[ -e "$root/run/lock" ] || echo "no lock taken"
