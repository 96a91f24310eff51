# refusals not covered by assign-refusals: a mapping whose map line names the PF by a function-less
# id (pf-with-vfs, naming the pci.cfg line), a mapping of the PF itself, and no free VF left
# (listing who holds each); every refusal is exit 1 and leaves the configs as they were
. "$SRC/tests/cli/lib/assign-host.sh"
printf 'allf\n\tmap id=8086:a7a0,iommugroup=0,node=pve1,path=0000:00:02,subsystem-id=1028:0b14\n\nalpf\n\tmap id=8086:a7a0,iommugroup=0,node=pve1,path=0000:00:02.0,subsystem-id=1028:0b14\n' >>"$root/etc/pve/mapping/pci.cfg"
printf 'cores: 1\nmachine: q35\n' >"$Q/106.conf"
printf 'cores: 1\nmachine: q35\n' >"$Q/107.conf"
sum() { cat "$Q"/*.conf | sha1sum; }
s0=$(sum)
pp assign 107 --mapping allf
pp assign 107 --mapping alpf
[ "$(sum)" = "$s0" ] && echo "no config changed"
for v in 101 102 106; do pp -q assign $v --vf auto >/dev/null; done
s1=$(sum)
pp assign 107 --vf auto
[ "$(sum)" = "$s1" ] && echo "no config changed"
