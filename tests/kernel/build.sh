#!/bin/sh
# build.sh OUT BINARY... - prepares the real-kernel tier's guest: finds the kernel version that
# Debian's linux-image-amd64 and linux-headers-amd64 both point at, builds the mtty sample mdev
# driver from linux-source-6.1 against those headers (cached in OUT/mtty), and assembles an
# uncompressed initramfs OUT/initramfs.cpio with busybox, the modules the tests need (plus their
# dependencies and a depmod'ed modules.dep), tests/kernel/init, and the given binaries with their
# shared libraries and the dynamic loader (Debian ships no libpci.a).  Writes OUT/kver and OUT/vmlinuz
# (a copy of /boot/vmlinuz-<kver>).  Does not boot anything (boot.sh does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

die() { echo "kernel: $*" >&2; exit 1; }

# --- the kernel version: image and headers must be the same, or mtty will not load
dep_of() { dpkg-query -W -f='${Depends}' "$1" 2>/dev/null | tr ',' '\n' | sed -n "s/^ *$2-\([^ ]*\).*/\1/p" | head -n 1; }
kimg=$(dep_of linux-image-amd64 linux-image)
khdr=$(dep_of linux-headers-amd64 linux-headers)
[ -n "$kimg" ] || die "cannot tell which kernel linux-image-amd64 installs (is it installed?)"
[ -n "$khdr" ] || die "cannot tell which headers linux-headers-amd64 installs (is it installed?)"
[ "$kimg" = "$khdr" ] || die "linux-image-amd64 is $kimg but linux-headers-amd64 is $khdr: upgrade both (apt-get install linux-image-amd64 linux-headers-amd64)"
kver=$kimg
[ -f "/boot/vmlinuz-$kver" ] || die "/boot/vmlinuz-$kver missing (reinstall linux-image-$kver)"
[ -d "/lib/modules/$kver/kernel" ] || die "/lib/modules/$kver missing (reinstall linux-image-$kver)"
[ -d "/lib/modules/$kver/build" ] || die "/lib/modules/$kver/build missing (install linux-headers-$kver)"
echo "$kver" >"$out/kver.new"
if ! cmp -s "$out/kver.new" "$out/kver" 2>/dev/null; then mv "$out/kver.new" "$out/kver"; else rm -f "$out/kver.new"; fi
cmp -s "/boot/vmlinuz-$kver" "$out/vmlinuz" 2>/dev/null || cp "/boot/vmlinuz-$kver" "$out/vmlinuz"

# --- mtty, rebuilt only when the kernel or the source package changes
src_tar=/usr/src/linux-source-6.1.tar.xz
[ -f "$src_tar" ] || die "$src_tar missing (apt-get install linux-source-6.1)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
stamp="$kver $srcver"
m="$out/mtty"
if [ ! -f "$m/mtty.ko" ] || [ "$(cat "$m/stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "kernel: building mtty for $kver from linux-source-6.1 $srcver" >&2
	rm -rf "$m"; mkdir -p "$m"
	tar -xJf "$src_tar" -C "$m" --strip-components=3 linux-source-6.1/samples/vfio-mdev/mtty.c ||
		die "samples/vfio-mdev/mtty.c not found in $src_tar"
	printf 'obj-m := mtty.o\n' >"$m/Kbuild"
	make -s -C "/lib/modules/$kver/build" M="$m" modules >"$m/build.log" 2>&1 ||
		{ cat "$m/build.log" >&2; die "building mtty.ko failed (log above)"; }
	modinfo -F vermagic "$m/mtty.ko" | grep -q "^$kver " || die "mtty.ko vermagic does not match $kver"
	echo "$stamp" >"$m/stamp"
fi

# --- the initramfs
r="$out/root"
rm -rf "$r"
mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/run" \
	"$r/etc" "$r/lib/modules/$kver/extra"
cp /bin/busybox "$r/bin/busybox"
"$r/bin/busybox" --list | grep -q '^modprobe$' || die "/bin/busybox has no modprobe (install busybox-static)"
if ldd "$r/bin/busybox" >/dev/null 2>&1; then die "/bin/busybox is not static (install busybox-static)"; fi
ln -s busybox "$r/bin/sh"
cp "$here/init" "$r/init"
chmod 0755 "$r/init"
echo kernel-test >"$r/etc/hostname"

# modules and everything they need (modprobe resolves dependencies against the installed image)
mods="nvme vfio vfio_pci vfio_iommu_type1 mdev"
for mod in $mods; do
	modprobe -S "$kver" --show-depends "$mod" || die "module $mod not in /lib/modules/$kver"
done | sed -n 's/^insmod \([^ ]*\).*/\1/p' | sort -u | while read -r ko; do
	rel=${ko#/lib/modules/"$kver"/}
	mkdir -p "$r/lib/modules/$kver/$(dirname "$rel")"
	cp "$ko" "$r/lib/modules/$kver/$rel"
done
cp "$m/mtty.ko" "$r/lib/modules/$kver/extra/mtty.ko"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "/lib/modules/$kver/$f" ] && cp "/lib/modules/$kver/$f" "$r/lib/modules/$kver/"
done
depmod -b "$r" "$kver" || die "depmod -b failed"
grep -q '^extra/mtty.ko: .*mdev' "$r/lib/modules/$kver/modules.dep" || die "depmod did not record mtty's dependencies"
echo "$mods mtty" >"$r/etc/test-modules"

# binaries, their shared libraries and the loader at the same paths as here
copy_file() { # path on this machine -> same path in the initramfs
	[ -e "$r$1" ] && return 0
	mkdir -p "$r$(dirname "$1")"
	cp -L "$1" "$r$1"
}
for bin in "$@"; do
	[ -x "$bin" ] || die "$bin missing (build it first)"
	dest=/usr/bin/$(basename "$bin")
	mkdir -p "$r/usr/bin"; cp "$bin" "$r$dest"
	ldd "$bin" | awk '/=> \// {print $3} /^[ \t]*\/[^ ]*ld-linux/ {print $1}' | while read -r lib; do
		copy_file "$lib"
	done
done
[ -e /lib64/ld-linux-x86-64.so.2 ] && copy_file /lib64/ld-linux-x86-64.so.2
# what the tool loads with dlopen() rather than links (ldd does not list it): libsmartcols for
# the text tables of status, audit and doctor (cli/table.c)
smartcols=$(ldconfig -p | awk '/^[ \t]*libsmartcols\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$smartcols" ] || die "libsmartcols.so.1 not found (install libsmartcols1)"
copy_file "$smartcols"
ldd "$smartcols" | awk '/=> \// {print $3}' | while read -r lib; do copy_file "$lib"; done
# libpci's names (status shows them); hwdb is not used in the guest
[ -f /usr/share/misc/pci.ids ] && copy_file /usr/share/misc/pci.ids

(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/initramfs.cpio.new"
mv "$out/initramfs.cpio.new" "$out/initramfs.cpio"
