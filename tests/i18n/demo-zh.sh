#!/bin/sh
# tests/i18n/demo-zh.sh - the demo (tools/demo.sh, what `make demo` runs) under LANG=zh_CN.UTF-8
# leaves no English word in its text output outside the exemptions of tests/i18n/english.py
# (commands, machine formats, diffs, PVE's quoted messages, identifiers, data).  The locale
# zh_CN.UTF-8 is deliberately not generated (as on most PVE nodes, which have only en_US.UTF-8):
# the tool and the demo's narration must still speak Chinese (LANGUAGE under C.UTF-8, or under the
# default locale from glibc 2.39 on: util/i18n.c).  As a
# control, the same check on the English demo (LC_ALL=C) must find English, so the check is not
# empty.  Ends with "demo-zh: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
SHARED=$(cd ../shared 2>/dev/null && pwd || echo ../shared)
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
out=$(mktemp -d /tmp/pp-i18n-XXXXXX)
./pve-passthrough --root examples/demo-host status --format json >"$out/status.json"
check() { python3 tests/i18n/english.py "$1" "$out/status.json" "$SHARED/data/intel-igpu-ids.tsv" \
	policy/rules.def examples/demo-host; }

if locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
	echo "note: zh_CN.UTF-8 is generated on this machine: the C.UTF-8 fallback is not exercised"
fi
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 NO_COLOR=1 tools/demo.sh >"$out/zh.txt" 2>&1
if check "$out/zh.txt" >"$out/zh.check"; then ok "demo under LANG=zh_CN.UTF-8: $(tail -n 1 "$out/zh.check")"
else cat "$out/zh.check"; bad "demo under LANG=zh_CN.UTF-8 leaves English"; fi
# the Chinese demo runs the same commands with the same exit codes as the English one
env LC_ALL=C NO_COLOR=1 tools/demo.sh >"$out/en.txt" 2>&1
codes() { grep -E '^(\(exit [0-9]+\)|（退出码 [0-9]+）)$' "$1" | grep -oE '[0-9]+' | tr '\n' ' '; }
if [ "$(codes "$out/zh.txt")" = "$(codes "$out/en.txt")" ] && [ -n "$(codes "$out/en.txt")" ]; then
	ok "same exit codes in both languages ($(codes "$out/en.txt"| wc -w) commands)"
else bad "exit codes differ: zh $(codes "$out/zh.txt") / en $(codes "$out/en.txt")"; fi
if check "$out/en.txt" >"$out/en.check"; then bad "control: the check finds no English in the English demo"
else ok "control: the check finds English in the English demo ($(tail -n 1 "$out/en.check"))"; fi
rm -rf "$out"
echo "demo-zh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
