#!/bin/sh
# check-igpu-table.sh - sysfs/igpu_table.c is exactly what tools/gen-igpu-table.py makes of
# shared/data/intel-igpu-ids.tsv (SHARED=<dir> overrides ../shared), and has one row per TSV row.
set -u
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
tsv=$SHARED/data/intel-igpu-ids.tsv
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "igpu-table: $*"; fail=$((fail + 1)); }
if [ ! -r "$tsv" ]; then
	bad "$tsv not found (set SHARED=<dir with data/intel-igpu-ids.tsv>)"
elif ! command -v python3 >/dev/null; then
	bad "python3 missing (tools/deps.sh installs it)"
else
	tmp=$(mktemp)
	if python3 tools/gen-igpu-table.py "$tsv" >"$tmp"; then
		ok
		if cmp -s "$tmp" sysfs/igpu_table.c; then
			ok
		else
			bad "sysfs/igpu_table.c differs from a fresh generation; run:" \
				"python3 tools/gen-igpu-table.py $tsv > sysfs/igpu_table.c"
			diff -u sysfs/igpu_table.c "$tmp" | head -n 20
		fi
	else
		bad "tools/gen-igpu-table.py failed on $tsv"
	fi
	rm -f "$tmp"
	rows=$(tail -n +2 "$tsv" | grep -c .)
	entries=$(grep -c '^	{0x' sysfs/igpu_table.c)
	if [ "$rows" -eq "$entries" ]; then ok; else bad "$rows rows in the TSV, $entries in the table"; fi
fi
echo "igpu-table: $pass passed, $fail failed"
[ -n "${PP_TALLY:-}" ] && echo "igpu-table $pass $fail" >>"$PP_TALLY"
[ "$fail" -eq 0 ]
