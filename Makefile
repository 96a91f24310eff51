# pve-passthrough build.  `make` builds ./pve-passthrough; `make check` runs every test tier;
# `make demo` runs the tool on the bundled demo host.  See README.md.

PREFIX  ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
VERSION := 0.1.0

CC      ?= cc
PKGS     := libpci libconfuse jansson libmd smartcols
TESTPKGS := cmocka
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I. -DPP_VERSION=\"$(VERSION)\" \
             -DPP_PREFIX=\"$(PREFIX)\" \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Digests come from libmd (util/hash.c), all shared: Debian's security updates reach every library.
# libsmartcols is not linked: cli/table.c loads it with dlopen() for text tables only (the binary
# is also the pre-start hookscript; one more linked library costs every start).  Its headers are used.
LIBS     = $(shell pkg-config --libs $(filter-out smartcols,$(PKGS)) 2>/dev/null)
TESTLIBS = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

B := build
# Modules, lowest layer first.  Each becomes one static archive build/lib<mod>.a.
MODULES := util settings pveconf sysfs policy pveapi gather assign host
# What each module may link against (the layering of docs/design.md); unit-test binaries of a module
# are linked only with these, so a forbidden call is a link error.
DEPS_util    :=
DEPS_settings := util
DEPS_pveconf := util
DEPS_sysfs   := util
DEPS_policy  := pveconf sysfs util
DEPS_pveapi  := settings pveconf util
DEPS_gather  := policy pveapi settings pveconf sysfs util
DEPS_assign  := gather policy pveapi settings pveconf sysfs util
DEPS_host    := policy pveconf sysfs util

srcs_of = $(wildcard $(1)/*.c)
objs_of = $(patsubst %.c,$(B)/%.o,$(call srcs_of,$(1)))
PRESENT_MODULES := $(foreach m,$(MODULES),$(if $(call srcs_of,$(m)),$(m)))
ARCHIVES := $(foreach m,$(PRESENT_MODULES),$(B)/lib$(m).a)
# link order: highest layer first
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
LINK_ARCHIVES := $(foreach m,$(call reverse,$(MODULES)),$(if $(call srcs_of,$(m)),$(B)/lib$(m).a))
CLI_OBJS := $(call objs_of,cli)

# The binary; check-asan builds its own under build-asan/.
BIN ?= pve-passthrough

.PHONY: all deps demo check check-unit check-cli check-layering check-format check-asan check-kernel \
        fuzz bench install clean format
all: $(BIN)

$(BIN): $(CLI_OBJS) $(ARCHIVES)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LINK_ARCHIVES) $(LIBS)

# The test binary: the same program with tests/cli/pp_test_main.c's main(), which turns the cli
# tests' PVE_PASSTHROUGH_TEST_* variables into seams.  Never installed.
TEST_BIN := $(B)/tests/pve-passthrough-test
$(TEST_BIN): $(filter-out $(B)/cli/entry.o,$(CLI_OBJS)) $(B)/tests/cli/pp_test_main.o $(ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out $(B)/cli/entry.o,$(CLI_OBJS)) \
	  $(B)/tests/cli/pp_test_main.o $(LINK_ARCHIVES) $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPP_SRCDIR=\"$(CURDIR)\" -MMD -MP -c -o $@ $<

define archive_rule
$(B)/lib$(1).a: $(call objs_of,$(1))
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(foreach m,$(PRESENT_MODULES),$(eval $(call archive_rule,$(m))))

-include $(shell find $(B) -name '*.d' 2>/dev/null)


# ---------------------------------------------------------------- tests
# tests/unit/<module>_<topic>.c -> build/tests/<module>_<topic>, linked with lib<module>.a + its DEPS.
UNIT_SRCS  := $(wildcard tests/unit/*_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
TEST_SUPPORT := $(patsubst %.c,$(B)/%.o,$(wildcard tests/support/*.c))
unit_mod = $(firstword $(subst _, ,$(notdir $(1))))
unit_archives = $(B)/lib$(call unit_mod,$(1)).a $(foreach d,$(DEPS_$(call unit_mod,$(1))),$(if $(call srcs_of,$(d)),$(B)/lib$(d).a))

define unit_rule
$(1): $(B)/tests/%: tests/unit/%.c $(TEST_SUPPORT) $(call unit_archives,$(1))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CFLAGS) $$(shell pkg-config --cflags cmocka) -Itests -DPP_SRCDIR=\"$$(CURDIR)\" \
	  -o $$@ $$< $(TEST_SUPPORT) $(call unit_archives,$(1)) $$(LIBS) $$(TESTLIBS)
endef
$(foreach t,$(UNIT_BINS),$(eval $(call unit_rule,$(t))))

deps:
	@tools/deps.sh

demo: deps $(BIN)
	@tools/demo.sh

# Test tiers run by `make check`, in order; mk/*.mk files add theirs (CHECK_TIERS += check-kernel).
CHECK_TIERS := check-unit check-cli check-layering check-format
# Benchmarks run by `make bench`; mk/*.mk files add theirs.
BENCH_TARGETS :=

# Per-topic additions (fuzzing, benchmarks, kernel and API tiers) live in mk/*.mk; included after
# the two lists above so that their `CHECK_TIERS +=` / `BENCH_TARGETS +=` are kept.
include $(wildcard mk/*.mk)

check: deps
	@$(MAKE) --no-print-directory all
	@tools/check.sh $(CHECK_TIERS)

bench: deps all
	@set -e; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t; done

check-unit: $(UNIT_BINS)
	@tools/run-tier.sh unit $(UNIT_BINS)

check-cli: $(BIN) $(TEST_BIN)
	@PP_BIN=$(abspath $(BIN)) PP_TEST_BIN=$(abspath $(TEST_BIN)) tools/run-tier.sh cli tests/cli/run.sh

check-layering: $(ARCHIVES)
	@tools/check-layering.sh

check-format:
	@tools/check-format.sh

check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan BIN=build-asan/pve-passthrough CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" all check-unit check-cli $(ASAN_TIERS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/pve-passthrough
	install -D -m 0644 doc/pve-passthrough.8 $(DESTDIR)$(MANDIR)/man8/pve-passthrough.8

clean:
	rm -rf build build-asan build-fuzz pve-passthrough
