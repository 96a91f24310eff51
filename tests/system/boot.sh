#!/bin/sh
# boot.sh OUT - boots OUT/root.qcow2 (the guest disk's overlay) through its own GRUB, with the test
# disk OUT/data.img read-only, on the kernel tier's machine: q35, an emulated Intel IOMMU and an
# SR-IOV NVMe controller (4 VFs).  QEMU runs with -no-reboot, so each guest reboot ends one QEMU run;
# the next run continues the guest's stages (tests/system/guest/stage.sh) until it prints
# SYSTEST-END.  A boot that never reached the guest's stage script (GRUB or kernel failure, QEMU
# failure: outside the project) is retried once, saying so.  Serial console: OUT/serial-N.log, all
# of them in OUT/serial.log.  Counts "PASS name" / "FAIL name: why" lines; prints the failures
# (everything with VERBOSE=1), the time of each boot, "system: N passed, N failed"; exit 0 only when
# the guest reached SYSTEST-END and nothing failed.
set -u
out=$1
per_boot=${SYSTEST_BOOT_TIMEOUT:-1800}
max_boots=${SYSTEST_MAX_BOOTS:-6}
: >"$out/serial.log"
broken=""
boot=0
retried=""
while [ "$boot" -lt "$max_boots" ]; do
	boot=$((boot + 1))
	log="$out/serial-$boot.log"
	rm -f "$log"
	start=$(date +%s)
	# intel-iommu first: QEMU wants the IOMMU created before the PCI devices it translates for
	timeout -k 10 "$per_boot" nice -n 5 qemu-system-x86_64 \
		-accel tcg -machine q35 -cpu max -smp 1 -m 1G \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial "file:$log" \
		-device intel-iommu \
		-drive file="$out/root.qcow2",format=qcow2,if=none,id=root,cache=unsafe \
		-device virtio-blk-pci,drive=root,bootindex=0 \
		-drive file="$out/data.img",format=raw,if=none,id=data,readonly=on \
		-device virtio-blk-pci,drive=data \
		-device pcie-root-port,id=rp0,chassis=1,slot=1 \
		-device nvme-subsys,id=s0,nqn=ci \
		-device nvme,id=n0,serial=systest0,subsys=s0,bus=rp0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=8 \
		</dev/null >"$out/qemu-$boot.log" 2>&1
	qrc=$?
	secs=$(($(date +%s) - start))
	tr -d '\r' <"$log" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' >"$log.txt" || : >"$log.txt"
	cat "$log.txt" >>"$out/serial.log"
	stage=$(sed -n 's/^SYSTEST-BOOT stage=\([^ ]*\).*/\1/p' "$log.txt" | head -n 1)
	echo "system: boot $boot (stage ${stage:-?}) ran ${secs}s"
	why=""
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		why="the guest did not reboot or power off within ${per_boot}s (SYSTEST_BOOT_TIMEOUT)"
	elif [ "$qrc" -ne 0 ]; then
		why="qemu exited with $qrc: $(tail -n 5 "$out/qemu-$boot.log")"
	fi
	if [ -z "$stage" ]; then
		why=${why:-"the guest never reached its stage script (GRUB or kernel failure?)"}
		if [ -z "$retried" ]; then
			retried=1
			echo "system: boot $boot failed before the project's code ran ($why): retrying it once"
			tail -n 20 "$log.txt" | sed 's/^/    | /'
			boot=$((boot - 1))
			continue
		fi
		broken=$why
		break
	fi
	[ -n "$why" ] && { broken="boot $boot: $why"; break; }
	grep -q '^SYSTEST-END' "$log.txt" && break
	grep -q '^SYSTEST-REBOOT' "$log.txt" || { broken="boot $boot: the guest powered off without SYSTEST-REBOOT or SYSTEST-END"; break; }
done
grep -q '^SYSTEST-END' "$out/serial.log" || broken=${broken:-"the guest did not reach SYSTEST-END in $max_boots boots"}
passed=$(grep -c '^PASS ' "$out/serial.log")
failed=$(grep -c '^FAIL ' "$out/serial.log")
if [ -n "${VERBOSE:-}" ]; then
	grep -E '^(PASS|FAIL|SYSTEST|    )' "$out/serial.log"
elif [ "$failed" -ne 0 ] || [ -n "$broken" ]; then
	grep -E '^(FAIL|SYSTEST|    )' "$out/serial.log"
fi
grep '^SKIP ' "$out/serial.log"
if [ -n "$broken" ]; then
	echo "--- end of the serial console ($out/serial-$boot.log.txt)"
	tail -n 60 "$out/serial-$boot.log.txt" 2>/dev/null
	echo "---"
	echo "system: BROKEN: $broken"
	failed=$((failed + 1))
fi
echo "system: $passed passed, $failed failed"
[ -n "${PP_TALLY:-}" ] && echo "system $passed $failed" >>"$PP_TALLY"
[ "$failed" -eq 0 ]
