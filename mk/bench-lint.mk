# `make bench` -> bench-lint: parse + lint of a generated node with 10,000 VM configs, side by side
# with `cat` of the same files (wall time via hyperfine, peak RSS via /usr/bin/time).
.PHONY: bench-lint
bench-lint: pve-passthrough
	@tests/bench/lint.sh 10000

BENCH_TARGETS += bench-lint
