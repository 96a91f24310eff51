/* pveconf/storage.h - /etc/pve/storage.cfg, as far as the hookscript needs it: which storages
 * hold `snippets`, where their files live, and on which nodes.  Not a full storage validator:
 * properties other than content, path, content-dirs, nodes, shared and disable are kept
 * unchecked. */
#ifndef PP_PVECONF_STORAGE_H
#define PP_PVECONF_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

struct pveconf_storage {
	char *id;      /* "local" */
	char *type;    /* "dir", "nfs", "lvmthin", ... (lowercase) */
	char *path;    /* host path of a file storage ("/var/lib/vz"), NULL for block storages */
	bool snippets; /* `snippets` in content (and the type supports it) */
	char *snippets_dir; /* host path of its snippets, e.g. "/var/lib/vz/snippets"; NULL if none */
	bool disabled;
	bool shared;  /* the same files on every node: `shared 1`, or nfs/cifs/cephfs/glusterfs */
	char **nodes; /* `nodes` restriction; n_nodes == 0: every node */
	size_t n_nodes;
	unsigned line; /* header line; 0 for PVE's built-in `local` */
};

struct pveconf_storage_diag {
	unsigned line;
	char *message; /* "storage 'x': unsupported type 'foo'" ... */
};

struct pveconf_storages {
	struct pveconf_storage *v; /* `local` first (PVE gives it priority 0), then file order */
	size_t n;
	struct pveconf_storage_diag *diags;
	size_t n_diags;
};

/* Parses storage.cfg bytes the way PVE does, including PVE's fix-ups: `local` is always a dir
 * storage at /var/lib/vz (PVE substitutes its default one, content with snippets, if the file
 * has none or another kind), default paths /mnt/pve/<id> for nfs/cifs/cephfs/glusterfs.
 * Never fails on content; -ENOMEM, -EFBIG. */
int pveconf_storages_parse(const char *data, size_t len, struct pveconf_storages *out,
                           struct util_err *e);
/* Reads <root>/etc/pve/storage.cfg (missing: PVE's defaults). */
int pveconf_storages_load(const struct util_paths *p, struct pveconf_storages *out,
                          struct util_err *e);
void pveconf_storages_free(struct pveconf_storages *s);

const struct pveconf_storage *pveconf_storage_find(const struct pveconf_storages *s,
                                                   const char *id);
/* True when the storage is enabled, holds snippets and is available on node. */
bool pveconf_storage_snippets_on(const struct pveconf_storage *st, const char *node);
/* The first storage usable for snippets on node (`local` first), or NULL. */
const struct pveconf_storage *pveconf_storage_snippets_first(const struct pveconf_storages *s,
                                                             const char *node);
/* Where a hookscript should go so that the VM can start on any node: the first shared storage
 * with snippets on node and every node, else the first shared one on node, else the first one
 * (node-local); NULL when none holds snippets on node. */
const struct pveconf_storage *pveconf_storage_snippets_pick(const struct pveconf_storages *s,
                                                            const char *node);

#endif
