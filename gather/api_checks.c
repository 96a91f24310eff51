/* gather/api_checks.c - PVE's own mapping checks in the API node model: which nodes hold VMs that
 * use mappings (those audit --api asks GET /cluster/mapping/pci?check-node= about), and their
 * answers put on the nodes' entries, where policy/ takes them instead of judging the map lines
 * itself.  Reads no file; prints nothing. */
#include "gather/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pveapi/mapchecks.h"
#include "util/i18n.h"

static bool uses_mapping(const struct policy_vm *vm)
{
	for (size_t s = 0; s < vm->n_sections; s++)
		for (size_t h = 0; h < vm->sections[s].n_hostpci; h++) {
			const struct policy_hostpci *hp = &vm->sections[s].hostpci[h];

			if (hp->valid && hp->parsed.mapping[0])
				return true;
		}
	return false;
}

/* the API's name of a node label ("edge/pve1" -> "pve1") */
static const char *api_name(const char *label, const char *prefix)
{
	size_t pl = prefix ? strlen(prefix) : 0;

	return pl && strncmp(label, prefix, pl) == 0 ? label + pl : label;
}

size_t gather_api_mapping_nodes(const struct gather_node *g, const char *prefix, const char **out,
                                size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_vms && n < max; i++) {
		const char *node;
		bool seen = false;

		if (!g->vms[i].node || !uses_mapping(&g->vms[i]))
			continue;
		node = api_name(g->vms[i].node, prefix);
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(out[k], node) == 0;
		if (!seen)
			out[n++] = node;
	}
	return n;
}

static struct policy_node_host *host_entry(struct gather_node *g, const char *prefix,
                                           const char *node)
{
	for (size_t i = 0; i < g->hosts.n; i++)
		if (g->hosts.v[i].node && strcmp(api_name(g->hosts.v[i].node, prefix), node) == 0)
			return &g->hosts.v[i];
	return NULL;
}

/* PVE's message without its final newline (assert_valid's die text keeps one) */
static const char *trimmed(struct gather_node *g, const char *s)
{
	size_t n = strlen(s);
	char *c;
	const char *kept;

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	c = strndup(s, n);
	if (!c)
		return NULL;
	kept = gather_keep(g, c);
	free(c);
	return kept;
}

int gather_api_mapping_checks(struct gather_node *g, const char *prefix,
                              const struct pveapi_node_map_checks *v, size_t n, struct util_err *e)
{
	size_t total = 0, names = 0, k = 0, l = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; !v[i].err && m < v[i].nmappings; m++) {
			total += v[i].mappings[m].nchecks;
			names++;
		}
	free(g->pve_checks);
	free(g->pve_mappings);
	g->pve_checks = calloc(total + 1, sizeof(*g->pve_checks));
	g->pve_mappings = calloc(names + 1, sizeof(*g->pve_mappings));
	g->n_pve_checks = 0;
	if (!g->pve_checks || !g->pve_mappings)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		struct policy_node_host *nh = host_entry(g, prefix, v[i].node);

		if (!nh || v[i].err)
			continue;
		nh->has_pve_checks = true;
		nh->pve_checks = &g->pve_checks[k];
		nh->n_pve_checks = 0;
		nh->pve_mappings = &g->pve_mappings[l];
		nh->n_pve_mappings = 0;
		for (size_t m = 0; m < v[i].nmappings; m++) {
			const struct pveapi_map_checks *mc = &v[i].mappings[m];

			if (!mc->has_checks) /* a PVE that ignored check-node: no verdict */
				continue;
			if (!(g->pve_mappings[l++] = gather_keep(g, mc->id)))
				return util_err_set(e, -ENOMEM, _("out of memory"));
			nh->n_pve_mappings++;
			for (size_t c = 0; c < mc->nchecks; c++) {
				struct policy_pve_check *x = &g->pve_checks[k];

				x->mapping = gather_keep(g, mc->id);
				x->message = trimmed(g, mc->checks[c].message);
				x->error = strcmp(mc->checks[c].severity, "warning") != 0;
				if (!x->mapping || !x->message)
					return util_err_set(e, -ENOMEM, _("out of memory"));
				k++;
				nh->n_pve_checks++;
			}
		}
	}
	g->n_pve_checks = k;
	return 0;
}
