# Fuzzing with libFuzzer (clang, libclang-rt-14-dev).  `make fuzz` runs each target for
# FUZZ_SECONDS; `make check` runs the tier check-fuzz-smoke: the checked-in crashers replayed, then
# FUZZ_SMOKE_SECONDS of fuzzing per target (skipped with a note when clang is missing).
FUZZ_B             := build-fuzz
FUZZ_TARGETS       := vmconf hostpci pvefiles klog
FUZZ_SECONDS       ?= 120
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_CC            ?= clang
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# the code under test, compiled straight into each target (pveconf and what it may use;
# pveconf/vmlist.c reads .vmlist with jansson)
FUZZ_SRCS  := $(wildcard pveconf/*.c util/*.c)
FUZZ_BINS  := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(wildcard pveconf/*.h util/*.h)
	@mkdir -p $(FUZZ_B)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS) -ljansson -lmd

# the kernel-log reader is in host/ but uses only util/
$(FUZZ_B)/fuzz_klog: tests/fuzz/fuzz_klog.c host/klog.c host/klog_sig.c host/klog.h $(wildcard util/*.c util/*.h)
	@mkdir -p $(FUZZ_B)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< host/klog.c host/klog_sig.c $(wildcard util/*.c) -lmd

.PHONY: check-fuzz-smoke
fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-fuzz-smoke:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(FUZZ_BINS) >/dev/null || exit 1; fi
	@tests/fuzz/run.sh --smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

CHECK_TIERS += check-fuzz-smoke
