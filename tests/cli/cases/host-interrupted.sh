# A setup killed half-way (SIGKILL right after its 2nd file, before the journal says it is done)
# leaves its journal in "applying": doctor reports it, a new setup refuses, and rollback undoes the
# steps that were applied (the 3rd was journaled but never done, and is found as it was) - the host
# is byte-identical to before.  Then a rollback killed half-way is resumed by the next rollback.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --grub-default "quiet" --kernel 6.8.12-4-pve
snap h >before
PVE_PASSTHROUGH_TEST_FAIL_AT=kill:2 "$PP_TEST" --root h host setup sriov --yes >/dev/null 2>&1; echo "setup rc=$?"
grep -h '^state' h/var/lib/pve-passthrough/journal/*/journal
snap h >after; cmp -s before after || echo "the host changed (as expected: killed half-way)"
"$PP" --root h doctor 2>&1 | grep -A1 journal-interrupted | stamp
"$PP" --root h host setup sriov --yes 2>&1 | grep -i interrupted | stamp
"$PP" --root h host rollback --yes 2>&1 | grep -v '^[-+@ ]' | stamp; echo "rollback rc=$?"
snap h >after; cmp before after && echo "byte-identical after the rollback"
grep -h '^state' h/var/lib/pve-passthrough/journal/*/journal | sort
echo "== a rollback killed half-way, resumed by the next one"
"$PP" --root h host setup sriov --yes >/dev/null 2>&1; echo "setup rc=$?"
PVE_PASSTHROUGH_TEST_FAIL_AT=kill:1 "$PP_TEST" --root h host rollback --yes >/dev/null 2>&1; echo "rollback rc=$?"
"$PP" --root h host setup sriov --yes 2>&1 | grep -i interrupted | stamp
"$PP" --root h host rollback --yes 2>&1 | grep -v '^[-+@ ]' | stamp; echo "rollback rc=$?"
snap h >after; cmp before after && echo "byte-identical after the resumed rollback"
"$PP" --root h doctor 2>&1 | grep -c journal-interrupted || :
