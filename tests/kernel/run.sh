#!/bin/sh
# run.sh OUT BINARY... - the real-kernel tier (`make check-kernel`): packages (packages.sh), mtty and
# the initramfs (build.sh), then the QEMU boot that runs the guest tests (boot.sh).  Ends with
# "kernel: N passed, N failed" and appends "kernel N M" to $PP_TALLY like tools/run-tier.sh.  A boot that fails before the guest's tests
# begin (panic, QEMU failure: outside the project) is retried once, saying so.
set -u
here=$(dirname "$0")
out=$1; shift
fail() {
	echo "kernel: $*"
	echo "kernel: 0 passed, 1 failed"
	[ -n "${PP_TALLY:-}" ] && echo "kernel 0 1" >>"$PP_TALLY"
	exit 1
}
t0=$(date +%s)
"$here/packages.sh"
case $? in
0) ;;
77)
	echo "kernel: SKIPPED: the real-kernel tier needs the packages above (set CI=true to make this a failure)"
	exit 0
	;;
*) fail "FAILED: the packages the real-kernel tier needs are missing (see above)" ;;
esac
"$here/build.sh" "$out" "$@" || fail "FAILED: could not build the guest (see above)"
t1=$(date +%s)
[ -n "${VERBOSE:-}" ] && echo "kernel: packages, mtty and initramfs ready in $((t1 - t0))s"
KTEST_RETRY=1 "$here/boot.sh" "$out"
rc=$?
if [ "$rc" -eq 3 ]; then
	echo "kernel: retrying the boot once: the first one failed before the project's code ran"
	"$here/boot.sh" "$out"
	rc=$?
fi
exit "$rc"
