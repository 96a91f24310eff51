# Rolling back an SR-IOV setup sets the VFs to 0 first: the dry run says so, the rollback under
# --root names it as the next step (sysfs is not written there).
. "$SRC/tests/cli/lib/host.sh"
mkhost h --numvfs 7 --kernel 6.8.12-4-pve
"$PP" --root h host setup sriov --yes >/dev/null; echo "setup rc=$?"
"$PP" --root h host rollback --dry-run | stamp | grep -v -E '^([-+@]| [^ ])'; echo "== (end of dry run)"
"$PP" --root h host rollback --yes | stamp | grep -v -E '^([-+@]| [^ ])'; echo "== (end of rollback)"
