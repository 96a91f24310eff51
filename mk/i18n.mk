# Messages in other languages (gettext; util/i18n.h).  po/<lang>.po are the translations (kept by
# hand); the template build/po/pve-passthrough.pot is generated from the sources by xgettext on
# every build (never kept in git); the catalogs build/locale/<lang>/LC_MESSAGES/pve-passthrough.mo
# are what the uninstalled binary reads (util/i18n.c finds them through build/locale/LINGUAS) and
# what `make install` puts under $(PREFIX)/share/locale.  Tiers: check-po (every msgid translated,
# none fuzzy, placeholders kept), check-i18n (the demo under LANG=zh_CN.UTF-8 leaves no English
# sentence; the zh_CN man page names every command and rule of the English one; one error of
# each module comes out in Chinese; every demo line fits in 100 columns at COLUMNS=100, in both
# languages; the same for --help and every command's help).
LINGUAS    := $(patsubst po/%.po,%,$(wildcard po/*.po))
LOCALEDIR  := $(PREFIX)/share/locale
POT        := $(B)/po/pve-passthrough.pot
MO_FILES   := $(foreach l,$(LINGUAS),$(B)/locale/$(l)/LC_MESSAGES/pve-passthrough.mo)
# every source a message can come from (tests and generated tables excluded)
I18N_C_SRCS = $(sort $(filter-out tests/% build%,$(wildcard */*.c */*.h */*.def)))
I18N_SH_SRCS := tools/demo.sh
XGETTEXT_OPTS := --from-code=UTF-8 --add-comments=TRANSLATORS: --sort-by-file \
                 --package-name=pve-passthrough --package-version=$(VERSION) \
                 --msgid-bugs-address=maintainers@users.noreply.b-seed-1fcd1d96.example

all: $(MO_FILES) $(B)/locale/LINGUAS $(POT)

$(POT): $(I18N_C_SRCS) $(I18N_SH_SRCS) mk/i18n.mk
	@mkdir -p $(dir $@)
	xgettext $(XGETTEXT_OPTS) --language=C --keyword=_ --keyword=N_ --keyword=P_:1,2 \
	  -o $@.tmp $(I18N_C_SRCS)
	sed -i 's/charset=CHARSET/charset=UTF-8/' $@.tmp
	xgettext $(XGETTEXT_OPTS) --language=Shell --keyword=say -j -o $@.tmp $(I18N_SH_SRCS)
	mv $@.tmp $@

$(B)/locale/%/LC_MESSAGES/pve-passthrough.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check --statistics -o $@ $<

$(B)/locale/LINGUAS: mk/i18n.mk
	@mkdir -p $(dir $@)
	echo $(LINGUAS) >$@

# After changing messages: merge the new template into every po/<lang>.po (then translate what
# msgmerge marks new or fuzzy; check-po fails until that is done).
.PHONY: update-po check-po check-i18n install-i18n
update-po: $(POT)
	for l in $(LINGUAS); do msgmerge --quiet --update --backup=none --no-wrap po/$$l.po $(POT); done

check-po: $(POT)
	@POT=$(POT) tools/run-tier.sh po tools/check-po.sh
CHECK_TIERS += check-po

check-i18n: $(BIN) $(MO_FILES) $(B)/locale/LINGUAS
	@tools/run-tier.sh i18n tests/i18n/demo-zh.sh tests/i18n/man-zh.sh tests/i18n/errors-zh.sh \
	  tests/i18n/demo-width.sh tests/i18n/help-width.sh
CHECK_TIERS += check-i18n

install: install-i18n
install-i18n: $(MO_FILES)
	for l in $(LINGUAS); do \
	  install -D -m 0644 $(B)/locale/$$l/LC_MESSAGES/pve-passthrough.mo \
	    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/pve-passthrough.mo; done
	for f in doc/*/pve-passthrough.8; do [ -e "$$f" ] || continue; l=$${f#doc/}; l=$${l%%/*}; \
	  install -D -m 0644 $$f $(DESTDIR)$(MANDIR)/$$l/man8/pve-passthrough.8; done

# A measure, not a gate: the English literals that still reach a person without _() (per module;
# tools/i18n-untranslated.py -l lists them).
.PHONY: i18n-count
i18n-count:
	@tools/i18n-untranslated.py
