# Issue 13 defect 9: root-owned state is opened from verified directory fds: a symbolic link in
# place of /var/lib/pve-passthrough is refused, and nothing is written where it points.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --grub-default "quiet" --kernel 6.8.12-4-pve
echo "== a symbolic link in place of the state directory is refused"
rm -rf h/var/lib/pve-passthrough; mkdir "$TMP/elsewhere"; ln -s "$TMP/elsewhere" h/var/lib/pve-passthrough
"$PP" --root h host setup sriov --yes >/dev/null 2>err; echo "setup rc=$?"; grep -o 'error: .*' err
ls "$TMP/elsewhere"
