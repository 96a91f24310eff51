# tests/cli/lib/host.sh - helpers for the host/doctor golden cases (sourced by a case).
# mkhost DIR ARGS...: a fake PVE host (tests/fixtures/mkhost.py); snap DIR: every path under DIR
# (outside the tool's journal) with type, mode, link target and SHA-256, to compare trees;
# stamp: hides journal timestamps.
mkhost() { python3 "$SRC/tests/fixtures/mkhost.py" "$@"; mkdir -p "$1/var/lib"; }
snap() {
	(cd "$1" && find . -path ./var/lib/pve-passthrough -prune -o -printf '%y %m %p %l\n' | sort &&
		find . -path ./var/lib/pve-passthrough -prune -o -type f -print0 | sort -z |
		xargs -0 sha256sum)
}
stamp() { sed -E 's/[0-9]{8}T[0-9]{6}Z-[0-9]{3}/STAMP/g'; }
