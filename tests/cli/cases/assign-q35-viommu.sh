# One q35 check (issue 10): `machine: viommu=intel,type=q35` is a q35 machine (PVE's
# machine_type_is_q35 reads the type key wherever it is).  assign adds pcie=1 for it and must not
# then refuse its own plan with pcie-needs-q35 (the two checks disagreed); audit agrees on the
# written config.
. "$SRC/tests/cli/lib/assign-host.sh"
sed -i 's/^machine: .*/machine: viommu=intel,type=q35/' "$Q/101.conf"
sed -i '/^\[before-gpu\]/,$d' "$Q/101.conf"
pp -q assign 101 --vf auto
grep '^hostpci0\|^machine' "$Q/101.conf"
printf 'cores: 1\nhostpci0: 0000:00:02.6,pcie=1\nmachine: viommu=intel,type=q35\nmemory: 1024\n' >"$Q/102.conf"
pp audit --vmid 101 --vmid 102 --format json | grep -c '"pcie-needs-q35"'
