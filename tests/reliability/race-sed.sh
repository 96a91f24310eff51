#!/bin/sh
# tests/reliability/race-sed.sh - issue 13 defect 4: `assign` and `release` (by turns) racing a
# second writer of the same VM config, a real `sed -i` loop (sed writes its own temporary file and
# renames it over the config, as scripts do).  Two modes:
#   locked    (LOCKED_RACES, default 100) each sed runs under PVE's VM lock (flock(1) on
#             /var/lock/qemu-server/lock-101.conf, as `qm set` holds it): nothing may be lost,
#             on either side.  Asserted.
#   unlocked  (RACES, default 300) sed takes no lock.  We re-check the digest (and then that the
#             name is still the inode we digested) immediately before rename(), so an edit is
#             lost only when sed renames in the microseconds between that stat() and our
#             rename().  Counted and printed (the figures in the README and the man page).
#             Asserted: sed's edit lost in at most 2% of the races (the window is not zero,
#             so 0 cannot be promised; before the re-check it was 22 of 300), a race our tool
#             refused never loses anything, every refusal says "changed meanwhile", no file is
#             torn, no temporary file is left.
# Each sed edit inserts a numbered comment line; an edit is lost when its line is missing at the
# end.  Ours is lost when assign/release said it changed the file and the change is gone (sed read
# the file before our rename() and renamed after it: only a lock protects against that).
# Prints "race-sed: N passed, N failed" for tools/run-tier.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$here/../.." && pwd)
PP=${PP_BIN:-$SRC/pve-passthrough}
DEMO=$SRC/examples/demo-host
RACES=${RACES:-300}
LOCKED_RACES=${LOCKED_RACES:-100}
MODES=${MODES:-locked unlocked}
TMP=$(mktemp -d /tmp/pp-race-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 99
# a copy: a rebuild while the races run must not change the program under test
cp "$PP" "$TMP/pp" && PP=$TMP/pp
copy_demo() { cp -a "$DEMO" "$TMP/root" && echo "$TMP/root"; }
. "$SRC/tests/cli/lib/assign-host.sh"
conf=$Q/101.conf
lock=$root/var/lock/qemu-server/lock-101.conf
mkdir -p "$root/var/lock/qemu-server"
base=$TMP/base.conf
printf 'boot: order=scsi0\ncores: 2\nmachine: q35\nmemory: 4096\nname: jellyfin\nostype: l26\nscsi0: local-lvm:vm-101-disk-0,size=32G\n' >"$base"
withdev=$TMP/withdev.conf
printf 'boot: order=scsi0\ncores: 2\nhostpci0: 0000:00:02.6,pcie=1\nmachine: q35\nmemory: 4096\nname: jellyfin\nostype: l26\nscsi0: local-lvm:vm-101-disk-0,size=32G\n' >"$withdev"
pass=0; fail=0

# the other writer: numbered edits until told to stop; how many it made goes to $1
writer() {
	k=0
	while [ ! -e stop ]; do
		k=$((k + 1))
		if [ "$mode" = locked ]; then
			flock "$lock" sed -i "1i #edit $k" "$conf" || echo "sed $k failed" >>writer.err
		else
			sed -i "1i #edit $k" "$conf" || echo "sed $k failed" >>writer.err
		fi
	done
	echo "$k" >"$1"
}

for mode in $MODES; do
	races=$RACES
	[ "$mode" = locked ] && races=$LOCKED_RACES
	ok=0 refused=0 lost_sed=0 lost_ours=0 bad=0 edits=0
	i=0
	while [ "$i" -lt "$races" ]; do
		i=$((i + 1))
		if [ $((i % 2)) -eq 1 ]; then op=assign; cp "$base" "$conf"; else op=release; cp "$withdev" "$conf"; fi
		rm -f stop made writer.err
		writer made &
		wpid=$!
		# the writer has started editing before we plan
		while ! grep -q '^#edit' "$conf" 2>/dev/null; do :; done
		if [ "$op" = assign ]; then
			"$PP" -q --root "$root" assign 101 --vf 0000:00:02.6 --lock-timeout 60 >out 2>err
		else
			"$PP" -q --root "$root" release 101 --all --lock-timeout 60 >out 2>err
		fi
		rc=$?
		touch stop
		wait "$wpid"
		n=$(cat made)
		edits=$((edits + n))
		missing=$(awk -v n="$n" '/^#edit [0-9]+$/ { seen[$2] = 1 } END { m = 0; for (j = 1; j <= n; j++) if (!(j in seen)) m++; print m }' "$conf")
		has=$(grep -c '^hostpci0: 0000:00:02.6,pcie=1$' "$conf")
		leftovers=$(ls -a "$Q" | grep -c -e pp-tmp -e '^sed')
		case "$rc" in
		0) ok=$((ok + 1))
			# our change was made; is it still there?
			if { [ "$op" = assign ] && [ "$has" -ne 1 ]; } || { [ "$op" = release ] && [ "$has" -ne 0 ]; }; then
				lost_ours=$((lost_ours + 1))
			fi
			[ "$missing" -gt 0 ] && lost_sed=$((lost_sed + 1)) ;;
		3) refused=$((refused + 1))
			if ! grep -q 'changed meanwhile' err; then
				echo "race $mode/$i ($op): exit 3 without 'changed meanwhile':"; cat err; bad=$((bad + 1))
			fi
			if [ "$missing" -gt 0 ]; then
				echo "race $mode/$i ($op): refused, yet $missing sed edit(s) lost"; bad=$((bad + 1))
			fi ;;
		*) echo "race $mode/$i ($op): exit $rc"; cat err; bad=$((bad + 1)) ;;
		esac
		# the file is whole: sed's lines, the config, nothing else
		if grep -v -e '^#edit [0-9]*$' "$conf" | cmp -s - "$base" || grep -v -e '^#edit [0-9]*$' "$conf" | cmp -s - "$withdev"; then :; else
			echo "race $mode/$i ($op): the config is neither old nor new:"; cat "$conf"; bad=$((bad + 1))
		fi
		if [ "$leftovers" -ne 0 ]; then
			echo "race $mode/$i ($op): temporary files left:"; ls -a "$Q"; bad=$((bad + 1))
		fi
		[ -s writer.err ] && { cat writer.err; bad=$((bad + 1)); }
	done
	echo "$mode: $races races ($((races - races / 2)) assign, $((races / 2)) release), $edits sed edits;" \
		"ours: $ok written, $refused refused (changed meanwhile); lost: sed's edit in $lost_sed races," \
		"ours in $lost_ours races"
	if [ "$bad" -ne 0 ]; then
		fail=$((fail + 1)); echo "FAIL race-sed/$mode: $bad broken races"
	elif [ "$mode" = locked ] && [ $((lost_sed + lost_ours)) -ne 0 ]; then
		fail=$((fail + 1)); echo "FAIL race-sed/locked: a writer holding PVE's lock lost an edit"
	elif [ "$mode" = unlocked ] && [ $((lost_sed * 50)) -gt "$races" ]; then
		# the window is one stat() + rename(): a loss in more than 2% of the races means
		# the re-check before rename() is not there (22 of 300 before it was)
		fail=$((fail + 1))
		echo "FAIL race-sed/unlocked: sed's edit lost in $lost_sed of $races races (at most 2% expected)"
	else
		pass=$((pass + 1))
	fi
done
echo "race-sed: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
