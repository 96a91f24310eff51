/* pveconf/vmlist.h - which node owns which VMID: pmxcfs' /etc/pve/.vmlist, and the config files
 * under /etc/pve/nodes/<node>/qemu-server/ (qemu VMs only). */
#ifndef PP_PVECONF_VMLIST_H
#define PP_PVECONF_VMLIST_H

#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

#define PVECONF_NODE_MAX 64

/* One entry of .vmlist: {"ids":{"100":{"node":"pve1","type":"qemu","version":3}}} */
struct pveconf_vmlist_entry {
	unsigned vmid;
	char node[PVECONF_NODE_MAX];
	char type[8]; /* "qemu" or "lxc" */
	long version;
};

struct pveconf_vmlist {
	struct pveconf_vmlist_entry *v; /* sorted by vmid */
	size_t n;
};

/* Parses .vmlist JSON.  -EINVAL with the JSON error's line and column on bad input. */
int pveconf_vmlist_parse(const char *data, size_t len, struct pveconf_vmlist *out,
                         struct util_err *e);
/* Reads <root>/etc/pve/.vmlist; -ENOENT when it does not exist. */
int pveconf_vmlist_load(const struct util_paths *p, struct pveconf_vmlist *out, struct util_err *e);
const struct pveconf_vmlist_entry *pveconf_vmlist_find(const struct pveconf_vmlist *l,
                                                       unsigned vmid);
void pveconf_vmlist_free(struct pveconf_vmlist *l);

/* A config file found under /etc/pve/nodes/<node>/qemu-server/<vmid>.conf. */
struct pveconf_vmref {
	unsigned vmid;
	char node[PVECONF_NODE_MAX];
};

struct pveconf_vmrefs {
	struct pveconf_vmref *v; /* sorted by vmid, then node */
	size_t n;
};

/* Lists the qemu configs of one node (node != NULL) or of every node in /etc/pve/nodes (NULL).
 * Only names PVE accepts as VMIDs (100..999999999) are listed.  A node without a qemu-server
 * directory has no VMs (0).  0 or -errno. */
int pveconf_vms_scan(const struct util_paths *p, const char *node, struct pveconf_vmrefs *out,
                     struct util_err *e);
void pveconf_vmrefs_free(struct pveconf_vmrefs *r);

/* 0 and *vmid when s is a VMID as PVE writes it ("100", no sign, no leading zero,
 * 100..999999999), else -EINVAL. */
int pveconf_vmid_parse(const char *s, unsigned *vmid);

#endif
