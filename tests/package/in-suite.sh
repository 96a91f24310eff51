#!/bin/sh
# tests/package/in-suite.sh [SUITE [TIER...]] - the test tiers of this tree run inside a chroot of
# another Debian suite (trixie = PVE 9 on a bookworm machine): the cached build chroot of
# tests/package/suite.sh (minbase + `make deps` of this tree), a clean copy of the tree with
# ../shared bound beside it, then `make -j2 all` and tools/check.sh TIER... there (default: every
# tier that needs no machine of its own, below).  Prints each tier's closing line and
# "in-SUITE: N passed, N failed" (the tiers' counts added up).  SUITE and TIER... also from the
# environment (SUITE, SUITE_TIERS).  Needs root and the Debian archive.  `make check-suite
# SUITE=trixie` runs it.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
SUITE=${1:-${SUITE:-trixie}}
[ $# -gt 0 ] && shift
# Not here: check-package/check-install/check-kernel/check-system (chroots and QEMU of their own),
# check-crash (long; the same code paths as on this machine) and check-format: the layout is
# clang-format 14's (Debian 12, where CI runs); trixie has only clang-format 17-19, which lay out
# some files differently under the same .clang-format.
TIERS=${*:-${SUITE_TIERS:-check-unit check-cli check-api check-i18n check-po check-layering \
check-igpu-table check-pveconf-diff check-fuzz-smoke}}
. tests/package/suite.sh
die() { echo "FAIL in-$SUITE: $*"; echo "in-$SUITE: 0 passed, 1 failed"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap, chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tools/deps.sh installs it)"
LOG=$(mktemp -d /tmp/pp-in-suite-XXXXXX)
trap 'suite_umount "$PP_CACHE/build-$SUITE"; rm -rf "$LOG"' EXIT
t=$(date +%s)
B=$(suite_build_root "$SUITE" "$LOG/deps.log") || { tail -n 20 "$LOG/deps.log"; die "mmdebstrap $SUITE or make deps in it failed"; }
echo "in-$SUITE: chroot and make deps took $(($(date +%s) - t))s"
suite_copy_tree "$B"
suite_mount "$B" || die "cannot mount /proc and /dev in $B"
suite_bind_shared "$B"
t=$(date +%s)
# the tiers' own counting (tools/check.sh, PP_TALLY) inside; CI=true: a tier that cannot run fails
in_suite "$B" sh -c "cd /build/src && CI=true nice -n 10 make -s -j2 all >/build/make.log 2>&1 &&
	CI=true nice -n 10 tools/check.sh $TIERS" >"$LOG/check.log" 2>&1
rc=$?
echo "in-$SUITE: $(in_suite "$B" sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), glibc $(in_suite "$B" ldd --version | sed -n '1s/.* //p'), make all and the tiers took $(($(date +%s) - t))s"
# the whole output stays in build/in-SUITE.log; here the failures and each tier's closing line
mkdir -p "$SRC/build"
cat "$B/build/make.log" "$LOG/check.log" >"$SRC/build/in-$SUITE.log" 2>/dev/null
grep -E '^FAIL' "$LOG/check.log" | head -n 40
grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$LOG/check.log" | grep -v '^check: ' | sed "s/^/in-$SUITE: /"
line=$(grep '^check: ' "$LOG/check.log")
[ -n "$line" ] || { tail -n 30 "$SRC/build/in-$SUITE.log"; die "make all failed inside (exit $rc)"; }
[ $rc -ne 0 ] && echo "in-$SUITE: the whole output: build/in-$SUITE.log"
echo "in-$SUITE: ${line#check: }"
[ $rc -eq 0 ]
