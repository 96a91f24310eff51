/* policy/expand.c - turns a parsed hostpci entry into the devices PVE would pass for it.
 * Pure: reads only the plain input structs.  Must not parse the hostpci grammar itself (the
 * gatherer did that with pveconf_hostpci_parse). */
#include "policy/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_bdf(const char *bdf, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn)
{
	char tail;

	return sscanf(bdf, "%x:%x:%x.%x%c", dom, bus, slot, fn, &tail) == 4;
}

bool policy_id_match(const struct pveconf_pci_id *id, const char *bdf)
{
	unsigned dom, bus, slot, fn;

	if (!parse_bdf(bdf, &dom, &bus, &slot, &fn))
		return false;
	if ((id->has_domain ? id->domain : 0) != dom || id->bus != bus || id->slot != slot)
		return false;
	return !id->has_function || id->function == fn;
}

static bool hexn(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

int policy_map_path_parse(const char *path, struct pveconf_pci_id *ids, size_t max)
{
	size_t n = 0;
	const char *p = path;

	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct pveconf_pci_id id = {0};
		char part[32];

		if (len == 0 || len >= sizeof(part) || n >= max)
			return -1;
		memcpy(part, p, len);
		part[len] = 0;
		/* dddd:bb:ss.f, bb:ss.f, dddd:bb:ss or bb:ss */
		if (len == 12 && hexn(part, 4) && part[4] == ':' && hexn(part + 5, 2) &&
		    part[7] == ':' && hexn(part + 8, 2) && part[10] == '.' && hexn(part + 11, 1)) {
			id.has_domain = id.has_function = true;
			sscanf(part, "%x:%x:%x.%x", &id.domain, &id.bus, &id.slot, &id.function);
		} else if (len == 7 && hexn(part, 2) && part[2] == ':' && hexn(part + 3, 2) &&
		           part[5] == '.' && hexn(part + 6, 1)) {
			id.has_function = true;
			sscanf(part, "%x:%x.%x", &id.bus, &id.slot, &id.function);
		} else if (len == 10 && hexn(part, 4) && part[4] == ':' && hexn(part + 5, 2) &&
		           part[7] == ':' && hexn(part + 8, 2)) {
			id.has_domain = true;
			sscanf(part, "%x:%x:%x", &id.domain, &id.bus, &id.slot);
		} else if (len == 5 && hexn(part, 2) && part[2] == ':' && hexn(part + 3, 2)) {
			sscanf(part, "%x:%x", &id.bus, &id.slot);
		} else {
			return -1;
		}
		ids[n++] = id;
		p += len;
		if (*p == ';')
			p++;
	}
	return (int)n;
}

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
			if (policy_id_match(&ids[i], host->devices[d].bdf)) {
				alt_add(a, host->devices[d].bdf);
				found++;
			}
		}
		if (!found && !a->missing[0])
			snprintf(a->missing, sizeof(a->missing), "%s", text);
	}
}

void policy_entry_expand(const struct policy_input *in, const struct policy_vm *vm,
                         const struct policy_section *sec, const struct policy_hostpci *hp,
                         struct policy_entry *out)
{
	const struct pveconf_hostpci *p = &hp->parsed;
	bool here = in->node && vm->node && strcmp(in->node, vm->node) == 0;
	const struct sysfs_host *host = here ? in->host : NULL;

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
			struct pveconf_pci_id ids[PVECONF_HOSTPCI_MAX_IDS];
			int n;

			if (!ml->node || !vm->node || strcmp(ml->node, vm->node) != 0)
				continue;
			if (out->n_alts >= POLICY_ENTRY_MAX_ALTS)
				break;
			n = ml->path ? policy_map_path_parse(ml->path, ids, PVECONF_HOSTPCI_MAX_IDS)
			             : -1;
			out->alts[out->n_alts].map = ml;
			if (n > 0)
				alt_fill(host, ids, out->mdev ? 1 : (size_t)n,
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
