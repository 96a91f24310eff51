# doctor for machines (issue 12): --format prometheus|nagios carry the host as numbers, through the
# shared renderers: IOMMU, VFs enabled vs the count the boot unit sets, the dkms module and the
# headers of every installed kernel and of the one that boots next, the cmdline tokens in effect.
. "$SRC/tests/cli/lib/host.sh"
gauges() { grep -E '^pve_passthrough_host_' "$1"; }
echo "== healthy: running kernel with dkms and headers, 7 VFs; setup's unit asks for 4"
mkhost h --kernel 6.8.12-4-pve --running 6.8.12-4-pve \
	--cmdline-extra "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --numvfs 7
"$PP" --root h host setup sriov --vfs 4 --yes >/dev/null 2>&1; echo "setup exit $?"
"$PP" --root h --format prometheus doctor >p.prom 2>/dev/null; echo "prometheus exit $?"
gauges p.prom
"$PP" --root h --format nagios doctor >h.nagios 2>/dev/null; echo "nagios exit $?"
sed "s/^.* | /perfdata: /" h.nagios
echo "== the next kernel has neither the dkms module nor headers (VFs gone after the reboot)"
mkhost k --kernel 6.8.12-4-pve --kernel-noheaders 6.14.11-2-pve --running 6.8.12-4-pve \
	--cmdline-extra "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --numvfs 7
"$PP" --root k --format prometheus doctor >k.prom 2>/dev/null; echo "prometheus exit $?"
gauges k.prom
"$PP" --root k --format nagios doctor >k.nagios 2>/dev/null; echo "nagios exit $?"
sed "s/^.* | /perfdata: /" k.nagios
echo "== no IOMMU, tokens not in /proc/cmdline"
mkhost n --no-iommu --numvfs 0
"$PP" --root n --format prometheus doctor >n.prom 2>/dev/null; echo "prometheus exit $?"
grep -E '^pve_passthrough_host_(iommu|cmdline_token|vfs)' n.prom
