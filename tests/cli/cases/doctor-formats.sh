# doctor shares audit's renderers (issue 10): --format prometheus and nagios print the host
# findings and the VM findings through them; and doctor prints the pci.cfg warnings that audit
# prints (it used to drop them), the same words, once.
R=$(copy_demo)
printf 'bad\n\tmap foo\n' >>"$R/etc/pve/mapping/pci.cfg"
echo "== audit's warnings"
"$PP" --root "$R" audit 2>&1 >/dev/null | grep 'pci.cfg'
echo "== doctor's warnings"
"$PP" --root "$R" doctor 2>&1 >/dev/null | grep 'pci.cfg'
echo "== prometheus"
"$PP" --root "$R" --format prometheus doctor 2>/dev/null; echo "exit $?"
echo "== nagios"
"$PP" --root "$R" --format nagios doctor 2>/dev/null; echo "exit $?"
