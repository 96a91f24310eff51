# the rules follow /etc/pve-passthrough.conf as the guard does: a rule turned into a warning no
# longer refuses (here pcie-needs-q35), a malformed settings file is exit 3
. "$SRC/tests/cli/lib/assign-host.sh"
pp assign 102 --vf auto --pcie --dry-run
printf 'rule pcie-needs-q35 {\n  severity = warning\n}\n' >"$root/etc/pve-passthrough.conf"
pp assign 102 --vf auto --pcie --dry-run
printf 'rule pcie-needs-q35 {\n  severity = loud\n}\n' >"$root/etc/pve-passthrough.conf"
pp assign 102 --vf auto --dry-run
