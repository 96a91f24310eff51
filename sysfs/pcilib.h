/* sysfs/pcilib.h - internal to sysfs/: the one boundary where libpci is called.
 * Not a public header: other modules use sysfs/host.h. */
#ifndef PP_SYSFS_PCILIB_H
#define PP_SYSFS_PCILIB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct sysfs_pci_entry {
	char bdf[16];
	unsigned vendor, device; /* from the pre-scan; libpci re-reads them for names */
	char vendor_name[128];   /* from pci.ids when names were asked for, else "" */
	char device_name[128];
	bool seen; /* libpci enumerated it */
};

/* Runs libpci (access method forced to sysfs, sysfs.path = bus_pci) over the entries found by the
 * caller's own pre-scan (sorted by bdf).  scan: let libpci enumerate the directory (only when the
 * pre-scan found nothing libpci would die on); else each entry is opened by address.  names: look
 * names up in the pci.ids under root (the --root prefix, "" or NULL for the real host) at libpci's
 * own list path; none when that file is missing.  libpci's fatal errors are caught here: the pci_access is dropped and -EIO
 * returned with libpci's message; its warnings are passed to warn(arg, msg). */
int sysfs_pci_enumerate(const char *bus_pci, const char *root, struct sysfs_pci_entry *ents,
                        size_t n, bool scan, bool names, void (*warn)(void *arg, const char *msg),
                        void *arg, struct util_err *e);

#endif
