# tests/package/suite.sh - sourced by the package tiers: suite_root SUITE prints the directory of a
# clean `debootstrap --variant=minbase SUITE` tree, cached in /var/cache/pve-passthrough-test/
# chroot-SUITE (made on first use from MIRROR, the Debian archive; a half-made one is never used).
# suite_mount DIR / suite_umount DIR: /proc and /dev inside a copy of it.
PP_CACHE=${PP_CACHE:-/var/cache/pve-passthrough-test}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
suite_root() {
	c="$PP_CACHE/chroot-$1"
	if [ ! -f "$c/.complete" ]; then
		rm -rf "$c.tmp"
		mkdir -p "$PP_CACHE"
		echo "package: debootstrap --variant=minbase $1 (first use; cached in $c)" >&2
		nice -n 10 debootstrap --variant=minbase "$1" "$c.tmp" "$MIRROR" >"$c.log" 2>&1 ||
			{ tail -n 20 "$c.log" >&2; return 1; }
		touch "$c.tmp/.complete"
		rm -rf "$c"
		mv "$c.tmp" "$c"
	fi
	echo "$c"
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
