# The real-kernel tier: Debian's own kernel booted under QEMU (TCG) with an emulated IOMMU, an SR-IOV
# NVMe controller and the mtty sample mdev driver; the project's binary and a test program linked with
# the project's archives run inside against the real /sys.  See tests/kernel/ and README ("Tests").
KTEST_OUT  := $(B)/kernel
KTEST_SRCS := $(wildcard tests/kernel/*.c)
KTEST_BIN  := $(KTEST_OUT)/kernel-tests

$(KTEST_BIN): $(KTEST_SRCS) $(wildcard tests/kernel/*.h) $(ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $(KTEST_SRCS) $(LINK_ARCHIVES) $(LIBS)

check-kernel: $(BIN) $(KTEST_BIN)
	@tests/kernel/run.sh $(KTEST_OUT) $(BIN) $(KTEST_BIN)

CHECK_TIERS += check-kernel
