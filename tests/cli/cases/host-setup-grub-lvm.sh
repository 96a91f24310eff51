# GRUB on LVM (ext4 install) with a user's module_blacklist: the drop-in merges the list
# (nouveau,xe) instead of replacing it; /etc/default/grub is untouched; update-grub is listed.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --grub-default "quiet module_blacklist=nouveau" --kernel 6.8.12-4-pve
"$PP" --root h host setup sriov --dry-run; echo "rc=$?"
"$PP" --root h --format json host setup sriov --dry-run |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["schema_version"], d["mode"], d["bootloader"]["name"], [c["path"] + ":" + c["action"] for c in d["changes"]], d["commands"], d["applied"])'
