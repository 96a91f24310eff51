/* sysfs/pcilib.c - the single place that calls libpci: enumeration and pci.ids names.
 *
 * libpci reports fatal errors through a handler that must not return (its default calls exit(1)).
 * Ours longjmps back to sysfs_pci_enumerate(), which drops that pci_access and returns -EIO with
 * libpci's message.  The handler has no user pointer, so the way back is the one piece of mutable
 * static state in the module: a thread-local pointer to the active trap, set only while libpci runs.
 * Must not print, exit, or read any host path other than the sysfs.path it is given. */
#include "sysfs/pcilib.h"
#include "util/i18n.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

_Static_assert(sizeof(((struct sysfs_pci_entry *)0)->vendor_name) == 128, "name buffers");

struct pci_trap {
	jmp_buf back;
	char msg[512];
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

static _Thread_local struct pci_trap *active_trap;

static void trap_error(char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void trap_error(char *fmt, ...)
{
	struct pci_trap *t = active_trap;
	va_list ap;

	va_start(ap, fmt);
	if (t)
		vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	if (t)
		longjmp(t->back, 1);
	abort(); /* libpci called outside the boundary: a bug in this file */
}

static void trap_warning(char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trap_warning(char *fmt, ...)
{
	struct pci_trap *t = active_trap;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t && t->warn)
		t->warn(t->arg, msg);
}

static void trap_debug(char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trap_debug(char *fmt, ...)
{
	(void)fmt;
}

static int cmp_bdf(const void *key, const void *ent)
{
	return strcmp(key, ((const struct sysfs_pci_entry *)ent)->bdf);
}

/* "dddd:bb:dd.f" as snprintf("%04x:%02x:%02x.%x") would write it (a 5- to 8-digit domain
 * kept whole), by hand: this runs for every device on every read. */
static void bdf_format(char (*buf)[32], unsigned dom, unsigned bus, unsigned dev, unsigned fn)
{
	static const char hex[] = "0123456789abcdef";
	char *out = *buf;
	size_t len = 0;
	int digits = 4;

	while (digits < 8 && (dom >> (4 * digits)))
		digits++;
	for (int i = digits - 1; i >= 0; i--)
		out[len++] = hex[(dom >> (4 * i)) & 0xf];
	out[len++] = ':';
	out[len++] = hex[(bus >> 4) & 0xf];
	out[len++] = hex[bus & 0xf];
	out[len++] = ':';
	out[len++] = hex[(dev >> 4) & 0xf];
	out[len++] = hex[dev & 0xf];
	out[len++] = '.';
	out[len++] = hex[fn & 0xf];
	out[len] = '\0';
}

static void take(struct pci_access *a, struct pci_dev *d, struct sysfs_pci_entry *ents, size_t n,
                 bool names)
{
	char bdf[32], buf[128]; /* names longer than the snapshot's fields are cut */
	struct sysfs_pci_entry *ent;
	const int flags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;

	bdf_format(&bdf, (unsigned)d->domain, d->bus, d->dev, d->func);
	ent = bsearch(bdf, ents, n, sizeof(*ents), cmp_bdf);
	if (!ent) /* appeared after our pre-scan: leave it to the next read */
		return;
	ent->seen = true;
	if (!names) /* the ids are the pre-scan's: no need to read the files again */
		return;
	pci_fill_info(d, PCI_FILL_IDENT);
	ent->vendor = d->vendor_id;
	ent->device = d->device_id;
	if (pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_VENDOR | flags, d->vendor_id))
		memcpy(ent->vendor_name, buf, sizeof(buf));
	if (pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_DEVICE | flags, d->vendor_id,
	                    d->device_id))
		memcpy(ent->device_name, buf, sizeof(buf));
}

/* Names come from the pci.ids of the host being read: libpci's own list path (where the
 * distribution's libpci looks, /usr/share/misc/pci.ids on Debian) under the root. */
static int ids_under_root(struct pci_access *a, const char *root)
{
	size_t len;
	char *ids;

	if (!root || !*root || !a->id_file_name)
		return 0;
	len = strlen(root) + strlen(a->id_file_name) + 1;
	ids = malloc(len);
	if (!ids)
		return -ENOMEM;
	snprintf(ids, len, "%s%s", root, a->id_file_name);
	pci_set_name_list_path(a, ids, 1); /* libpci frees it */
	return 0;
}

int sysfs_pci_enumerate(const char *bus_pci, const char *root, struct sysfs_pci_entry *ents,
                        size_t n, bool scan, bool names, void (*warn)(void *arg, const char *msg),
                        void *arg, struct util_err *e)
{
	struct pci_trap trap = {.warn = warn, .arg = arg};
	struct pci_access *volatile a = NULL;
	struct pci_dev *volatile loose = NULL; /* opened by address, not on a's list */
	char path[4096];

	if (strlen(bus_pci) >= sizeof(path))
		return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), bus_pci);
	snprintf(path, sizeof(path), "%s", bus_pci);
	active_trap = &trap;
	if (setjmp(trap.back)) {
		active_trap = NULL;
		if (loose)
			pci_free_dev(loose);
		if (a)
			pci_cleanup(a);
		return util_err_set(e, -EIO, _("libpci could not read %s: %s"), bus_pci, trap.msg);
	}
	a = pci_alloc();
	a->error = trap_error;
	a->warning = trap_warning;
	a->debug = trap_debug;
	/* never AUTO: a wrong path would silently fall back to /proc/bus/pci of the real host */
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(a, "sysfs.path", path);
	pci_set_param(a, "hwdb.disable", "1"); /* names from pci.ids only (absent without udev) */
	if (names && ids_under_root(a, root) < 0) {
		pci_cleanup(a);
		active_trap = NULL;
		return util_err_set(e, -ENOMEM, _("out of memory reading %s"), bus_pci);
	}
	pci_init(a);
	if (scan) {
		pci_scan_bus(a);
		for (struct pci_dev *d = a->devices; d; d = d->next)
			take(a, d, ents, n, names);
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned dom, bus, dev, fn;
			struct pci_dev *d;

			if (sscanf(ents[i].bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
				continue;
			d = pci_get_dev(a, (int)dom, (int)bus, (int)dev, (int)fn);
			loose = d;
			take(a, d, ents, n, names);
			loose = NULL;
			pci_free_dev(d);
		}
	}
	pci_cleanup(a);
	active_trap = NULL;
	return 0;
}
