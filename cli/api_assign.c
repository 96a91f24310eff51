/* cli/api_assign.c - `assign --api` and `release --api`: the plan of assign/ made against a remote
 * node's hardware and VM configs as the REST API shows them, written with one PUT .../config
 * carrying the digest the configs were read with (new values as parameters, released keys as
 * `delete`).  Prints nothing (cli/cmd_assign.c renders the plan for both commands). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"

struct api_assign {
	struct cli_api_cluster *cl;
	size_t n_cl;
	struct pveapi_snapshot snap;
	struct gather_node g;
	struct assign_input_store st;
};

static void api_assign_free(struct api_assign *a)
{
	assign_input_store_free(&a->st);
	gather_free(&a->g);
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
	r = util_err_set(e, -ENOENT, _("VM %u is not a QEMU VM of the cluster at %s"), vmid,
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

/* PVE lets only root@pam remove a host= entry too ("only root can set 'hostpciN' config for
 * non-mapped devices", qemu-server's check_hostpci_perm on the old value): a token's release of
 * one is refused before anything is sent. */
static int token_may_remove(struct pveapi_client *c, const struct assign_plan *plan,
                            struct util_err *e)
{
	if (!pveapi_client_uses_token(c))
		return 0;
	for (size_t i = 0; i < plan->n_changes; i++) {
		struct pveconf_hostpci h;

		if (!plan->changes[i].remove ||
		    (pveconf_hostpci_parse(plan->changes[i].value, &h, NULL) == 0 && h.mapping[0]))
			continue;
		return util_err_set(
		        e, -EOPNOTSUPP,
		        _("with an API token only mapping= entries can be released: PVE "
		          "lets only root@pam remove host= entries (%s: %s); log in as "
		          "root@pam (user + password-file in the api { } block); nothing "
		          "was sent"),
		        plan->changes[i].key, plan->changes[i].value);
	}
	return 0;
}

/* The plan as one PUT .../config with the digest: each new value a parameter, the keys a release
 * takes away one `delete` list.  PVE's update does with a delete what the plan shows: the key's
 * not-yet-applied [PENDING] value goes, a running VM gets a [PENDING] delete (a hostpci device is
 * not hot-unplugged), a stopped one loses the key at once (qemu-server update_vm_api).  A digest
 * that no longer matches is -ESTALE, a privilege the token lacks -EPERM, each with a message
 * that says what to do. */
static int put_plan(struct pveapi_client *c, const char *node, unsigned vmid,
                    const struct assign_plan *plan, const char *digest, struct util_err *e)
{
	struct pveapi_param params[PVECONF_HOSTPCI_MAX];
	char del[PVECONF_HOSTPCI_MAX * 16] = "";
	size_t np = 0;
	int r;

	for (size_t i = 0; i < plan->n_changes; i++) {
		const struct assign_change *ch = &plan->changes[i];
		size_t dl = strlen(del);
		bool listed = false;

		if (!ch->remove && !ch->pending_drop) {
			if (np < PVECONF_HOSTPCI_MAX)
				params[np++] = (struct pveapi_param){ch->key, ch->value};
			continue;
		}
		/* a running VM's key and its [PENDING] value are one delete */
		for (size_t j = 0; j < i && !listed; j++)
			listed = (plan->changes[j].remove || plan->changes[j].pending_drop) &&
			         strcmp(plan->changes[j].key, ch->key) == 0;
		if (!listed)
			snprintf(del + dl, sizeof(del) - dl, "%s%s", dl ? "," : "", ch->key);
	}
	r = pveapi_vm_config_put(c, node, vmid, params, np, del, digest, e);
	if (r == -ESTALE)
		util_err_set(
		        e, r,
		        _("VM %u: its config changed meanwhile on node %s (digest %s no longer "
		          "matches); nothing written, run %s again"),
		        vmid, node, digest ? digest : "", del[0] ? "release" : "assign");
	else if (r == -EPERM) {
		struct util_err why = *e;

		util_err_set(
		        e, r,
		        _("VM %u: permission denied by node %s: changing a mapping= entry takes "
		          "VM.Config.HWType on /vms/%u and Mapping.Use on /mapping/pci/NAME (e.g. "
		          "pveum acl modify /mapping/pci --roles PVEMappingUser --tokens "
		          "USER@REALM!TOKEN); nothing was written (%s)"),
		        vmid, node, vmid, why.msg);
	}
	return r;
}

int cli_api_assign(const struct cli_ctx *ctx, const struct cli_api_assign_opts *o,
                   const struct assign_request *req, struct assign_plan *plan,
                   struct cli_api_assign_result *res, struct util_err *e)
{
	struct api_assign a = {0};
	struct assign_input in = {0};
	struct pveapi_snapshot_opts so = {.current = PVEAPI_CURRENT_RUNNING};
	struct gather_opts go = {0};
	const struct pveapi_node *n;
	const char *digest;
	size_t target = (size_t)-1;
	int r;

	memset(plan, 0, sizeof(*plan));
	memset(res, 0, sizeof(*res));
	r = cli_api_clusters(ctx, o->list, o->over, NULL, 0, false, &a.cl, &a.n_cl, e);
	if (r < 0)
		goto out;
	/* PVE lets only root@pam write host= entries (--vf, --mdev): say so before sending (a
	 * release: once the plan names the entries, token_may_remove) */
	if (pveapi_client_uses_token(a.cl[0].client) && req->kind != ASSIGN_KIND_MAPPING &&
	    req->kind != ASSIGN_KIND_RELEASE) {
		r = util_err_set(
		        e, -EOPNOTSUPP,
		        _("with an API token only --mapping can be assigned: PVE lets only "
		          "root@pam write host= entries (--vf, --mdev); use a resource "
		          "mapping, or log in as root@pam (user + password-file in the api "
		          "{ } block); nothing was sent"));
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
		                 _("node %s could not be read: %s"), res->node,
		                 n && n->errmsg ? n->errmsg : _("no hardware list"));
		goto out;
	}
	/* the node model from the API (gather/), this node's VMs with their config models */
	go.only_node = res->node;
	go.flags = GATHER_KEEP_CONFS;
	r = gather_api(&a.snap, &go, &a.g, e);
	if (r == 0)
		r = assign_input_from_gather(&a.g, res->node, &in, &a.st, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < a.g.n_vms; i++)
		if (a.g.vms[i].vmid == req->vmid && a.g.confs[i]) {
			target = i;
			res->running = a.g.vms[i].running;
		}
	if (target == (size_t)-1) {
		r = util_err_set(e, -ENOENT, _("VM %u: its config on node %s was not read"),
		                 req->vmid, res->node);
		goto out;
	}
	in.host = a.g.hosts.n ? a.g.hosts.v[0].host : NULL;
	/* a label for messages: the file lives on the remote node, never under our --root */
	snprintf(res->config_path, sizeof(res->config_path),
	         PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", res->node, req->vmid);
	in.romfile_exists = true; /* /usr/share/kvm of a remote node cannot be looked at */
	in.config_path = res->config_path;
	in.severity = o->severity;
	r = assign_plan_make(&in, req, plan, e);
	if (r < 0 || plan->outcome != ASSIGN_OUTCOME_CHANGE)
		goto out;
	r = token_may_remove(a.cl[0].client, plan, e);
	if (r < 0 || o->dry_run)
		goto out;
	digest = a.g.digests[target]; /* the API's (of the file), not the one of the planned text */
	r = put_plan(a.cl[0].client, res->node, req->vmid, plan, digest, e);
	res->applied = r == 0;
out:
	api_assign_free(&a);
	return r;
}
