# mk/bench-api.mk - `make bench-api`: the parallel cluster fetch of pveapi/ against a simulated
# 5-node, 1,000-VM cluster with 20 ms latency, beside python3-proxmoxer fetching one by one.
$(B)/tests/api/bench_fetch: tests/api/bench_fetch.c $(API_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(API_ARCHIVES) $(LIBS)

.PHONY: bench-api
bench-api: $(B)/tests/api/bench_fetch
	@tests/api/bench.sh $(B)/tests/api/bench_fetch

BENCH_TARGETS += bench-api
