#!/bin/sh
# tools/defects-vs-old.sh [COMMIT] - issue 13 (tracker 15): does each defect's test fail on an older
# main (default bb83a32) and pass now?  bb83a32 already holds session 2's fixes of defects 4, 5, 8
# and 11 (merged before it); 52014ae, main at the end of session 1, is before any of the issue's
# work.  Exports COMMIT (git archive: no worktree is registered)
# into a temporary directory, builds its pve-passthrough and test binary, runs this tree's test of
# each defect against those binaries and against this tree's, and prints one line per defect:
#   defect N  fails on COMMIT: yes|no  passes now: yes|no  (the tests)
# The tests are this tree's: cli cases (tests/cli/run.sh with PP_CASES) and the sed race
# (tests/reliability/race-sed.sh, unlocked).  Defect 11 is about the test tree itself, so its
# check runs each tree's own files.  Needs ./pve-passthrough and the test binary built (make all
# build/tests/pve-passthrough-test).  Takes a few minutes (two builds' worth of CPU for the old one).
set -u
COMMIT=${1:-bb83a32}
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC" || exit 2
# OLD_TREE=DIR: a tree of COMMIT already built there (kept); else a temporary one
if [ -n "${OLD_TREE:-}" ]; then
	OLD=$OLD_TREE
else
	OLD=$(mktemp -d /tmp/pp-old-XXXXXX)
	trap 'rm -rf "$OLD"' EXIT
	git archive "$COMMIT" | tar -x -C "$OLD" || exit 2
	echo "building $COMMIT in $OLD ..."
	if ! (cd "$OLD" && make -s -j2 pve-passthrough) >"$OLD.build.log" 2>&1; then
		echo "cannot build $COMMIT:"; tail -20 "$OLD.build.log"; exit 2
	fi
	# older trees have no test binary (its seams came later): the cases that need it then fail
	(cd "$OLD" && make -s -j2 build/tests/pve-passthrough-test) >>"$OLD.build.log" 2>&1
	rm -f "$OLD.build.log"
fi

# run_cases BIN TESTBIN CASES...: 0 when every case passes
run_cases() {
	b=$1 tb=$2; shift 2
	# an old binary may hang on a FIFO (defects 6 and 7): a hang is a failure, not a wait
	PP_BIN=$b PP_TEST_BIN=$tb PP_CASES="$*" timeout -k 10 600 sh "$SRC/tests/cli/run.sh" \
		>"$OUT" 2>&1
}
# the race: lost sed edits beyond the documented window fail it
run_race() {
	PP_BIN=$1 MODES=unlocked sh "$SRC/tests/reliability/race-sed.sh" >"$OUT" 2>&1
}
# defect 11 is about the test tree: fuzz_pvefiles is in FUZZ_TARGETS, and the cli tier names a
# missing ../shared and fails instead of showing diffs (both read off the tree's own files)
run_tree11() {
	grep '^FUZZ_TARGETS' "$1/mk/fuzz.mk" | grep -q pvefiles &&
		grep -q 'corpus is missing' "$1/tests/cli/run.sh"
}

OUT=$(mktemp /tmp/pp-defects-XXXXXX)
old_bin=$OLD/pve-passthrough old_test=$OLD/build/tests/pve-passthrough-test
[ -x "$old_test" ] || old_test=$old_bin
new_bin=$SRC/pve-passthrough new_test=$SRC/build/tests/pve-passthrough-test
# defect  kind  tests
table='1 cli guard-broken-settings
2 cli host-interrupted
3 cli doctor-temp-files audit-temp-files
4 race race-sed
5 cli guard-alarm-blocked
6 cli fifo-inputs deadline
7 cli guard-runstate-unknown
8 cli api-token-owner
9 cli state-dir-symlink
10 cli assign-vf-auto-host-driver
11 tree fuzz-targets+no-shared'
echo "$table" | while read -r n kind tests; do
	case $kind in
	cli) run_cases "$old_bin" "$old_test" $tests; o=$?; run_cases "$new_bin" "$new_test" $tests; c=$? ;;
	race) run_race "$old_bin"; o=$?; ofig=$(grep '^unlocked:' "$OUT")
		run_race "$new_bin"; c=$?; nfig=$(grep '^unlocked:' "$OUT") ;;
	tree) run_tree11 "$OLD"; o=$?; run_tree11 "$SRC"; c=$? ;;
	esac
	printf 'defect %-2s fails on %s: %-3s passes now: %-3s (%s)\n' "$n" "$COMMIT" \
		"$([ "$o" -ne 0 ] && echo yes || echo no)" "$([ "$c" -eq 0 ] && echo yes || echo no)" "$tests"
	[ "$kind" = race ] && printf '          %s: %s\n          now: %s\n' "$COMMIT" "$ofig" "$nfig"
done
rm -f "$OUT"
