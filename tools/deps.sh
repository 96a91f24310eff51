#!/bin/sh
# Installs the build and test dependencies on Debian 12 or 13 when they are missing (as root), or
# prints the exact apt-get line to run (not root).  Used by `make demo` and `make check`.
# No suite-pinned names: libclang-rt-dev is the default clang's runtime in both suites; systemd's
# pkg-config file (the unit directory, for make deb) is in systemd-dev from Debian 13 on.
set -eu
PKGS="build-essential gcc make pkg-config gettext libpci-dev libconfuse-dev libjansson-dev libcurl4-openssl-dev libssl-dev libmd-dev libsmartcols-dev
libcmocka-dev pciutils clang clang-format libclang-rt-dev python3 openssl hyperfine time python3-proxmoxer python3-requests
dpkg-dev debhelper fakeroot mmdebstrap strace lintian"
# apt-cache needs the package lists (a fresh debootstrap tree has none)
if [ "$(id -u)" -eq 0 ] && ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt-get update -qq >&2; fi
if apt-cache show systemd-dev >/dev/null 2>&1; then PKGS="$PKGS systemd-dev"; else PKGS="$PKGS systemd"; fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
