# The guard's timeout line follows the guard's language (issue 14): PVE runs hookscripts under
# LC_ALL=C, so `guard { language = zh_CN }` decides.  The SIGALRM handler cannot call gettext: it
# re-executes the binary to say it (cli/cmd_guard.c), and the happy path still loads no catalog
# (i18n-guard-language; LeakSanitizer is off under strace, as there).  The test binary's seam
# makes the guard hang once its clock runs.
R=$(copy_demo)
conf() { printf 'guard {\n\ton-internal-error = %s\n\ttimeout = 1\n%s}\n' "$1" "$2" >"$R/etc/pve-passthrough.conf"; }
stall() { PVE_PASSTHROUGH_TEST_STALL=guard timeout 20 "$@"; }
echo "== language = zh_CN, refuse: Chinese, exit 3"
conf refuse '	language = "zh_CN"
'
stall "$PP_TEST" --root "$R" guard 101 pre-start; echo "rc=$?"
echo "== language = zh_CN, allow: Chinese, exit 0"
conf allow '	language = "zh_CN"
'
stall "$PP_TEST" --root "$R" guard 101 pre-start; echo "rc=$?"
echo "== the same with SIGALRM blocked and ignored by the parent (both survive exec)"
stall python3 -c '
import os, signal, sys
signal.signal(signal.SIGALRM, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
os.execv(sys.argv[1], sys.argv[1:])' "$PP_TEST" --root "$R" guard 101 pre-start; echo "rc=$?"
echo "== no setting, LC_ALL=C: English, without a second exec"
conf refuse ''
ASAN_OPTIONS=detect_leaks=0 stall strace -f -e trace=execve -o "$TMP/trace" "$PP_TEST" --root "$R" guard 101 pre-start; echo "rc=$?"
grep -c 'execve(' "$TMP/trace"
echo "== no setting, LANG=zh_CN.UTF-8 (an administrator trying it by hand): Chinese"
env -u LC_ALL LANG=zh_CN.UTF-8 PVE_PASSTHROUGH_TEST_STALL=guard timeout 20 "$PP_TEST" --root "$R" guard 101 pre-start
echo "rc=$?"
