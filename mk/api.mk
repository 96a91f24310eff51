# mk/api.mk - the API tier: pveapi/ against a local HTTPS PVE API (tests/api/server.py, real TLS
# on loopback, throwaway CA per run), and the bench of the parallel fetch.
API_TEST_SRCS := $(wildcard tests/api/pveapi_*.c)
API_TEST_BINS := $(patsubst tests/api/%.c,$(B)/tests/api/%,$(API_TEST_SRCS))
API_HARNESS   := $(B)/tests/api/harness.o
API_SUPPORT   := $(patsubst %.c,$(B)/%.o,$(wildcard tests/support/*.c))
API_ARCHIVES   = $(B)/libpveapi.a $(foreach d,$(DEPS_pveapi),$(B)/lib$(d).a)

$(B)/tests/api/harness.o: tests/api/harness.c tests/api/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -DPP_SRCDIR=\"$(CURDIR)\" -c -o $@ $<

$(API_TEST_BINS): $(B)/tests/api/%: tests/api/%.c $(API_HARNESS) $(API_SUPPORT) $(API_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -Itests -Itests/api \
	  -DPP_SRCDIR=\"$(CURDIR)\" -o $@ $< $(API_HARNESS) $(API_SUPPORT) $(API_ARCHIVES) \
	  $(LIBS) $(TESTLIBS)

.PHONY: check-api
check-api: $(API_TEST_BINS) $(BIN)
	@PP_BIN=$(abspath $(BIN)) tools/run-tier.sh api $(API_TEST_BINS) tests/api/no-libcurl.sh tests/api/cli.sh \
	  tests/api/mapping.sh tests/api/same-model.sh

CHECK_TIERS += check-api
# the API tier also runs under `make check-asan` (the network and JSON code is where it matters)
ASAN_TIERS += check-api
