# host setup sriov --pf on a generic SR-IOV PF (an X710 NIC, not an iGPU): the IOMMU token only
# where the kernel leaves the Intel IOMMU off, the vfio modules, the VF unit for that PF, no i915/xe
# token; doctor names the PF; rollback gives every file back byte for byte.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --nic-total 8 --acpi dmar --kconfig-iommu off
snap h >before
"$PP" --root h host setup sriov --yes --pf 0000:01:00.0 --vfs 4 | stamp; echo "rc=$?"
grep -rlE 'i915|xe\.' h/etc/default/grub.d/pve-passthrough.cfg h/etc/modules-load.d h/etc/systemd/system ||
	echo "no i915/xe token in any file the setup wrote"
grep -h '^pf' h/var/lib/pve-passthrough/journal/*/journal
"$PP" --root h doctor | stamp | grep -E 'generic-pf|cmdline-|vfs-|vf-count-|igpu'; echo "rc=$?"
"$PP" --root h host rollback --yes | stamp; echo "rc=$?"
snap h >after
cmp -s before after && echo "after rollback: every file byte-identical to before the setup"
echo "== Debian 6.1: the Intel IOMMU is on by default except for integrated GPUs"
rm -rf h; mkhost h --nic-total 8 --acpi dmar --kconfig-iommu intgpu-off
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run | grep -E '^\+GRUB|^  [a-z]|^  - |^\+\+\+'
echo "== kernel with CONFIG_INTEL_IOMMU_DEFAULT_ON=y"
rm -rf h; mkhost h --nic-total 8 --acpi dmar --kconfig-iommu on
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run | grep -E '^\+GRUB|^  [a-z]|^  - Intel'
echo "== intel_iommu=off in GRUB on such a kernel: a conflict; --replace-conflicts overrides it, rollback restores it"
rm -rf h; mkhost h --nic-total 8 --acpi dmar --kconfig-iommu on
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="\(.*\)"/GRUB_CMDLINE_LINUX_DEFAULT="\1 intel_iommu=off"/' h/etc/default/grub
snap h >before
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 >out 2>&1; echo "rc=$?"
grep -E 'conflict' out
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --replace-conflicts --yes | grep -E '^\+GRUB|^  - Intel|^  update-grub'
"$PP" --root h host rollback --yes >/dev/null; echo "rc=$?"
snap h >after
cmp -s before after && echo "after rollback: every file byte-identical to before the setup"
echo "== AMD IOMMU (ACPI IVRS)"
rm -rf h; mkhost h --nic-total 8 --acpi ivrs --kconfig-iommu off
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run | grep -E '^\+GRUB|^  [a-z]|^  - AMD'
echo "== no ACPI tables: the CPU vendor decides; unknown: the token, to be sure"
rm -rf h; mkhost h --nic-total 8 --cpu amd --kconfig-iommu off
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run | grep -E '^\+GRUB|^  - AMD'
rm -rf h; mkhost h --nic-total 8
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run | grep -E '^\+GRUB|^  - IOMMU'
echo "== refusals (exit 1) and usage errors (exit 2)"
rm -rf h; mkhost h --nic-total 8 --nic-numvfs 4 --nic-vfio-vfs 1 --acpi dmar --kconfig-iommu on
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 9 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --pf 0000:00:00.0 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --pf 0000:09:00.0 --dry-run >/dev/null; echo "rc=$?"
"$PP" --root h host setup sriov --pf 0000:01:00.0 --driver xe; echo "rc=$?"
"$PP" --root h host setup gvtg --pf 0000:01:00.0; echo "rc=$?"
"$PP" --root h host setup sriov --pf 01:00.0; echo "rc=$?"
echo "== the package's VF unit template is not installed: refused (exit 1), nothing written"
rm -rf h; mkhost h --nic-total 8 --acpi dmar --kconfig-iommu on --no-package
snap h >before
"$PP" --root h host setup sriov --pf 0000:01:00.0 --vfs 2 >/dev/null; echo "rc=$?"
snap h >after
cmp -s before after && echo "nothing changed"
