# tests/cli/lib/host.sh - helpers for the host/doctor golden cases (sourced by a case).
# mkhost DIR ARGS...: a fake PVE host (tests/fixtures/mkhost.py; /var/lib and /run/lock exist on
# every host); snap DIR: every path under DIR (outside the tool's own state: its journal and its
# lock) with type, mode, link target and SHA-256, to compare trees; stamp: hides journal stamps.
mkhost() { python3 "$SRC/tests/fixtures/mkhost.py" "$@"; mkdir -p "$1/var/lib" "$1/run/lock"; }
snap() {
	(cd "$1" && find . -path ./var/lib/pve-passthrough -prune -o -path ./run/lock/pve-passthrough \
		-prune -o -printf '%y %m %p %l\n' | sort &&
		find . -path ./var/lib/pve-passthrough -prune -o -path ./run/lock/pve-passthrough -prune \
			-o -type f -print0 | sort -z | xargs -0 sha256sum)
}
stamp() { sed -E 's/[0-9]{8}T[0-9]{6}Z-[0-9]{3}/STAMP/g'; }
