/* cli/api.c - the --api side of the commands: the api { } / cluster "name" { } settings with the
 * --api-* overrides made into clients, and what pveapi_snapshot_fetch() brings turned into the
 * inputs the local commands use (config models for the rules, a sysfs_host per node), so that the
 * same rules judge a remote cluster.  Reads no host file but the tool's config; prints nothing. */
#include "cli/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/vmconf.h"
#include "util/buf.h"

bool cli_api_option(struct settings_api_overrides *o, int c, const char *arg)
{
	switch (c) {
	case CLI_API_OPT_URL: o->url = arg; return true;
	case CLI_API_OPT_TOKEN_FILE: o->token_file = arg; return true;
	case CLI_API_OPT_FINGERPRINT: o->fingerprint = arg; return true;
	case CLI_API_OPT_CA_FILE: o->ca_file = arg; return true;
	default: return false;
	}
}

void cli_api_clusters_free(struct cli_api_cluster *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pveapi_client_free(v[i].client);
	free(v);
}

static int cluster_add(const struct settings_api *base, const struct settings_api_overrides *o,
                       struct cli_api_cluster *c, struct util_err *e)
{
	int r;

	c->s = *base;
	r = settings_api_override(&c->s, o, e);
	if (r < 0) {
		if (base->where[0] && !strstr(e->msg, base->where)) {
			struct util_err e2 = *e;

			util_err_set(e, r, "%s: %s", base->where, e2.msg);
		}
		return r;
	}
	return pveapi_client_new(&c->s, &c->client, e);
}

int cli_api_clusters(const struct cli_ctx *ctx, const struct settings_api_list *list,
                     const struct settings_api_overrides *o, const char *const *names,
                     size_t n_names, bool all, struct cli_api_cluster **out, size_t *n,
                     struct util_err *e)
{
	const struct settings_api_list l = *list;
	struct settings_api none = {.timeout_s = SETTINGS_API_TIMEOUT_DEFAULT};
	size_t want;
	int r = 0;

	*out = NULL;
	*n = 0;
	want = all ? l.n : n_names ? n_names : 1;
	if (all && !l.n) {
		return util_err_set(e, -EINVAL,
		                    "%s has no api { } or cluster \"NAME\" { } block to audit",
		                    ctx->config_path);
	}
	*out = calloc(want, sizeof(**out));
	if (!*out) {
		return util_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < want && r == 0; i++) {
		const struct settings_api *s;

		if (all)
			s = &l.v[i];
		else
			s = settings_api_find(&l, n_names ? names[i] : NULL);
		if (!s && n_names) {
			r = util_err_set(e, -EINVAL, "%s has no cluster \"%s\" { } block",
			                 ctx->config_path, names[i]);
			break;
		}
		if (!s && !o->url) {
			r = util_err_set(
			        e, -EINVAL,
			        "no API to talk to: add an api { url = ... } block to %s or "
			        "give --api-url (with --api-token-file)",
			        ctx->config_path);
			break;
		}
		r = cluster_add(s ? s : &none, o, &(*out)[i], e);
		if (r == 0)
			(*n)++;
	}
	if (r < 0) {
		cli_api_clusters_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}

/* ------------------------------------------------------------------ hardware */

static unsigned hex(const char *s)
{
	return s ? (unsigned)strtoul(s, NULL, 16) : 0;
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_device *)a)->bdf, ((const struct sysfs_device *)b)->bdf);
}

struct sysfs_host *cli_api_host(const struct pveapi_node *n)
{
	struct sysfs_host *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->devices = calloc(n->npci ? n->npci : 1, sizeof(*h->devices));
	if (!h->devices) {
		free(h);
		return NULL;
	}
	for (size_t i = 0; i < n->npci; i++) {
		const struct pveapi_pci *p = &n->pci[i];
		struct sysfs_device *d = &h->devices[h->n_devices];

		if (!p->id || strlen(p->id) >= sizeof(d->bdf))
			continue;
		h->n_devices++;
		snprintf(d->bdf, sizeof(d->bdf), "%s", p->id);
		d->vendor = hex(p->vendor);
		d->device = hex(p->device);
		d->subsystem_vendor = hex(p->subsystem_vendor);
		d->subsystem_device = hex(p->subsystem_device);
		d->has_subsystem = p->subsystem_vendor && p->subsystem_vendor[0] &&
		                   p->subsystem_device && p->subsystem_device[0];
		d->mdev_parent = p->mdev;
		d->class_code = hex(p->class_);
		snprintf(d->vendor_name, sizeof(d->vendor_name), "%s",
		         p->vendor_name ? p->vendor_name : "");
		snprintf(d->device_name, sizeof(d->device_name), "%s",
		         p->device_name ? p->device_name : "");
		d->iommu_group = p->iommugroup >= 0 ? (int)p->iommugroup : -1;
		h->iommu |= p->iommugroup >= 0;
		d->totalvfs = d->numvfs = -1;
		d->vf_index = -1;
		d->role = SYSFS_ROLE_DEVICE;
		if (p->physfn && strlen(p->physfn) < sizeof(d->physfn)) {
			d->role = SYSFS_ROLE_VF;
			snprintf(d->physfn, sizeof(d->physfn), "%s", p->physfn);
		} else if (p->nvirtfns) {
			d->role = SYSFS_ROLE_PF;
			d->vfs = calloc(p->nvirtfns, sizeof(*d->vfs));
			if (d->vfs)
				for (size_t j = 0; j < p->nvirtfns; j++)
					snprintf(d->vfs[d->n_vfs++], sizeof(d->vfs[0]), "%s",
					         p->virtfns[j]);
			d->totalvfs = d->numvfs = (int)d->n_vfs;
		}
		if (p->nmdev_types) {
			d->mdev_types = calloc(p->nmdev_types, sizeof(*d->mdev_types));
			for (size_t j = 0; d->mdev_types && j < p->nmdev_types; j++) {
				const struct pveapi_mdev_type *t = &p->mdev_types[j];
				struct sysfs_mdev_type *st = &d->mdev_types[d->n_mdev_types++];

				snprintf(st->id, sizeof(st->id), "%s", t->type ? t->type : "");
				snprintf(st->name, sizeof(st->name), "%s", t->name ? t->name : "");
				snprintf(st->description, sizeof(st->description), "%s",
				         t->description ? t->description : "");
				snprintf(st->device_api, sizeof(st->device_api), "vfio-pci");
				st->available = t->available;
				st->low_gm_mb = st->high_gm_mb = st->fence = st->weight = -1;
			}
		}
		if (d->vendor == 0x8086 && (d->class_code >> 16) == 0x03)
			d->platform = sysfs_igpu_lookup(d->device);
	}
	qsort(h->devices, h->n_devices, sizeof(*h->devices), cmp_dev);
	/* a VF's index: its place in the PF's virtfns */
	for (size_t i = 0; i < h->n_devices; i++) {
		struct sysfs_device *pf = &h->devices[i];

		for (size_t j = 0; j < pf->n_vfs; j++)
			for (size_t k = 0; k < h->n_devices; k++)
				if (strcmp(h->devices[k].bdf, pf->vfs[j]) == 0)
					h->devices[k].vf_index = (int)j;
	}
	return h;
}

/* ------------------------------------------------------------------ configs */

/* Keys that never go into the text: the digest is the API's, a description holds newlines (PVE
 * writes it as comments) and no rule reads it. */
static bool skip_key(const char *k, const char *v)
{
	return strcmp(k, "digest") == 0 || strcmp(k, "description") == 0 || strchr(v, '\n');
}

int cli_api_config_text(const struct pveapi_vm *vm, struct util_buf *out)
{
	const struct pveapi_kv *main = vm->has_current ? vm->current : vm->config;
	size_t n_main = vm->has_current ? vm->ncurrent : vm->nconfig;
	bool pending = false, dels = false;
	int r = 0;

	for (size_t i = 0; i < n_main && r == 0; i++)
		if (!skip_key(main[i].key, main[i].value))
			r = util_buf_addf(out, "%s: %s\n", main[i].key, main[i].value);
	if (!vm->has_current || r < 0)
		return r;
	/* what the pending-applied config has that the current lacks or has otherwise */
	for (size_t i = 0; i < vm->nconfig && r == 0; i++) {
		const struct pveapi_kv *kv = &vm->config[i];
		const char *cur = pveapi_kv_get(vm->current, vm->ncurrent, kv->key);

		if (skip_key(kv->key, kv->value) || (cur && strcmp(cur, kv->value) == 0))
			continue;
		if (!pending)
			r = util_buf_adds(out, "\n[PENDING]\n");
		pending = true;
		if (r == 0)
			r = util_buf_addf(out, "%s: %s\n", kv->key, kv->value);
	}
	/* and what it dropped: a pending delete */
	for (size_t i = 0; i < vm->ncurrent && r == 0; i++) {
		const struct pveapi_kv *kv = &vm->current[i];

		if (skip_key(kv->key, kv->value) || pveapi_kv_get(vm->config, vm->nconfig, kv->key))
			continue;
		if (!pending)
			r = util_buf_adds(out, "\n[PENDING]\n");
		if (r == 0)
			r = util_buf_addf(out, "%s%s", dels ? "," : "delete: ", kv->key);
		pending = dels = true;
	}
	if (r == 0 && dels)
		r = util_buf_adds(out, "\n");
	return r;
}

static int hosts_add(struct cli_api_hosts *h, const char *node, struct sysfs_host *host,
                     const char *why)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct policy_node_host *v = realloc(h->v, cap * sizeof(*v));
		struct sysfs_host **o;

		if (!v)
			return -ENOMEM;
		h->v = v;
		o = realloc(h->owned, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		h->owned = o;
		h->cap = cap;
	}
	h->v[h->n] = (struct policy_node_host){
	        .node = node, .host = host, .unreachable = why, .drivers_unknown = true};
	h->owned[h->n++] = host;
	return 0;
}

int cli_api_hosts_add_unreachable(struct cli_api_hosts *h, const char *node, const char *why)
{
	return hosts_add(h, node, NULL, why);
}

void cli_api_hosts_free(struct cli_api_hosts *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->owned[i])
			sysfs_host_free(h->owned[i]);
	free(h->v);
	free(h->owned);
	memset(h, 0, sizeof(*h));
}

/* /cluster/mapping/pci back into pci.cfg text, for the same reader the local audit uses. */
int cli_api_mappings_text(const struct pveapi_snapshot *snap, struct util_buf *b)
{
	int r = 0;

	for (size_t i = 0; i < snap->nmappings && r == 0; i++) {
		const struct pveapi_mapping *m = &snap->mappings[i];

		if (!m->id)
			continue;
		r = util_buf_addf(b, "%s\n", m->id);
		for (size_t j = 0; j < m->nmap && r == 0; j++)
			r = util_buf_addf(b, "\tmap %s\n", m->map[j]);
		if (r == 0 && m->mdev)
			r = util_buf_adds(b, "\tmdev 1\n");
		if (r == 0)
			r = util_buf_adds(b, "\n");
	}
	return r;
}

static const char *label(struct cli_gather *g, const char *prefix, const char *node)
{
	char buf[192];

	snprintf(buf, sizeof(buf), "%s%s", prefix, node ? node : "");
	return cli_gather_keep(g, buf);
}

int cli_api_gather(const struct pveapi_snapshot *snap, const char *prefix, struct cli_gather *g,
                   struct cli_api_hosts *hosts, struct util_err *e)
{
	struct util_buf b = {0};
	int r = 0;

	if (g->n_mappings == 0 && snap->nmappings) { /* fleets: the first cluster's mappings */
		r = cli_api_mappings_text(snap, &b);
		if (r == 0 && b.len)
			r = cli_gather_mappings_parse(g, util_buf_str(&b), b.len, e);
		util_buf_free(&b);
		if (r < 0)
			return r == -ENOMEM ? util_err_set(e, r, "out of memory") : r;
	}
	for (size_t i = 0; i < snap->nnodes && r == 0; i++) {
		const struct pveapi_node *n = &snap->nodes[i];
		const char *name = label(g, prefix, n->name), *why;
		struct sysfs_host *h = NULL;

		if (n->reachable && n->has_pci) {
			h = cli_api_host(n);
			if (!h)
				return util_err_set(e, -ENOMEM, "out of memory");
		}
		if (!n->reachable)
			why = cli_gather_keep(g, n->errmsg ? n->errmsg : "offline");
		else if (!n->has_pci) /* answers, but not its hardware: judged without it */
			why = cli_gather_keep(g, n->errmsg ? n->errmsg
			                                   : "its hardware list (GET /nodes/NODE/"
			                                     "hardware/pci) could not be read");
		else
			why = NULL;
		r = hosts_add(hosts, name, h, why);
		if (r < 0) {
			if (h)
				sysfs_host_free(h);
			return util_err_set(e, r, "out of memory");
		}
	}
	for (size_t i = 0; i < snap->nvms && r == 0; i++) {
		const struct pveapi_vm *vm = &snap->vms[i];
		struct pveconf_vm *conf = NULL;
		struct policy_vm *pv;
		const char *hook;

		if (vm->err || vm->template_)
			continue; /* its node is reported unreachable, or a template never starts */
		util_buf_reset(&b);
		r = cli_api_config_text(vm, &b);
		if (r == 0)
			r = pveconf_vm_parse(b.len ? util_buf_str(&b) : "", b.len, "api", &conf, e);
		if (r == 0)
			r = cli_gather_add_config(g, conf, vm->vmid, label(g, prefix, vm->node), e);
		pveconf_vm_free(conf);
		if (r < 0)
			break;
		pv = &g->vms[g->n_vms - 1];
		pv->running = strcmp(vm->status, "running") == 0;
		hook = pv->hookscript;
		/* the snippet lives on the remote node: its presence is taken on trust */
		pv->hook_state = hook ? POLICY_HOOK_OK : POLICY_HOOK_NONE;
		pv->hook_is_guard = hook && strstr(hook, "pve-passthrough-guard");
		if (!pv->lock && vm->lock[0])
			pv->lock = cli_gather_keep(g, vm->lock);
		if (!g->names[g->n_vms - 1] && vm->name[0])
			g->names[g->n_vms - 1] = cli_gather_keep(g, vm->name);
	}
	util_buf_free(&b);
	if (r < 0)
		return r == -ENOMEM ? util_err_set(e, r, "out of memory") : r;
	return 0;
}
