# audit --format nagios: one status line with perfdata, plugin exit codes (2 critical, 1 warning,
# 0 ok, 3 unknown)
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
"$PP" --root "$TMP/root" audit --format nagios
echo "rc=$?"
"$PP" --root "$TMP/root" audit --format nagios --vmid 108
echo "rc=$?"
"$PP" --root "$TMP/root" audit --format nagios --vmid 100
echo "rc=$?"
rm -rf "$TMP/root/sys"
"$PP" --root "$TMP/root" audit --format nagios --vmid 100
echo "rc=$?"
