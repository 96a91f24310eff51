#!/bin/sh
# check.sh - every test tier that exists, then one closing line "N passed, N failed".
# Called by `make check` after the dependency step and the build, with the tiers to run.  Each
# tier's wall-clock time is printed after it and once more, all together, before the closing line
# (the README's tier table is written from these).
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
PP_TALLY=$(mktemp); export PP_TALLY
status=0
times=""
start=$(date +%s)
for t in "$@"; do
	echo "== $t"
	t0=$(date +%s)
	$MAKE --no-print-directory "$t" || status=1
	secs=$(($(date +%s) - t0))
	echo "== $t: ${secs}s"
	times="$times $t=${secs}s"
done
echo "times:$times (all: $(($(date +%s) - start))s, load average now $(cut -d' ' -f1-3 /proc/loadavg))"
total_p=$(awk '{s+=$2} END {print s+0}' "$PP_TALLY")
total_f=$(awk '{s+=$3} END {print s+0}' "$PP_TALLY")
rm -f "$PP_TALLY"
[ "$status" -ne 0 ] && [ "$total_f" -eq 0 ] && total_f=1
echo "check: $total_p passed, $total_f failed"
exit $status
