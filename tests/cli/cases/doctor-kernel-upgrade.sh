# The #1 field failure, caught before the reboot: the newest kernel (boots next) has neither the
# dkms module nor headers; pinning the old kernel makes it an info-level leftover; --fail-on.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --kernel 6.8.12-4-pve --kernel-noheaders 6.14.11-2-pve --running 6.8.12-4-pve \
	--cmdline-extra "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" \
	--grub-default "quiet" --numvfs 7
"$PP" --root h --node pve1 doctor; echo "rc=$?"
mkdir -p h/etc/kernel && echo 6.8.12-4-pve >h/etc/kernel/proxmox-boot-pin
"$PP" --root h --node pve1 doctor | grep -E "^(error|warning)"; echo "rc=$?"
"$PP" --root h --node pve1 doctor --fail-on warning >/dev/null; echo "rc=$?"
"$PP" --root h doctor --fail-on bad; echo "rc=$?"
