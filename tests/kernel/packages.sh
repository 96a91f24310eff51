#!/bin/sh
# packages.sh [TIER PACKAGE...] - makes sure a QEMU tier has what it needs; without arguments the
# real-kernel tier's list: QEMU, Debian's kernel image, the matching headers and source (to build the
# mtty sample mdev driver), busybox-static, cpio, kmod.  tests/system/run.sh passes its own list.
# Installs what is missing with apt-get when root.  Exit 0: all present; 77: missing and we may not
# install (a plain `make check` outside CI then reports the tier as skipped, loudly); 1: missing
# under CI=true, or the install failed - never a silent skip in CI.
set -u
tier=kernel
PKGS="qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source-6.1 busybox-static cpio kmod
xz-utils make gcc"
if [ $# -gt 0 ]; then
	tier=$1
	shift
	PKGS="$*"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

why=""
if ! command -v apt-get >/dev/null 2>&1; then
	why="no apt-get on this machine"
elif [ "$(id -u)" -ne 0 ]; then
	why="not root"
fi
if [ -n "$why" ]; then
	echo "$tier: missing packages:$missing ($why)" >&2
	echo "$tier: run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	if [ "${CI:-}" = "true" ]; then
		echo "$tier: FAILED: CI=true and the $tier tier cannot run" >&2
		exit 1
	fi
	exit 77
fi
echo "$tier: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || { echo "$tier: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $missing >&2; then
	echo "$tier: apt-get install$missing failed" >&2
	exit 1
fi
exit 0
