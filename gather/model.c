/* gather/model.c - the parts of the node model both producers share: owned strings and warnings,
 * one VM from its config model (policy/build.h makes the rules' view), the mappings' view for
 * the rules (pointing into pveconf's model: no second parse), the settings, and freeing.
 * No I/O but settings_load(). */
#include "gather/model.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"

const char *gather_keep(struct gather_node *g, const char *s)
{
	char *c;

	if (!s)
		return NULL;
	if (g->n_strings == g->cap_strings) {
		size_t cap = g->cap_strings ? g->cap_strings * 2 : 64;
		char **v = realloc(g->strings, cap * sizeof(*v));

		if (!v)
			return NULL;
		g->strings = v;
		g->cap_strings = cap;
	}
	c = strdup(s);
	if (c)
		g->strings[g->n_strings++] = c;
	return c;
}

/* Appends a formatted message to a list of owned strings (dropped when out of memory). */
static void list_addv(char ***list, size_t *n, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));
static void list_addv(char ***list, size_t *n, const char *fmt, va_list ap)
{
	char **v = realloc(*list, (*n + 1) * sizeof(*v));

	if (!v)
		return;
	*list = v;
	if (vasprintf(&v[*n], fmt, ap) >= 0)
		(*n)++;
}

void gather_warn(struct gather_node *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	list_addv(&g->warnings, &g->n_warnings, fmt, ap);
	va_end(ap);
}

void gather_unread_add(struct gather_node *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	list_addv(&g->unread, &g->n_unread, fmt, ap);
	va_end(ap);
}

int gather_settings(const char *config_path, bool explicit_path, struct gather_node *g,
                    struct util_err *e)
{
	int r;

	for (int i = 0; i < POLICY_RULE_COUNT; i++)
		g->severity[i] = policy_rule_get((enum policy_rule_id)i)->severity;
	g->in.severity = g->severity;
	/* every id of the registry, whatever its scope: a host rule's severity is a setting of
	 * doctor, and the guard runs guard-scope rules only */
	r = settings_load(config_path, explicit_path, policy_rule_names(), &g->settings, e);
	if (r < 0) {
		settings_defaults(&g->settings);
		return r;
	}
	for (size_t i = 0; i < g->settings.n_rules; i++) {
		const struct settings_rule *sr = &g->settings.rules[i];
		const struct policy_rule *rule = policy_rule_find(sr->name);

		if (rule && sr->severity[0])
			policy_severity_parse(sr->severity, &g->severity[rule->id]);
	}
	return 0;
}

static int grow(struct gather_node *g)
{
	size_t cap = g->cap_vms ? g->cap_vms * 2 : 32;
	struct policy_vm *v = realloc(g->vms, cap * sizeof(*v));
	struct policy_vm_build **s;
	struct pveconf_vm **c;
	const char **nm, **dg;

	if (!v)
		return -ENOMEM;
	g->vms = v;
	if (!(s = realloc(g->store, cap * sizeof(*s))))
		return -ENOMEM;
	g->store = s;
	if (!(c = realloc(g->confs, cap * sizeof(*c))))
		return -ENOMEM;
	g->confs = c;
	if (!(nm = realloc(g->names, cap * sizeof(*nm))))
		return -ENOMEM;
	g->names = nm;
	if (!(dg = realloc(g->digests, cap * sizeof(*dg))))
		return -ENOMEM;
	g->digests = dg;
	g->cap_vms = cap;
	return 0;
}

int gather_vm_add(struct gather_node *g, struct pveconf_vm *conf, unsigned vmid, const char *node,
                  bool main_only, bool keep, struct util_err *e)
{
	struct policy_vm_build *st;
	size_t i = g->n_vms;
	int r;

	if ((g->n_vms == g->cap_vms && grow(g) < 0) || !(st = calloc(1, sizeof(*st)))) {
		if (keep)
			pveconf_vm_free(conf);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	g->store[i] = st;
	g->confs[i] = keep ? conf : NULL;
	g->names[i] = NULL;
	g->digests[i] = NULL;
	memset(&g->vms[i], 0, sizeof(g->vms[i]));
	g->n_vms++;
	r = policy_vm_build(conf, vmid, node, main_only ? POLICY_BUILD_MAIN : POLICY_BUILD_ALL, st,
	                    e);
	if (r < 0)
		return r;
	g->vms[i] = st->vm;
	g->names[i] = st->name;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	return 0;
}

int gather_mappings_view(struct gather_node *g, const char *file, struct util_err *e)
{
	struct pveconf_pci_mappings *pm = &g->pci_mappings;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < pm->n_diags; i++) {
		struct util_buf b = {0};

		if (pveconf_mapping_diag_format(&pm->diags[i], file, &b) == 0)
			gather_warn(g, "%s", util_buf_str(&b));
		util_buf_free(&b);
	}
	for (size_t i = 0; i < pm->n; i++)
		total += pm->v[i].n_maps;
	free(g->map_lines);
	free(g->mappings);
	g->n_mappings = 0;
	g->map_lines = calloc(total + 1, sizeof(*g->map_lines));
	g->mappings = calloc(pm->n + 1, sizeof(*g->mappings));
	if (!g->map_lines || !g->mappings)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < pm->n; i++) {
		const struct pveconf_pci_mapping *src = &pm->v[i];
		struct policy_mapping *m = &g->mappings[g->n_mappings++];

		m->name = src->name;
		m->mdev = src->mdev == PVECONF_ON;
		m->maps = &g->map_lines[k];
		for (size_t j = 0; j < src->n_maps; j++) {
			const struct pveconf_pci_map *pm1 = &src->maps[j];
			struct policy_map_line *ml = &g->map_lines[k++];

			ml->node = pm1->node;
			ml->path = pm1->path;
			ml->ids = pm1->ids;
			ml->n_ids = pm1->n_ids;
			ml->id = pm1->id[0] ? pm1->id : NULL;
			ml->subsystem_id = pm1->subsystem_id[0] ? pm1->subsystem_id : NULL;
			ml->iommugroup = pm1->has_iommugroup ? (int)pm1->iommugroup : -1;
			ml->iommugroup_text = pm1->iommugroup_text;
			ml->raw = pm1->raw;
			ml->line = pm1->line;
			m->n_maps++;
		}
	}
	g->n_map_lines = k;
	g->in.mappings = g->mappings;
	g->in.n_mappings = g->n_mappings;
	return 0;
}

void gather_input_finish(struct gather_node *g, const char *node, unsigned flags, unsigned vmid)
{
	g->in.mode = flags & GATHER_GUARD ? POLICY_MODE_GUARD : POLICY_MODE_AUDIT;
	g->in.guard_vmid = flags & GATHER_GUARD ? vmid : 0;
	g->in.node = node;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	g->in.mappings = g->mappings;
	g->in.n_mappings = g->n_mappings;
	g->in.reservations = g->reservations;
	g->in.n_reservations = g->n_reservations;
	g->in.temp_files = g->temp_files;
	g->in.n_temp_files = g->n_temp_files;
	g->in.other_hosts = g->hosts.v;
	g->in.n_other_hosts = g->hosts.n;
	g->in.hook_only = g->hook_only;
	g->in.n_hook_only = g->n_hook_only;
	g->in.severity = g->severity;
}

const char *gather_vm_name(const struct gather_node *g, unsigned vmid)
{
	for (size_t i = 0; i < g->n_vms; i++)
		if (g->vms[i].vmid == vmid)
			return g->names[i];
	return NULL;
}

void gather_free(struct gather_node *g)
{
	for (size_t i = 0; i < g->n_vms; i++) {
		policy_vm_build_free(g->store[i]);
		free(g->store[i]);
		if (g->confs[i])
			pveconf_vm_free(g->confs[i]);
	}
	free(g->store);
	free(g->confs);
	free(g->vms);
	free(g->hook_only);
	free(g->names);
	free(g->digests);
	free(g->mappings);
	free(g->map_lines);
	pveconf_pci_mappings_free(&g->pci_mappings);
	if (g->storages_loaded)
		pveconf_storages_free(&g->storages);
	free(g->reservations);
	util_strv_free(g->temp_files, g->n_temp_files);
	for (size_t i = 0; i < g->hosts.n; i++)
		if (g->hosts.owned[i])
			sysfs_host_free(g->hosts.owned[i]);
	free(g->hosts.v);
	free(g->hosts.owned);
	free(g->pve_checks);
	free(g->pve_mappings);
	for (size_t i = 0; i < g->n_strings; i++)
		free(g->strings[i]);
	free(g->strings);
	for (size_t i = 0; i < g->n_warnings; i++)
		free(g->warnings[i]);
	free(g->warnings);
	for (size_t i = 0; i < g->n_unread; i++)
		free(g->unread[i]);
	free(g->unread);
	if (g->host)
		sysfs_host_free(g->host);
	settings_free(&g->settings);
	memset(g, 0, sizeof(*g));
}
