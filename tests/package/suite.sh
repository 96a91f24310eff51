# tests/package/suite.sh - sourced by the package tiers.  Needs root, mmdebstrap and the archive.
# suite_root SUITE: prints the directory of a clean minbase tree of SUITE (Essential, Priority
#   required and apt: the set of `debootstrap --variant=minbase`), cached in $PP_CACHE/chroot-SUITE
#   (made on first use from MIRROR, the Debian archive; a half-made one is never used).  The install
#   tier works on copies of it.  mmdebstrap installs it with one apt run, without dpkg's fsyncs
#   (the option is dropped at the end: the tree's dpkg keeps Debian's defaults), and merges /usr
#   as debootstrap does (usr-is-merged; without the hook bookworm would get usrmerge and perl).
#   The packages of debootstrap's tree (trixie adds the empty marker usr-is-merged), in about 2
#   minutes per suite here instead of 6-7.
# suite_build_root SUITE LOG: prints $PP_CACHE/build-SUITE, a copy of that tree in which `make deps`
#   (tools/deps.sh of this tree, run at every use: it installs what is missing, everything on first
#   use, nothing later) has run, and the locale of a PVE node is set up; its output goes to LOG.  The build (tests/package/build.sh) and the
#   test tiers (tests/package/in-suite.sh) of that suite run in it.
# suite_mount DIR / suite_umount DIR: /proc and /dev inside such a tree.
# in_suite DIR CMD...: CMD inside DIR with a clean environment.
PP_CACHE=${PP_CACHE:-/var/cache/pve-passthrough-test}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
suite_root() {
	c="$PP_CACHE/chroot-$1"
	if [ ! -f "$c/.complete" ]; then
		rm -rf "$c.tmp"
		mkdir -p "$PP_CACHE"
		echo "package: mmdebstrap --variant=minbase $1 (first use; cached in $c)" >&2
		nice -n 10 mmdebstrap --mode=root --variant=minbase --dpkgopt=force-unsafe-io \
			--hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr \
			--customize-hook='rm -f "$1"/etc/dpkg/dpkg.cfg.d/99mmdebstrap' \
			"$1" "$c.tmp" "$MIRROR" >"$c.log" 2>&1 || { tail -n 20 "$c.log" >&2; return 1; }
		touch "$c.tmp/.complete"
		rm -rf "$c"
		mv "$c.tmp" "$c"
	fi
	echo "$c"
}
# The locale a Proxmox VE node is installed with: en_US.UTF-8 generated and the system default
# (/etc/default/locale), no other.  The messages of a language whose locale is not generated come
# through it on glibc >= 2.39 (util/i18n.c), so the build chroot is set up the same way.
PVE_LOCALE='dpkg-query -W -f="\${Status}" locales 2>/dev/null | grep -q "ok installed" ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends locales &&
	{ grep -q "^en_US.UTF-8 UTF-8" /etc/locale.gen || { echo "en_US.UTF-8 UTF-8" >>/etc/locale.gen && locale-gen; }; } &&
	update-locale LANG=en_US.UTF-8'
suite_build_root() {
	base=$(suite_root "$1") || return 1
	b=$PP_CACHE/build-$1
	if [ ! -f "$b/.complete" ]; then
		rm -rf "$b" "$b.tmp"
		cp -a "$base" "$b.tmp" && touch "$b.tmp/.complete" && mv "$b.tmp" "$b" || return 1
	fi
	cp /etc/resolv.conf "$b/etc/resolv.conf"
	cp tools/deps.sh "$b/tmp/deps.sh"
	suite_mount "$b" || { suite_umount "$b"; return 1; }
	in_suite "$b" nice -n 10 sh /tmp/deps.sh >"$2" 2>&1 && in_suite "$b" sh -c "$PVE_LOCALE" >>"$2" 2>&1 &&
		in_suite "$b" apt-get clean
	r=$?
	suite_umount "$b"
	[ $r -eq 0 ] && echo "$b"
}
in_suite() {
	d=$1
	shift
	chroot "$d" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root TERM=dumb "$@"
}
# The tree is bound onto itself (unshare -m of the cli tests needs / to be a mount point) and /dev
# recursively (/dev/pts for the tests' terminals).
suite_mount() {
	mount --bind "$1" "$1" && mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" &&
		mount --make-rslave "$1/dev"
}
suite_umount() {
	for m in "$1/build/shared" "$1/proc" "$1/dev" "$1"; do mountpoint -q "$m" && umount -l "$m"; done
	return 0
}
# suite_copy_tree DIR: a clean copy of this tree (the files git knows) in DIR/build/src, with
# ../shared bound read-only beside it (mount it after suite_mount).
suite_copy_tree() {
	rm -rf "$1/build"
	mkdir -p "$1/build/src" "$1/build/shared"
	git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$1/build/src"
}
suite_bind_shared() {
	[ -d "$SRC/../shared" ] && mount --bind -o ro "$SRC/../shared" "$1/build/shared"
}
