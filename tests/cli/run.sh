#!/bin/sh
# tests/cli/run.sh - golden-file tests of the command line.
#
# Each case is tests/cli/cases/NAME.sh, run with sh in a fresh empty directory ($TMP, also the cwd)
# with these variables: PP (the binary), PP_TEST (the test binary with fault seams), SRC (source tree), SHARED (../shared), DEMO (the demo host,
# examples/demo-host), and the helper `copy_demo` (copies the demo host into $TMP/root and prints the
# path).  What it prints (stdout, then stderr, then the exit status) must equal NAME.out, with $TMP
# replaced by "@TMP@" and the Prometheus run timestamp by "@NOW@" (lib/now-filter.awk: only when it
# lies within the case's run).  UPDATE_GOLDEN=1 rewrites the .out files instead of comparing.
# PP_CASES="NAME ..." runs only those cases.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$here/../.." && pwd)
PP=${PP_BIN:-$SRC/pve-passthrough}
# the test binary: the same program plus the seams that PVE_PASSTHROUGH_TEST_* set (fault
# injection); cases that inject faults run it, every other case runs the installed binary
PP_TEST=${PP_TEST_BIN:-$SRC/build/tests/pve-passthrough-test}
SHARED=$(cd "$SRC/../shared" 2>/dev/null && pwd || echo "$SRC/../shared")
DEMO=$SRC/examples/demo-host
export PP PP_TEST SRC SHARED DEMO LC_ALL=C NO_COLOR=1
unset PVE_PASSTHROUGH_ROOT COLUMNS # piped output: never wrapped (cli/table.h)
pass=0; fail=0
. "$here/lib/golden.sh"
# the ground truth is not optional: the corpus cases need it; say so and fail instead of a diff
if [ ! -d "$SHARED/corpus" ]; then
	echo "FAIL cli: $SHARED/corpus is missing (the shared ground truth next to the source tree);" \
		"the lint-* cases read PVE's own configs from it"
	fail=1
fi
for case in "$here"/cases/*.sh; do
	[ -e "$case" ] || continue
	name=$(basename "$case" .sh)
	# PP_CASES="a b": only those cases (tools/defects-vs-old.sh runs one defect's cases)
	case " ${PP_CASES:-$name} " in *" $name "*) ;; *) continue ;; esac
	TMP=$(mktemp -d /tmp/pp-cli-XXXXXX); export TMP
	out=$TMP.out
	t0=$(date +%s)
	(
		cd "$TMP" || exit 99
		copy_demo() { cp -a "$DEMO" "$TMP/root" && echo "$TMP/root"; }
		. "$case" >"$TMP.stdout" 2>"$TMP.stderr"
		echo "exit $?" >"$TMP.rc"
	)
	transcript "$TMP" |
		sed "s#$TMP#@TMP@#g" | awk -v t0="$t0" -v t1="$(date +%s)" -f "$here/lib/now-filter.awk" >"$out"
	golden "$out" "$here/cases/$name.out" "cli/$name"
	rm -rf "$TMP" "$TMP.stdout" "$TMP.stderr" "$TMP.rc" "$out"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
