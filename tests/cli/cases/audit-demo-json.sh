# audit --format json on the demo scenario: schema_version, findings with null vmid/key/device for
# host-level ones, summary
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
"$PP" --root "$TMP/root" --format json audit
echo "rc=$?"
"$PP" --root "$TMP/root" audit --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema_version"] == 1 and d["node"] == "pve1"
print(sorted({(f["vmid"], f["rule"]) for f in d["findings"] if f["severity"] != "info"}))
print(d["summary"])'
