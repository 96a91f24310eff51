#!/bin/sh
# run-tier.sh NAME PROGRAM... - runs test programs, counts cmocka results (or, for scripts, their
# closing "N passed, N failed" line), and prints "NAME: N passed, N failed".
# Appends the counts to $PP_TALLY when set (make check adds the tiers up).
set -u
tier=$1; shift
passed=0; failed=0; broken=""
for prog in "$@"; do
	out=$(mktemp)
	"$prog" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		line=$(grep -E '^[a-z-]*:? ?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
		p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p'); p=${p:-0}
		f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p'); f=${f:-0}
	fi
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
		cat "$out"
		[ "$f" -eq 0 ] && f=1
		broken="$broken $(basename "$prog")"
	elif [ -n "${VERBOSE:-}" ]; then
		cat "$out"
	fi
	rm -f "$out"
	passed=$((passed + p)); failed=$((failed + f))
done
echo "$tier: $passed passed, $failed failed${broken:+ (failing:$broken)}"
[ -n "${PP_TALLY:-}" ] && echo "$tier $passed $failed" >>"$PP_TALLY"
[ "$failed" -eq 0 ]
