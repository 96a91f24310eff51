# libsmartcols is loaded with dlopen() only when text tables are printed (cli/table.c): the binary
# does not link it (the pre-start guard would pay for it on every start); without the library the
# guard, -q and the machine formats still work, and status, audit and doctor text say once which
# package to install (exit 3, before anything is printed).  "Without the library" is real: in a
# private mount namespace /dev/null is bind-mounted over the file the dynamic loader finds, so
# dlopen() fails as on a host where it is missing (its words, which name the file, are cut).
echo "links libsmartcols: $(readelf -d "$PP" | grep -c 'NEEDED.*libsmartcols')"
echo "undefined scols_ symbols: $(nm -u "$PP" | grep -c ' scols_')"
R=$(copy_demo)
lib=$(ldconfig -p | sed -n 's/^[[:space:]]*libsmartcols\.so\.1 (libc6,x86-64) => //p' | head -n 1)
[ -n "$lib" ] || { echo "libsmartcols.so.1 is not installed: the test needs it to hide it"; exit 1; }
unshare -m sh -c '
	mount --bind /dev/null "$(readlink -f "$1")" || exit 98
	R=$2
	run() { echo "== $*"; "$PP" --root "$R" "$@"; echo "rc=$?"; }
	# the first lines of a long output, and its status
	head_of() { echo "== $*"; "$PP" --root "$R" "$@" >out; echo "rc=$?"; head -n 2 out; }
	run guard 101 pre-start
	run guard 102 pre-start
	run status
	head_of status --format json
	run audit
	run audit -q --vmid 107
	head_of audit --format prometheus --vmid 107
	run doctor
' no-smartcols "$lib" "$R" 2>&1 | sed 's/libsmartcols\.so\.1 ([^)]*)/libsmartcols.so.1 (DLERROR)/'
