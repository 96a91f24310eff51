# Packaging.  PREFIX (Makefile, default /usr) is the one build-time setting of where the tool lives:
# it is compiled in (-DPP_PREFIX, util/paths.h: the hook snippet, the VF boot unit, the data lookup)
# and substituted into the shipped systemd units.  `make install` installs everything the Debian
# package contains; `make deb` builds that package (debian/).  Tiers: check-install (a DESTDIR
# install built with another prefix names only that prefix) and check-package (the .deb installed,
# used and purged in a clean minbase chroot: tests/package/chroot.sh).
DATADIR  := $(PREFIX)/share/pve-passthrough
DOCDIR   := $(PREFIX)/share/doc/pve-passthrough
COMPDIR  := $(PREFIX)/share/bash-completion/completions
# Debian 12 keeps units in /lib/systemd/system, 13 in /usr/lib/systemd/system: debian/rules passes
# systemd's own answer; a source install keeps them under the prefix.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
ifneq ($(SBINDIR),$(PREFIX)/sbin)
$(error SBINDIR must be $$(PREFIX)/sbin: the binary's path is compiled in from PREFIX alone)
endif

PKG_B     := $(B)/pkg
PKG_UNITS := $(patsubst units/%.in,$(PKG_B)/units/%,$(wildcard units/*.in)) \
             $(filter-out %.in,$(wildcard units/*))
PKG_COMPLETION := $(PKG_B)/pve-passthrough.bash

# Objects are rebuilt when PREFIX changes (the stamp is rewritten only then).
$(foreach m,$(MODULES) cli,$(call objs_of,$(m))): $(B)/.prefix
$(B)/.prefix: FORCE
	@mkdir -p $(B)
	@[ "$$(cat $@ 2>/dev/null)" = "$(PREFIX)" ] || echo "$(PREFIX)" >$@
.PHONY: FORCE install-files deb check-install check-package clean-package
FORCE:

$(PKG_B)/units/%: units/%.in $(B)/.prefix
	@mkdir -p $(dir $@)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g; s|@DATADIR@|$(DATADIR)|g' $< >$@

# From the built binary's own `help` output (and the man page's rule ids): never drifts.
$(PKG_COMPLETION): $(BIN) doc/pve-passthrough.8 tools/gen-completion.py
	@mkdir -p $(dir $@)
	python3 tools/gen-completion.py $(abspath $(BIN)) doc/pve-passthrough.8 >$@.tmp
	bash -n $@.tmp && mv $@.tmp $@

install: install-files
install-files: $(PKG_UNITS) $(PKG_COMPLETION)
	install -D -m 0644 data/dkms-windows.tsv $(DESTDIR)$(DATADIR)/dkms-windows.tsv
	install -D -m 0644 $(PKG_COMPLETION) $(DESTDIR)$(COMPDIR)/pve-passthrough
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 $(PKG_UNITS) $(DESTDIR)$(UNITDIR)/
	install -D -m 0644 examples/pve-passthrough.conf $(DESTDIR)$(DOCDIR)/examples/pve-passthrough.conf
	install -D -m 0644 examples/README.md $(DESTDIR)$(DOCDIR)/examples/README.md
	rm -rf $(DESTDIR)$(DOCDIR)/examples/demo-host
	cp -R --no-preserve=ownership examples/demo-host $(DESTDIR)$(DOCDIR)/examples/demo-host
	find $(DESTDIR)$(DOCDIR)/examples/demo-host -name '.git*' -delete
	# the demo node has this package installed: its VF unit template is the one for PREFIX
	rm -f $(DESTDIR)$(DOCDIR)/examples/demo-host/usr/lib/systemd/system/pve-passthrough-vfs@.service
	install -D -m 0644 $(PKG_B)/units/pve-passthrough-vfs@.service \
	  $(DESTDIR)$(DOCDIR)/examples/demo-host$(PREFIX)/lib/systemd/system/pve-passthrough-vfs@.service

# The Debian package, built from a clean copy of the tree (the files git knows, committed or not)
# in build-deb/src (not under build/, whose *.d files the Makefile reads as dependencies), so that
# dpkg-buildpackage's ../ outputs stay in build-deb; the .deb is copied here.  dh_auto_test runs
# check-unit and check-cli, which read ../shared (linked next to the copy).
DEB_DIR := build-deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - | \
	  tar -xf - -C $(DEB_DIR)/src
	if [ -d ../shared ]; then ln -s $(abspath ../shared) $(DEB_DIR)/shared; fi
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
	rm -f pve-passthrough_*.deb && cp $(DEB_DIR)/pve-passthrough_*.deb .

# The suites the package is installed into: Debian 12 (PVE 8) and 13 (PVE 9).  This machine's suite
# installs the .deb of `make deb`; another suite builds its own inside a chroot of that suite
# (tests/package/build.sh, lintian there).  One suite: `make check-package PACKAGE_SUITES=trixie`;
# a .deb built elsewhere: `SUITE=trixie DEB=... tests/package/chroot.sh`.
PACKAGE_SUITES ?= bookworm trixie
check-package: $(BIN)
	@st=0; for s in $(PACKAGE_SUITES); do \
	  SUITE=$$s tools/run-tier.sh package-$$s tests/package/chroot.sh || st=1; done; exit $$st
CHECK_TIERS += check-package

# The test tiers of this tree inside a chroot of another suite (default trixie, PVE 9's Debian):
# tests/package/in-suite.sh.  `make check-suite SUITE=trixie [SUITE_TIERS="check-unit ..."]`.
# In `make check` for trixie: its chroot and `make deps` in it are made for check-package already.
SUITE ?= trixie
check-suite:
	@SUITE=$(SUITE) SUITE_TIERS="$(SUITE_TIERS)" tools/run-tier.sh in-$(SUITE) tests/package/in-suite.sh
.PHONY: check-suite
CHECK_TIERS += check-suite

clean: clean-package
clean-package:
	rm -rf $(DEB_DIR) build-deb-* pve-passthrough_*.deb

check-install:
	@tools/run-tier.sh install tests/package/install.sh
CHECK_TIERS += check-install

