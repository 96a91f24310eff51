#!/bin/sh
# image.sh CACHE_DIR - prints the path of the system tier's Debian 12 guest disk, building it when the
# cache has none for the current recipe.  The recipe is this file plus tests/system/guest/hook.*: their
# sha256 names the image (debian12-<hash>.img), so a changed recipe builds a new one.  Steps:
# mmdebstrap (systemd, Debian's kernel and headers, grub-pc, dkms, initramfs-tools, the tool's
# libraries) into a directory, an ext4 file system made from it with mkfs.ext4 -d (no loop device),
# an MBR disk with that file system at 1 MiB, then a first boot with QEMU's -kernel that runs
# grub-install + update-grub inside the guest (tests/system/guest/hook.firstboot) and powers off.
# From then on the disk boots through its own GRUB.  Progress goes to stderr.
# mmdebstrap, not debootstrap: it installs everything past the essential set with one apt run
# (debootstrap unpacks and configures package by package, with dpkg's fsyncs; 42 minutes here under
# load), and its hooks keep the downloaded .debs in CACHE_DIR/apt-archives, so a changed recipe
# downloads nothing again.  The build directory is thrown away after mkfs, so dpkg runs without
# fsync (force-unsafe-io, and eatmydata for the maintainer scripts: update-initramfs, ldconfig) and
# without documentation, man pages and translations; the guest's own dpkg and apt keep Debian's
# defaults (the options are removed at the end).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=$1
mirror=${PP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS="systemd-sysv,udev,kmod,procps,e2fsprogs,linux-image-amd64,linux-headers-amd64,grub-pc,dkms,\
initramfs-tools,libpci3,libconfuse2,libjansson4,libmd0,libsmartcols1,pciutils"
SIZE_MB=6144

die() { echo "system: image: $*" >&2; exit 1; }
hash=$(cat "$here/image.sh" "$here"/guest/hook.* | sha256sum | cut -c1-16)
img="$cache/debian12-$hash.img"
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi
mkdir -p "$cache"
work="$cache/build-$hash"
root="$work/root"
debs="$cache/apt-archives"
t0=$(date +%s)
echo "system: building the guest disk $img (recipe $hash)" >&2
# a build that failed after the bootstrap starts again from its result
if [ ! -f "$work/bootstrap.ok" ]; then
	rm -rf "$work" "$debs.new"
	mkdir -p "$work" "$debs" "$debs.new"
	echo "system: mmdebstrap from $mirror ($(ls "$debs" | grep -c '\.deb$') .debs in the cache)" >&2
	eatmydata=""
	[ -d /usr/share/mmdebstrap/hooks/eatmydata ] && eatmydata="--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata"
	# shellcheck disable=SC2086
	mmdebstrap --mode=root --variant=minbase --include="$PKGS" $eatmydata \
		--dpkgopt=force-unsafe-io --aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-include=/usr/share/locale/locale.alias' \
		--skip=essential/unlink \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
		--setup-hook="sync-in $debs /var/cache/apt/archives/" \
		--customize-hook="sync-out /var/cache/apt/archives $debs.new" \
		--customize-hook='rm -f "$1"/etc/dpkg/dpkg.cfg.d/99mmdebstrap "$1"/etc/apt/apt.conf.d/99mmdebstrap' \
		bookworm "$root" "$mirror" >"$work/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $work/mmdebstrap.log)"; }
	# the cache keeps exactly this recipe's .debs
	rm -rf "$debs"
	mv "$debs.new" "$debs"
	touch "$work/bootstrap.ok"
	echo "system: mmdebstrap done in $(($(date +%s) - t0))s" >&2
fi

# --- configuration of the guest
echo systest >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 systest\n' >"$root/etc/hosts"
printf '/dev/vda1 / ext4 errors=remount-ro 0 1\n' >"$root/etc/fstab"
# the serial console is the channel: GRUB and the kernel talk on ttyS0; no_timer_check for TCG
# under load (see tests/kernel/boot.sh)
cat >"$root/etc/default/grub.d/systest.cfg" <<'CFG'
GRUB_TIMEOUT=0
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX="console=ttyS0,115200 no_timer_check"
GRUB_DISABLE_OS_PROBER=true
CFG
# no login prompt on the console: it would interleave with the test lines
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
# the hook: at every boot, runs stage.sh from the disk labelled SYSTEST when one is attached
install -m 0755 "$here/guest/hook.sh" "$root/usr/local/sbin/systest-hook"
install -m 0644 "$here/guest/hook.service" "$root/etc/systemd/system/systest-hook.service"
ln -sf /etc/systemd/system/systest-hook.service "$root/etc/systemd/system/multi-user.target.wants/systest-hook.service"
install -m 0755 "$here/guest/hook.firstboot" "$root/usr/local/sbin/systest-firstboot"
kver=$(ls "$root/lib/modules" | head -n 1)
[ -f "$root/boot/vmlinuz-$kver" ] && [ -f "$root/boot/initrd.img-$kver" ] || die "no kernel/initrd in the guest's /boot"
cp "$root/boot/vmlinuz-$kver" "$work/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$work/initrd"

# --- the disk: MBR, one partition at 1 MiB (room for GRUB's core.img before it)
truncate -s $(((SIZE_MB - 1) * 1024 * 1024)) "$work/part.img"
mkfs.ext4 -q -F -L systest-root -d "$root" "$work/part.img" || die "mkfs.ext4 -d failed"
truncate -s $((SIZE_MB * 1024 * 1024)) "$work/disk.img"
echo 'start=2048, type=83, bootable' | sfdisk -q "$work/disk.img" || die "sfdisk failed"
dd if="$work/part.img" of="$work/disk.img" bs=1M seek=1 conv=sparse,notrunc status=none
rm -f "$work/part.img"

# --- first boot: the kernel from outside, GRUB installed from inside
echo "system: first boot (grub-install + update-grub in the guest)" >&2
timeout -k 10 900 nice -n 5 qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 1 -m 1G \
	-nodefaults -no-user-config -display none -no-reboot -serial "file:$work/firstboot.log" \
	-kernel "$work/vmlinuz" -initrd "$work/initrd" \
	-append "root=/dev/vda1 rw console=ttyS0,115200 no_timer_check panic=-1 init=/usr/local/sbin/systest-firstboot" \
	-drive file="$work/disk.img",format=raw,if=virtio </dev/null >"$work/qemu.log" 2>&1 ||
	{ tail -n 40 "$work/firstboot.log" >&2; die "first boot failed (serial: $work/firstboot.log)"; }
grep -q '^FIRSTBOOT-OK' "$work/firstboot.log" ||
	{ tail -n 40 "$work/firstboot.log" >&2; die "grub-install/update-grub failed in the guest (serial: $work/firstboot.log)"; }
mv "$work/disk.img" "$img"
rm -rf "$work"
echo "system: guest disk built in $(($(date +%s) - t0))s" >&2
echo "$img"
