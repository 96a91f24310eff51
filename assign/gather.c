/* assign/gather.c - reads, under --root, what an assign or release is planned against: the host
 * snapshot, every VM config of this node with whether it runs, this node's PCI mappings, and which
 * node owns the VMID.  Reads only; must not write nor print. */
#include "assign/gather.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pveconf/commit.h"
#include "pveconf/mapping.h"
#include "pveconf/runstate.h"
#include "pveconf/vmlist.h"
#include "util/fileio.h"

static int read_vms(const struct util_paths *p, const char *node, struct assign_gather *g,
                    struct util_err *e)
{
	struct pveconf_vmrefs refs = {0};
	int r = pveconf_vms_scan(p, node, &refs, e);

	if (r < 0)
		return r;
	g->vms = calloc(refs.n ? refs.n : 1, sizeof(*g->vms));
	if (!g->vms) {
		pveconf_vmrefs_free(&refs);
		return util_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < refs.n && r == 0; i++) {
		char path[PP_PATH_MAX];
		struct pveconf_vm *vm;

		if (pveconf_vm_conf_path(p, node, refs.v[i].vmid, path, sizeof(path)) < 0) {
			r = util_err_set(e, -ENAMETOOLONG, "path too long");
			break;
		}
		r = pveconf_vm_load(path, &vm, e);
		if (r == -ENOENT) {
			r = 0; /* removed while we read the directory */
			continue;
		}
		if (r < 0)
			break;
		g->vms[g->n_vms].vmid = refs.v[i].vmid;
		g->vms[g->n_vms].conf = vm;
		g->vms[g->n_vms].running = pveconf_vm_running(p, refs.v[i].vmid, NULL);
		g->n_vms++;
	}
	pveconf_vmrefs_free(&refs);
	return r;
}

/* Which node owns vmid: /etc/pve/.vmlist, else the node directory holding its config. */
static void read_owner(const struct util_paths *p, unsigned vmid, struct assign_gather *g)
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

int assign_mapping_from_pveconf(const struct pveconf_pci_mapping *src, const char *node,
                                struct assign_mapping *m)
{
	snprintf(m->name, sizeof(m->name), "%s", src->name);
	m->mdev = src->mdev == PVECONF_ON;
	m->alts = calloc(src->n_maps ? src->n_maps : 1, sizeof(*m->alts));
	if (!m->alts)
		return -ENOMEM;
	for (size_t k = 0; k < src->n_maps; k++) {
		const struct pveconf_pci_map *map = &src->maps[k];
		struct assign_mapping_alt *alt = &m->alts[m->n_alts];

		if (!map->node || strcmp(map->node, node) != 0)
			continue; /* another node's alternative */
		snprintf(alt->path, sizeof(alt->path), "%s", map->path ? map->path : "");
		snprintf(alt->id, sizeof(alt->id), "%s", map->id);
		snprintf(alt->subsystem_id, sizeof(alt->subsystem_id), "%s", map->subsystem_id);
		alt->iommugroup = map->has_iommugroup ? (int)map->iommugroup : -1;
		if (map->iommugroup_text &&
		    strlen(map->iommugroup_text) < sizeof(alt->iommugroup_text))
			strcpy(alt->iommugroup_text, map->iommugroup_text);
		if (map->raw && strlen(map->raw) < sizeof(alt->raw))
			strcpy(alt->raw, map->raw);
		alt->line = map->line;
		for (size_t d = 0; d < map->n_ids && alt->n < PVECONF_HOSTPCI_MAX_IDS; d++) {
			alt->ids[alt->n] = map->ids[d];
			pveconf_pci_id_format(&map->ids[d], alt->bdfs[alt->n++], SYSFS_BDF_LEN);
		}
		m->n_alts++;
	}
	return 0;
}

/* This node's alternatives of every PCI mapping, from pveconf's pci.cfg reader. */
static int read_mappings(const struct util_paths *p, const char *node, struct assign_gather *g,
                         struct util_err *e)
{
	struct pveconf_pci_mappings all = {0};
	int r = pveconf_pci_mappings_load(p, &all, e);

	if (r < 0)
		return r;
	g->mappings = calloc(all.n ? all.n : 1, sizeof(*g->mappings));
	if (!g->mappings) {
		pveconf_pci_mappings_free(&all);
		return util_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < all.n && r == 0; i++) {
		const struct pveconf_pci_mapping *src = &all.v[i];
		struct assign_mapping *m = &g->mappings[g->n_mappings++];

		if (assign_mapping_from_pveconf(src, node, m) < 0)
			r = util_err_set(e, -ENOMEM, "out of memory");
	}
	pveconf_pci_mappings_free(&all);
	return r;
}

/* PCI ids PVE holds for a VM that starts or runs (pci-id-reservations), still in force. */
static int read_reservations(const struct util_paths *p, struct assign_gather *g,
                             struct util_err *e)
{
	struct pveconf_pci_reservations all = {0};
	int r = pveconf_pci_reservations_load_active(p, (long long)time(NULL), &all, e);

	if (r < 0)
		return r;
	g->reservations = calloc(all.n ? all.n : 1, sizeof(*g->reservations));
	g->res_bdfs = calloc(all.n ? all.n : 1, sizeof(*g->res_bdfs));
	if (!g->reservations || !g->res_bdfs) {
		pveconf_pci_reservations_free(&all);
		return util_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < all.n; i++) {
		snprintf(g->res_bdfs[g->n_reservations], 32, "%s", all.v[i].id);
		g->reservations[g->n_reservations].bdf = g->res_bdfs[g->n_reservations];
		g->reservations[g->n_reservations].vmid = all.v[i].vmid;
		g->n_reservations++;
	}
	pveconf_pci_reservations_free(&all);
	return 0;
}

int assign_gather_read(const struct util_paths *p, const char *node,
                       const struct assign_request *req, struct assign_gather *g,
                       struct util_err *e)
{
	int r;

	memset(g, 0, sizeof(*g));
	r = sysfs_host_read_flags(p, 0, &g->host, e);
	if (r == 0)
		r = read_vms(p, node, g, e);
	if (r == 0)
		r = read_mappings(p, node, g, e);
	if (r == 0)
		r = read_reservations(p, g, e);
	if (r < 0) {
		assign_gather_free(g);
		return r;
	}
	read_owner(p, req->vmid, g);
	if (pveconf_vm_conf_path(p, node, req->vmid, g->config_path, sizeof(g->config_path)) < 0) {
		assign_gather_free(g);
		return util_err_set(e, -ENAMETOOLONG, "path too long");
	}
	snprintf(g->display_path, sizeof(g->display_path), "%s",
	         util_path_display(p, g->config_path));
	if (req->romfile[0]) {
		char rom[PP_PATH_MAX];

		g->input.romfile_exists =
		        (req->romfile[0] == '/'
		                 ? util_path(p, rom, sizeof(rom), "%s", req->romfile)
		                 : util_path(p, rom, sizeof(rom), PP_USR_SHARE_KVM "/%s",
		                             req->romfile)) == 0 &&
		        util_exists(rom) && !util_is_dir(rom);
	}
	g->input.node = node;
	g->input.host = g->host;
	g->input.vms = g->vms;
	g->input.n_vms = g->n_vms;
	g->input.mappings = g->mappings;
	g->input.n_mappings = g->n_mappings;
	g->input.owner_node = g->owner[0] ? g->owner : NULL;
	g->input.reservations = g->reservations;
	g->input.n_reservations = g->n_reservations;
	g->input.config_path = g->display_path;
	return 0;
}

void assign_gather_free(struct assign_gather *g)
{
	for (size_t i = 0; i < g->n_vms; i++)
		pveconf_vm_free((struct pveconf_vm *)g->vms[i].conf);
	free(g->vms);
	for (size_t i = 0; i < g->n_mappings; i++)
		free(g->mappings[i].alts);
	free(g->mappings);
	free(g->reservations);
	free(g->res_bdfs);
	sysfs_host_free(g->host);
	memset(g, 0, sizeof(*g));
}
