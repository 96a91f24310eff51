# tests/cli/lib/golden.sh - the golden-file comparison of the shell tiers (cli/run.sh, api/lib.sh),
# sourced.  transcript P: what a run wrote to P.stdout, P.stderr and P.rc, as one text.
# golden OUT WANT LABEL: OUT equals the golden file WANT (a pass), or "FAIL LABEL" and the diff (a
# fail), counted in $pass and $fail; with UPDATE_GOLDEN=1, OUT is copied to WANT instead.
transcript() {
	cat "$1.stdout"; echo "--- stderr"; cat "$1.stderr"; echo "--- status"; cat "$1.rc"
}
golden() {
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "${2%/*}"
		cp "$1" "$2"
		pass=$((pass + 1))
	elif cmp -s "$1" "$2"; then
		pass=$((pass + 1))
	else
		echo "FAIL $3"
		diff -u "$2" "$1" | head -n 40
		fail=$((fail + 1))
	fi
}
