#!/bin/sh
# bench-sysfs.sh BENCH_BINARY - the figures of README "Performance": CPU per snapshot read
# (in-process, many reads), then whole-process cost of `status --format json` next to `true`.
set -eu
cd "$(dirname "$0")/.."
bin=$1
echo "== bench-sysfs: host with an iGPU PF, 7 VFs and 30 other devices (fake tree in \$TMPDIR)"
"$bin" 5000
dir=$(mktemp -d /tmp/pp-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$bin" --make "$dir"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 20 --runs 300 --style basic \
		"./pve-passthrough --root $dir status --format json" "true" 2>&1 |
		grep -E 'Benchmark|Time|User|±' || true
else
	echo "hyperfine missing (tools/deps.sh installs it): process figures skipped"
fi
