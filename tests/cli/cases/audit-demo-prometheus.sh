# audit --format prometheus: textfile-collector lines, one per (VM, rule, severity), plus totals
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
"$PP" --root "$TMP/root" audit --format prometheus
echo "rc=$?"
