# assign on a stopped VM: one new line at PVE's sorted position (comment and snapshot untouched);
# again = already assigned (exit 0, no change); release gives the original bytes back
. "$SRC/tests/cli/lib/assign-host.sh"
cp "$Q/101.conf" before.conf
pp assign 101 --vf auto
diff -u before.conf "$Q/101.conf" | tail -n +3
cp "$Q/101.conf" after.conf
pp assign 101 --vf auto
pp assign 101 --vf 0000:00:02.5
cmp after.conf "$Q/101.conf" && echo "unchanged"
pp release 101 --slot 0
cmp before.conf "$Q/101.conf" && echo "byte-identical to the original"
pp release 101 --all
# i440fx: no pcie=1 by default; --x-vga and a romfile under /usr/share/kvm
mkdir -p "$root/usr/share/kvm" && echo rom >"$root/usr/share/kvm/vbios.rom"
pp assign 102 --vf 00:02.6 --x-vga --romfile vbios.rom
cat "$Q/102.conf"
# a line PVE drops (blank after the comma) is never in use: release removes it directly
printf 'cores: 1\nhostpci0: 0000:00:02.7, pcie=1\nmachine: q35\n' >"$Q/108.conf"
pp assign 108 --vf 0000:00:02.7 --dry-run | tail -3
pp release 108 --slot 0
cat "$Q/108.conf"
