# Refusals (exit 1) from the platform table and the VF users; usage errors (exit 2).
. "$SRC/tests/cli/lib/host.sh"
for id in 4c8a 4e71 3e92; do
	rm -rf h; mkhost h --igpu "$id" --total 0
	"$PP" --root h host setup sriov --dry-run >/dev/null; echo "rc=$?"
done
rm -rf h; mkhost h --igpu 3e92 --total 0 --gvtg-types
"$PP" --root h host setup gvtg --dry-run | grep -A3 '^+++ b/etc/modules-load.d'; echo "rc=$?"
rm -rf h; mkhost h
"$PP" --root h host setup gvtg --dry-run >/dev/null; echo "rc=$?"
rm -rf h; mkhost h --numvfs 7 --vfio-vfs 2
"$PP" --root h host setup sriov --vfs 4 --dry-run >/dev/null; echo "rc=$?"
# the same count keeps the VFs in use (--force: this host has no dkms module for its next kernel)
"$PP" --root h host setup sriov --vfs 7 --dry-run --force >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --vfs 9; echo "rc=$?"
"$PP" --root h host setup sriov --driver amd; echo "rc=$?"
"$PP" --root h host setup; echo "rc=$?"
"$PP" --root h host frobnicate; echo "rc=$?"
"$PP" --root h host setup sriov --dkms-deb /nonexistent/i915-sriov-dkms_2025.07.22_amd64.deb --dry-run >/dev/null; echo "rc=$?"
