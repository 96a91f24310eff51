# audit options: --vmid, --fail-on, --cluster (other nodes: config rules only, no hardware), and
# usage errors (exit 2)
. "$SRC/tests/cli/fakehost.sh"
fh_demo "$TMP/root"
R=$TMP/root
echo "== --vmid 104 --vmid 108"
"$PP" --root "$R" audit --vmid 104 --vmid 108; echo "rc=$?"
echo "== --fail-on: warnings only"
"$PP" --root "$R" -q audit --vmid 108 >/dev/null; echo "default rc=$?"
"$PP" --root "$R" audit --vmid 108 --fail-on warning >/dev/null; echo "warning rc=$?"
"$PP" --root "$R" audit --vmid 100 --fail-on info >/dev/null; echo "info rc=$?"
echo "== --cluster: VM 200 on pve2 passes the PF id and an invalid value; VM 201 shares with it"
fh_vm "$R" 200 pve2 <<'CONF'
hostpci0: 0000:00:02.0,pcie=1
hostpci1: 0000:00:0A.0
name: remote
CONF
fh_vm "$R" 201 pve2 <<'CONF'
hostpci0: 0000:00:02.0
machine: q35
name: remote2
CONF
"$PP" --root "$R" audit --cluster --vmid 200 --vmid 201; echo "rc=$?"
"$PP" --root "$R" audit --vmid 200; echo "without --cluster rc=$?"
echo "== usage errors"
"$PP" --root "$R" audit --fail-on fatal; echo "rc=$?"
"$PP" --root "$R" audit --vmid 99; echo "rc=$?"
"$PP" --root "$R" audit --api; echo "rc=$?"
"$PP" --root "$R" audit --bogus; echo "rc=$?"
"$PP" --root "$R" audit extra; echo "rc=$?"
"$PP" --root "$R" audit --format yaml; echo "rc=$?"
