# The exit-code table of the man page (EXIT STATUS), row by row, for every command: the same
# condition gives the same exit status and the same message prefix everywhere.  "-" where a
# command does not meet the condition (it reads no VM, or needs no iGPU).
. "$SRC/tests/cli/lib/host.sh"
R=$(copy_demo)
printf 'lock: backup\n' >>"$R/etc/pve/nodes/pve1/qemu-server/101.conf"
mkhost n >/dev/null; rm n/sys/bus/pci/devices/0000:00:02.0   # a host without an iGPU
# row CONDITION ARGS...: the command line (without --root), its exit status and the first line
# it printed on stderr, cut at 70 columns
row() {
	cond=$1; shift
	"$@" >/dev/null 2>err; rc=$?
	cmd=$(echo "$*" | sed -e 's#.*--root [^ ]* ##' -e 's#--config [^ ]* ##')
	printf '%-10s %-34s exit %s  %s\n' "$cond" "$cmd" "$rc" "$(head -1 err | sed "s|$TMP|@TMP@|g" | cut -c1-70)"
}
echo "== usage error: exit 2"
for c in help lint assign release status guard hook audit host mapping doctor; do
	row usage "$PP" --root "$R" $c --bogus
done
echo "== missing VM (999): exit 1, [vm-missing] (the guard: 0, it never blocks for that)"
row missing-vm "$PP" --root "$R" assign 999 --vf auto
row missing-vm "$PP" --root "$R" release 999 --all
row missing-vm "$PP" --root "$R" hook install 999
row missing-vm "$PP" --root "$R" hook status 999
row missing-vm "$PP" --root "$R" audit --vmid 999
row missing-vm "$PP" --root "$R" guard 999 pre-start
row missing-vm "$PP" --root "$R" lint 999
echo "== locked VM (101, lock: backup): exit 1, [vm-locked] (assign: assign-refusals)"
row locked-vm "$PP" --root "$R" release 101 --all
row locked-vm "$PP" --root "$R" hook install 101
echo "== not root: exit 3, one message"
chmod 700 "$R/etc/pve"
for c in "assign 100 --vf auto" "release 100 --all" status "guard 100 pre-start" "hook status" \
	audit "host vfs 3" "mapping check" doctor; do
	set -- $c
	row not-root runuser -u nobody -- "$PP" --root "$R" "$@"
done
chmod 755 "$R/etc/pve"
echo "== the configuration file named with --config cannot be read: exit 3"
for c in "lint 100" "assign 100 --vf auto --dry-run" "release 100 --all --dry-run" status \
	"hook status" audit "host setup sriov --dry-run" "mapping check" doctor; do
	set -- $c
	row config "$PP" --root "$R" --config "$TMP/missing.conf" "$@"
done
echo "== no iGPU: exit 1 where one is needed, status and doctor say so (exit 0 / findings)"
row no-igpu "$PP" --root n host setup sriov --dry-run
row no-igpu "$PP" --root n host vfs
row no-igpu "$PP" --root n mapping create pool --dry-run
row no-igpu "$PP" --root n status
row no-igpu "$PP" --root n doctor
