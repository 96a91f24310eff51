# Speed of the pre-start guard (500 VM configs, iGPU with 7 VFs) against a shell hookscript, and
# of audit over 10,000 configs against cat (tools/bench-guard.sh prints the figures).
BENCH_TARGETS += bench-guard
.PHONY: bench-guard
bench-guard: pve-passthrough
	@tools/bench-guard.sh
