#!/bin/sh
# boot.sh OUT - boots OUT/vmlinuz with OUT/initramfs.cpio (tests/kernel/build.sh) under QEMU/TCG on a
# q35 machine with an emulated Intel IOMMU and an SR-IOV NVMe controller (4 VFs), with a hard timeout.
# The serial console goes to OUT/serial.log; the guest's test lines ("PASS name", "FAIL name: why")
# between KTEST-BEGIN and KTEST-END are counted.  Prints failures (everything with VERBOSE=1) and
# "kernel: N passed, N failed"; exit 0 only when the guest ran to the end and nothing failed.
# A boot that never reached /init (QEMU failed, kernel panic, timeout before the tests began) failed
# for a reason outside the project: with KTEST_RETRY=1 that is exit 3 with no tally, and run.sh boots
# once more.  `no_timer_check`: under load TCG is too slow for the kernel's IO-APIC timer check, which
# then panics with "timer doesn't work through Interrupt-remapped IO-APIC".
set -u
out=$1
timeout_s=${KTEST_TIMEOUT:-300}
log="$out/serial.log"
rm -f "$log"
start=$(date +%s)
# intel-iommu first: QEMU wants the IOMMU created before the PCI devices it translates for.
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max -smp 1 -m 1G \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$log" \
	-kernel "$out/vmlinuz" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 intel_iommu=on iommu=pt panic=-1 loglevel=4 no_timer_check ${KTEST_APPEND:-}" \
	-device intel-iommu \
	-device pcie-root-port,id=rp0,chassis=1,slot=1 \
	-device nvme-subsys,id=s0,nqn=ci \
	-device nvme,id=n0,serial=ktest0,subsys=s0,bus=rp0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=8 \
	</dev/null >"$out/qemu.log" 2>&1
qrc=$?
secs=$(($(date +%s) - start))
tr -d '\r' <"$log" >"$log.txt" 2>/dev/null || : >"$log.txt"

results=$(sed -n '/^KTEST-BEGIN/,/^KTEST-END/p' "$log.txt")
passed=$(printf '%s\n' "$results" | grep -c '^PASS ')
failed=$(printf '%s\n' "$results" | grep -c '^FAIL ')
broken=""
outside=""
if ! grep -q '^KTEST-BEGIN' "$log.txt"; then outside=1; fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	broken="the guest did not power off within ${timeout_s}s (KTEST_TIMEOUT)"
elif [ "$qrc" -ne 0 ]; then
	broken="qemu exited with $qrc: $(tail -n 5 "$out/qemu.log")"
elif ! grep -q '^KTEST-BEGIN' "$log.txt"; then
	broken="the guest never reached /init (kernel panic?)"
elif ! grep -q '^KTEST-END' "$log.txt"; then
	broken="the guest's tests did not finish"
elif grep -q '^KTEST-END rc=[1-9]' "$log.txt" && [ "$failed" -eq 0 ]; then
	broken="the guest's test program failed: $(grep '^KTEST-END' "$log.txt")"
elif [ "$passed" -eq 0 ]; then
	broken="no test ran"
fi
for m in $(sed -n 's/^KTEST-MODULE-FAILED //p' "$log.txt"); do
	broken="${broken:+$broken; }module $m did not load"
done

if [ -n "$broken" ] || [ "$failed" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
	if [ -n "$broken" ] || [ -n "${VERBOSE:-}" ]; then
		echo "--- serial console ($log)"
		tail -n 150 "$log.txt"
		echo "---"
	else
		printf '%s\n' "$results" | grep -v '^PASS '
		sed -n '/^KTEST-DMESG/,$p' "$log.txt"
	fi
fi
if [ -n "$broken" ] && [ -n "$outside" ] && [ "${KTEST_RETRY:-}" = 1 ]; then
	echo "kernel: BROKEN outside the project (the guest never reached the tests): $broken"
	exit 3
fi
[ -n "$broken" ] && { echo "kernel: BROKEN: $broken"; failed=$((failed + 1)); }
kver=$(sed -n 's/^KTEST-BEGIN //p' "$log.txt" | head -n 1)
echo "kernel: QEMU ran ${secs}s (guest kernel ${kver:-$(cat "$out/kver")})"
echo "kernel: $passed passed, $failed failed"
[ -n "${PP_TALLY:-}" ] && echo "kernel $passed $failed" >>"$PP_TALLY"
[ "$failed" -eq 0 ]
