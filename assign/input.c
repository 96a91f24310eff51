/* assign/input.c - the planning input made from the node model of gather/ (local files or the
 * REST API alike): this node's VMs with their config models, this node's alternatives of every
 * mapping (ids and pci.cfg line as pveconf read them: nothing is parsed again), the active
 * reservations, the owner of the VMID.  Pure: no I/O, no printing. */
#include "assign/assign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int assign_input_from_gather(const struct gather_node *g, const char *node, struct assign_input *in,
                             struct assign_input_store *st, struct util_err *e)
{
	const struct pveconf_pci_mappings *all = &g->pci_mappings;

	memset(st, 0, sizeof(*st));
	st->vms = calloc(g->n_vms ? g->n_vms : 1, sizeof(*st->vms));
	st->mappings = calloc(all->n ? all->n : 1, sizeof(*st->mappings));
	if (!st->vms || !st->mappings)
		goto oom;
	for (size_t i = 0; i < g->n_vms; i++) {
		if (!g->confs[i] || strcmp(g->vms[i].node, node) != 0)
			continue;
		st->vms[st->n_vms].vmid = g->vms[i].vmid;
		st->vms[st->n_vms].conf = g->confs[i];
		st->vms[st->n_vms].running = g->vms[i].running;
		st->n_vms++;
	}
	for (size_t i = 0; i < all->n; i++) {
		const struct pveconf_pci_mapping *src = &all->v[i];
		struct assign_mapping *m = &st->mappings[st->n_mappings++];

		if (assign_mapping_from_pveconf(src, node, m) < 0)
			goto oom;
	}
	memset(in, 0, sizeof(*in));
	in->node = node;
	in->host = g->in.host;
	in->vms = st->vms;
	in->n_vms = st->n_vms;
	in->mappings = st->mappings;
	in->n_mappings = st->n_mappings;
	in->reservations = g->reservations;
	in->n_reservations = g->n_reservations;
	in->owner_node = g->owner[0] ? g->owner : NULL;
	in->severity = g->in.severity;
	return 0;
oom:
	assign_input_store_free(st);
	return util_err_set(e, -ENOMEM, _("out of memory"));
}

void assign_input_store_free(struct assign_input_store *st)
{
	for (size_t i = 0; st->mappings && i < st->n_mappings; i++)
		free(st->mappings[i].alts);
	free(st->mappings);
	free(st->vms);
	memset(st, 0, sizeof(*st));
}
