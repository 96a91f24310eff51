# bench-sysfs: CPU time of one host snapshot (sysfs_host_read) on a fake host with an iGPU PF, 7 VFs
# and 30 other devices, and hyperfine of `status --format json` against `true` (process start-up).
.PHONY: bench-sysfs
BENCH_TARGETS += bench-sysfs

$(B)/bench/sysfs_read: tests/bench/sysfs_read.c $(TEST_SUPPORT) $(B)/libsysfs.a $(B)/libutil.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(TEST_SUPPORT) $(B)/libsysfs.a $(B)/libutil.a $(LIBS)

bench-sysfs: $(B)/bench/sysfs_read pve-passthrough
	@tools/bench-sysfs.sh $(B)/bench/sysfs_read
