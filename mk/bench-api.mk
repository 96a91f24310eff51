# mk/bench-api.mk - `make bench-api`: the real `pve-passthrough audit --api` against a simulated
# 5-node, 1,000-VM cluster with 20 ms latency, beside python3-proxmoxer fetching one by one.
# (tests/api/bench_fetch.c, the fetch alone, is still built for profiling pveapi/ by itself.)
$(B)/tests/api/bench_fetch: tests/api/bench_fetch.c $(API_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(API_ARCHIVES) $(LIBS)

.PHONY: bench-api
bench-api: $(BIN) $(B)/tests/api/bench_fetch
	@tests/api/bench.sh $(abspath $(BIN))

BENCH_TARGETS += bench-api
