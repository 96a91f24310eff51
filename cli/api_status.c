/* cli/api_status.c - `status --api [--node NAME]`: the hardware view of a remote node as the REST
 * API shows it (GET /nodes/{node}/hardware/pci + mdev types), in the same JSON schema as the
 * local status, with used_by from the node's VM configs.  What the API does not tell (driver,
 * driver_override, kernel, module state, live mdev instances) is null or empty.  Reads only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"
#include "cli/status.h"

/* Which VM configs of node name each device of h: the local status's own expansion. */
static int usage_of(struct gather_node *g, const char *node, const struct sysfs_host *h,
                    struct cli_usage *u, struct util_err *e)
{
	g->in.node = node;
	g->in.host = h;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	g->in.mappings = g->mappings;
	g->in.n_mappings = g->n_mappings;
	return cli_usage_from_input(&g->in, u, e);
}

/* GET /nodes: names is left "" when node is one of them, else gets the list of nodes. */
static int node_check(struct pveapi_client *c, const char *node, char *names, size_t n,
                      struct util_err *e)
{
	json_t *data = NULL, *it;
	bool found = false;
	size_t i;
	int r = pveapi_get(c, "/nodes", &data, e);

	if (r < 0)
		return r;
	json_array_foreach(data, i, it)
	{
		const char *nm = json_string_value(json_object_get(it, "node"));

		if (!nm)
			continue;
		found |= strcmp(nm, node) == 0;
		snprintf(names + strlen(names), n - strlen(names), "%s%s", i ? ", " : "", nm);
	}
	json_decref(data);
	if (found)
		names[0] = 0;
	return 0;
}

int cli_api_status(struct cli_ctx *ctx, const struct settings_api_overrides *over, const char *node,
                   bool all)
{
	struct cli_api_cluster *cl = NULL;
	struct pveapi_snapshot snap = {0};
	struct pveapi_snapshot_opts so = {.current = PVEAPI_CURRENT_RUNNING};
	struct cli_usage usage = {0};
	struct util_err e = {0};
	struct gather_node g;
	const struct pveapi_node *n;
	const struct sysfs_host *h = NULL;
	char names[512] = "";
	size_t n_cl = 0;
	int r, rc = CLI_EXIT_FAIL;

	memset(&g, 0, sizeof(g));
	if (!node || !*node)
		node = ctx->node;
	so.node = node[0] ? node : NULL;
	r = cli_settings(ctx, &g, &e);
	if (r == 0)
		r = cli_api_clusters(ctx, &g.settings.api, over, NULL, 0, false, &cl, &n_cl, &e);
	if (r == 0)
		r = node_check(cl[0].client, node, names, sizeof(names), &e);
	if (r == 0)
		r = pveapi_snapshot_fetch(cl[0].client, &so, &snap, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = cli_exit_from_errno(r);
		goto out;
	}
	n = names[0] ? NULL : pveapi_snapshot_node(&snap, node);
	if (!n) {
		rc = node[0] ? cli_usage_error(
		                       ctx, "status",
		                       _("'%s' is not a node of the cluster (nodes: %s); name "
		                         "one with --node"),
		                       node, names)
		             : cli_usage_error(
		                       ctx, "status",
		                       _("this host is not a node of the cluster (nodes: %s); "
		                         "name one with --node"),
		                       names);
		goto out;
	}
	if (!n->reachable || !n->has_pci) {
		cli_error(ctx, _("node %s could not be read: %s"), node,
		          n->errmsg ? n->errmsg : _("no hardware list"));
		goto out;
	}
	if (!n->sriov_fields)
		cli_warn(
		        ctx,
		        _("node %s: its hardware list has no physfn/virtfns (no SR-IOV enabled, or "
		          "libpve-common before 9.1.12): PF/VF relations are not shown"),
		        node);
	r = gather_api(&snap, &(struct gather_opts){0}, &g, &e);
	for (size_t k = 0; r == 0 && k < g.hosts.n; k++) /* the node's hardware, as gathered */
		if (strcmp(g.hosts.v[k].node, node) == 0)
			h = g.hosts.v[k].host;
	if (r == 0 && !h)
		r = util_err_set(&e, -ENOENT, _("node %s: no hardware list"), node);
	if (r == 0)
		r = usage_of(&g, node, h, &usage, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	rc = cli_status_show(ctx, h, &usage, node, all);
out:
	cli_usage_free(&usage);
	gather_free(&g);
	pveapi_snapshot_free(&snap);
	cli_api_clusters_free(cl, n_cl);
	return rc;
}
