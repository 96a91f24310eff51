# device-shared in the guard when the other VM is not running yet but starting: PVE's
# pci-id-reservations hold the VF for it (time: in the future); once that entry has expired it
# blocks nothing.
. "$SRC/tests/cli/fakehost.sh"
R=$(copy_demo)
fh_vm "$R" 300 <<'CONF'
hostpci0: 0000:00:02.6,pcie=1
machine: q35
name: starter
CONF
echo '0000:00:02.6 301 time:4102444800' >>"$R/run/qemu-server/pci-id-reservations"
"$PP" --root "$R" guard 300 pre-start 2>&1; echo "VM 301 starting: rc=$?"
sed -i 's/time:4102444800/time:1700000000/' "$R/run/qemu-server/pci-id-reservations"
"$PP" --root "$R" guard 300 pre-start 2>&1; echo "reservation expired: rc=$?"
