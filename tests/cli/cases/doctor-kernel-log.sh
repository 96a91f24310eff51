# doctor reads the kernel log: <root>/dev/kmsg records under --root, a --kernel-log FILE (dmesg or
# journalctl -k text), a healthy log gives no kernel-log finding, an unreadable FILE is exit 3.
root=$(copy_demo)
mkdir -p "$root/dev"
# /dev/kmsg records: stock i915 (max_vfs ignored, twice), no MMIO for VFs, expected dkms taint
printf '%s\n' \
	"6,900,3166803,-;i915: unknown parameter 'max_vfs' ignored" \
	"4,901,10393964,-;i915: module verification failed: signature and/or required key missing - tainting kernel" \
	"3,902,4593404028,-;i915 0000:00:02.0: not enough MMIO resources for SR-IOV" \
	" SUBSYSTEM=pci" \
	" DEVICE=+pci:0000:00:02.0" \
	"3,903,4593500174,-;i915 0000:00:02.0: [drm] *ERROR* Failed to enable 2 VFs (-ENOMEM)" \
	"6,904,5166803,-;i915: unknown parameter 'max_vfs' ignored" >"$root/dev/kmsg"
"$PP" --root "$root" doctor | grep -E 'klog|kernel log'
echo "rc=$?"
"$PP" --root "$root" --format json doctor | grep -c '"rule": "klog-mmio"'
# a log copied from another host, journalctl -k format
printf '%s\n' \
	"Nov 09 03:24:52 pve kernel: Module i915 is blacklisted" \
	"Nov 09 03:24:53 pve kernel: modprobe: ERROR: could not insert 'i915': Key was rejected by service" \
	>journal.txt
"$PP" --root "$DEMO" doctor --kernel-log journal.txt | grep -E 'klog|kernel log'
# the healthy host's log: nothing from the kernel log
"$PP" --root "$DEMO" doctor --kernel-log "$SHARED/corpus/samples/dmesg_i915_pf_vf_success_host.txt" |
	grep -c -E 'klog|kernel log'
"$PP" --root "$DEMO" doctor --kernel-log missing.txt
echo "rc=$?"
# the same findings for machines: Prometheus lines and the Nagios status line
"$PP" --root "$root" --format prometheus doctor | grep -E 'rule="(klog-mmio|pf-driver-stock)"'
"$PP" --root "$root" --format nagios doctor | grep -o 'ERROR klog-mmio (host)'
