#!/bin/sh
# check-layering.sh - the module rules of docs/design.md, checked on the compiled objects:
#  - policy/ does no I/O (no open/read/write/stdio/dir calls);
#  - only cli/ prints to stdout; no module prints to stderr or calls exit() (below cli/);
#  - sysfs/ knows nothing of VMs (no pveconf_ calls), pveconf/ nothing of /sys (no sysfs_ calls).
#  - host paths are spelt only in util/paths.h (checked on the sources), and so are the install
#    paths, which derive from the build-time PP_PREFIX there.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
fail=0; checks=0
undef() { for o in "$@"; do [ -f "$o" ] && nm -u "$o"; done | awk '{print $2}' | sort -u; }
check() { # name, forbidden-regex, objects...
	name=$1; re=$2; shift 2
	checks=$((checks + 1))
	bad=$(undef "$@" | grep -E "$re" || true)
	if [ -n "$bad" ]; then
		echo "layering: $name:" $bad; fail=$((fail + 1))
	fi
}
io='^(open|open64|openat|openat64|fopen|fopen64|fdopen|read|write|pread|pwrite|fread|fwrite|fgets|getline|opendir|readdir|readdir64|scandir|glob|stat|stat64|lstat|fstatat|access|readlink|unlink|rename|mkdir|system|popen|execv|execvp|fork|socket|connect|util_file_.*|util_attr_.*|util_lock_.*|pci_.*)$'
out='^(stdout|printf|puts|putchar|vprintf)$'
check "policy/ must not do I/O" "$io" $(ls $B/policy/*.o 2>/dev/null)
check "only cli/ prints to stdout" "$out" $(ls $B/util/*.o $B/pveconf/*.o $B/sysfs/*.o $B/policy/*.o \
	$B/assign/*.o $B/host/*.o $B/pveapi/*.o $B/settings/*.o $B/gather/*.o 2>/dev/null)
check "modules must not print to stderr or exit" '^(stderr|perror|vfprintf|fprintf|fputs|dprintf|exit)$' \
	$(ls $B/util/*.o $B/pveconf/*.o $B/sysfs/*.o $B/policy/*.o $B/assign/*.o $B/host/*.o \
	$B/pveapi/*.o $B/settings/*.o $B/gather/*.o 2>/dev/null)
check "gather/ is below assign/, host/ and cli/" '^(assign|host|cli)_' $(ls $B/gather/*.o 2>/dev/null)
check "policy/ judges plain data: it does not gather" '^gather_' $(ls $B/policy/*.o 2>/dev/null)
check "sysfs/ must not know VM configs" '^pveconf_' $(ls $B/sysfs/*.o 2>/dev/null)
check "pveconf/ must not know /sys" '^sysfs_' $(ls $B/pveconf/*.o 2>/dev/null)
check "util/ depends on nothing of ours" '^(pveconf|sysfs|policy|assign|host|pveapi|settings|gather)_' \
	$(ls $B/util/*.o 2>/dev/null)
# Host paths are spelt only in util/paths.h (PP_* macros used with util_path(), so they land under
# --root): no string literal elsewhere starts with one of the roots docs/design.md names.  Comments
# are dropped first; tests build their fake trees with such strings and are not checked.
checks=$((checks + 1))
bad=$(for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*'); do
	case $f in ./*) f=${f#./} ;; esac
	case $f in tests/* | util/paths.h) continue ;; esac
	awk -v f="$f" '{
		line = $0; out = ""
		while (line != "") {
			if (inc) { i = index(line, "*/"); if (!i) { line = ""; break } line = substr(line, i + 2); inc = 0; continue }
			i = index(line, "/*"); j = index(line, "//")
			if (j && (!i || j < i)) { out = out substr(line, 1, j - 1); line = ""; break }
			if (!i) { out = out line; line = ""; break }
			out = out substr(line, 1, i - 1); line = substr(line, i + 2); inc = 1
		}
		if (out ~ /"\/(sys|proc|run|var|etc\/pve|usr)([\/"]|$)/) print f ":" NR ": " $0
		# install paths come from PP_PREFIX (PP_TOOL_BIN, PP_DATADIR), never spelt out
		else if (out ~ /\/s?bin\/pve-passthrough|\/share\/pve-passthrough|\/lib\/systemd\//) print f ":" NR ": " $0
	}' "$f"
done)
if [ -n "$bad" ]; then
	echo "layering: host path spelt outside util/paths.h (use a PP_* macro):"; echo "$bad"
	fail=$((fail + 1))
fi
echo "layering: $((checks - fail)) passed, $fail failed"
[ -n "${PP_TALLY:-}" ] && echo "layering $((checks - fail)) $fail" >>"$PP_TALLY"
[ "$fail" -eq 0 ]
