# Fuzzing with libFuzzer (clang, libclang-rt-14-dev).  `make fuzz` runs each target for
# FUZZ_SECONDS; `make check` runs the tier check-fuzz-smoke: the checked-in crashers replayed, then
# FUZZ_SMOKE_SECONDS of fuzzing per target (skipped with a note when clang is missing).
FUZZ_B             := build-fuzz
,                  := ,
FUZZ_TARGETS       := vmconf hostpci pvefiles klog settings pveapi dkms cmdline journal modconf \
                      sysattr
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

# The parsers of the other modules: their sources compiled once with the sanitizers (coverage
# instrumented, no libFuzzer main) into build-fuzz/obj/, then linked per target.
FUZZ_OBJ_FLAGS := $(subst -fsanitize=fuzzer$(,),-fsanitize=fuzzer-no-link$(,),$(FUZZ_FLAGS)) \
                  $(shell pkg-config --cflags libpci libconfuse jansson libmd 2>/dev/null)
fuzz_objs = $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(foreach m,$(1),$(wildcard $(m)/*.c)))
$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -Itests -MMD -MP -c -o $@ $<
-include $(shell find $(FUZZ_B)/obj -name '*.d' 2>/dev/null)
FUZZ_HOST_OBJS := $(call fuzz_objs,host policy pveconf sysfs util)
FUZZ_LIBS      := -lpci -lconfuse -ljansson -lmd

$(FUZZ_B)/fuzz_settings: tests/fuzz/fuzz_settings.c tests/fuzz/fuzz_root.h $(call fuzz_objs,settings util)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(call fuzz_objs,settings util) $(FUZZ_LIBS)
# snapshot.c and job.c: fuzz_pveapi.c is their request engine (no libcurl, no network)
$(FUZZ_B)/fuzz_pveapi: tests/fuzz/fuzz_pveapi.c $(FUZZ_B)/obj/pveapi/snapshot.o $(FUZZ_B)/obj/pveapi/job.o $(call fuzz_objs,util)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_B)/obj/pveapi/snapshot.o $(FUZZ_B)/obj/pveapi/job.o $(call fuzz_objs,util) $(FUZZ_LIBS)
$(FUZZ_B)/fuzz_sysattr: tests/fuzz/fuzz_sysattr.c tests/fuzz/fuzz_root.h $(call fuzz_objs,sysfs util) \
                        $(FUZZ_B)/obj/tests/support/fakesys.o $(FUZZ_B)/obj/tests/support/tmpdir.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -Itests -o $@ $< $(call fuzz_objs,sysfs util) \
	  $(FUZZ_B)/obj/tests/support/fakesys.o $(FUZZ_B)/obj/tests/support/tmpdir.o $(FUZZ_LIBS)
$(FUZZ_B)/obj/tests/support/%.o: tests/support/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -DPP_SRCDIR=\"$(CURDIR)\" -Itests -MMD -MP -c -o $@ $<
$(FUZZ_B)/fuzz_dkms $(FUZZ_B)/fuzz_cmdline $(FUZZ_B)/fuzz_journal $(FUZZ_B)/fuzz_modconf: \
$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_root.h $(FUZZ_HOST_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_HOST_OBJS) $(FUZZ_LIBS)

.PHONY: check-fuzz-smoke
fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-fuzz-smoke:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(FUZZ_BINS) >/dev/null || exit 1; fi
	@tests/fuzz/run.sh --smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

CHECK_TIERS += check-fuzz-smoke
