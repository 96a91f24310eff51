# The system tier: a whole Debian 12 guest (cached disk, its own GRUB) under QEMU/TCG on the kernel
# tier's machine, where host setup, doctor and rollback run for real across reboots.  See
# tests/system/ and README ("Tests").
SYSTEST_OUT := $(B)/system

.PHONY: check-system
# the guest installs the project's .deb (make deb; the unit and cli tiers ran already: nocheck)
check-system: $(BIN)
	@mkdir -p $(SYSTEST_OUT)
	@DEB_BUILD_OPTIONS=nocheck $(MAKE) --no-print-directory deb >$(SYSTEST_OUT)/deb.log 2>&1 || \
	  { tail -n 30 $(SYSTEST_OUT)/deb.log; echo "system: make deb failed"; echo "system: 0 passed, 1 failed"; \
	    [ -z "$$PP_TALLY" ] || echo "system 0 1" >>"$$PP_TALLY"; exit 1; }
	@tests/system/run.sh $(SYSTEST_OUT) $$(ls $(CURDIR)/pve-passthrough_*_amd64.deb)

# In `make check`, last (mk/*.mk are included in name order): a fresh machine pays the guest disk
# once (tests/system/image.sh), later runs boot the cached one (README, "The system tier").
CHECK_TIERS += check-system
