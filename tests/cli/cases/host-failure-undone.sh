# A failure half-way through a setup (injected at the 3rd file, then at the refresh command)
# undoes what was done: the host is byte-identical to before, the journal says "failed".
. "$SRC/tests/cli/lib/host.sh"
mkhost h --grub-default "quiet i915.enable_gvt=1" --kernel 6.8.12-4-pve
snap h >before
PVE_PASSTHROUGH_TEST_FAIL_AT=change:3 "$PP_TEST" --root h host setup sriov --yes --replace-conflicts >/dev/null 2>err; echo "rc=$?"
stamp <err
snap h >after; cmp before after && echo "byte-identical after the failure"
PVE_PASSTHROUGH_TEST_FAIL_AT=command:2 "$PP_TEST" --root h host setup sriov --yes --replace-conflicts >/dev/null 2>err; echo "rc=$?"
stamp <err
snap h >after; cmp before after && echo "byte-identical after the failure"
grep -h '^state' h/var/lib/pve-passthrough/journal/*/journal
"$PP" --root h host rollback --yes; echo "rc=$?"
