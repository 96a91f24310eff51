# GRUB on ZFS through proxmox-boot-tool (legacy BIOS): the GRUB drop-in is the file, the refresh is
# proxmox-boot-tool refresh; JSON output of an apply; setup -> rollback byte-identical.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --boot grub-zfs-pbt --kernel 6.8.12-4-pve
snap h >before
"$PP" --root h --format json host setup sriov --yes |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["bootloader"], d["commands"], d["applied"], d["commands_run"])'
cat h/etc/default/grub.d/pve-passthrough.cfg
"$PP" --root h doctor | grep -E "bootloader|cmdline"
"$PP" --root h host rollback --dry-run | sed -n '/^Commands/,$p'
"$PP" --root h host rollback --yes >/dev/null; echo "rc=$?"
snap h >after
cmp before after && echo "byte-identical after rollback"
