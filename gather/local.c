/* gather/local.c - the local producer of the node model: reads, under --root, the host snapshot
 * (sysfs/), the VM configs (pveconf/ reader, every section, dropped hostpci values from its
 * diagnostics), which VMs run, /etc/pve/mapping/pci.cfg, pci-id-reservations, the hookscripts'
 * state through storage.cfg (and, with every node's VMs, the HA resources' on this node), and
 * the owner of a VMID.  GATHER_GUARD is the guard's fast path:
 * the starting VM and the running VMs only.  Reads only; never locks (the guard runs while PVE
 * holds the VM lock). */
#include "gather/model.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pveconf/commit.h"
#include "pveconf/ha.h"
#include "pveconf/node.h"
#include "pveconf/vmlist.h"
#include "util/fileio.h"
#include "util/i18n.h"

/* The reservations still in force (pid: its VM runs; time: not expired), through pveconf. */
static int load_reservations(const struct util_paths *p, struct gather_node *g, struct util_err *e)
{
	struct pveconf_pci_reservations all;
	int r;

	r = pveconf_pci_reservations_load_active(p, (long long)time(NULL), &all, e);
	if (r < 0)
		return r;
	g->reservations = calloc(all.n + 1, sizeof(*g->reservations));
	if (!g->reservations) {
		pveconf_pci_reservations_free(&all);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < all.n; i++) {
		g->reservations[g->n_reservations].bdf = gather_keep(g, all.v[i].id);
		g->reservations[g->n_reservations++].vmid = all.v[i].vmid;
	}
	pveconf_pci_reservations_free(&all);
	return 0;
}

/* "local:snippets/x.sh" -> <root><snippets dir of local>/x.sh (pveconf storage reader); *shared:
 * the storage has the same files on every node. */
static int hook_path(const struct util_paths *p, struct gather_node *g, const char *volume,
                     char *out, size_t n, bool *shared)
{
	const char *colon = strchr(volume, ':');
	const struct pveconf_storage *st;
	char id[128];

	if (!colon || (size_t)(colon - volume) >= sizeof(id) ||
	    strncmp(colon + 1, "snippets/", 9) != 0)
		return -EINVAL;
	memcpy(id, volume, (size_t)(colon - volume));
	id[colon - volume] = 0;
	if (!g->storages_loaded) {
		if (pveconf_storages_load(p, &g->storages, NULL) < 0)
			return -ENOENT;
		g->storages_loaded = true;
	}
	st = pveconf_storage_find(&g->storages, id);
	if (!st || !st->snippets_dir)
		return -ENOENT;
	*shared = st->shared;
	return util_path(p, out, n, "%s/%s", st->snippets_dir, colon + 10);
}

/* The hookscript as PVE checks it before every start (check_hookscript: the file must exist and
 * be executable on the node that starts the VM), from this node's files.  They tell it for a VM
 * of this node and, for a snippet on shared storage, for every VM.  A VM of another node (audit
 * --cluster) with a node-local snippet is that node's to check (its own audit does), taken on
 * trust here - unless it is an HA resource: the HA manager may start it on this node, so an absent
 * file here is a hookscript-missing on this node.  A volume storage.cfg cannot resolve is missing
 * everywhere. */
static void hook_state(const struct gather_opts *o, struct gather_node *g, struct policy_vm *vm,
                       const struct pveconf_ha *ha)
{
	char path[PP_PATH_MAX], *data;
	struct stat st;
	size_t len;
	bool shared = false, here = strcmp(vm->node, o->node) == 0;
	enum policy_hook_state state;

	if (!vm->hookscript) {
		vm->hook_state = POLICY_HOOK_NONE;
		return;
	}
	if (hook_path(o->paths, g, vm->hookscript, path, sizeof(path), &shared) < 0) {
		vm->hook_state = POLICY_HOOK_MISSING;
		return;
	}
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		state = POLICY_HOOK_MISSING;
	else
		state = st.st_mode & 0111 ? POLICY_HOOK_OK : POLICY_HOOK_NOT_EXECUTABLE;
	if (state != POLICY_HOOK_MISSING && util_file_read(path, 1 << 16, &data, &len, NULL) == 0) {
		vm->hook_is_guard = strstr(data, "pve-passthrough guard") != NULL;
		free(data);
	}
	if (here || shared) {
		vm->hook_state = state;
		return;
	}
	vm->hook_state = POLICY_HOOK_OK;
	if (state == POLICY_HOOK_MISSING) /* its content is on its node: the name tells */
		vm->hook_is_guard =
		        strstr(vm->hookscript, "snippets/pve-passthrough-guard") != NULL;
	if (state == POLICY_HOOK_MISSING && pveconf_ha_has(ha, vm->vmid))
		vm->hook_missing_on = gather_keep(g, o->node);
}

static int load_vm(const struct gather_opts *o, struct gather_node *g, const char *path,
                   unsigned vmid, const char *node, bool main_only, struct util_err *e)
{
	struct pveconf_vm *conf;
	bool keep = o->flags & GATHER_KEEP_CONFS;
	int r;

	/* the guard reads only hostpci*, machine, vga, hookscript, lock and name: the format checks
	 * of every other key (drives, net, cpu, ...) are work it does not need */
	r = pveconf_vm_load_opts(path, &(struct pveconf_vm_opts){.lazy = o->flags & GATHER_GUARD},
	                         &conf, e);
	if (r < 0)
		return r;
	r = gather_vm_add(g, conf, vmid, node, main_only, keep, e);
	if (!keep)
		pveconf_vm_free(conf);
	return r;
}

/* Whether what was read is all there is: /etc/pve/nodes exists, .vmlist can be read, and every
 * qemu VM .vmlist places on the nodes read had its config found.  What is missing goes to
 * g->unread, so a run on a host that is not a PVE node, with pmxcfs down, or without the right to
 * read /etc/pve is never reported as healthy. */
/* refs are sorted by vmid (pveconf_vms_scan): a binary search per .vmlist entry, not a scan of all
 * of them (10,000 VMs made that 50 million comparisons, a fifth of audit's CPU) */
static int cmp_vmref(const void *key, const void *elem)
{
	unsigned a = *(const unsigned *)key, b = ((const struct pveconf_vmref *)elem)->vmid;

	return a < b ? -1 : a > b;
}

static void check_complete(const struct gather_opts *o, struct gather_node *g,
                           const struct pveconf_vmrefs *refs)
{
	const struct util_paths *p = o->paths;
	char path[PP_PATH_MAX];
	struct pveconf_vmlist l = {0};
	struct util_err le = {0};
	struct stat st;
	int r;

	util_path(p, path, sizeof(path), PP_ETC_PVE_NODES);
	r = stat(path, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (r < 0)
		gather_unread_add(g,
		                  _("%s: %s (not a Proxmox VE node, or pmxcfs is not running: "
		                    "systemctl status pve-cluster)"),
		                  util_path_display(p, path), strerror(-r));
	r = pveconf_vmlist_load(p, &l, &le);
	if (r == -ENOENT) {
		util_path(p, path, sizeof(path), PP_ETC_PVE_VMLIST);
		gather_unread_add(g,
		                  _("%s: %s (the list of VMs is unknown: pmxcfs is not running or "
		                    "/etc/pve is not mounted: systemctl status pve-cluster)"),
		                  util_path_display(p, path), strerror(ENOENT));
		return;
	}
	if (r < 0) { /* a FIFO, a directory, unreadable: said by every command, never skipped */
		gather_warn(g, "%s", le.msg);
		gather_unread_add(g, "%s", le.msg);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct pveconf_vmlist_entry *x = &l.v[i];

		if (strcmp(x->type, "qemu") != 0 ||
		    (!(o->flags & GATHER_CLUSTER) && strcmp(x->node, o->node) != 0))
			continue;
		if (!refs->n || !bsearch(&x->vmid, refs->v, refs->n, sizeof(*refs->v), cmp_vmref)) {
			g->n_configs_unreadable++;
			pveconf_vm_conf_path(p, x->node, x->vmid, path, sizeof(path));
			gather_unread_add(
			        g, _("VM %u: .vmlist places it on node %s, but %s cannot be found"),
			        x->vmid, x->node, util_path_display(p, path));
		}
	}
	pveconf_vmlist_free(&l);
}

/* Every qemu config of this node (or of every node), in vmid order (pveconf enumeration). */

/* Without --cluster only this node's VMs are judged, but the HA resources of the other nodes may
 * be started here too: each one whose node-local hookscript is absent on this node is one
 * hookscript-missing on this node (policy_input.hook_only; its own node judges the rest, a
 * shared snippet included).  Only their hookscript line is read. */
static int ha_elsewhere(const struct gather_opts *o, struct gather_node *g,
                        const struct pveconf_ha *ha)
{
	struct pveconf_vmrefs refs;
	char path[PP_PATH_MAX];
	int r;

	if (!ha->n || pveconf_vms_scan(o->paths, NULL, &refs, NULL) < 0)
		return 0;
	g->hook_only = calloc(refs.n ? refs.n : 1, sizeof(*g->hook_only));
	if (!g->hook_only) {
		pveconf_vmrefs_free(&refs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < refs.n; i++) {
		const struct pveconf_vmref *ref = &refs.v[i];
		struct policy_vm vm = {.vmid = ref->vmid};
		struct pveconf_vm *conf = NULL;
		struct util_err le = {0};
		const char *hook;

		if (strcmp(ref->node, o->node) == 0 || !pveconf_ha_has(ha, ref->vmid) ||
		    pveconf_vm_conf_path(o->paths, ref->node, ref->vmid, path, sizeof(path)) < 0)
			continue;
		r = pveconf_vm_load_opts(path, &(struct pveconf_vm_opts){.lazy = true}, &conf, &le);
		if (r == -ENOMEM) {
			pveconf_vmrefs_free(&refs);
			return r;
		}
		if (r < 0) { /* an HA resource whose hookscript could not be checked */
			gather_warn(g, "%s", le.msg);
			gather_unread_add(g, "%s", le.msg);
			continue;
		}
		hook = pveconf_vm_get(conf, NULL, "hookscript", NULL);
		vm.node = gather_keep(g, ref->node);
		vm.hookscript = hook ? gather_keep(g, hook) : NULL;
		pveconf_vm_free(conf);
		hook_state(o, g, &vm, ha);
		if (vm.hook_missing_on)
			g->hook_only[g->n_hook_only++] = vm;
	}
	pveconf_vmrefs_free(&refs);
	return 0;
}

/* Whether a VM of this node runs.  When that cannot be told (its pid file or /proc entry cannot
 * be read), it counts as running - never as stopped - and the picture is incomplete: the guard
 * then warns (or refuses with on-internal-error = refuse), monitoring reports UNKNOWN. */
static bool vm_runs(const struct gather_opts *o, struct gather_node *g, unsigned vmid)
{
	struct util_err e = {0};

	switch (pveconf_vm_runstate(o->paths, vmid, NULL, &e)) {
	case PVECONF_VM_RUNNING: return true;
	case PVECONF_VM_STOPPED: return false;
	case PVECONF_VM_RUNSTATE_UNKNOWN: break;
	}
	gather_warn(g, _("%s; counted as running"), e.msg);
	gather_unread_add(g, "%s", e.msg);
	return true;
}

static int gather_all(const struct gather_opts *o, struct gather_node *g, struct util_err *e)
{
	struct pveconf_vmrefs refs;
	struct pveconf_ha ha = {0};
	struct util_err he = {0};
	char path[PP_PATH_MAX];
	int r;

	r = pveconf_vms_scan(o->paths, o->flags & GATHER_CLUSTER ? NULL : o->node, &refs, e);
	if (r < 0)
		return r;
	/* the HA resources: VMs of other nodes that may be started here (a missing file reads as
	 * none; an unreadable one leaves the picture incomplete) */
	if (pveconf_ha_load(o->paths, &ha, &he) < 0) {
		if (he.code == -ENOMEM) {
			pveconf_vmrefs_free(&refs);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		}
		gather_warn(g, "%s", he.msg);
		gather_unread_add(g, "%s", he.msg);
	}
	for (size_t i = 0; i < refs.n && r == 0; i++) {
		const struct pveconf_vmref *ref = &refs.v[i];
		bool here = strcmp(ref->node, o->node) == 0;

		if (pveconf_vm_conf_path(o->paths, ref->node, ref->vmid, path, sizeof(path)) < 0)
			continue;
		r = load_vm(o, g, path, ref->vmid, ref->node, false, e);
		if (r == 0) {
			struct policy_vm *vm = &g->vms[g->n_vms - 1];

			g->n_configs_read++;
			vm->running = here && vm_runs(o, g, ref->vmid);
			hook_state(o, g, vm, &ha);
		} else if (r == -ENOENT && (o->flags & GATHER_KEEP_CONFS)) {
			r = 0; /* removed while we read the directory */
		} else if (r != -ENOMEM && !(o->flags & GATHER_KEEP_CONFS)) {
			/* one unreadable config does not stop the audit, but it is incomplete */
			gather_warn(g, "%s", e->msg);
			gather_unread_add(g, "%s", e->msg);
			g->n_configs_unreadable++;
			r = 0;
		} /* assign plans only on a complete picture: anything else stops it */
	}
	if (r == 0 && !(o->flags & GATHER_CLUSTER))
		r = ha_elsewhere(o, g, &ha);
	if (r == -ENOMEM)
		r = util_err_set(e, r, _("out of memory"));
	if (r == 0)
		check_complete(o, g, &refs);
	pveconf_vmrefs_free(&refs);
	pveconf_ha_free(&ha);
	/* leftovers of our killed writes (temp-file-left) */
	if (r == 0 && pveconf_tmp_stale(o->paths, &g->temp_files, &g->n_temp_files) < 0)
		r = util_err_set(e, -ENOMEM, _("out of memory"));
	return r;
}

/* The guard: the starting VM (main section) and the VMs that run now (their main sections). */
static int gather_guard(const struct gather_opts *o, struct gather_node *g, struct util_err *e)
{
	char path[PP_PATH_MAX], dir[PP_PATH_MAX];
	struct dirent **ents = NULL;
	int n, r;

	if (o->migrated_from && *o->migrated_from) {
		if (pveconf_node_name_valid(o->migrated_from) < 0)
			return util_err_set(e, -EINVAL,
			                    _("PVE_MIGRATED_FROM '%s' is not a node name"),
			                    o->migrated_from);
		util_path(o->paths, path, sizeof(path), PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf",
		          o->migrated_from, o->vmid);
	} else {
		util_path(o->paths, path, sizeof(path), PP_ETC_PVE_QEMU "/%u.conf", o->vmid);
	}
	r = load_vm(o, g, path, o->vmid, o->node, true, e);
	if (r < 0)
		return r;
	util_path(o->paths, dir, sizeof(dir), PP_RUN_QEMU_SERVER);
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *dot = strrchr(ents[i]->d_name, '.');
		unsigned vmid;

		if (r == 0 && dot && strcmp(dot, ".pid") == 0) {
			*dot = 0;
			if (pveconf_vmid_parse(ents[i]->d_name, &vmid) == 0 && vmid != o->vmid &&
			    vm_runs(o, g, vmid)) {
				struct util_err le = {0};

				util_path(o->paths, path, sizeof(path), PP_ETC_PVE_QEMU "/%u.conf",
				          vmid);
				r = load_vm(o, g, path, vmid, o->node, true, &le);
				if (r == 0)
					g->vms[g->n_vms - 1].running = true;
				else if (r != -ENOMEM)
					r = 0; /* a running VM without a config here: not ours */
			}
		}
		free(ents[i]);
	}
	free(ents);
	return r == -ENOMEM ? util_err_set(e, r, _("out of memory")) : 0;
}

/* Which node owns vmid: /etc/pve/.vmlist, else the node directory holding its config. */
static void read_owner(const struct util_paths *p, unsigned vmid, struct gather_node *g)
{
	struct pveconf_vmlist l = {0};
	struct pveconf_vmrefs refs = {0};
	const struct pveconf_vmlist_entry *ent;

	if (pveconf_vmlist_load(p, &l, NULL) == 0) {
		ent = pveconf_vmlist_find(&l, vmid);
		if (ent)
			snprintf(g->owner, sizeof(g->owner), "%s", ent->node);
		pveconf_vmlist_free(&l);
		if (g->owner[0])
			return;
	}
	if (pveconf_vms_scan(p, NULL, &refs, NULL) < 0)
		return;
	for (size_t i = 0; i < refs.n; i++)
		if (refs.v[i].vmid == vmid) {
			snprintf(g->owner, sizeof(g->owner), "%s", refs.v[i].node);
			break;
		}
	pveconf_vmrefs_free(&refs);
}

int gather_local(const struct gather_opts *o, struct gather_node *g, struct util_err *e)
{
	int r;

	if (!o->node || !o->node[0])
		return util_err_set(e, -ENOENT, "%s",
		                    o->node_error ? o->node_error
		                                  : _("this node's name is unknown"));
	if (o->host) {
		g->in.host = o->host; /* the caller's, with its warnings already told */
	} else {
		/* the rules use no module parameters: leaving them out saves a third of the reads */
		r = sysfs_host_read_flags(
		        o->paths,
		        (o->flags & GATHER_NAMES ? SYSFS_READ_NAMES : 0) |
		                (o->flags & GATHER_PARAMS ? 0 : SYSFS_READ_NO_PARAMS),
		        &g->host, e);
		if (r < 0)
			return r;
		for (size_t i = 0; i < g->host->n_warnings; i++)
			gather_warn(g, "%s", g->host->warnings[i]);
		g->in.host = g->host;
	}
	r = pveconf_pci_mappings_load(o->paths, &g->pci_mappings, e);
	if (r == 0)
		r = gather_mappings_view(g, PP_ETC_PVE_MAPPING_PCI, e);
	if (r == 0)
		r = load_reservations(o->paths, g, e);
	if (r == 0)
		r = o->flags & GATHER_GUARD ? gather_guard(o, g, e) : gather_all(o, g, e);
	if (r < 0)
		return r;
	if (o->vmid && !(o->flags & GATHER_GUARD))
		read_owner(o->paths, o->vmid, g);
	gather_input_finish(g, o->node, o->flags, o->vmid);
	return 0;
}
