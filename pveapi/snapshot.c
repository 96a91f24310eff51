/* pveapi/snapshot.c - fetches a cluster's VM list, VM configs, per-node PCI hardware and PCI
 * mappings in one parallel run and turns the JSON into plain structs.  Interprets nothing (that
 * is policy/'s job) and never prints. */
#include "pveapi/snapshot.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveapi/engine.h"
#include "util/i18n.h"

enum kind {
	K_NODES,
	K_RESOURCES,
	K_MAPPING,
	K_PCI,
	K_MDEV,
	K_CONFIG,
	K_CURRENT,
	K_HA,
	K_SNIPPETS,
};

struct fetch {
	struct pveapi_client *c;
	const struct pveapi_snapshot_opts *o;
	struct pveapi_snapshot *s;
	int resources_rc;
	struct util_err resources_err;
	int oom;
	/* the snippet listings wait for every config, the node list and the HA resources */
	size_t configs_left;
	bool resources_done, nodes_done, ha_done, snippets_queued;
	unsigned *ha_vmids; /* from /cluster/ha/resources, applied once the VM list is in */
	size_t n_ha;
};

/* A JSON scalar as text: numbers in decimal, booleans 1/0, null "". */
static char *val_str(struct fetch *f, json_t *v)
{
	char buf[64];
	char *p;

	switch (json_typeof(v)) {
	case JSON_STRING: return pveapi_strdup(json_string_value(v), &f->oom);
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return pveapi_strdup(buf, &f->oom);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		return pveapi_strdup(buf, &f->oom);
	case JSON_TRUE: return pveapi_strdup("1", &f->oom);
	case JSON_FALSE: return pveapi_strdup("0", &f->oom);
	case JSON_NULL: return pveapi_strdup("", &f->oom);
	default:
		p = json_dumps(v, JSON_COMPACT);
		if (!p)
			f->oom = 1;
		return p;
	}
}

static char *get_str(struct fetch *f, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v ? val_str(f, v) : pveapi_strdup("", &f->oom);
}

static long get_long(json_t *obj, const char *key, long def)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(json_string_value(v), NULL, 0);
	return def;
}

static bool get_bool(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0) ||
	       (json_is_string(v) && strcmp(json_string_value(v), "1") == 0);
}

static size_t node_find(struct pveapi_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

static void set_err(struct fetch *f, int *err, char **msg, const struct pveapi_job *j)
{
	if (*err)
		return;
	*err = j->rc;
	*msg = pveapi_strdup(j->err.msg, &f->oom);
}

/* Adds a node (once) and queues its hardware request. */
static size_t node_add(struct fetch *f, struct pveapi_run *run, const char *name)
{
	struct pveapi_snapshot *s = f->s;
	struct pveapi_node *n;
	struct pveapi_job *j;
	size_t i = node_find(s, name);

	if (i != (size_t)-1)
		return i;
	if (f->o->node && strcmp(f->o->node, name) != 0)
		return (size_t)-1;
	n = realloc(s->nodes, (s->nnodes + 1) * sizeof(*n));
	if (!n) {
		f->oom = 1;
		return (size_t)-1;
	}
	s->nodes = n;
	i = s->nnodes++;
	n = &s->nodes[i];
	memset(n, 0, sizeof(*n));
	n->name = pveapi_strdup(name, &f->oom);
	n->status = pveapi_strdup("", &f->oom);
	n->ssl_fingerprint = pveapi_strdup("", &f->oom);
	n->reachable = true;
	if (!f->o->no_hardware) {
		j = pveapi_job_new("GET", name, K_PCI, i, "/nodes/%s/hardware/pci", name);
		if (j)
			pveapi_run_push(run, j);
		else
			f->oom = 1;
	}
	return i;
}

static void on_nodes(struct fetch *f, struct pveapi_run *run, struct pveapi_job *j)
{
	size_t k;
	json_t *it;

	if (j->rc || !json_is_array(j->data))
		return; /* the VM list still names the nodes */
	json_array_foreach(j->data, k, it)
	{
		const char *name = json_string_value(json_object_get(it, "node"));
		size_t i;

		if (!name)
			continue;
		i = node_add(f, run, name);
		if (i == (size_t)-1)
			continue;
		free(f->s->nodes[i].status);
		free(f->s->nodes[i].ssl_fingerprint);
		f->s->nodes[i].status = get_str(f, it, "status");
		f->s->nodes[i].ssl_fingerprint = get_str(f, it, "ssl_fingerprint");
		if (strcmp(f->s->nodes[i].status, "offline") == 0) {
			char why[300];

			snprintf(why, sizeof(why), "node %s is offline (GET /nodes)", name);
			f->s->nodes[i].reachable = false;
			f->s->nodes[i].err = -EHOSTUNREACH;
			free(f->s->nodes[i].errmsg);
			f->s->nodes[i].errmsg = pveapi_strdup(why, &f->oom);
			pveapi_run_node_down(run, name, -EHOSTUNREACH, why);
		}
	}
}

static bool vm_wanted(const struct pveapi_snapshot_opts *o, unsigned vmid)
{
	if (!o->vmids)
		return true;
	for (size_t i = 0; i < o->nvmids; i++)
		if (o->vmids[i] == vmid)
			return true;
	return false;
}

static void on_resources(struct fetch *f, struct pveapi_run *run, struct pveapi_job *j)
{
	struct pveapi_snapshot *s = f->s;
	size_t k, n = 0;
	json_t *it;

	if (j->rc) {
		f->resources_rc = j->rc;
		f->resources_err = j->err;
		return;
	}
	if (!json_is_array(j->data)) {
		f->resources_rc = util_err_set(&f->resources_err, -EBADMSG,
		                               _("GET /cluster/resources: not a list"));
		return;
	}
	s->vms = calloc(json_array_size(j->data) + 1, sizeof(*s->vms));
	if (!s->vms) {
		f->oom = 1;
		return;
	}
	json_array_foreach(j->data, k, it)
	{
		const char *type = json_string_value(json_object_get(it, "type"));
		const char *node = json_string_value(json_object_get(it, "node"));
		long vmid = get_long(it, "vmid", -1);
		struct pveapi_vm *vm;
		struct pveapi_job *jc;

		if (!type || strcmp(type, "qemu") != 0 || !node || vmid < 1 || vmid > 999999999)
			continue;
		if ((f->o->node && strcmp(node, f->o->node) != 0) ||
		    !vm_wanted(f->o, (unsigned)vmid))
			continue;
		vm = &s->vms[n];
		vm->vmid = (unsigned)vmid;
		vm->node = pveapi_strdup(node, &f->oom);
		vm->name = get_str(f, it, "name");
		vm->status = get_str(f, it, "status");
		vm->lock = get_str(f, it, "lock");
		vm->template_ = get_bool(it, "template");
		vm->digest = "";
		node_add(f, run, node);
		jc = pveapi_job_new("GET", node, K_CONFIG, n, "/nodes/%s/qemu/%u/config", node,
		                    vm->vmid);
		if (jc)
			pveapi_run_push(run, jc);
		if ((f->o->current == PVEAPI_CURRENT_ALL ||
		     (f->o->current == PVEAPI_CURRENT_RUNNING &&
		      strcmp(vm->status, "running") == 0))) {
			jc = pveapi_job_new("GET", node, K_CURRENT, n,
			                    "/nodes/%s/qemu/%u/config?current=1", node, vm->vmid);
			if (jc)
				pveapi_run_push(run, jc);
		}
		n++;
	}
	s->nvms = n;
	f->configs_left = n;
}

static void on_mapping(struct fetch *f, struct pveapi_job *j)
{
	struct pveapi_snapshot *s = f->s;
	size_t k, n = 0;
	json_t *it;

	if (j->rc) {
		s->mappings_err = j->rc;
		s->mappings_errmsg = pveapi_strdup(j->err.msg, &f->oom);
		return;
	}
	if (!json_is_array(j->data))
		return;
	s->mappings = calloc(json_array_size(j->data) + 1, sizeof(*s->mappings));
	if (!s->mappings) {
		f->oom = 1;
		return;
	}
	json_array_foreach(j->data, k, it)
	{
		struct pveapi_mapping *m = &s->mappings[n++];
		json_t *map = json_object_get(it, "map"), *e;
		size_t q;

		m->id = get_str(f, it, "id");
		m->description = get_str(f, it, "description");
		m->digest = get_str(f, it, "digest");
		m->mdev = get_bool(it, "mdev");
		m->live_migration = get_bool(it, "live-migration-capable");
		if (json_is_string(map)) {
			m->map = calloc(1, sizeof(char *));
			if (m->map) {
				m->map[0] = val_str(f, map);
				m->nmap = 1;
			}
		} else if (json_is_array(map)) {
			m->map = calloc(json_array_size(map) + 1, sizeof(char *));
			if (m->map)
				json_array_foreach(map, q, e) m->map[m->nmap++] = val_str(f, e);
		}
	}
	s->nmappings = n;
}

/* "virtfns" as PVE::SysFSTools::lspci sends it: an object {"virtfn0": "0000:00:02.1", ...}
 * (one key per virtfnN link of the PF; JSON objects have no order, and PVE's encoder sorts the
 * keys as text, virtfn10 before virtfn2).  Kept as a list in VF-index order; keys that are not
 * virtfnN are ignored. */
struct vf_ent {
	unsigned long index;
	const char *bdf;
};

static int cmp_vf_ent(const void *a, const void *b)
{
	const struct vf_ent *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static void virtfns_from(struct fetch *f, json_t *obj, struct pveapi_pci *p)
{
	struct vf_ent *ents = calloc(json_object_size(obj) + 1, sizeof(*ents));
	size_t n = 0;
	const char *key;
	json_t *v;

	if (!ents) {
		f->oom = 1;
		return;
	}
	json_object_foreach(obj, key, v)
	{
		char *end;
		unsigned long idx;

		if (strncmp(key, "virtfn", 6) != 0 || !isdigit((unsigned char)key[6]) ||
		    !json_is_string(v))
			continue;
		idx = strtoul(key + 6, &end, 10);
		if (*end)
			continue;
		ents[n].index = idx;
		ents[n].bdf = json_string_value(v);
		n++;
	}
	qsort(ents, n, sizeof(*ents), cmp_vf_ent);
	p->virtfns = calloc(n + 1, sizeof(char *));
	if (!p->virtfns)
		f->oom = 1;
	for (size_t i = 0; p->virtfns && i < n; i++)
		p->virtfns[p->nvirtfns++] = pveapi_strdup(ents[i].bdf, &f->oom);
	free(ents);
}

static void on_pci(struct fetch *f, struct pveapi_run *run, struct pveapi_job *j)
{
	struct pveapi_node *node = &f->s->nodes[j->index];
	size_t k, n = 0;
	json_t *it;

	if (j->rc) {
		set_err(f, &node->err, &node->errmsg, j);
		return;
	}
	if (!json_is_array(j->data))
		return;
	node->pci = calloc(json_array_size(j->data) + 1, sizeof(*node->pci));
	if (!node->pci) {
		f->oom = 1;
		return;
	}
	node->has_pci = true;
	json_array_foreach(j->data, k, it)
	{
		struct pveapi_pci *p = &node->pci[n];
		json_t *vf = json_object_get(it, "virtfns");

		p->id = get_str(f, it, "id");
		p->class_ = get_str(f, it, "class");
		p->vendor = get_str(f, it, "vendor");
		p->device = get_str(f, it, "device");
		p->subsystem_vendor = get_str(f, it, "subsystem_vendor");
		p->subsystem_device = get_str(f, it, "subsystem_device");
		p->vendor_name = get_str(f, it, "vendor_name");
		p->device_name = get_str(f, it, "device_name");
		p->iommugroup = get_long(it, "iommugroup", -1);
		p->mdev = get_bool(it, "mdev");
		if (json_object_get(it, "physfn")) {
			p->physfn = get_str(f, it, "physfn");
			node->sriov_fields = true;
		}
		if (json_is_object(vf)) {
			node->sriov_fields = true;
			virtfns_from(f, vf, p);
		}
		if (p->mdev) {
			struct pveapi_job *jm =
			        pveapi_job_new("GET", node->name, K_MDEV, j->index,
			                       "/nodes/%s/hardware/pci/%s/mdev", node->name, p->id);
			if (jm) {
				jm->sub = n;
				pveapi_run_push(run, jm);
			}
		}
		n++;
	}
	node->npci = n;
}

static void on_mdev(struct fetch *f, struct pveapi_job *j)
{
	struct pveapi_pci *p = &f->s->nodes[j->index].pci[j->sub];
	size_t k, n = 0;
	json_t *it;

	if (j->rc) {
		p->mdev_err = j->rc;
		return;
	}
	if (!json_is_array(j->data))
		return;
	p->mdev_types = calloc(json_array_size(j->data) + 1, sizeof(*p->mdev_types));
	if (!p->mdev_types) {
		f->oom = 1;
		return;
	}
	json_array_foreach(j->data, k, it)
	{
		struct pveapi_mdev_type *t = &p->mdev_types[n++];

		t->type = get_str(f, it, "type");
		t->name = get_str(f, it, "name");
		t->description = get_str(f, it, "description");
		t->available = get_long(it, "available", 0);
	}
	p->nmdev_types = n;
}

static void kv_from(struct fetch *f, json_t *obj, struct pveapi_kv **out, size_t *nout)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	*out = calloc(json_object_size(obj) + 1, sizeof(**out));
	if (!*out) {
		f->oom = 1;
		return;
	}
	json_object_foreach(obj, k, v)
	{
		(*out)[n].key = pveapi_strdup(k, &f->oom);
		(*out)[n].value = val_str(f, v);
		n++;
	}
	*nout = n;
}

static void on_config(struct fetch *f, struct pveapi_job *j)
{
	struct pveapi_vm *vm = &f->s->vms[j->index];

	if (j->rc) {
		set_err(f, &vm->err, &vm->errmsg, j);
		return;
	}
	if (!json_is_object(j->data)) {
		vm->err = -EBADMSG;
		vm->errmsg = pveapi_strdup("the config answer is not an object", &f->oom);
		return;
	}
	if (j->kind == K_CONFIG) {
		const char *d;

		kv_from(f, j->data, &vm->config, &vm->nconfig);
		d = pveapi_kv_get(vm->config, vm->nconfig, "digest");
		vm->digest = d ? d : "";
	} else {
		kv_from(f, j->data, &vm->current, &vm->ncurrent);
		vm->has_current = true;
	}
}

/* The storage id of a hookscript volume "local:snippets/x.sh", into id; false if not one. */
static bool hook_storage(const char *volid, char *id, size_t n)
{
	const char *colon = volid ? strchr(volid, ':') : NULL;

	if (!colon || colon == volid || (size_t)(colon - volid) >= n ||
	    strncmp(colon + 1, "snippets/", 9) != 0)
		return false;
	memcpy(id, volid, (size_t)(colon - volid));
	id[colon - volid] = '\0';
	return true;
}

/* Queues the listing of storage id on node i once. */
static void snippets_want(struct fetch *f, struct pveapi_run *run, size_t i, const char *id)
{
	struct pveapi_node *n = &f->s->nodes[i];
	struct pveapi_snippets *v;
	struct pveapi_job *j;

	for (size_t k = 0; k < n->nsnippets; k++)
		if (strcmp(n->snippets[k].storage, id) == 0)
			return;
	v = realloc(n->snippets, (n->nsnippets + 1) * sizeof(*v));
	if (!v) {
		f->oom = 1;
		return;
	}
	n->snippets = v;
	v = &n->snippets[n->nsnippets];
	memset(v, 0, sizeof(*v));
	v->storage = pveapi_strdup(id, &f->oom);
	j = pveapi_job_new("GET", n->name, K_SNIPPETS, i,
	                   "/nodes/%s/storage/%s/content?content=snippets", n->name, id);
	if (!j) {
		f->oom = 1;
		return;
	}
	j->sub = n->nsnippets++;
	pveapi_run_push(run, j);
}

/* Once every config, the node list and the HA resources are in: one listing per (node, storage)
 * that a hookscript needs - the VM's node, and every reachable node for an HA resource. */
static void snippets_maybe_queue(struct fetch *f, struct pveapi_run *run)
{
	struct pveapi_snapshot *s = f->s;

	if (f->o->no_snippets || f->snippets_queued || !f->resources_done || !f->nodes_done ||
	    !f->ha_done || f->configs_left)
		return;
	f->snippets_queued = true;
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t h = 0; h < f->n_ha; h++)
			if (s->vms[v].vmid == f->ha_vmids[h])
				s->vms[v].ha = true;
	for (size_t v = 0; v < s->nvms; v++) {
		const struct pveapi_vm *vm = &s->vms[v];
		char id[128];

		if (vm->err || vm->template_ ||
		    !hook_storage(pveapi_kv_get(vm->config, vm->nconfig, "hookscript"), id,
		                  sizeof(id)))
			continue;
		for (size_t i = 0; i < s->nnodes; i++)
			if (s->nodes[i].reachable &&
			    (vm->ha || strcmp(s->nodes[i].name, vm->node) == 0))
				snippets_want(f, run, i, id);
	}
}

static void on_ha(struct fetch *f, struct pveapi_job *j)
{
	size_t k;
	json_t *it;

	if (j->rc) {
		f->s->ha_err = j->rc;
		return;
	}
	json_array_foreach(j->data, k, it)
	{
		const char *sid = json_string_value(json_object_get(it, "sid"));
		char *end;
		unsigned long vmid;

		/* "vm:100" (or "ct:..."); PVE also accepts a bare "100" for a VM */
		if (!sid)
			continue;
		if (strncmp(sid, "vm:", 3) == 0)
			sid += 3;
		else if (strchr(sid, ':'))
			continue;
		vmid = strtoul(sid, &end, 10);
		if (*end || vmid > 999999999)
			continue;
		if (!f->ha_vmids)
			f->ha_vmids = calloc(json_array_size(j->data), sizeof(*f->ha_vmids));
		if (!f->ha_vmids) {
			f->oom = 1;
			return;
		}
		f->ha_vmids[f->n_ha++] = (unsigned)vmid;
	}
}

static void on_snippets(struct fetch *f, struct pveapi_job *j)
{
	struct pveapi_snippets *sn = &f->s->nodes[j->index].snippets[j->sub];
	size_t k;
	json_t *it;

	if (j->rc) {
		set_err(f, &sn->err, &sn->errmsg, j);
		return;
	}
	if (!json_is_array(j->data)) {
		sn->err = -EBADMSG;
		sn->errmsg = pveapi_strdup("the content answer is not a list", &f->oom);
		return;
	}
	sn->volids = calloc(json_array_size(j->data) + 1, sizeof(char *));
	if (!sn->volids) {
		f->oom = 1;
		return;
	}
	json_array_foreach(j->data, k, it)
	{
		const char *volid = json_string_value(json_object_get(it, "volid"));

		if (volid)
			sn->volids[sn->nvolids++] = pveapi_strdup(volid, &f->oom);
	}
}

static void on_done(struct pveapi_run *run, struct pveapi_job *j, void *arg)
{
	struct fetch *f = arg;

	if (j->rc) {
		f->s->failed++;
		if (j->node[0]) {
			size_t i = node_find(f->s, j->node);

			if (i != (size_t)-1 && (j->rc == -ETIMEDOUT || j->rc == -EHOSTUNREACH ||
			                        j->rc == -ECONNREFUSED)) {
				f->s->nodes[i].reachable = false;
				set_err(f, &f->s->nodes[i].err, &f->s->nodes[i].errmsg, j);
			}
		}
	}
	switch (j->kind) {
	case K_NODES:
		on_nodes(f, run, j);
		f->nodes_done = true;
		break;
	case K_RESOURCES:
		on_resources(f, run, j);
		f->resources_done = true;
		break;
	case K_MAPPING: on_mapping(f, j); break;
	case K_PCI: on_pci(f, run, j); break;
	case K_MDEV: on_mdev(f, j); break;
	case K_HA:
		on_ha(f, j);
		f->ha_done = true;
		break;
	case K_SNIPPETS: on_snippets(f, j); break;
	default:
		on_config(f, j);
		if (j->kind == K_CONFIG && f->configs_left)
			f->configs_left--;
	}
	snippets_maybe_queue(f, run);
	pveapi_job_free(j);
}

int pveapi_snapshot_fetch(struct pveapi_client *c, const struct pveapi_snapshot_opts *o,
                          struct pveapi_snapshot *out, struct util_err *e)
{
	static const struct pveapi_snapshot_opts defaults = {0};
	struct fetch f = {.c = c, .o = o ? o : &defaults, .s = out};
	struct pveapi_run_ops ops = {on_done, &f};
	struct pveapi_job *j1, *j2, *j3, *j4 = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	out->url = strdup(pveapi_client_url(c));
	if ((r = pveapi_client_login(c, e)))
		return r;
	j1 = pveapi_job_new("GET", NULL, K_RESOURCES, 0, "/cluster/resources?type=vm");
	j2 = pveapi_job_new("GET", NULL, K_NODES, 0, "/nodes");
	j3 = pveapi_job_new("GET", NULL, K_MAPPING, 0, "/cluster/mapping/pci");
	if (!j1 || !j2 || !j3 || !out->url) {
		pveapi_job_free(j1);
		pveapi_job_free(j2);
		pveapi_job_free(j3);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	j1->next = j2;
	j2->next = j3;
	if (!f.o->no_snippets) {
		j4 = pveapi_job_new("GET", NULL, K_HA, 0, "/cluster/ha/resources");
		if (!j4) {
			pveapi_job_free(j1);
			pveapi_job_free(j2);
			pveapi_job_free(j3);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		}
		j3->next = j4;
	}
	r = pveapi_run_jobs(c, j1, &ops, pveapi_client_deadline(c), &out->requests, e);
	free(f.ha_vmids);
	if (r)
		return r;
	if (f.oom)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	if (f.resources_rc)
		return util_err_set(e, f.resources_rc, _("cannot list the cluster's VMs: %s"),
		                    f.resources_err.msg);
	return 0;
}

static void kv_free(struct pveapi_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void pveapi_snapshot_free(struct pveapi_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nnodes; i++) {
		struct pveapi_node *n = &s->nodes[i];

		for (size_t k = 0; k < n->npci; k++) {
			struct pveapi_pci *p = &n->pci[k];

			free(p->id);
			free(p->class_);
			free(p->vendor);
			free(p->device);
			free(p->subsystem_vendor);
			free(p->subsystem_device);
			free(p->vendor_name);
			free(p->device_name);
			free(p->physfn);
			strv_free(p->virtfns, p->nvirtfns);
			for (size_t t = 0; t < p->nmdev_types; t++) {
				free(p->mdev_types[t].type);
				free(p->mdev_types[t].name);
				free(p->mdev_types[t].description);
			}
			free(p->mdev_types);
		}
		free(n->pci);
		for (size_t k = 0; k < n->nsnippets; k++) {
			free(n->snippets[k].storage);
			strv_free(n->snippets[k].volids, n->snippets[k].nvolids);
			free(n->snippets[k].errmsg);
		}
		free(n->snippets);
		free(n->name);
		free(n->status);
		free(n->ssl_fingerprint);
		free(n->errmsg);
	}
	free(s->nodes);
	for (size_t i = 0; i < s->nvms; i++) {
		struct pveapi_vm *vm = &s->vms[i];

		free(vm->node);
		free(vm->name);
		free(vm->status);
		free(vm->lock);
		kv_free(vm->config, vm->nconfig);
		kv_free(vm->current, vm->ncurrent);
		free(vm->errmsg);
	}
	free(s->vms);
	for (size_t i = 0; i < s->nmappings; i++) {
		free(s->mappings[i].id);
		free(s->mappings[i].description);
		free(s->mappings[i].digest);
		strv_free(s->mappings[i].map, s->mappings[i].nmap);
	}
	free(s->mappings);
	free(s->mappings_errmsg);
	free(s->url);
	memset(s, 0, sizeof(*s));
}

const struct pveapi_node *pveapi_snapshot_node(const struct pveapi_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			return &s->nodes[i];
	return NULL;
}

const struct pveapi_vm *pveapi_snapshot_vm(const struct pveapi_snapshot *s, unsigned vmid)
{
	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].vmid == vmid)
			return &s->vms[i];
	return NULL;
}

const char *pveapi_kv_get(const struct pveapi_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

int pveapi_snippet_present(const struct pveapi_node *n, const char *volid)
{
	char id[128];

	if (!hook_storage(volid, id, sizeof(id)))
		return -1;
	for (size_t k = 0; k < n->nsnippets; k++) {
		const struct pveapi_snippets *sn = &n->snippets[k];

		if (strcmp(sn->storage, id) != 0)
			continue;
		if (sn->err)
			return -1;
		for (size_t i = 0; i < sn->nvolids; i++)
			if (strcmp(sn->volids[i], volid) == 0)
				return 1;
		return 0;
	}
	return -1;
}
