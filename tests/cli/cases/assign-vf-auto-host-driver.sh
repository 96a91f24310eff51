# Issue 13 defect 10: `assign --vf auto` never hands out a VF that i915/xe holds on the host (a
# media server may be using it) and says why it skipped it; an explicit --vf still may, with the
# vf-bound-on-host warning.  The demo host's 02.5 is bound to i915; VMs 101, 103, 107 and 108 are
# released so that 02.5 and 02.6 are the free VFs.
R=$(copy_demo)
for v in 101 103 107 108; do "$PP" -q --root "$R" release $v --all; done
Q=$R/etc/pve/nodes/pve1/qemu-server
echo "== auto skips 02.5 (i915) and takes 02.6"
"$PP" --root "$R" assign 101 --vf auto; echo "exit $?"
grep hostpci "$Q/101.conf"
echo "== with 02.6 taken, auto finds none, and says 02.5 is the host's"
"$PP" --root "$R" assign 107 --vf auto; echo "exit $?"
echo "== explicit --vf 0000:00:02.5: assigned, with the warning"
"$PP" --root "$R" assign 107 --vf 0000:00:02.5; echo "exit $?"
grep hostpci "$Q/107.conf"
