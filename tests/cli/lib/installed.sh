# as_installed MODE ROOT SCRIPT ARGS... - runs a hook snippet the way PVE runs a hookscript
# (env -i LC_ALL=C PVE_MIGRATED_FROM=, stdin closed; PVE_PASSTHROUGH_ROOT=ROOT so the guard reads
# the fake host) with the tool at the path the snippet names (its bin= line, the build-time
# prefix) being, in a private mount namespace (needs root):
#   present  - the binary under test ($PP)
#   absent   - nothing (package removed, a node where it is not installed)
#   noexec   - a copy without the execute bit
# The real path on this machine is never touched: the namespace's tmpfs is gone when it ends.
as_installed() {
	mode=$1 root=$2 script=$3
	shift 3
	bin=$(sed -n 's/^bin=//p' "$script")
	[ -n "$bin" ] || { echo "as_installed: $script has no bin= line"; return 99; }
	unshare -m sh -c '
		mode=$1 root=$2 script=$3 bin=$4 pp=$5; shift 5
		dir=$(dirname "$bin")
		mkdir -p "$dir" && mount -t tmpfs tmpfs "$dir" || exit 98
		case $mode in
		present) cp "$pp" "$bin" ;;
		noexec) cp "$pp" "$bin" && chmod 0644 "$bin" ;;
		esac
		exec env -i LC_ALL=C PVE_MIGRATED_FROM= PVE_PASSTHROUGH_ROOT="$root" "$script" "$@" <&-
	' as_installed "$mode" "$root" "$script" "$bin" "$PP" "$@"
}
