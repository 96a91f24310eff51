#!/bin/sh
# tests/package/chroot.sh - the .deb installed the way an administrator installs it, in a clean
# Debian chroot of SUITE (default bookworm = PVE 8; trixie = PVE 9): debootstrap --variant=minbase,
# cached in /var/cache/pve-passthrough-test/chroot-SUITE (tests/package/suite.sh: made on first
# use; each run works on a fresh copy), then `apt-get install ./pve-passthrough_*.deb`
# (dependencies from the archive, nothing else preinstalled but man-db for `man -w`), and inside: --version, man -w, the bash completion,
# status on the shipped demo host, the hook snippet, the missing-libcurl error; then removal and
# purge (the prerm/postrm messages and what they keep), and no file of the package is left.
# Needs root, debootstrap and the Debian archive.  Tier check-package.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
SUITE=${SUITE:-bookworm}
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL package/$SUITE: $*"; fail=$((fail + 1)); }
die() { echo "FAIL package/$SUITE: $*"; echo "package: $pass passed, $((fail + 1)) failed"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing (tools/deps.sh installs it)"

. tests/package/suite.sh
# 1. the package: on this machine's suite built from this tree by `make deb`; on another suite
# built inside a chroot of that suite (tests/package/build.sh; lintian runs there), or DEB=.
# The unit and cli tiers already ran (nocheck).
if [ -n "${DEB:-}" ]; then
	[ -f "$DEB" ] || die "DEB=$DEB: no such file"
elif [ "$SUITE" = "$(. /etc/os-release && echo "$VERSION_CODENAME")" ]; then
	DEB_BUILD_OPTIONS=nocheck ${MAKE:-make} --no-print-directory deb >/tmp/pp-deb-$$.log 2>&1 ||
		{ tail -n 30 /tmp/pp-deb-$$.log; rm -f /tmp/pp-deb-$$.log; die "make deb failed"; }
	rm -f /tmp/pp-deb-$$.log
	DEB=$(ls "$SRC"/pve-passthrough_*_amd64.deb) || die "no .deb after make deb"
else
	t=$(date +%s)
	DEB_BUILD_OPTIONS=nocheck tests/package/build.sh "$SUITE" "$SRC/build-deb-$SUITE" >"/tmp/pp-build-$$.log" 2>&1 ||
		{ cat "/tmp/pp-build-$$.log"; rm -f "/tmp/pp-build-$$.log"; die "building the .deb in a $SUITE chroot failed"; }
	grep -E 'lintian|took|Depends|Recommends' "/tmp/pp-build-$$.log" | sed 's/^package-build:/package:/'
	rm -f "/tmp/pp-build-$$.log"
	DEB=$(ls "$SRC/build-deb-$SUITE"/pve-passthrough_*_amd64.deb) || die "no .deb from tests/package/build.sh"
	echo "package: the $SUITE .deb (chroot, make deps, dpkg-buildpackage, lintian) took $(($(date +%s) - t))s"
fi

# 2. the cached minbase chroot, made on first use
CACHE=$(suite_root "$SUITE") || die "debootstrap $SUITE failed"

# 3. a fresh copy of it for this run
W=$(mktemp -d /tmp/pp-chroot-XXXXXX)
R=$W/root
cleanup() {
	for m in "$R/proc" "$R/dev"; do mountpoint -q "$m" && umount -l "$m"; done
	rm -rf "$W"
}
trap cleanup EXIT
cp -a "$CACHE" "$R"
mount -t proc proc "$R/proc" && mount --bind /dev "$R/dev" || die "cannot mount /proc and /dev in $R"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
cp "$DEB" "$R/tmp/"
inr() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root "$@"; }

inr apt-get update -qq >"$W/apt.log" 2>&1 || { cat "$W/apt.log"; die "apt-get update in the chroot"; }
inr sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db' \
	>>"$W/apt.log" 2>&1 || { tail -n 20 "$W/apt.log"; die "apt-get install man-db"; }
# no recommends: libcurl stays out, so the API commands' missing-library error is seen below
if inr sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/${DEB##*/}" \
	>>"$W/apt.log" 2>&1; then ok; else tail -n 20 "$W/apt.log"; die "apt-get install ./${DEB##*/}"; fi
inr dpkg -L pve-passthrough >"$W/files"
# libsmartcols is loaded with dlopen (cli/table.c): shlibdeps cannot see it, the control file names it
d=$(dpkg-deb -f "$DEB" Depends)
case ", $d," in *", libsmartcols1"[,\ ]*) ok ;; *) bad "Depends does not name libsmartcols1: $d" ;; esac

# 4. inside
v=$(inr pve-passthrough --version) && [ -n "$v" ] && ok || bad "--version: $v"
m=$(inr man -w pve-passthrough 2>&1)
[ "$m" = /usr/share/man/man8/pve-passthrough.8.gz ] && ok || bad "man -w pve-passthrough: $m"
c=$(inr bash -c '. /usr/share/bash-completion/completions/pve-passthrough
	COMP_LINE="pve-passthrough as"; COMP_POINT=${#COMP_LINE}
	fn=$(complete -p pve-passthrough | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
	"$fn" pve-passthrough; echo "${COMPREPLY[*]}"' 2>&1)
[ "$c" = assign ] && ok || bad "completion of 'pve-passthrough as': '$c'"
DEMO=/usr/share/doc/pve-passthrough/examples/demo-host
inr pve-passthrough --root $DEMO status >"$W/status.pkg" 2>&1; rc=$?
"$SRC/pve-passthrough" --root "$SRC/examples/demo-host" status >"$W/status.src" 2>&1
[ $rc -eq 0 ] && cmp -s "$W/status.pkg" "$W/status.src" && ok ||
	bad "status --root on the shipped demo host (exit $rc) differs from the source tree's: $(diff "$W/status.src" "$W/status.pkg" | head -5)"
inr sh -c "cp -a $DEMO /tmp/demo && pve-passthrough -q --root /tmp/demo hook install 100" >"$W/hook.out" 2>&1
grep -q '^bin=/usr/sbin/pve-passthrough$' "$R/tmp/demo/var/lib/vz/snippets/pve-passthrough-guard.sh" 2>/dev/null &&
	ok || bad "the hook snippet does not name /usr/sbin/pve-passthrough: $(cat "$W/hook.out")"
inr sh -c 'umask 077; echo "root@pam!t=00000000-0000-0000-0000-000000000000" >/tmp/token' &&
	inr pve-passthrough --root /tmp/demo audit --api --api-url https://127.0.0.1:9 \
	--api-token-file /tmp/token >/dev/null 2>"$W/api.err"; rc=$?
[ $rc -eq 3 ] && grep -q 'libcurl4' "$W/api.err" && ok ||
	bad "audit --api without libcurl: exit $rc, want 3 naming the package: $(cat "$W/api.err")"
[ -f "$R/lib/systemd/system/pve-passthrough-vfs@.service" ] ||
	[ -f "$R/usr/lib/systemd/system/pve-passthrough-vfs@.service" ] && ok || bad "no VF unit shipped"
[ ! -e "$R/etc/pve-passthrough.conf" ] && [ -z "$(ls "$R/etc/systemd/system" 2>/dev/null | grep pve-passthrough)" ] &&
	ok || bad "installing wrote to /etc"

# 5. this chroot as a PVE node whose VMs 100 and 101 use the guard (written by the tool itself)
inr sh -c "cp -a $DEMO/etc/pve /etc/pve && mkdir -p /var/lib/vz/snippets &&
	pve-passthrough -q hook install 100 101" >"$W/hook2.out" 2>&1 || bad "hook install on the chroot: $(cat "$W/hook2.out")"
touch "$R/var/lib/vz/snippets/pve-passthrough-guard-999.sh" # a snippet no VM references
mkdir -p "$R/var/lib/pve-passthrough/journal/20260101T000000Z-001-setup"
printf 'pve-passthrough-journal 1\nkind setup\nmode sriov-i915\nof -\nstate applied\n' \
	>"$R/var/lib/pve-passthrough/journal/20260101T000000Z-001-setup/journal"
inr sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq pve-passthrough' >"$W/purge1.out" 2>&1 ||
	bad "apt-get purge: $(tail -n 5 "$W/purge1.out")"
grep -q 'guard as hookscript on this node: 100 101' "$W/purge1.out" && ok ||
	bad "prerm did not list VMs 100 101: $(grep pve-passthrough: "$W/purge1.out")"
grep -q 'pve-passthrough-guard.sh kept: it is the hookscript of VM 100 101' "$W/purge1.out" &&
	[ -f "$R/var/lib/vz/snippets/pve-passthrough-guard.sh" ] && ok ||
	bad "purge did not keep the referenced snippet and say so"
[ ! -e "$R/var/lib/vz/snippets/pve-passthrough-guard-999.sh" ] && ok || bad "purge kept an unreferenced snippet"
grep -q '/var/lib/pve-passthrough kept: a host setup is applied' "$W/purge1.out" &&
	[ -d "$R/var/lib/pve-passthrough/journal" ] && ok || bad "purge did not keep the state of an applied setup"
cmp -s "$R/etc/pve/qemu-server/100.conf" "$R/etc/pve/nodes/pve1/qemu-server/100.conf" &&
	grep -q '^hookscript: local:snippets/pve-passthrough-guard.sh' "$R/etc/pve/nodes/pve1/qemu-server/100.conf" &&
	ok || bad "a VM config changed on removal"

# 6. no file of the package is left (directories shared with other packages may stay)
left=""
while read -r f; do
	[ -e "$R$f" ] && [ ! -d "$R$f" ] && left="$left $f"
	[ -d "$R$f" ] && case $f in */pve-passthrough | */pve-passthrough/*) left="$left $f/" ;; esac
done <"$W/files"
[ -z "$left" ] && ok || bad "left after purge:$left"

# 7. nothing applied and no VM references: purge removes the state dir and the snippet
inr sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/${DEB##*/} &&
	pve-passthrough -q hook remove 100 101" >"$W/reinstall.out" 2>&1 || bad "reinstall: $(tail -n 5 "$W/reinstall.out")"
printf 'pve-passthrough-journal 1\nkind setup\nmode sriov-i915\nof -\nstate rolled-back\n' \
	>"$R/var/lib/pve-passthrough/journal/20260101T000000Z-001-setup/journal"
inr sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq pve-passthrough' >"$W/purge2.out" 2>&1
[ ! -e "$R/var/lib/pve-passthrough" ] && [ ! -e "$R/var/lib/vz/snippets/pve-passthrough-guard.sh" ] && ok ||
	bad "second purge left the state dir or the snippet: $(grep pve-passthrough: "$W/purge2.out")"

echo "package: $pass passed, $fail failed"
[ $fail -eq 0 ]
