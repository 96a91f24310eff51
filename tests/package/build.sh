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
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing (tools/deps.sh installs it)"
base=$(suite_root "$SUITE") || die "debootstrap $SUITE failed"

B=$PP_CACHE/build-$SUITE
inb() {
	d=$1
	shift
	chroot "$d" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root TERM=dumb "$@"
}
trap 'suite_umount "$B"' EXIT
if [ ! -f "$B/.complete" ]; then
	rm -rf "$B"
	cp -a "$base" "$B.tmp" && touch "$B.tmp/.complete" && mv "$B.tmp" "$B" || die "cannot copy $base"
fi
# make deps inside: installs what is missing (everything on first use, nothing later)
cp /etc/resolv.conf "$B/etc/resolv.conf"
cp tools/deps.sh "$B/tmp/deps.sh"
suite_mount "$B" || die "cannot mount /proc and /dev in $B"
t=$(date +%s)
if inb "$B" nice -n 10 sh /tmp/deps.sh >"$OUT/deps.log" 2>&1; then
	pass=$((pass + 1))
	grep '^deps: installing' "$OUT/deps.log" | sed "s/^deps:/package-build: $SUITE: make deps:/"
	echo "package-build: make deps in $SUITE took $(($(date +%s) - t))s"
	inb "$B" apt-get clean
else
	tail -n 20 "$OUT/deps.log"
	die "make deps (tools/deps.sh) failed in the $SUITE chroot"
fi
suite_umount "$B"

# a clean copy of the tree (the files git knows) and ../shared beside it
rm -rf "$B/build"
mkdir -p "$B/build/src" "$B/build/shared"
git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$B/build/src"
suite_mount "$B" || die "cannot mount /proc and /dev in $B"
[ -d "$SRC/../shared" ] && mount --bind -o ro "$SRC/../shared" "$B/build/shared"
t=$(date +%s)
if inb "$B" sh -c "cd /build/src && DEB_BUILD_OPTIONS='${DEB_BUILD_OPTIONS:-}' nice -n 10 dpkg-buildpackage -us -uc -b" >"$OUT/build.log" 2>&1; then
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
inb "$B" sh -c 'cd /build && lintian --info --display-info --no-tag-display-limit *.changes' >"$OUT/lintian.txt" 2>&1
errs=$(grep -c '^E: ' "$OUT/lintian.txt")
warns=$(grep -c '^W: ' "$OUT/lintian.txt")
echo "package-build: lintian $(inb "$B" lintian --version | sed 's/^lintian v*//') on $SUITE: $errs errors, $warns warnings"
[ "$errs" -eq 0 ] && pass=$((pass + 1)) || { grep '^E: ' "$OUT/lintian.txt"; fail=$((fail + 1)); }
suite_umount "$B"
rm -rf "$B/build"
echo "package-build: $pass passed, $fail failed"
[ $fail -eq 0 ]
