#!/bin/sh
# tests/i18n/man-zh.sh - the Chinese man page (doc/zh_CN/pve-passthrough.8) covers the English one:
# every command of its COMMANDS section and every rule id of its RULES section (with the host and
# kernel-log subsections) has its entry in the Chinese page (a .TP item starting with the same
# command words / the same id), and the page renders without a groff warning.  Ends with
# "man-zh: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
EN=doc/pve-passthrough.8
ZH=doc/zh_CN/pve-passthrough.8
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# the first words of every .TP item of a section whose line matches a pattern (troff escapes and
# quotes removed)
items() { # file, first section heading, heading that ends it, pattern of the item line
	awk -v from="$2" -v to="$3" -v pat="$4" '
		$0 ~ "^\\.SH " from { on = 1; next }
		$0 ~ "^\\.SH " to { on = 0 }
		on && prev == ".TP" && $0 ~ pat { print }
		{ prev = $0 }' "$1" |
	sed -E 's/^\.BR? //; s/\\f[BIRP]//g; s/\\-/-/g' |
	sed -E '/^"/{s/^"([^"]*)".*/\1/;b};s/^([^ ]*).*/\1/'
}
[ -f "$ZH" ] || { echo "FAIL $ZH is missing"; echo "man-zh: 0 passed, 1 failed"; exit 1; }
# a command's item is .BR with the command's words first (options and notes are .B/.BI items)
cmds=$(items "$EN" COMMANDS CONFIGURATION '^[.]BR [a-z"]' | grep -v '^-' | sort -u)
zcmds=$(items "$ZH" 命令 配置 '^[.]BR [a-z"]' | sort -u)
rules=$(items "$EN" RULES FILES '^[.]B ' | sort -u)
zrules=$(items "$ZH" 规则 退出状态 '^[.]B ' | sort -u)
[ -n "$cmds" ] && [ -n "$rules" ] || bad "no command or rule found in $EN (the extraction is broken)"
for c in $(echo "$cmds" | tr ' ' '#'); do
	c=$(echo "$c" | tr '#' ' ')
	if echo "$zcmds" | grep -qxF "$c"; then ok; else bad "command '$c' of $EN is not in $ZH"; fi
done
for r in $rules; do
	if echo "$zrules" | grep -qxF "$r"; then ok; else bad "rule '$r' of $EN is not in $ZH"; fi
done
echo "$(echo "$cmds" | wc -l) commands, $(echo "$rules" | wc -l) rules of the English page checked"
# long synopses cannot be adjusted or broken at 100 columns (the English page has the same; groff
# 1.22, Debian 12, says "can't break line", 1.23, Debian 13, "cannot break line"); any other
# warning (a bad request, an unknown escape, a bad character) fails
w=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -E UTF-8 -l "$ZH" 2>&1 >/dev/null |
	grep -v -e "can't break line" -e 'cannot break line' -e 'cannot adjust line')
if [ -z "$w" ]; then ok; else bad "man --warnings $ZH: $w"; fi
echo "man-zh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
