# audit on the demo scenario (examples/README.md): exactly the problems its table lists, grouped by
# VM, most severe first, then the summary line; exit 1 (errors at the default --fail-on error)
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
"$PP" --root "$TMP/root" audit
echo "rc=$?"
