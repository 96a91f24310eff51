/* pveconf/hostpci.h - the hostpciN property string (qemu-server PCI.pm grammar, docs/pve.md 3).
 *
 * Parse and format only: no I/O, no knowledge of the host.  Matching ids against real devices
 * (prefix semantics, "00:02" = every function of the slot) is pveconf_pci_id_match(). */
#ifndef PP_PVECONF_HOSTPCI_H
#define PP_PVECONF_HOSTPCI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define PVECONF_HOSTPCI_MAX_IDS 16 /* "A;B;..." devices passed together */
#define PVECONF_HOSTPCI_MAX     16 /* hostpci0..hostpci15 */

/* One id of host=: [dddd:]bb:ss[.f] (lowercase hex, as PVE's regex demands). */
struct pveconf_pci_id {
	bool has_domain;
	bool has_function; /* false: "00:02" = every function of the slot */
	unsigned domain;   /* 0 when !has_domain */
	unsigned bus, slot, function;
};

enum pveconf_tristate {
	PVECONF_UNSET = -1,
	PVECONF_OFF = 0,
	PVECONF_ON = 1,
};

enum pveconf_hostpci_driver {
	PVECONF_HOSTPCI_DRIVER_UNSET,
	PVECONF_HOSTPCI_DRIVER_VFIO,
	PVECONF_HOSTPCI_DRIVER_KEEP,
};

struct pveconf_hostpci {
	struct pveconf_pci_id ids[PVECONF_HOSTPCI_MAX_IDS]; /* host=, in order */
	size_t n_ids;                                       /* 0 when host= is absent */
	char mapping[128];                                  /* mapping=NAME, "" when absent */
	char mdev[128];                                     /* mdev=TYPE, "" when absent */
	char romfile[256];                                  /* "" when absent */
	/* vendor-id=0x8086 etc. as written ("" when absent) */
	char vendor_id[8], device_id[8], sub_vendor_id[8], sub_device_id[8];
	enum pveconf_tristate rombar, pcie, x_vga, legacy_igd;
	enum pveconf_hostpci_driver driver;
};

/* Parses a hostpci value exactly as PVE does (case-sensitive, anchored patterns, empty parts skipped,
 * a bare value = host=, duplicate or unknown key = error).  On error returns -EINVAL with a message
 * in PVE's words naming the bad part ("host: value does not match the regex pattern",
 * "unknown key 'foo'", "duplicate key in comma-separated list property: pcie").
 * Note: neither host= nor mapping= passes the format (PVE fails only at VM start). */
int pveconf_hostpci_parse(const char *value, struct pveconf_hostpci *out, struct util_err *e);

/* Canonical value (docs/cli.md): ids first as written in full lowercase form
 * ("0000:00:02.3"; a function-less id stays function-less: "0000:00:02"), or mapping=NAME first,
 * then the other keys k=v sorted by key name, booleans as 0/1: "0000:00:02.3,pcie=1". */
int pveconf_hostpci_format(const struct pveconf_hostpci *h, struct util_buf *out);

/* The one PCI-id grammar of the tool (PVE's, qemu-server PCI.pm and pci.cfg path=):
 * (?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])? over s[0..n), nothing else around it.
 * Used for hostpci host=, pci.cfg path=, a person's --vf/--pf/--device and sysfs addresses. */
enum pveconf_pci_id_flags {
	PVECONF_PCI_ID_ANY_CASE = 1,    /* A-F too (a person's input; PVE's files are lowercase) */
	PVECONF_PCI_ID_NEED_DOMAIN = 2, /* pci.cfg path=: the domain is required */
};
/* 0; -EINVAL when s is not an id; -ERANGE when the domain does not fit 32 bits (id is filled,
 * its domain clamped, for callers that accept it as PVE's regex does).  id may be NULL. */
int pveconf_pci_id_parse(const char *s, size_t n, unsigned flags, struct pveconf_pci_id *id);
/* "A;B;C" (devices passed together) into ids: the count, -EINVAL when a part is not an id,
 * -E2BIG when there are more than max. */
int pveconf_pci_ids_parse(const char *s, unsigned flags, struct pveconf_pci_id *ids, size_t max);

/* Formats one id in full form ("0000:00:02.1", or "0000:00:02" without function). */
void pveconf_pci_id_format(const struct pveconf_pci_id *id, char *buf, size_t n);

/* Does id name the device at bdf ("0000:00:02.1")?  PVE's prefix semantics: a missing domain is
 * 0000, a missing function matches every function of the slot. */
bool pveconf_pci_id_match(const struct pveconf_pci_id *id, const char *bdf);

#endif
