/* pveconf/mapping.h - /etc/pve/mapping/pci.cfg, PVE's PCI resource mappings (docs/pve.md 5),
 * read exactly as PVE's section-config parser does: what it keeps, and what it warns about and
 * drops, with line numbers. */
#ifndef PP_PVECONF_MAPPING_H
#define PP_PVECONF_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "pveconf/hostpci.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

/* One `map` line: one alternative on one node ("id=8086:a7a0,iommugroup=20,node=pve1,path=..."). */
struct pveconf_pci_map {
	unsigned line;
	char *raw;                  /* the value as written (PVE writes it back verbatim) */
	char *node;                 /* node= */
	char *path;                 /* path= as written; ';' = devices passed together */
	struct pveconf_pci_id *ids; /* path= parsed: always with domain */
	size_t n_ids;
	char id[10];           /* id= "8086:a7a0" */
	char subsystem_id[10]; /* "" when absent */
	bool has_iommugroup;
	long iommugroup;
	char *iommugroup_text; /* as written ("20"), NULL when absent: PVE compares the text */
	char *description;     /* NULL when absent */
};

struct pveconf_pci_mapping {
	char *name; /* the section id, e.g. "iGPU-VF" */
	unsigned line;
	/* false: PVE keeps the id but cannot use or write the section (no valid map line) */
	bool usable;
	char *description;                          /* NULL when absent */
	enum pveconf_tristate mdev, live_migration; /* UNSET when absent */
	struct pveconf_pci_map *maps;               /* valid map lines, file order */
	size_t n_maps;
};

/* A warning PVE prints while reading the file; the line/value it names is dropped. */
struct pveconf_mapping_diag {
	unsigned line;
	char *section;     /* NULL for lines outside a section */
	bool skip_section; /* the whole section is skipped */
	char *message;     /* PVE's words: "ignore config line: bad id!" */
};

struct pveconf_pci_mappings {
	struct pveconf_pci_mapping *v; /* file order; a repeated id replaces the earlier one */
	size_t n;
	struct pveconf_mapping_diag *diags; /* line order */
	size_t n_diags;
	char digest[41]; /* SHA-1 hex of the bytes */
};

/* Parses pci.cfg bytes.  Never fails on content (problems become diags); -ENOMEM, -EFBIG. */
int pveconf_pci_mappings_parse(const char *data, size_t len, struct pveconf_pci_mappings *out,
                               struct util_err *e);
/* One mapping as the REST API gives it (GET /cluster/mapping/pci): no text in between. */
struct pveconf_pci_mapping_entry {
	const char *id;
	const char *const *maps; /* the map entries as sent ("node=pve1,path=...,id=...") */
	size_t n_maps;
	const char *description;
	enum pveconf_tristate mdev, live_migration;
};
/* Appends it to m (started zeroed), each map entry checked as the file reader checks a map line.
 * Line numbers are those of pci.cfg as PVE writes it (the API's data is what PVE's writer last
 * wrote), so a message names the line of the real file.  0 or -ENOMEM. */
int pveconf_pci_mappings_add(struct pveconf_pci_mappings *m,
                             const struct pveconf_pci_mapping_entry *in, struct util_err *e);
/* Reads <root>/etc/pve/mapping/pci.cfg; a missing file is an empty set (as in PVE). */
int pveconf_pci_mappings_load(const struct util_paths *p, struct pveconf_pci_mappings *out,
                              struct util_err *e);
void pveconf_pci_mappings_free(struct pveconf_pci_mappings *m);

const struct pveconf_pci_mapping *pveconf_pci_mapping_find(const struct pveconf_pci_mappings *m,
                                                           const char *name);

/* The map lines of mapping for node, in file order (PVE tries them in this order at VM start):
 * fills out with up to max pointers, returns how many there are in all. */
size_t pveconf_pci_mapping_maps_on(const struct pveconf_pci_mapping *mapping, const char *node,
                                   const struct pveconf_pci_map **out, size_t max);

/* PVE's warning line: "file /etc/pve/mapping/pci.cfg line 13 - ignore config line: bad id!". */
int pveconf_mapping_diag_format(const struct pveconf_mapping_diag *d, const char *filename,
                                struct util_buf *out);

/* Puts map values for node into mapping name (as `mapping create` and PVE's API do): each value is
 * parsed as PVE parses a map line; a line of node with the same path is replaced where it stands,
 * every other line (other nodes', this node's other paths) is kept in place, the rest is appended
 * in order.  A missing section is created at the end.  description: the mapping's description,
 * NULL = keep.  Returns the number of lines appended (*replaced: replaced lines whose text
 * changed), -EINVAL with a message for a bad name, description or value, -ENOMEM. */
int pveconf_pci_mapping_put(struct pveconf_pci_mappings *m, const char *name,
                            const char *description, const char *node, const char *const *values,
                            size_t n, size_t *replaced, struct util_err *e);

/* What PVE writes back after reading the file.  -EINVAL when PVE could not write it at all (a
 * section without any valid map line). */
int pveconf_pci_mappings_write_pve(const struct pveconf_pci_mappings *m, struct util_buf *out,
                                   struct util_err *e);

#endif
