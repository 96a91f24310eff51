/* cli/api_mapping.c - the resource mappings through the REST API: PVE's own checks of the mappings
 * for audit --api (GET /cluster/mapping/pci?check-node=NODE for each node whose VMs use mappings;
 * policy/ turns them into findings), and `mapping create --api` (POST /cluster/mapping/pci for a new
 * mapping, PUT /cluster/mapping/pci/{id} with the digest to add this node's lines to one). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"
#include "pveapi/mapchecks.h"

int cli_api_mapping_checks(const struct cli_ctx *ctx, struct pveapi_client *c,
                           struct gather_node *g, const char *prefix, struct util_err *e)
{
	const char **nodes = calloc(g->n_vms + 1, sizeof(*nodes));
	struct pveapi_node_map_checks *v = NULL;
	size_t n;
	int r;

	if (!nodes)
		return util_err_set(e, -ENOMEM, "out of memory");
	/* gather_api was given no prefix: g's node names are the API's */
	n = gather_api_mapping_nodes(g, NULL, nodes, g->n_vms);
	/* a node known unreachable is node-unreachable already: no request for it */
	for (size_t i = 0; i < n;) {
		bool down = false;

		for (size_t k = 0; k < g->hosts.n; k++)
			down |= g->hosts.v[k].unreachable && g->hosts.v[k].node &&
			        strcmp(g->hosts.v[k].node, nodes[i]) == 0;
		if (down)
			nodes[i] = nodes[--n];
		else
			i++;
	}
	r = pveapi_map_checks_fetch(c, nodes, n, &v, e);
	if (r == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].err)
				cli_warn(
				        ctx,
				        "node %s%s: PVE's check of the mappings "
				        "(GET /cluster/mapping/pci?check-node=%s) could not be read, "
				        "its map lines are judged here instead: %s",
				        prefix, v[i].node, v[i].node, v[i].errmsg);
		r = gather_api_mapping_checks(g, NULL, v, n, e);
	}
	pveapi_map_checks_free(v, n);
	free(nodes);
	return r;
}
