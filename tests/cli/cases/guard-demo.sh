# guard VMID pre-start on every VM of the demo scenario: exit 1 with one line per blocking finding
# (rule, key, device, fix), warnings printed with exit 0; other phases do nothing; bad input exit 2
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
for vm in 100 101 102 103 104 105 106 107 108 109 110; do
	"$PP" --root "$TMP/root" guard $vm pre-start 2>&1
	echo "VM $vm: rc=$?"
done
echo "== other phases never check (VM 102 would be refused)"
for ph in post-start pre-stop post-stop; do "$PP" --root "$TMP/root" guard 102 $ph; echo "$ph rc=$?"; done
echo "== malformed input"
"$PP" --root "$TMP/root" guard 12 pre-start 2>&1; echo "rc=$?"
"$PP" --root "$TMP/root" guard 0100 pre-start 2>&1; echo "rc=$?"
"$PP" --root "$TMP/root" guard 102 prestart 2>&1; echo "rc=$?"
"$PP" --root "$TMP/root" guard 102 2>&1; echo "rc=$?"
echo "== -q: warnings silenced, refusals not"
"$PP" --root "$TMP/root" -q guard 108 pre-start 2>&1; echo "rc=$?"
