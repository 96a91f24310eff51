/* cli/api_assign.c - `assign --api`: the plan of assign/ made against a remote node's hardware and
 * VM configs as the REST API shows them, written with PUT .../config carrying the digest the
 * configs were read with.  Prints nothing (cli/assign.c renders the plan). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"
#include "pveconf/mapping.h"
#include "pveconf/vmconf.h"

struct api_assign {
	struct cli_api_cluster *cl;
	size_t n_cl;
	struct pveapi_snapshot snap;
	struct sysfs_host *host;
	struct assign_vm *vms;
	struct pveconf_vm **confs;
	size_t n_vms;
	struct assign_mapping *maps;
	size_t n_maps;
};

static void api_assign_free(struct api_assign *a)
{
	for (size_t i = 0; i < a->n_vms; i++)
		pveconf_vm_free(a->confs[i]);
	free(a->confs);
	free(a->vms);
	for (size_t i = 0; i < a->n_maps; i++)
		free(a->maps[i].alts);
	free(a->maps);
	if (a->host)
		sysfs_host_free(a->host);
	pveapi_snapshot_free(&a->snap);
	cli_api_clusters_free(a->cl, a->n_cl);
}

/* The node that holds vmid, from GET /cluster/resources?type=vm (qemu only). */
static int find_node(struct pveapi_client *c, unsigned vmid, char *node, size_t n,
                     struct util_err *e)
{
	json_t *res = NULL, *it;
	size_t i;
	int r = pveapi_get(c, "/cluster/resources?type=vm", &res, e);

	if (r < 0)
		return r;
	r = util_err_set(e, -ENOENT, "VM %u is not a QEMU VM of the cluster at %s", vmid,
	                 pveapi_client_url(c));
	json_array_foreach(res, i, it)
	{
		const char *type = json_string_value(json_object_get(it, "type"));
		const char *nd = json_string_value(json_object_get(it, "node"));

		if (type && strcmp(type, "qemu") == 0 && nd &&
		    json_integer_value(json_object_get(it, "vmid")) == (json_int_t)vmid) {
			snprintf(node, n, "%s", nd);
			r = 0;
			break;
		}
	}
	json_decref(res);
	return r;
}

/* The mappings' alternatives for node, through the pci.cfg reader. */
static int node_mappings(struct api_assign *a, const char *node, struct util_err *e)
{
	struct pveconf_pci_mappings all = {0};
	struct util_buf b = {0};
	int r = cli_api_mappings_text(&a->snap, &b);

	if (r == 0)
		r = pveconf_pci_mappings_parse(b.len ? util_buf_str(&b) : "", b.len, &all, e);
	util_buf_free(&b);
	if (r < 0)
		return r;
	a->maps = calloc(all.n ? all.n : 1, sizeof(*a->maps));
	for (size_t i = 0; a->maps && i < all.n; i++) {
		const struct pveconf_pci_mapping *src = &all.v[i];
		struct assign_mapping *m = &a->maps[a->n_maps++];

		if (assign_mapping_from_pveconf(src, node, m) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	pveconf_pci_mappings_free(&all);
	if (!a->maps || r == -ENOMEM)
		return util_err_set(e, -ENOMEM, "out of memory");
	return 0;
}

int cli_api_assign(const struct cli_ctx *ctx, const struct cli_api_assign_opts *o,
                   const struct assign_request *req, struct assign_plan *plan,
                   struct cli_api_assign_result *res, struct util_err *e)
{
	struct api_assign a = {0};
	struct assign_input in = {0};
	struct pveapi_snapshot_opts so = {.current = PVEAPI_CURRENT_RUNNING};
	const struct pveapi_node *n;
	const struct pveapi_vm *target = NULL;
	int r;

	memset(plan, 0, sizeof(*plan));
	memset(res, 0, sizeof(*res));
	r = cli_api_clusters(ctx, o->list, o->over, NULL, 0, false, &a.cl, &a.n_cl, e);
	if (r < 0)
		goto out;
	/* PVE lets only root@pam write host= entries (--vf, --mdev): say so before sending */
	if (pveapi_client_uses_token(a.cl[0].client) && req->kind != ASSIGN_KIND_MAPPING) {
		r = util_err_set(e, -EOPNOTSUPP,
		                 "with an API token only --mapping can be assigned: PVE lets only "
		                 "root@pam write host= entries (--vf, --mdev); use a resource "
		                 "mapping, or log in as root@pam (user + password-file in the api "
		                 "{ } block); nothing was sent");
		goto out;
	}
	r = find_node(a.cl[0].client, req->vmid, res->node, sizeof(res->node), e);
	if (r < 0)
		goto out;
	so.node = res->node;
	r = pveapi_snapshot_fetch(a.cl[0].client, &so, &a.snap, e);
	if (r < 0)
		goto out;
	n = pveapi_snapshot_node(&a.snap, res->node);
	if (!n || !n->reachable || !n->has_pci) {
		r = util_err_set(e, n && n->err ? n->err : -EHOSTUNREACH,
		                 "node %s could not be read: %s", res->node,
		                 n && n->errmsg ? n->errmsg : "no hardware list");
		goto out;
	}
	a.host = cli_api_host(n);
	a.vms = calloc(a.snap.nvms + 1, sizeof(*a.vms));
	a.confs = calloc(a.snap.nvms + 1, sizeof(*a.confs));
	if (!a.host || !a.vms || !a.confs) {
		r = util_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < a.snap.nvms; i++) {
		const struct pveapi_vm *vm = &a.snap.vms[i];
		struct util_buf b = {0};

		if (strcmp(vm->node, res->node) != 0)
			continue;
		if (vm->err) {
			r = util_err_set(e, vm->err, "VM %u: %s", vm->vmid,
			                 vm->errmsg ? vm->errmsg : "config not readable");
			goto out;
		}
		r = cli_api_config_text(vm, &b);
		if (r == 0)
			r = pveconf_vm_parse(b.len ? util_buf_str(&b) : "", b.len, "api",
			                     &a.confs[a.n_vms], e);
		util_buf_free(&b);
		if (r < 0)
			goto out;
		a.vms[a.n_vms].vmid = vm->vmid;
		a.vms[a.n_vms].conf = a.confs[a.n_vms];
		a.vms[a.n_vms].running = strcmp(vm->status, "running") == 0;
		if (vm->vmid == req->vmid) {
			target = vm;
			res->running = a.vms[a.n_vms].running;
		}
		a.n_vms++;
	}
	if (!target) {
		r = util_err_set(e, -ENOENT, "VM %u: its config on node %s was not read", req->vmid,
		                 res->node);
		goto out;
	}
	r = node_mappings(&a, res->node, e);
	if (r < 0)
		goto out;
	/* a label for messages: the file lives on the remote node, never under our --root */
	snprintf(res->config_path, sizeof(res->config_path),
	         PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", res->node, req->vmid);
	in.node = res->node;
	in.host = a.host;
	in.vms = a.vms;
	in.n_vms = a.n_vms;
	in.mappings = a.maps;
	in.n_mappings = a.n_maps;
	in.romfile_exists = true; /* /usr/share/kvm of a remote node cannot be looked at */
	in.config_path = res->config_path;
	in.severity = o->severity;
	r = assign_plan_make(&in, req, plan, e);
	if (r < 0 || plan->outcome != ASSIGN_OUTCOME_CHANGE || o->dry_run)
		goto out;
	{
		struct pveapi_param params[PVECONF_HOSTPCI_MAX];
		size_t np = 0;

		for (size_t i = 0; i < plan->n_changes && np < PVECONF_HOSTPCI_MAX; i++)
			if (!plan->changes[i].remove && !plan->changes[i].pending_drop)
				params[np++] = (struct pveapi_param){plan->changes[i].key,
				                                     plan->changes[i].value};
		/* the API's digest (of the file), not the one of the text planned on */
		r = pveapi_vm_config_put(a.cl[0].client, res->node, req->vmid, params, np, NULL,
		                         target->digest[0] ? target->digest : NULL, e);
		if (r == -ESTALE)
			util_err_set(e, r,
			             "VM %u: its config changed meanwhile on node %s (digest %s no "
			             "longer matches); nothing written, run assign again",
			             req->vmid, res->node, target->digest);
		res->applied = r == 0;
	}
out:
	api_assign_free(&a);
	return r;
}
