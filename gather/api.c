/* gather/api.c - the REST API producer of the node model: what pveapi_snapshot_fetch() brought
 * (JSON made plain structs by pveapi/) turned into the same struct gather_node the local files
 * give - each node's hardware as a host snapshot, the mappings through pveconf's map-line checks
 * (no pci.cfg text in between, lines as PVE's writer lays the file out), the VM configs as
 * config models built from the API's keys (pveconf_vm_build: no config text in between).
 * Reads no file; prints nothing. */
#include "gather/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/i18n.h"

/* ------------------------------------------------------------------ hardware */

static unsigned hex(const char *s)
{
	return s ? (unsigned)strtoul(s, NULL, 16) : 0;
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_device *)a)->bdf, ((const struct sysfs_device *)b)->bdf);
}

struct sysfs_host *gather_api_host(const struct pveapi_node *n)
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

/* The config model of what the API returned, built from its keys (no text in between): the
 * main section is the current config (running VMs, ?current=1) or the config; [PENDING] is what
 * the pending-applied config has otherwise, with a delete: of what it dropped. */
static int config_model(const struct pveapi_vm *vm, struct pveconf_vm **out, struct util_err *e)
{
	const struct pveapi_kv *main = vm->has_current ? vm->current : vm->config;
	size_t n_main = vm->has_current ? vm->ncurrent : vm->nconfig, np = 0;
	struct pveconf_key_in *m = calloc(n_main + 1, sizeof(*m));
	struct pveconf_key_in *p = calloc(vm->nconfig + 1, sizeof(*p));
	struct util_buf dels = {0};
	int r = m && p ? 0 : -ENOMEM;

	for (size_t i = 0; i < n_main && r == 0; i++)
		m[i] = (struct pveconf_key_in){main[i].key, main[i].value};
	for (size_t i = 0; vm->has_current && i < vm->nconfig && r == 0; i++) {
		const struct pveapi_kv *kv = &vm->config[i];
		const char *cur = pveapi_kv_get(vm->current, vm->ncurrent, kv->key);

		if (strcmp(kv->key, "digest") != 0 && (!cur || strcmp(cur, kv->value) != 0))
			p[np++] = (struct pveconf_key_in){kv->key, kv->value};
	}
	for (size_t i = 0; vm->has_current && i < vm->ncurrent && r == 0; i++)
		if (!pveapi_kv_get(vm->config, vm->nconfig, vm->current[i].key))
			r = util_buf_addf(&dels, "%s%s", dels.len ? "," : "", vm->current[i].key);
	if (r == 0 && dels.len)
		p[np++] = (struct pveconf_key_in){"delete", util_buf_str(&dels)};
	if (r == 0)
		r = pveconf_vm_build(m, n_main, p, np, "api", NULL, out, e);
	else
		r = util_err_set(e, -ENOMEM, _("out of memory"));
	util_buf_free(&dels);
	free(m);
	free(p);
	return r;
}

static int hosts_add(struct gather_hosts *h, const char *node, struct sysfs_host *host,
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

int gather_hosts_add_unreachable(struct gather_hosts *h, const char *node, const char *why)
{
	return hosts_add(h, node, NULL, why);
}

static const char *label(struct gather_node *g, const char *prefix, const char *node)
{
	char buf[192];

	snprintf(buf, sizeof(buf), "%s%s", prefix ? prefix : "", node ? node : "");
	return gather_keep(g, buf);
}

int gather_api_pci_mappings(const struct pveapi_snapshot *snap, struct pveconf_pci_mappings *out,
                            struct util_err *e)
{
	int r = 0;

	for (size_t i = 0; i < snap->nmappings && r == 0; i++) {
		const struct pveapi_mapping *m = &snap->mappings[i];
		struct pveconf_pci_mapping_entry ent = {
		        .id = m->id,
		        .maps = (const char *const *)m->map,
		        .n_maps = m->nmap,
		        .description = m->description,
		        .mdev = m->mdev ? PVECONF_ON : PVECONF_UNSET,
		        .live_migration = m->live_migration ? PVECONF_ON : PVECONF_UNSET,
		};

		if (m->id)
			r = pveconf_pci_mappings_add(out, &ent, e);
	}
	return r;
}

/* /cluster/mapping/pci -> g->pci_mappings, entry by entry. */
static int api_mappings(const struct pveapi_snapshot *snap, struct gather_node *g,
                        struct util_err *e)
{
	int r = gather_api_pci_mappings(snap, &g->pci_mappings, e);

	return r < 0 ? r : gather_mappings_view(g, PP_ETC_PVE_MAPPING_PCI, e);
}

int gather_api(const struct pveapi_snapshot *snap, const struct gather_opts *o,
               struct gather_node *g, struct util_err *e)
{
	const char *prefix = o->prefix ? o->prefix : "";
	bool keep = o->flags & GATHER_KEEP_CONFS;
	int r = 0;

	if (g->n_mappings == 0 && snap->nmappings) { /* fleets: the first cluster's mappings */
		r = api_mappings(snap, g, e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < snap->nnodes && r == 0; i++) {
		const struct pveapi_node *n = &snap->nodes[i];
		const char *name = label(g, prefix, n->name), *why;
		struct sysfs_host *h = NULL;

		if (o->only_node && o->only_node[0] && (!n->name || strcmp(n->name, o->only_node)))
			continue;
		if (n->reachable && n->has_pci) {
			h = gather_api_host(n);
			if (!h)
				return util_err_set(e, -ENOMEM, _("out of memory"));
		}
		if (!n->reachable)
			why = gather_keep(g, n->errmsg ? n->errmsg : "offline");
		else if (!n->has_pci) /* answers, but not its hardware: judged without it */
			why = gather_keep(g, n->errmsg ? n->errmsg
			                               : "its hardware list (GET /nodes/NODE/"
			                                 "hardware/pci) could not be read");
		else
			why = NULL;
		if (why) /* judged without it: the picture is incomplete */
			gather_unread_add(g, _("node %s: %s"), name, why);
		r = hosts_add(&g->hosts, name, h, why);
		if (r < 0) {
			if (h)
				sysfs_host_free(h);
			return util_err_set(e, r, _("out of memory"));
		}
	}
	for (size_t i = 0; i < snap->nvms && r == 0; i++) {
		const struct pveapi_vm *vm = &snap->vms[i];
		struct pveconf_vm *conf = NULL;
		struct policy_vm *pv;
		const char *hook;

		if (o->only_node && o->only_node[0] && strcmp(vm->node, o->only_node) != 0)
			continue;
		if (vm->err && keep) /* assign plans only on a complete picture */
			r = util_err_set(e, vm->err, _("VM %u: %s"), vm->vmid,
			                 vm->errmsg ? vm->errmsg : _("config not readable"));
		if (vm->err && r == 0) {
			const struct pveapi_node *n = pveapi_snapshot_node(snap, vm->node);

			g->n_configs_unreadable++;
			if (n && n->reachable) /* else its node is named once, above */
				gather_unread_add(g, _("VM %u on %s: %s"), vm->vmid,
				                  label(g, prefix, vm->node),
				                  vm->errmsg ? vm->errmsg
				                             : _("config not readable"));
		}
		if (r == 0 && !vm->err)
			g->n_configs_read++;
		if (r < 0 || vm->err || (vm->template_ && !keep))
			continue; /* its node is reported unreachable, or a template never starts */
		r = config_model(vm, &conf, e);
		if (r == 0)
			r = gather_vm_add(g, conf, vm->vmid, label(g, prefix, vm->node), false,
			                  keep, e);
		if (!keep)
			pveconf_vm_free(conf);
		if (r < 0)
			break;
		pv = &g->vms[g->n_vms - 1];
		pv->running = strcmp(vm->status, "running") == 0;
		hook = pv->hookscript;
		/* the snippet lives on the remote node: its listing there says whether it exists
		 * (not listed or listing failed: taken on trust); an HA resource needs it on
		 * every node */
		pv->hook_state = hook ? POLICY_HOOK_OK : POLICY_HOOK_NONE;
		if (hook) {
			struct util_buf miss = {0};

			for (size_t k = 0; k < snap->nnodes; k++) {
				const struct pveapi_node *nd = &snap->nodes[k];
				bool own = strcmp(nd->name, vm->node) == 0;

				if ((!own && !vm->ha) || pveapi_snippet_present(nd, hook) != 0)
					continue;
				if (own)
					pv->hook_state = POLICY_HOOK_MISSING;
				else
					util_buf_addf(&miss, "%s%s", miss.len ? " " : "",
					              label(g, prefix, nd->name));
			}
			if (miss.len)
				pv->hook_missing_on = gather_keep(g, util_buf_str(&miss));
			util_buf_free(&miss);
		}
		pv->hook_is_guard = hook && strstr(hook, "pve-passthrough-guard");
		if (!pv->lock && vm->lock[0])
			pv->lock = gather_keep(g, vm->lock);
		if (!g->names[g->n_vms - 1] && vm->name[0])
			g->names[g->n_vms - 1] = gather_keep(g, vm->name);
		g->digests[g->n_vms - 1] = vm->digest && vm->digest[0] ? vm->digest : NULL;
	}
	if (r < 0)
		return r == -ENOMEM ? util_err_set(e, r, _("out of memory")) : r;
	gather_input_finish(g, g->in.node ? g->in.node : "", 0, 0);
	return 0;
}
