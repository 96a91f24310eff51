#!/bin/sh
# check-format.sh - every C file is as clang-format (.clang-format) writes it.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format missing (apt-get install clang-format)"; exit 1; }
bad=0; n=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*'); do
	n=$((n + 1))
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format: $f differs from clang-format (run: make format)"; bad=$((bad + 1))
	fi
done
echo "format: $((n - bad)) passed, $bad failed"
[ -n "${PP_TALLY:-}" ] && echo "format $((n - bad)) $bad" >>"$PP_TALLY"
[ "$bad" -eq 0 ]
