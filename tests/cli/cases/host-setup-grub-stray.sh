# A GRUB host with a stray /etc/kernel/cmdline (left by a guide that edits both files): GRUB's
# drop-in is edited, /etc/kernel/cmdline is left alone and named; doctor says its tokens never
# reach the kernel.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --stray-kernel-cmdline --kernel 6.8.12-4-pve
"$PP" --root h host setup sriov --dry-run | grep -E "^\+\+\+|/etc/kernel/cmdline"
"$PP" --root h doctor | grep -E "cmdline-wrong-file" -A1
