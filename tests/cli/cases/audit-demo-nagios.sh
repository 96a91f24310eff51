# audit --format nagios: one status line with perfdata, plugin exit codes (2 critical, 1 warning,
# 0 ok, 3 unknown)
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
"$PP" --root "$R" audit --format nagios
echo "rc=$?"
"$PP" --root "$R" audit --format nagios --vmid 108
echo "rc=$?"
"$PP" --root "$R" audit --format nagios --vmid 100
echo "rc=$?"
rm -rf "$R/sys"
"$PP" --root "$R" audit --format nagios --vmid 100
echo "rc=$?"
