# A GVT-g setup is not rolled back while a live mdev instance exists on the iGPU (a VM uses it):
# exit 1, the host untouched; once the instance is gone the rollback goes through.
. "$SRC/tests/cli/lib/host.sh"
. "$SRC/tests/cli/fakehost.sh"
mkhost h --igpu 3e92 --total 0 --gvtg-types --kernel 6.8.12-4-pve
"$PP" --root h host setup gvtg --yes >/dev/null; echo "setup rc=$?"
fh_mdev h 6e3c8a58-8e29-4a2c-9a3c-5b1d3c1e0b01 i915-GVTg_V5_4
snap h >before
"$PP" --root h host rollback --yes >/dev/null; echo "rollback with a live mdev rc=$?"
snap h >after; cmp before after && echo "host untouched"
rm h/sys/bus/mdev/devices/6e3c8a58-8e29-4a2c-9a3c-5b1d3c1e0b01
"$PP" --root h host rollback --yes >/dev/null; echo "rollback without rc=$?"
ls h/etc/modules-load.d 2>/dev/null; echo "modules-load.d gone: $([ -e h/etc/modules-load.d ] && echo no || echo yes)"
