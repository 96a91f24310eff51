/* cli/api_status.c - `status --api [--node NAME]`: the hardware view of a remote node as the REST
 * API shows it (GET /nodes/{node}/hardware/pci + mdev types), in the same JSON schema as the
 * local status, with used_by from the node's VM configs.  What the API does not tell (driver,
 * driver_override, kernel, module state, live mdev instances) is null or empty.  Reads only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"
#include "cli/status.h"
#include "pveconf/hostpci.h"

static int use_add(struct cli_usage *u, size_t *cap, const char *bdf, const struct policy_vm *vm,
                   const struct policy_section *sec, const char *key)
{
	struct cli_use *x;

	for (size_t i = 0; i < u->n; i++) /* one line per device, VM, section and key */
		if (strcmp(u->uses[i].bdf, bdf) == 0 && u->uses[i].vmid == vm->vmid &&
		    strcmp(u->uses[i].key, key) == 0 &&
		    strcmp(u->uses[i].section,
		           sec->kind == POLICY_SECTION_PENDING ? "pending" : "main") == 0)
			return 0;
	if (u->n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct cli_use *v = realloc(u->uses, c * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->uses = v;
		*cap = c;
	}
	x = &u->uses[u->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->bdf, sizeof(x->bdf), "%s", bdf);
	x->vmid = vm->vmid;
	snprintf(x->section, sizeof(x->section), "%s",
	         sec->kind == POLICY_SECTION_PENDING ? "pending" : "main");
	snprintf(x->key, sizeof(x->key), "%s", key);
	x->running = vm->running;
	return 0;
}

/* Does an id as written ("0000:00:02.1", or the whole slot "0000:00:02") name bdf? */
static bool id_names(const struct pveconf_pci_id *id, const char *bdf)
{
	char s[SYSFS_BDF_LEN + 8];

	pveconf_pci_id_format(id, s, sizeof(s));
	return id->has_function ? strcmp(s, bdf) == 0
	                        : strncmp(s, bdf, strlen(s)) == 0 && bdf[strlen(s)] == '.';
}

static int cmp_use(const void *pa, const void *pb)
{
	const struct cli_use *a = pa, *b = pb;
	int r = strcmp(a->bdf, b->bdf);

	if (r)
		return r;
	if (a->vmid != b->vmid)
		return a->vmid < b->vmid ? -1 : 1;
	r = strcmp(a->section, b->section);
	return r ? r : strcmp(a->key, b->key);
}

/* Which VM configs of node name each device of h (host= ids and this node's map lines). */
static int usage_of(const struct cli_gather *g, const char *node, const struct sysfs_host *h,
                    struct cli_usage *u)
{
	size_t cap = 0;

	for (size_t v = 0; v < g->n_vms; v++) {
		const struct policy_vm *vm = &g->vms[v];

		if (!vm->node || strcmp(vm->node, node) != 0)
			continue;
		for (size_t s = 0; s < vm->n_sections; s++) {
			const struct policy_section *sec = &vm->sections[s];

			if (sec->kind == POLICY_SECTION_SNAPSHOT)
				continue;
			for (size_t k = 0; k < sec->n_hostpci; k++) {
				const struct policy_hostpci *hp = &sec->hostpci[k];

				if (!hp->valid)
					continue;
				for (size_t d = 0; d < h->n_devices; d++) {
					const char *bdf = h->devices[d].bdf;
					bool hit = false;

					for (size_t i = 0; i < hp->parsed.n_ids && !hit; i++)
						hit = id_names(&hp->parsed.ids[i], bdf);
					for (size_t m = 0;
					     hp->parsed.mapping[0] && m < g->n_mappings; m++) {
						const struct policy_mapping *pm = &g->mappings[m];

						if (strcmp(pm->name, hp->parsed.mapping) != 0)
							continue;
						for (size_t l = 0; l < pm->n_maps && !hit; l++)
							hit = pm->maps[l].node &&
							      pm->maps[l].path &&
							      strcmp(pm->maps[l].node, node) == 0 &&
							      strstr(pm->maps[l].path, bdf);
					}
					if (hit && use_add(u, &cap, bdf, vm, sec, hp->key) < 0)
						return -ENOMEM;
				}
			}
		}
	}
	if (u->n)
		qsort(u->uses, u->n, sizeof(*u->uses), cmp_use);
	return 0;
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
	struct cli_api_hosts hosts = {0};
	struct cli_usage usage = {0};
	struct cli_status_view view;
	struct util_err e = {0};
	struct cli_gather g;
	const struct pveapi_node *n;
	struct sysfs_host *h = NULL;
	bool *shown = NULL;
	char names[512] = "";
	size_t n_cl = 0;
	int r, rc = CLI_EXIT_FAIL;

	memset(&g, 0, sizeof(g));
	if (!node || !*node)
		node = ctx->node;
	so.node = node[0] ? node : NULL;
	r = cli_gather_settings(ctx, &g, &e);
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
		rc = cli_usage_error(ctx, "status",
		                     "%s%s%s is not a node of the cluster (nodes: %s); "
		                     "name one with --node",
		                     node[0] ? "'" : "", node[0] ? node : "this host",
		                     node[0] ? "'" : "", names);
		goto out;
	}
	if (!n->reachable || !n->has_pci) {
		cli_error(ctx, "node %s could not be read: %s", node,
		          n->errmsg ? n->errmsg : "no hardware list");
		goto out;
	}
	if (!n->sriov_fields)
		cli_warn(ctx,
		         "node %s: its hardware list has no physfn/virtfns (no SR-IOV enabled, or "
		         "libpve-common before 9.1.12): PF/VF relations are not shown",
		         node);
	r = cli_api_gather(&snap, "", &g, &hosts, &e);
	h = cli_api_host(n);
	if (r == 0 && !h)
		r = util_err_set(&e, -ENOMEM, "out of memory");
	if (r == 0 && usage_of(&g, node, h, &usage) < 0)
		r = util_err_set(&e, -ENOMEM, "out of memory");
	shown = calloc(h && h->n_devices ? h->n_devices : 1, sizeof(*shown));
	if (r == 0 && !shown)
		r = util_err_set(&e, -ENOMEM, "out of memory");
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];
		size_t first;

		shown[i] = all || (d->class_code >> 16) == 0x03 || d->role != SYSFS_ROLE_DEVICE ||
		           cli_usage_of(&usage, d->bdf, &first) > 0;
	}
	view.host = h;
	view.usage = &usage;
	view.shown = shown;
	view.node = node;
	rc = CLI_EXIT_OK;
	if (ctx->format == CLI_FORMAT_JSON) {
		if (cli_status_render_json(stdout, &view) < 0) {
			cli_error(ctx, "cannot write the JSON output");
			rc = CLI_EXIT_FAIL;
		}
	} else {
		cli_status_render_text(stdout, &view);
	}
out:
	free(shown);
	cli_usage_free(&usage);
	if (h)
		sysfs_host_free(h);
	cli_api_hosts_free(&hosts);
	cli_gather_free(&g);
	pveapi_snapshot_free(&snap);
	cli_api_clusters_free(cl, n_cl);
	return rc;
}
