/* pveconf/node.h - which node this is, and which nodes the cluster has. */
#ifndef PP_PVECONF_NODE_H
#define PP_PVECONF_NODE_H

#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

/* The node name: the target of <root>/etc/pve/local ("nodes/<name>"), else the first word of
 * <root>/etc/hostname, else uname -n (real host only).  0 or -errno with a message. */
int pveconf_node_name(const struct util_paths *p, char *buf, size_t n, struct util_err *e);

/* The cluster's nodes as pmxcfs shows them: the directories of <root>/etc/pve/nodes with a
 * valid node name, sorted; at most max names of up to 63 characters (*total counts them all).  0 (none: not a PVE
 * node or pmxcfs not mounted) or -errno. */
int pveconf_node_list(const struct util_paths *p, char (*names)[64], size_t max, size_t *n,
                      size_t *total, struct util_err *e);

/* 0 when name is a valid node name (PVE's pve-node: letters, digits, '-' inside), else -EINVAL.
 * The one node-name check: --node, PVE_MIGRATED_FROM, .vmlist, pci.cfg map lines, storage.cfg
 * nodes all use it. */
int pveconf_node_name_valid(const char *name);

#endif
