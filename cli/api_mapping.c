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
#include "util/diff.h"

int cli_api_mapping_checks(const struct cli_ctx *ctx, struct pveapi_client *c,
                           struct gather_node *g, const char *prefix, struct util_err *e)
{
	const char **nodes = calloc(g->n_vms + 1, sizeof(*nodes));
	struct pveapi_node_map_checks *v = NULL;
	size_t n;
	int r;

	if (!nodes)
		return util_err_set(e, -ENOMEM, _("out of memory"));
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
				        _("node %s%s: PVE's check of the mappings "
				          "(GET /cluster/mapping/pci?check-node=%s) could not be read, "
				          "its map lines are judged here instead: %s"),
				        prefix, v[i].node, v[i].node, v[i].errmsg);
		r = gather_api_mapping_checks(g, NULL, v, n, e);
	}
	pveapi_map_checks_free(v, n);
	free(nodes);
	return r;
}

/* ------------------------------------------------------------------ mapping create --api */

int cli_api_mapping_open(const struct cli_ctx *ctx, const struct settings_api_overrides *over,
                         struct cli_api_mapping_session *s, struct util_err *e)
{
	static const unsigned no_vm = 0;
	struct pveapi_snapshot_opts so = {
	        .current = PVEAPI_CURRENT_NONE,
	        .node = ctx->node,
	        .vmids = &no_vm, /* no VM config is needed: an empty list */
	        .nvmids = 0,
	        .no_snippets = true,
	};
	const struct pveapi_node *n;
	int r;

	memset(s, 0, sizeof(*s));
	r = cli_settings(ctx, &s->settings, e);
	if (r == 0)
		r = cli_api_clusters(ctx, &s->settings.settings.api, over, NULL, 0, false, &s->cl,
		                     &s->n_cl, e);
	if (r == 0)
		r = pveapi_snapshot_fetch(s->cl[0].client, &so, &s->snap, e);
	if (r < 0)
		return r;
	if (s->snap.mappings_err)
		return util_err_set(e, s->snap.mappings_err, "%s", s->snap.mappings_errmsg);
	n = pveapi_snapshot_node(&s->snap, ctx->node);
	if (!n)
		return util_err_set(e, -ENOENT,
		                    _("node %s is not a node of the cluster at %s (GET /nodes); "
		                      "name it with --node"),
		                    ctx->node, pveapi_client_url(s->cl[0].client));
	if (!n->reachable || !n->has_pci)
		return util_err_set(e, n->err ? n->err : -EHOSTUNREACH,
		                    _("node %s: its hardware could not be read: %s"), ctx->node,
		                    n->errmsg ? n->errmsg : _("no hardware list"));
	s->host = gather_api_host(n);
	if (!s->host)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	return 0;
}

void cli_api_mapping_close(struct cli_api_mapping_session *s, struct cli_api_mapping_put *res)
{
	json_decref(res->map);
	json_decref(res->checks);
	res->map = res->checks = NULL;
	sysfs_host_free(s->host);
	pveapi_snapshot_free(&s->snap);
	cli_api_clusters_free(s->cl, s->n_cl);
	gather_free(&s->settings);
	memset(s, 0, sizeof(*s));
}

static const struct pveapi_mapping *api_find(const struct pveapi_snapshot *snap, const char *id)
{
	for (size_t i = 0; i < snap->nmappings; i++)
		if (snap->mappings[i].id && strcmp(snap->mappings[i].id, id) == 0)
			return &snap->mappings[i];
	return NULL;
}

/* An error of the write in words the user can act on. */
static void write_error(const struct cli_ctx *ctx, const char *req, const char *name, int r,
                        const char *msg)
{
	bool post = strncmp(req, "POST", 4) == 0;

	if (r == -EPERM)
		cli_error(
		        ctx,
		        _("%s: permission denied: the API token (or user) needs the Mapping.Modify "
		          "privilege on /mapping/pci%s%s (e.g. pveum acl modify /mapping/pci --roles "
		          "PVEMappingAdmin --tokens USER@REALM!TOKEN); nothing was written (%s)"),
		        req, post ? "" : "/", post ? "" : name, msg);
	else if (r == -ESTALE)
		cli_error(ctx,
		          _("%s: the mappings changed meanwhile (the digest no longer matches); "
		            "nothing was written to '%s': run mapping create again"),
		          req, name);
	else
		cli_error(ctx, "%s: %s", req, msg);
}

int cli_api_mapping_put(const struct cli_ctx *ctx, struct cli_api_mapping_session *s,
                        const char *name, const char *description, const char *const *values,
                        size_t n, bool dry, struct cli_api_mapping_put *res, struct util_buf *diff)
{
	struct pveconf_pci_mappings m = {0};
	struct util_buf before = {0}, after = {0};
	const struct pveapi_mapping *old = api_find(&s->snap, name);
	const struct pveconf_pci_mapping *sec;
	struct pveapi_param *params = NULL;
	struct util_err e = {0};
	struct pveapi_client *c = s->cl[0].client;
	char path[256];
	size_t np = 0;
	json_t *data = NULL;
	int r, rc = CLI_EXIT_FAIL;

	memset(res, 0, sizeof(*res));
	r = gather_api_pci_mappings(&s->snap, &m, &e);
	if (r == 0)
		r = pveconf_pci_mappings_write_pve(&m, &before, &e);
	sec = pveconf_pci_mapping_find(&m, name);
	/* every map entry PVE sent must be in the model, or the PUT would drop it */
	if (r == 0 && old && (!sec || sec->n_maps != old->nmap))
		r = util_err_set(
		        &e, -EBADMSG,
		        _("mapping '%s': PVE sent map entries this tool cannot read; "
		          "nothing is changed (edit it under Datacenter > Resource Mappings)"),
		        name);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	r = pveconf_pci_mapping_put(&m, name, description, ctx->node, values, n, &res->replaced,
	                            &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = r == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
		goto out;
	}
	res->added = r;
	sec = pveconf_pci_mapping_find(&m, name);
	if (pveconf_pci_mappings_write_pve(&m, &after, &e) < 0 ||
	    util_diff_unified("a" PP_ETC_PVE_MAPPING_PCI, before.s ? before.s : "", before.len,
	                      "b" PP_ETC_PVE_MAPPING_PCI, util_buf_str(&after), after.len, 0,
	                      diff) < 0) {
		cli_error(ctx, "%s", e.msg[0] ? e.msg : _("out of memory"));
		goto out;
	}
	res->map = json_array();
	params = calloc(sec->n_maps + 4, sizeof(*params));
	if (!res->map || !params) {
		cli_error(ctx, _("out of memory"));
		goto out;
	}
	/* PVE's form encoding of an array: the key repeated, in order */
	if (!old)
		params[np++] = (struct pveapi_param){"id", name};
	for (size_t i = 0; i < sec->n_maps; i++) {
		params[np++] = (struct pveapi_param){"map", sec->maps[i].raw};
		json_array_append_new(res->map, json_string(sec->maps[i].raw));
	}
	if (description)
		params[np++] = (struct pveapi_param){"description", description};
	if (old && old->digest && old->digest[0])
		params[np++] = (struct pveapi_param){"digest", old->digest};
	if (old)
		snprintf(res->request, sizeof(res->request), "PUT /cluster/mapping/pci/%s", name);
	else
		snprintf(res->request, sizeof(res->request), "POST /cluster/mapping/pci");
	if (!diff->len || dry) {
		rc = CLI_EXIT_OK;
		goto out;
	}
	snprintf(path, sizeof(path), "/cluster/mapping/pci%s%s", old ? "/" : "", old ? name : "");
	r = pveapi_request(c, old ? "PUT" : "POST", path, params, np, &data, &e);
	json_decref(data);
	if (r < 0) {
		write_error(ctx, res->request, name, r, e.msg);
		goto out;
	}
	res->written = true;
	rc = CLI_EXIT_OK;
	/* PVE's own verdict on what is now there */
	{
		struct pveapi_node_map_checks *v = NULL;
		const char *nodes[1] = {ctx->node};
		const struct pveapi_map_checks *mc;

		r = pveapi_map_checks_fetch(c, nodes, 1, &v, &e);
		if (r == 0 && v[0].err)
			snprintf(res->check_err, sizeof(res->check_err), "%s", v[0].errmsg);
		else if (r < 0)
			snprintf(res->check_err, sizeof(res->check_err), "%s", e.msg);
		mc = r == 0 && !v[0].err ? pveapi_map_checks_find(&v[0], name) : NULL;
		if (r == 0 && !v[0].err && !mc)
			snprintf(res->check_err, sizeof(res->check_err),
			         "GET /cluster/mapping/pci?check-node=%s does not list '%s'",
			         ctx->node, name);
		if (mc) {
			res->checks = json_array();
			for (size_t k = 0; k < mc->nchecks; k++) {
				const struct pveapi_map_check *x = &mc->checks[k];
				size_t len = strlen(x->message);

				while (len && x->message[len - 1] == '\n')
					len--;
				json_array_append_new(res->checks,
				                      json_pack("{s:s,s:s%}", "severity",
				                                x->severity, "message", x->message,
				                                len));
				res->n_errors += strcmp(x->severity, "error") == 0;
			}
		}
		pveapi_map_checks_free(v, 1);
		if (res->check_err[0] || res->n_errors)
			rc = CLI_EXIT_FOUND;
	}
out:
	free(params);
	util_buf_free(&before);
	util_buf_free(&after);
	pveconf_pci_mappings_free(&m);
	return rc;
}

void cli_api_mapping_print_checks(const struct cli_api_mapping_put *res, const char *name,
                                  const char *node)
{
	size_t i;
	json_t *x;

	if (res->check_err[0]) {
		printf(_("sent %s; PVE's check of the mapping could not be read: %s\n"),
		       res->request, res->check_err);
		return;
	}
	if (!json_array_size(res->checks)) {
		printf(_("sent %s; PVE's check on node %s (GET /cluster/mapping/pci?check-node=%s): "
		         "every map line of '%s' valid\n"),
		       res->request, node, node, name);
		return;
	}
	printf(_("sent %s; PVE's check on node %s (GET /cluster/mapping/pci?check-node=%s) of "
	         "'%s':\n"),
	       res->request, node, node, name);
	json_array_foreach(res->checks, i, x)
	{
		printf("  %-8s %s\n", json_string_value(json_object_get(x, "severity")),
		       json_string_value(json_object_get(x, "message")));
	}
}
