#!/bin/sh
# tests/package/build.sh SUITE OUT - builds the .deb as Debian builds it for SUITE: inside a chroot
# of that suite, from a clean copy of this tree.  The chroot is the cached minbase tree
# (tests/package/suite.sh) plus what `make deps` (tools/deps.sh, run inside at every use) installs,
# kept as /var/cache/pve-passthrough-test/build-SUITE.  In it, what `make deb` runs on the copy:
# dpkg-buildpackage -us -uc -b (dh_shlibdeps gives that suite's library package names; its dh_auto_test runs
# check-unit and check-cli there, with ../shared bound beside the copy; DEB_BUILD_OPTIONS=nocheck
# skips them), then lintian, which must report no error.  OUT gets the .deb, build.log and
# lintian.txt.  Needs root and the Debian archive.  Prints "package-build: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
SUITE=$1
OUT=$(mkdir -p "$2" && cd "$2" && pwd)
. tests/package/suite.sh
pass=0; fail=0
die() { echo "FAIL package-build/$SUITE: $*"; echo "package-build: $pass passed, $((fail + 1)) failed"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap, chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tools/deps.sh installs it)"
trap 'suite_umount "$PP_CACHE/build-$SUITE"' EXIT
# make deps inside: installs what is missing (everything on first use, nothing later)
t=$(date +%s)
B=$(suite_build_root "$SUITE" "$OUT/deps.log") || {
	tail -n 20 "$OUT/deps.log"
	die "mmdebstrap $SUITE or make deps (tools/deps.sh) in it failed"
}
pass=$((pass + 1))
grep '^deps: installing' "$OUT/deps.log" | sed "s/^deps:/package-build: $SUITE: make deps:/"
echo "package-build: chroot and make deps for $SUITE took $(($(date +%s) - t))s"

# a clean copy of the tree (the files git knows) and ../shared beside it
suite_copy_tree "$B"
suite_mount "$B" || die "cannot mount /proc and /dev in $B"
suite_bind_shared "$B"
t=$(date +%s)
if in_suite "$B" sh -c "cd /build/src && DEB_BUILD_OPTIONS='${DEB_BUILD_OPTIONS:-}' nice -n 10 dpkg-buildpackage -us -uc -b" >"$OUT/build.log" 2>&1; then
	pass=$((pass + 1))
else
	tail -n 40 "$OUT/build.log"
	die "dpkg-buildpackage in $SUITE failed (log $OUT/build.log)"
fi
echo "package-build: dpkg-buildpackage in $SUITE took $(($(date +%s) - t))s${DEB_BUILD_OPTIONS:+ (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)}"
# the tiers dh_auto_test ran inside, as their closing lines say
grep -E '^(unit|cli): [0-9]+ passed' "$OUT/build.log" | sed "s/^/package-build: in $SUITE: /"
rm -f "$OUT"/pve-passthrough_*.deb
cp "$B"/build/pve-passthrough_*_amd64.deb "$OUT/" || die "no .deb"
deb=$(ls "$OUT"/pve-passthrough_*_amd64.deb)
# the library package names come from this suite (shlibdeps), none pinned in debian/control
dpkg-deb -f "$deb" Depends Recommends | sed "s/^/package-build: $SUITE: /"
in_suite "$B" sh -c 'cd /build && lintian --info --display-info --no-tag-display-limit *.changes' >"$OUT/lintian.txt" 2>&1
errs=$(grep -c '^E: ' "$OUT/lintian.txt")
warns=$(grep -c '^W: ' "$OUT/lintian.txt")
echo "package-build: lintian $(in_suite "$B" lintian --version | sed 's/^lintian v*//') on $SUITE: $errs errors, $warns warnings"
[ "$errs" -eq 0 ] && pass=$((pass + 1)) || { grep '^E: ' "$OUT/lintian.txt"; fail=$((fail + 1)); }
suite_umount "$B"
rm -rf "$B/build"
echo "package-build: $pass passed, $fail failed"
[ $fail -eq 0 ]
