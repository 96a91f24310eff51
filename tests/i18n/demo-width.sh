#!/bin/sh
# tests/i18n/demo-width.sh - every line of the demo (tools/demo.sh, what `make demo` runs) fits in
# the terminal: at COLUMNS=100, in English and under LANG=zh_CN.UTF-8 (a CJK character takes two
# columns), no line of stdout or stderr is wider than 100 columns.  The tool lays its text out at
# $COLUMNS (cli/table.h) even into this pipe, as lsblk does.  As a control, the same demo without
# COLUMNS (piped output is never wrapped) must have lines wider than 100, so the check is not empty.
# Ends with "demo-width: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
out=$(mktemp -d /tmp/pp-width-XXXXXX)
# wide FILE LIMIT: the lines of FILE wider than LIMIT columns (CJK counts two: tests/i18n/wide.py)
wide() { python3 tests/i18n/wide.py "$1" "$2"; }
run_demo() { # NAME ENV...: the demo's stdout and stderr in $out/NAME
	name=$1; shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE -u COLUMNS NO_COLOR=1 "$@" tools/demo.sh >"$out/$name" 2>&1
}
for lang in C zh_CN.UTF-8; do
	run_demo "$lang" LANG=$lang COLUMNS=100
	lines=$(wc -l <"$out/$lang")
	wide "$out/$lang" 100 >"$out/$lang.wide"
	if [ "$lines" -gt 100 ] && [ ! -s "$out/$lang.wide" ]; then
		ok "LANG=$lang COLUMNS=100: all $lines lines of the demo fit in 100 columns"
	else
		head -n 20 "$out/$lang.wide"
		bad "LANG=$lang COLUMNS=100: $(wc -l <"$out/$lang.wide") of $lines lines are wider than 100 columns"
	fi
done
# the CJK demo really is Chinese, so the double width was counted
if grep -q '虚拟机' "$out/zh_CN.UTF-8"; then ok "the zh_CN demo is in Chinese"
else bad "the zh_CN demo has no Chinese: the width check did not see wide characters"; fi
# control: piped without COLUMNS, nothing is wrapped
run_demo piped LANG=C
if [ -n "$(wide "$out/piped" 100)" ]; then ok "control: without COLUMNS the piped demo is not wrapped"
else bad "control: the piped demo without COLUMNS has no line over 100 columns (is it wrapped?)"; fi
rm -rf "$out"
echo "demo-width: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
