# The differential tier: lint and lint --normalize on every config of
# ../shared/corpus/pveconf-diff/ against what Proxmox VE's own Perl reader and writer made of it
# (tests/pveconf-diff/check.c says what "identical" and "agreement" mean).  The floors rise with the
# work of issue 11 and end at every case.
PVECONF_DIFF_BIN := $(B)/tests/pveconf-diff
PVECONF_DIFF_DIR ?= ../shared/corpus/pveconf-diff
PVECONF_DIFF_MIN_IDENTICAL ?= 2494
PVECONF_DIFF_MIN_AGREE ?= 2494

$(PVECONF_DIFF_BIN): tests/pveconf-diff/check.c $(B)/libpveconf.a $(B)/libutil.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpveconf.a $(B)/libutil.a $(LIBS)

.PHONY: check-pveconf-diff
check-pveconf-diff: $(PVECONF_DIFF_BIN)
	@PVECONF_DIFF_BIN=$(PVECONF_DIFF_BIN) PVECONF_DIFF_DIR=$(PVECONF_DIFF_DIR) \
	  PVECONF_DIFF_MIN_IDENTICAL=$(PVECONF_DIFF_MIN_IDENTICAL) \
	  PVECONF_DIFF_MIN_AGREE=$(PVECONF_DIFF_MIN_AGREE) \
	  tools/run-tier.sh pveconf-diff tests/pveconf-diff/run.sh

CHECK_TIERS += check-pveconf-diff
