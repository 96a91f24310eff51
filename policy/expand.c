/* policy/expand.c - turns a parsed hostpci entry into the devices PVE would pass for it.
 * Pure: reads only the plain input structs.  Must not parse the hostpci grammar itself (the
 * gatherer did that with pveconf_hostpci_parse). */
#include "policy/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void format_id(const struct pveconf_pci_id *id, char *buf, size_t n)
{
	if (id->has_function)
		snprintf(buf, n, "%04x:%02x:%02x.%x", id->has_domain ? id->domain : 0, id->bus,
		         id->slot, id->function);
	else
		snprintf(buf, n, "%04x:%02x:%02x", id->has_domain ? id->domain : 0, id->bus,
		         id->slot);
}

static void alt_add(struct policy_alt *a, const char *bdf)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (strcmp(a->devs[i], bdf) == 0)
			return;
	if (a->n_devs < POLICY_ALT_MAX_DEVS)
		snprintf(a->devs[a->n_devs++], SYSFS_BDF_LEN, "%s", bdf);
}

/* Adds every device the ids name to the alternative (all of them for a passed entry, only the
 * first id for an mdev parent). */
static void alt_fill(const struct sysfs_host *host, const struct pveconf_pci_id *ids, size_t n,
                     struct policy_alt *a)
{
	for (size_t i = 0; i < n; i++) {
		size_t found = 0;
		char text[SYSFS_BDF_LEN];

		if (!ids[i].has_function)
			a->slot_wide = true;
		format_id(&ids[i], text, sizeof(text));
		if (!host) {
			alt_add(a, text);
			continue;
		}
		for (size_t d = 0; d < host->n_devices; d++) {
			if (pveconf_pci_id_match(&ids[i], host->devices[d].bdf)) {
				alt_add(a, host->devices[d].bdf);
				found++;
			}
		}
		if (!found && !a->missing[0])
			snprintf(a->missing, sizeof(a->missing), "%s", text);
	}
}

const struct sysfs_host *policy_host_of(const struct policy_input *in, const char *node)
{
	if (!node)
		return NULL;
	if (in->node && strcmp(in->node, node) == 0)
		return in->host;
	for (size_t i = 0; i < in->n_other_hosts; i++)
		if (in->other_hosts[i].node && strcmp(in->other_hosts[i].node, node) == 0)
			return in->other_hosts[i].host;
	return NULL;
}

void policy_entry_expand(const struct policy_input *in, const struct policy_vm *vm,
                         const struct policy_section *sec, const struct policy_hostpci *hp,
                         struct policy_entry *out)
{
	const struct pveconf_hostpci *p = &hp->parsed;
	const struct sysfs_host *host = policy_host_of(in, vm->node);

	memset(out, 0, sizeof(*out));
	out->vm = vm;
	out->sec = sec;
	out->hp = hp;
	out->mdev = p->mdev[0] != 0;
	if (p->mapping[0]) {
		out->via = POLICY_VIA_MAPPING;
		for (size_t m = 0; m < in->n_mappings; m++)
			if (strcmp(in->mappings[m].name, p->mapping) == 0)
				out->mapping = &in->mappings[m];
		if (!out->mapping)
			return;
		for (size_t l = 0; l < out->mapping->n_maps; l++) {
			const struct policy_map_line *ml = &out->mapping->maps[l];
			if (!ml->node || !vm->node || strcmp(ml->node, vm->node) != 0)
				continue;
			if (out->n_alts >= POLICY_ENTRY_MAX_ALTS)
				break;
			out->alts[out->n_alts].map = ml;
			if (ml->n_ids > 0) /* path= as pveconf's reader parsed it */
				alt_fill(host, ml->ids,
				         out->mdev ? 1
				                   : (ml->n_ids < PVECONF_HOSTPCI_MAX_IDS
				                              ? ml->n_ids
				                              : PVECONF_HOSTPCI_MAX_IDS),
				         &out->alts[out->n_alts]);
			else
				snprintf(out->alts[out->n_alts].missing, SYSFS_BDF_LEN, "%s",
				         ml->path ? ml->path : "(no path)");
			out->n_alts++;
		}
		return;
	}
	out->via = p->n_ids > 1 ? POLICY_VIA_LIST : POLICY_VIA_HOST;
	if (p->n_ids == 0)
		return;
	out->n_alts = 1;
	alt_fill(host, p->ids, out->mdev ? 1 : p->n_ids, &out->alts[0]);
}
