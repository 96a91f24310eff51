# GVT-g (mdev) host: an mdev entry names the PF without passing it (no pf-with-vfs), a type that is
# used up refuses the start, a type the GPU does not offer, passing the GPU that serves mdev
# instances, and a type over-subscribed by the configs (audit warning)
. "$SRC/tests/cli/fakehost.sh"
R=$TMP/root
fh_gvtg "$R"
vm() { printf 'hostpci0: %s\nmachine: q35\nname: %s\n' "$2" "$3" | fh_vm "$R" "$1"; }
vm 130 "0000:00:02.0,mdev=i915-GVTg_V5_4" desktop
vm 131 "0000:00:02.0,mdev=i915-GVTg_V5_4" desktop2
vm 132 "0000:00:02.0,mdev=i915-GVTg_V5_1" big
vm 133 "0000:00:02.0" whole-gpu
vm 134 "0000:00:02.0,mdev=i915-GVTg_V5_8" small
fh_running "$R" 130 5130
fh_mdev "$R" 00000000-0000-0000-0000-000000000130 i915-GVTg_V5_4
for v in 130 131 132 133 134; do
	"$PP" --root "$R" guard $v pre-start 2>&1; echo "guard $v rc=$?"
done
"$PP" --root "$R" audit --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    if f["rule"] != "guard-missing":
        print(f["vmid"], f["rule"], f["severity"], f["device"], "|", f["message"])
print(d["summary"])'
