#!/bin/sh
# stage.sh - the system tier inside the Debian guest (systest-hook runs it at every boot from the
# read-only disk /dev/vdb, mounted on /run/systest).  As root, with no --root, against the real
# system: host setup on the SR-IOV NVMe PF, reboot, checks, a real dkms module and a second kernel
# flavour for doctor, rollback, reboot, byte-identical check, then kill -9 of a setup half-way,
# reboot, recovery, reboot and the command line without the setup's token.  The stage number lives in /var/lib/systest/stage (on the guest's disk, so it
# survives the reboots).  Output on the serial console: "PASS name" / "FAIL name: why" lines, which
# tests/system/boot.sh counts; SYSTEST-REBOOT before a reboot, SYSTEST-END at the end.
D=/run/systest
S=/var/lib/systest
PF=0000:01:00.0
VFS=3
TOOL=pve-passthrough
# the VF unit setup enables: the package's template, instance PF:N
UNIT="pve-passthrough-vfs@$PF:$VFS.service"
WANTS="/etc/systemd/system/multi-user.target.wants/$UNIT"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
mkdir -p "$S"
# kernel messages would interleave with the test lines
dmesg -n 1 2>/dev/null
stage=$(cat "$S/stage" 2>/dev/null || echo 1)

pass() { echo "PASS $1"; }
fail() {
	n=$1
	shift
	echo "FAIL $n: $*"
}
# check NAME WHY COMMAND...: PASS when COMMAND succeeds, else FAIL with WHY
check() {
	n=$1 why=$2
	shift 2
	if "$@"; then pass "$n"; else fail "$n" "$why"; fi
}
show() { # the file, indented, on the console (evidence for a FAIL)
	sed 's/^/    | /' "$1" | head -n "${2:-40}"
}
next() { # next stage, then reboot through GRUB (QEMU runs with -no-reboot: the host starts it again)
	echo "$1" >"$S/stage"
	sync
	echo "SYSTEST-REBOOT $stage -> $1"
	systemctl reboot
	exit 0
}
finish() {
	echo done >"$S/stage"
	sync
	echo "SYSTEST-END"
	systemctl poweroff
	exit 0
}
# snapshot: "sha256  path" of every file, "link path -> target" of every symlink under /etc and the
# generated GRUB config (what setup, update-grub and rollback may touch)
snapshot() {
	find /etc /boot/grub/grub.cfg -xdev \( -type f -o -type l \) 2>/dev/null | LC_ALL=C sort |
		while read -r f; do
			if [ -L "$f" ]; then echo "link $f -> $(readlink "$f")"; else sha256sum "$f"; fi
		done
}
# the files a setup touched: the paths of its unified diff ("+++ b/etc/..." / "--- a/etc/...")
# and of the links it creates ("create symlink PATH -> TARGET")
touched() {
	sed -n 's,^+++ b/,/,p; s,^--- a/,/,p; s,^create symlink \([^ ]*\) -> .*,\1,p' "$1" |
		grep -v '^/dev/null$' | LC_ALL=C sort -u
}
# same_as SNAPSHOT FILELIST: each listed path is as in SNAPSHOT (absent there = absent now)
same_as() {
	bad=""
	now=$(mktemp)
	snapshot >"$now"
	while read -r f; do
		a=$(awk -v f="$f" '$2 == f' "$1")
		b=$(awk -v f="$f" '$2 == f' "$now")
		[ "$a" = "$b" ] || bad="$bad $f"
	done <"$2"
	rm -f "$now"
	[ -z "$bad" ] || {
		echo "    differs:$bad"
		return 1
	}
}
numvfs() { cat "/sys/bus/pci/devices/$PF/sriov_numvfs" 2>/dev/null || echo "?"; }
virtfns() { ls -d "/sys/bus/pci/devices/$PF"/virtfn* 2>/dev/null | wc -l; }

# let the boot finish (the VF unit, the pve-guests stand-in) before looking at it
systemctl is-system-running --wait >/dev/null 2>&1
echo "SYSTEST-BOOT stage=$stage kernel=$(uname -r)"

case $stage in
1)
	# --- the guest came up through its own GRUB; install the project
	check boot-through-grub "no BOOT_IMAGE= in /proc/cmdline: $(cat /proc/cmdline)" \
		grep -q 'BOOT_IMAGE=' /proc/cmdline
	# the project's .deb (its dependencies are in the image: the guest has no network)
	dpkg -i "$D"/pkg/pve-passthrough_*.deb >"$S/install.log" 2>&1
	check install-project-deb "dpkg -i failed: $(tail -n 3 "$S/install.log")" [ $? -eq 0 ]
	check tool-runs "$(cat "$S/install.log")" sh -c "$TOOL --version >/dev/null"
	check vf-unit-template-shipped "no pve-passthrough-vfs@.service from the package" \
		sh -c 'dpkg -L pve-passthrough | grep -q "/systemd/system/pve-passthrough-vfs@.service$"'
	install -m 0644 "$D/pve-guests.service" /etc/systemd/system/pve-guests.service
	systemctl daemon-reload && systemctl enable pve-guests.service >/dev/null 2>&1
	check pve-guests-standin "systemctl enable pve-guests.service failed" systemctl is-enabled -q pve-guests.service
	check pf-has-sriov "$PF has no sriov_totalvfs" [ -f "/sys/bus/pci/devices/$PF/sriov_totalvfs" ]
	snapshot >"$S/before.snap"
	# --- step 1: setup, for real
	$TOOL host setup sriov --yes --pf "$PF" --vfs "$VFS" >"$S/setup.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then pass setup-exit-0; else
		fail setup-exit-0 "exit $rc"
		show "$S/setup.out" 80
	fi
	touched "$S/setup.out" >"$S/touched"
	check setup-touched-files "no file change in the setup's output" [ -s "$S/touched" ]
	sed 's/^/    setup touched /' "$S/touched"
	# the real commands ran: systemd knows the unit, the generated GRUB config has the tokens
	check setup-systemd-knows-unit "systemctl does not list $UNIT as enabled" \
		systemctl is-enabled -q "$UNIT"
	check setup-wrote-no-unit-file "setup wrote a unit file into /etc/systemd/system" \
		[ ! -e /etc/systemd/system/pve-passthrough-vfs.service ]
	toks=$(sed -n 's/^GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT}\(.*\)"$/\1/p' \
		/etc/default/grub.d/pve-passthrough.cfg 2>/dev/null)
	echo "$toks" >"$S/tokens"
	if [ -n "$toks" ]; then
		miss=""
		for t in $toks; do grep -q -- " $t" /boot/grub/grub.cfg || miss="$miss $t"; done
		check setup-update-grub-ran "grub.cfg lacks:$miss" [ -z "$miss" ]
	else
		echo "    setup added no kernel command-line token: $(grep -i 'iommu' "$S/setup.out" | head -n 3)"
	fi
	next 2
	;;
2)
	# --- step 2: after the reboot
	toks=$(cat "$S/tokens")
	miss=""
	for t in $toks; do grep -qw -- "$t" /proc/cmdline || miss="$miss $t"; done
	if [ -n "$toks" ]; then
		check cmdline-has-tokens "missing from /proc/cmdline:$miss ($(cat /proc/cmdline))" [ -z "$miss" ]
	else # the setup said the kernel needs none: its config must say so
		check cmdline-no-token-needed "setup added no IOMMU token but /boot/config-$(uname -r) does not enable the Intel IOMMU by default" \
			grep -qE '^CONFIG_INTEL_IOMMU_DEFAULT_ON(_INTGPU_OFF)?=y' "/boot/config-$(uname -r)"
	fi
	check iommu-active "/sys/class/iommu is empty" [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]
	check vf-unit-ran "$(systemctl status "$UNIT" 2>&1 | tail -n 5)" \
		systemctl is-active -q "$UNIT"
	check vf-unit-before-pve-guests "pve-guests saw sriov_numvfs '$(cat /run/pve-guests-saw-numvfs 2>/dev/null)'" \
		[ "$(cat /run/pve-guests-saw-numvfs 2>/dev/null)" = "$VFS" ]
	check vfs-created "sriov_numvfs $(numvfs), $(virtfns) virtfn links" [ "$(numvfs)" = "$VFS" -a "$(virtfns)" = "$VFS" ]
	bound=""
	for l in "/sys/bus/pci/devices/$PF"/virtfn*; do
		[ -e "$l/driver" ] && bound="$bound $(basename "$(readlink -f "$l")")=$(basename "$(readlink "$l/driver")")"
	done
	check vfs-left-unbound-for-vms "VFs bound to a host driver:$bound" [ -z "$bound" ]
	$TOOL doctor >"$S/doctor2.out" 2>&1
	rc=$?
	grep -A1 -E 'generic-pf' "$S/doctor2.out" | sed 's/^/    doctor: /'
	# the guest is no Proxmox VE node: doctor cannot read /etc/pve (no VM configs to audit) and
	# says so with exit 3 (docs/cli.md: could not finish); anything else it could not read, or any
	# host finding above info, is a failure
	unread=$(sed -n '/^INCOMPLETE/,$p' "$S/doctor2.out" | grep '^  /' | grep -v '^  /etc/pve/')
	if grep -q 'set up by pve-passthrough' "$S/doctor2.out" && grep -q '^0 error(s), 0 warning(s)' "$S/doctor2.out" &&
		{ [ $rc -eq 0 ] || { [ $rc -eq 3 ] && [ -z "$unread" ]; }; }; then
		[ $rc -eq 3 ] && echo "    doctor exit 3: only /etc/pve unread (not a Proxmox VE node)"
		pass doctor-setup-active
	else
		fail doctor-setup-active "doctor exit $rc"
		show "$S/doctor2.out"
	fi
	$TOOL status >"$S/status.out" 2>&1
	vf0=$(basename "$(readlink -f "/sys/bus/pci/devices/$PF/virtfn0")")
	check status-lists-vfs "status does not show $vf0" grep -q "${vf0#0000:}" "$S/status.out"

	# --- step 3: a real dkms module for the running kernel, a second flavour without headers
	rel=$(uname -r)
	cp -a "$D/dkms" /usr/src/i915-sriov-dkms-intel-lts-v6.1
	dkms add -m i915-sriov-dkms -v intel-lts-v6.1 >"$S/dkms.log" 2>&1 &&
		dkms install -m i915-sriov-dkms -v intel-lts-v6.1 -k "$rel" >>"$S/dkms.log" 2>&1
	dkms status >"$S/dkms-status" 2>"$S/dkms-status.err"
	if grep -q "^i915-sriov-dkms/intel-lts-v6.1, $rel, x86_64: installed" "$S/dkms-status"; then
		pass dkms-module-installed
	else
		fail dkms-module-installed "dkms status: $(cat "$S/dkms-status")"
		show "$S/dkms.log"
	fi
	# INITRD=No: the kernel hook of initramfs-tools skips the initramfs (minutes under TCG); this
	# kernel is never booted, only GRUB's menu and doctor look at it
	INITRD=No dpkg -i "$D"/debs/linux-image-*cloud*.deb >"$S/cloud.log" 2>&1
	rc=$?
	cloud=$(ls /boot/vmlinuz-*cloud* 2>/dev/null | head -n 1)
	cloud=${cloud#/boot/vmlinuz-}
	if [ $rc -eq 0 ] && [ -n "$cloud" ]; then pass second-kernel-installed; else
		fail second-kernel-installed "dpkg -i exit $rc"
		show "$S/cloud.log"
	fi
	first=$(sed -n "s/^[[:space:]]*linux[[:space:]]*\/boot\/vmlinuz-\([^ ]*\) .*/\1/p" /boot/grub/grub.cfg | head -n 1)
	check grub-boots-second-next "GRUB's first entry boots $first, not $cloud" [ "$first" = "$cloud" ]
	check second-kernel-no-headers "/lib/modules/$cloud/build exists" [ ! -e "/lib/modules/$cloud/build" ]
	dkms status >"$S/dkms-status" 2>"$S/dkms-status.err"
	echo "    dkms status: $(tr '\n' ';' <"$S/dkms-status")"
	$TOOL doctor >"$S/doctor3.out" 2>&1
	grep -A1 -E 'dkms-missing|headers-missing' "$S/doctor3.out" | sed 's/^/    doctor: /'
	if grep -q "kernel $cloud (newest: boots next) has no i915-sriov-dkms module" "$S/doctor3.out"; then
		pass doctor-next-boot-loses-module
	else
		fail doctor-next-boot-loses-module "no dkms-missing finding for $cloud"
		show "$S/doctor3.out" 60
	fi
	line=$(grep '^i915-sriov-dkms' "$S/dkms-status" | head -n 1)
	check doctor-quotes-dkms-status "doctor does not quote '$line'" grep -qF "$line" "$S/doctor3.out"
	# leave step 3 behind: the second kernel and the module go again
	dpkg -P "linux-image-$cloud" >>"$S/cloud.log" 2>&1
	dkms remove -m i915-sriov-dkms -v intel-lts-v6.1 --all >>"$S/dkms.log" 2>&1
	rm -rf /usr/src/i915-sriov-dkms-intel-lts-v6.1
	check step3-cleaned-up "the second kernel or the dkms module is still there" \
		[ ! -e "/boot/vmlinuz-$cloud" -a ! -d /var/lib/dkms/i915-sriov-dkms ]

	# --- step 4: rollback
	$TOOL host rollback --yes >"$S/rollback.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then pass rollback-exit-0; else
		fail rollback-exit-0 "exit $rc"
		show "$S/rollback.out" 60
	fi
	check rollback-vfs-removed-now "sriov_numvfs $(numvfs)" [ "$(numvfs)" = 0 ]
	next 3
	;;
3)
	toks=$(cat "$S/tokens")
	if [ -n "$toks" ]; then
		left=""
		for t in $toks; do grep -qw -- "$t" /proc/cmdline && left="$left $t"; done
		check rollback-cmdline-clean "still in /proc/cmdline:$left" [ -z "$left" ]
	else
		# nothing to look for: step 1 added no token (Debian's kernel, above); step 5 adds one and
		# checks it is gone after its rollback and a reboot (kill-rollback-cmdline-clean)
		echo "    step 1 added no kernel command-line token: step 5 checks the command line after a rollback"
	fi
	check rollback-no-vfs "sriov_numvfs $(numvfs), $(virtfns) virtfn links" [ "$(numvfs)" = 0 -a "$(virtfns)" = 0 ]
	check rollback-unit-disabled "$UNIT is still enabled" sh -c "! systemctl is-enabled -q '$UNIT'"
	check rollback-unit-not-run "$UNIT ran at this boot" sh -c "! systemctl is-active -q '$UNIT'"
	check rollback-files-gone "a file of the setup is still there" \
		[ ! -L "$WANTS" -a ! -e /etc/default/grub.d/pve-passthrough.cfg \
		-a ! -e /etc/modules-load.d/pve-passthrough.conf ]
	check rollback-byte-identical "sha256 differs from before the setup" same_as "$S/before.snap" "$S/touched"
	echo /boot/grub/grub.cfg >"$S/grubcfg"
	check grub-cfg-byte-identical "grub.cfg after the rollback differs from before the setup" \
		same_as "$S/before.snap" "$S/grubcfg"

	# --- step 5: kill -9 a setup half-way (after its grub step), reboot, recover from the journal
	if [ -f "$D/no-kill-step" ]; then
		echo "SKIP setup-killed-half-way: SYSTEST_KILL_STEP=0"
		finish
	fi
	# Debian's 6.1 turns the Intel IOMMU on by default, so a plain setup changes no command line
	# and has no grub step.  A user who once put intel_iommu=off in GRUB has one: setup
	# --replace-conflicts adds intel_iommu=on and runs update-grub.
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=off"\n' \
		>/etc/default/grub.d/50-user.cfg
	update-grub >"$S/user-grub.log" 2>&1
	check kill-user-iommu-off "update-grub failed: $(tail -n 2 "$S/user-grub.log")" \
		grep -q ' intel_iommu=off' /boot/grub/grub.cfg
	snapshot >"$S/before5.snap"
	# The kill: at the absolute path the tool execs (update-grub, found through PATH), a bind
	# mount puts a script that runs the real update-grub, then sends SIGKILL to the process that
	# ran it (its parent: the setup, which forks and execs without a shell).  The setup dies right
	# after its grub step, before its journal records that step as done.  The scripts live on the
	# guest's disk: Debian's initramfs mounts /run noexec, and execvp skips what it cannot exec
	# (the PATH wrappers in /run of an earlier version of this step were never run).
	real=$(command -v update-grub)
	mkdir -p "$S/kill"
	cp "$real" "$S/kill/update-grub.real"
	cat >"$S/kill/update-grub" <<'WRAP'
#!/bin/sh
/var/lib/systest/kill/update-grub.real "$@"
rc=$?
comm=$(cat /proc/$PPID/comm)
echo "$PPID $comm update-grub-exit=$rc" >/var/lib/systest/kill/killed
[ "$comm" = pve-passthrough ] && kill -9 $PPID
exit $rc
WRAP
	chmod 0755 "$S/kill/update-grub"
	mount --bind "$S/kill/update-grub" "$real"
	$TOOL host setup sriov --yes --replace-conflicts --pf "$PF" --vfs "$VFS" >"$S/setup5.out" 2>&1 &
	wait $!
	rc=$?
	umount "$real"
	echo "    the setup exited with $rc; update-grub's wrapper: $(cat "$S/kill/killed" 2>/dev/null)"
	if [ $rc -eq 137 ] && grep -q ' pve-passthrough update-grub-exit=0$' "$S/kill/killed" 2>/dev/null; then
		pass kill-setup-killed-after-grub-step
	else
		fail kill-setup-killed-after-grub-step "exit $rc, not SIGKILL right after update-grub"
		show "$S/setup5.out"
	fi
	check kill-grub-step-ran "grub.cfg has no intel_iommu=on after the killed setup's update-grub" \
		grep -q ' intel_iommu=on' /boot/grub/grub.cfg
	# what the killed setup changed: every path whose snapshot line differs
	snapshot >"$S/after-kill.snap"
	diff "$S/before5.snap" "$S/after-kill.snap" | sed -n 's/^[<>] [^ ]*  *\([^ ]*\).*/\1/p' |
		LC_ALL=C sort -u >"$S/touched5"
	sed 's/^/    killed setup touched /' "$S/touched5"
	next 4
	;;
4)
	# --- step 5 after the reboot: the killed setup's grub step is in effect; doctor, a new setup
	# and rollback see its interrupted journal
	echo "    after the kill and a reboot: sriov_numvfs $(numvfs); $(grep -o 'intel_iommu=[^ ]*' /proc/cmdline | tr '\n' ' ')"
	check kill-reboot-has-grub-step "the last intel_iommu= of /proc/cmdline is not on: $(cat /proc/cmdline)" \
		sh -c "grep -o 'intel_iommu=[^ ]*' /proc/cmdline | tail -n 1 | grep -qx intel_iommu=on"
	check kill-reboot-iommu-active "/sys/class/iommu is empty" [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]
	$TOOL doctor >"$S/doctor5.out" 2>&1
	grep -A1 'journal-interrupted' "$S/doctor5.out" | sed 's/^/    doctor: /'
	check kill-doctor-reports-interrupted "doctor has no journal-interrupted finding" \
		grep -q 'journal-interrupted' "$S/doctor5.out"
	$TOOL host setup sriov --pf "$PF" --vfs "$VFS" --replace-conflicts --yes >"$S/setup5b.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q 'interrupted' "$S/setup5b.out"; then pass kill-new-setup-refused; else
		fail kill-new-setup-refused "a new setup ran (exit $rc) over the interrupted one"
		show "$S/setup5b.out"
	fi
	$TOOL host rollback --yes >"$S/rollback5.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'Nothing to roll back' "$S/rollback5.out"; then pass kill-rollback-recovers; else
		fail kill-rollback-recovers "exit $rc"
		show "$S/rollback5.out" 60
	fi
	check kill-touched-grub-files "the killed setup's changes lack grub.cfg or its drop-in" \
		sh -c "grep -qx /boot/grub/grub.cfg '$S/touched5' && grep -qx /etc/default/grub.d/pve-passthrough.cfg '$S/touched5'"
	check kill-rollback-byte-identical "sha256 differs from before the killed setup" \
		same_as "$S/before5.snap" "$S/touched5"
	check kill-rollback-no-vfs "sriov_numvfs $(numvfs)" [ "$(numvfs)" = 0 ]
	check kill-rollback-unit-gone "the VF unit is still enabled" [ ! -L "$WANTS" ]
	echo /etc/default/grub.d/50-user.cfg >"$S/userfile"
	check kill-user-grub-file-kept "the user's intel_iommu=off drop-in changed" \
		same_as "$S/before5.snap" "$S/userfile"
	$TOOL doctor >"$S/doctor5b.out" 2>&1
	check kill-doctor-clean-after "doctor still reports journal-interrupted" \
		sh -c "! grep -q 'journal-interrupted' '$S/doctor5b.out'"
	next 5
	;;
5)
	# --- step 5 after the rollback and a reboot: the kernel runs without the killed setup's token,
	# with the user's intel_iommu=off in effect again, and the VF unit did not run
	echo "    after the rollback and a reboot: $(grep -o 'intel_iommu=[^ ]*' /proc/cmdline | tr '\n' ' ')"
	check kill-rollback-cmdline-clean "the setup's intel_iommu=on is still in /proc/cmdline: $(cat /proc/cmdline)" \
		sh -c "! grep -qw 'intel_iommu=on' /proc/cmdline"
	check kill-rollback-user-token-in-effect "the user's intel_iommu=off is not in /proc/cmdline: $(cat /proc/cmdline)" \
		grep -qw 'intel_iommu=off' /proc/cmdline
	check kill-rollback-no-vfs-after-reboot "sriov_numvfs $(numvfs), $(virtfns) virtfn links" \
		[ "$(numvfs)" = 0 -a "$(virtfns)" = 0 ]
	check kill-rollback-unit-not-run "$UNIT ran at this boot" sh -c "! systemctl is-active -q '$UNIT'"
	finish
	;;
*)
	echo "SYSTEST-END (stage $stage: nothing left to do)"
	systemctl poweroff
	;;
esac
