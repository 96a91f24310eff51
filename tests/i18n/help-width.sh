#!/bin/sh
# tests/i18n/help-width.sh - the help fits in 100 columns: `--help`, and `help CMD` and `CMD --help`
# for every command of the command table (the names are read from `--help`), in English and under
# LANG=zh_CN.UTF-8 (a CJK character takes two columns: tests/i18n/wide.py), at COLUMNS=100.  Help
# is laid out at 100 columns whatever the terminal, so it is checked without COLUMNS too.  The
# synopses are the long lines (up to 350 columns before they were wrapped at option boundaries).
# Ends with "help-width: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=$PWD/pve-passthrough
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
out=$(mktemp -d /tmp/pp-help-width-XXXXXX)
trap 'rm -rf "$out"' EXIT
# the commands: the first word of each line under "Commands:" that starts at column 3
cmds=$(env -u LANGUAGE -u LC_MESSAGES LC_ALL=C "$BIN" --help |
	sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p')
n=$(echo "$cmds" | wc -w)
if [ "$n" -ge 10 ]; then ok; else bad "only $n commands read from --help: $cmds"; fi
check() { # LANG COLUMNS ARGS...: the output of the binary with ARGS fits in 100 columns
	lang=$1 cols=$2
	shift 2
	env -u LANGUAGE -u LC_MESSAGES -u LC_ALL -u COLUMNS LANG="$lang" ${cols:+COLUMNS=$cols} \
		NO_COLOR=1 "$BIN" "$@" >"$out/o" 2>&1
	rc=$?
	python3 tests/i18n/wide.py "$out/o" 100 >"$out/wide"
	if [ "$rc" -ne 0 ] || [ "$(wc -l <"$out/o")" -lt 3 ]; then
		bad "LANG=$lang COLUMNS=$cols $*: exit $rc, $(wc -l <"$out/o") lines"
	elif [ -s "$out/wide" ]; then
		bad "LANG=$lang COLUMNS=$cols $*: lines wider than 100 columns:"; head -n 5 "$out/wide"
	else
		ok
	fi
	[ "$lang" = C ] || grep -q '用法' "$out/o" || bad "LANG=$lang $*: the help is not in Chinese"
}
for lang in C zh_CN.UTF-8; do
	for cols in 100 ""; do
		check "$lang" "$cols" --help
		for c in $cmds; do
			check "$lang" "$cols" help "$c"
			check "$lang" "$cols" "$c" --help
		done
	done
done
echo "help-width: $pass passed, $fail failed ($n commands, C and zh_CN, COLUMNS=100 and unset)"
[ "$fail" -eq 0 ]
