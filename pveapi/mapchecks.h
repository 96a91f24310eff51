/* pveapi/mapchecks.h - PVE's own verdict on the PCI resource mappings, per node: GET
 * /cluster/mapping/pci?check-node=NODE (pve-manager PVE::API2::Cluster::Mapping::PCI, index).  PVE
 * proxies the request to NODE, which runs PVE::Mapping::PCI::assert_valid on each of its map lines
 * of every mapping (with the mapping's mdev flag) and answers each mapping with
 * "checks": [{"severity": "error", "message": "Invalid configuration: <assert_valid's die text>\n"},
 *            {"severity": "warning", "message": "No mapping for node NODE."}, ...]
 * (empty when every line of NODE is valid).  One request per node, in parallel; a node that does not
 * answer is reported in its entry.  Interprets nothing; never prints. */
#ifndef PP_PVEAPI_MAPCHECKS_H
#define PP_PVEAPI_MAPCHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "pveapi/pveapi.h"

struct pveapi_map_check {
	char *severity; /* "error" or "warning", as sent */
	char *message;  /* as sent (PVE's die text keeps its final newline) */
};

/* One mapping of one node's answer. */
struct pveapi_map_checks {
	char *id;
	struct pveapi_map_check *checks;
	size_t nchecks;
	bool has_checks; /* the answer carried "checks" (a PVE that knows check-node) */
};

struct pveapi_node_map_checks {
	char *node;
	int err; /* 0, or -errno: the node's answer could not be read (message in errmsg) */
	char *errmsg;
	struct pveapi_map_checks *mappings; /* in the answer's order (PVE: hash order) */
	size_t nmappings;
};

/* GET /cluster/mapping/pci?check-node=NODE for each of nodes, in parallel (the client's limits and
 * deadline).  *out gets n entries, in the order of nodes, each with its own err.  Returns 0, or
 * -errno for what stops every request (TLS, authentication, out of memory). */
int pveapi_map_checks_fetch(struct pveapi_client *c, const char *const *nodes, size_t n,
                            struct pveapi_node_map_checks **out, struct util_err *e);
void pveapi_map_checks_free(struct pveapi_node_map_checks *v, size_t n);

/* The checks node's answer has for mapping id; NULL when the answer lacks the mapping. */
const struct pveapi_map_checks *pveapi_map_checks_find(const struct pveapi_node_map_checks *nc,
                                                       const char *id);

#endif
