# mk/host.mk - host setup (issue 7): the dkms window table ships as data users can edit.
DATADIR ?= $(PREFIX)/share/pve-passthrough

.PHONY: install-host-data
install: install-host-data
install-host-data:
	install -D -m 0644 data/dkms-windows.tsv $(DESTDIR)$(DATADIR)/dkms-windows.tsv
