# every refusal: exit 1, a message with the fix, the file untouched
. "$SRC/tests/cli/lib/assign-host.sh"
sum() { cat "$Q"/*.conf | sha1sum; }
s0=$(sum)
pp assign 101 --vf 0000:00:02.0
pp assign 101 --vf 0000:00:02.1
pp assign 101 --vf 0000:00:02.3
pp assign 101 --vf 0000:00:03.0
pp assign 101 --vf 0000:00:14.0
pp assign 102 --vf auto --pcie
pp assign 103 --vf auto
pp assign 200 --vf auto
pp assign 999 --vf auto
pp assign 101 --mdev auto
pp assign 101 --mapping nosuch
pp assign 101 --vf auto --slot 0 --romfile missing.rom
[ "$(sum)" = "$s0" ] && echo "no config changed"
# fill every VF, then one more finds none (and says who holds each)
for v in 101 102; do pp -q assign $v --vf auto; done
pp assign 106 --vf auto 2>/dev/null | tail -1
printf 'cores: 1\nmachine: q35\n' >"$Q/106.conf"
pp assign 106 --vf auto
# all 16 slots taken
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "hostpci$i: 0000:01:00.0"; done >"$Q/107.conf"
pp assign 107 --mapping iGPU-VF
# a slot in use (main or [PENDING]) given with --slot
printf 'cores: 1\nhostpci0: 0000:01:00.0\nmachine: q35\n\n[PENDING]\nhostpci1: 0000:02:00.0\n' >"$Q/108.conf"
pp assign 108 --mapping iGPU-VF --slot 1
# no IOMMU: PVE cannot pass anything through
rm -rf "$root/sys/class/iommu"/*
printf 'cores: 1\nmachine: q35\n' >"$Q/109.conf"
pp assign 109 --vf 0000:00:02.4
