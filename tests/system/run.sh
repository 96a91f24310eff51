#!/bin/sh
# run.sh OUT DEB - the system tier (`make check-system`): a whole Debian 12 system under
# QEMU/TCG that boots through its own GRUB on the q35 + intel-iommu + SR-IOV NVMe machine of the
# kernel tier, where tests/system/guest/stage.sh runs host setup / doctor / rollback for real (no
# --root) across reboots.  DEB is the project's package (`make deb`), which the guest installs.
#   1. packages (tests/kernel/packages.sh with this tier's list)
#   2. the guest disk, cached under $PP_SYSTEST_CACHE (/var/cache/pve-passthrough-test) and rebuilt
#      when its recipe changes (tests/system/image.sh)
#   3. a second kernel flavour (Debian's cloud kernel) for the doctor step, cached there too
#   4. the test disk (stage.sh, the project, the dkms stand-in, the cloud kernel): ext4 made with
#      mkfs.ext4 -d, attached read-only as /dev/vdb
#   5. a copy-on-write overlay of the cached disk, booted once per guest reboot (QEMU -no-reboot)
#      until the guest prints SYSTEST-END (tests/system/boot.sh)
# Step 5 (kill -9 of a setup right after its update-grub, by a script bind-mounted at
# update-grub's path in the guest; reboot, rollback from the journal) runs unless SYSTEST_KILL_STEP=0.  Ends with "system: N passed, N failed" and appends "system N M" to $PP_TALLY.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$1
deb=$2
cache=${PP_SYSTEST_CACHE:-/var/cache/pve-passthrough-test}
fail() {
	echo "system: $*"
	echo "system: 0 passed, 1 failed"
	[ -n "${PP_TALLY:-}" ] && echo "system 0 1" >>"$PP_TALLY"
	exit 1
}
t0=$(date +%s)
"$here/../kernel/packages.sh" system qemu-system-x86 qemu-utils mmdebstrap dpkg-dev e2fsprogs fdisk
case $? in
0) ;;
77)
	echo "system: SKIPPED: the system tier needs the packages above (set CI=true to make this a failure)"
	exit 0
	;;
*) fail "FAILED: the packages the system tier needs are missing (see above)" ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- the guest disk (cached)
img=$("$here/image.sh" "$cache") || fail "FAILED: could not build the guest disk (see above)"
t1=$(date +%s)
[ $((t1 - t0)) -gt 30 ] && echo "system: guest disk ready in $((t1 - t0))s (built: not in the cache)"

# --- Debian's cloud kernel: the second flavour, installed in the guest without headers
dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
[ -n "$dep" ] || fail "FAILED: apt-cache knows no linux-image-cloud-amd64 (apt-get update?)"
mkdir -p "$cache/debs"
if ! ls "$cache/debs/${dep}_"*.deb >/dev/null 2>&1; then
	(cd "$cache/debs" && apt-get download -q "$dep" >/dev/null 2>&1) || fail "FAILED: apt-get download $dep"
fi

# --- the test disk
data="$out/data"
rm -rf "$data" "$out/data.img"
mkdir -p "$data/debs" "$data/pkg"
cp "$here/guest/stage.sh" "$here/guest/pve-guests.service" "$data/"
cp -r "$here/guest/dkms" "$data/dkms"
cp "$cache/debs/${dep}_"*.deb "$data/debs/"
cp "$deb" "$data/pkg/" || fail "FAILED: no package $deb"
[ "${SYSTEST_KILL_STEP:-1}" = 0 ] && touch "$data/no-kill-step"
truncate -s 512M "$out/data.img"
mkfs.ext4 -q -F -L SYSTEST -d "$data" "$out/data.img" || fail "FAILED: mkfs.ext4 -d for the test disk"

# --- the overlay: every run starts from the cached disk as built
rm -f "$out/root.qcow2"
qemu-img create -q -f qcow2 -F raw -b "$img" "$out/root.qcow2" || fail "FAILED: qemu-img create"
"$here/boot.sh" "$out"
rc=$?
echo "system: tier ran $(($(date +%s) - t0))s"
exit $rc
