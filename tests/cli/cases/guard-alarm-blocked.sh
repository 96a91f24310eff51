# The guard's time limit holds when its parent exec's it with SIGALRM blocked and ignored (both
# survive exec): a real exec from python with that mask.  `timeout 20` turns a regression into a
# failure instead of a hang.
R=$(copy_demo)
cat >"$R/etc/pve-passthrough.conf" <<'CONF'
guard {
	on-internal-error = refuse
	timeout = 1
}
CONF
blocked() {
	timeout 20 python3 -c '
import os, signal, sys
signal.signal(signal.SIGALRM, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
os.execv(sys.argv[1], sys.argv[1:])' "$@"
}
PVE_PASSTHROUGH_TEST_STALL=guard blocked "$PP_TEST" --root "$R" guard 101 pre-start; echo "refuse rc=$?"
sed -i 's/refuse/allow/' "$R/etc/pve-passthrough.conf"
PVE_PASSTHROUGH_TEST_STALL=guard blocked "$PP_TEST" --root "$R" guard 101 pre-start; echo "allow rc=$?"
