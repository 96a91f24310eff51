#!/bin/sh
# check.sh - every test tier that exists, then one closing line "N passed, N failed".
# Called by `make check` after the dependency step and the build, with the tiers to run.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
PP_TALLY=$(mktemp); export PP_TALLY
status=0
for t in "$@"; do
	echo "== $t"
	$MAKE --no-print-directory "$t" || status=1
done
total_p=$(awk '{s+=$2} END {print s+0}' "$PP_TALLY")
total_f=$(awk '{s+=$3} END {print s+0}' "$PP_TALLY")
rm -f "$PP_TALLY"
[ "$status" -ne 0 ] && [ "$total_f" -eq 0 ] && total_f=1
echo "check: $total_p passed, $total_f failed"
exit $status
