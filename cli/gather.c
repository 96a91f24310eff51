/* cli/gather.c - reads the files the rules need and fills a struct policy_input: VM configs
 * (pveconf/ reader, every section, dropped hostpci values from its diagnostics), the host
 * snapshot (sysfs/), /etc/pve/mapping/pci.cfg, pci-id-reservations, which VMs run, hookscripts,
 * and the settings.  Reads only; never locks (the guard runs while PVE holds the VM lock). */
#include "cli/gather.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "policy/build.h"
#include "pveconf/hostpci.h"
#include "pveconf/runstate.h"
#include "pveconf/storage.h"
#include "pveconf/vmlist.h"
#include "pveconf/node.h"
#include "pveconf/vmconf.h"
#include "util/fileio.h"

static const char *keep(struct cli_gather *g, const char *s)
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

static void warn(struct cli_gather *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct cli_gather *g, const char *fmt, ...)
{
	char **v = realloc(g->warnings, (g->n_warnings + 1) * sizeof(*v));
	va_list ap;

	if (!v)
		return;
	g->warnings = v;
	va_start(ap, fmt);
	if (vasprintf(&v[g->n_warnings], fmt, ap) >= 0)
		g->n_warnings++;
	va_end(ap);
}

/* ------------------------------------------------------------------ settings */

int cli_gather_settings(const struct cli_ctx *ctx, struct cli_gather *g, struct util_err *e)
{
	int r;

	for (int i = 0; i < POLICY_RULE_COUNT; i++)
		g->severity[i] = policy_rule_get((enum policy_rule_id)i)->severity;
	g->in.severity = g->severity;
	/* every id of the registry, whatever its scope: a host rule's severity is a setting of
	 * doctor, and the guard runs guard-scope rules only */
	r = settings_load(ctx->config_path, ctx->config_explicit, policy_rule_names(), &g->settings,
	                  e);
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

/* ------------------------------------------------------------------ running VMs */

static bool vm_running(const struct util_paths *p, unsigned vmid)
{
	return pveconf_vm_running(p, vmid, NULL);
}

/* ------------------------------------------------------------------ mappings, reservations */

/* /etc/pve/mapping/pci.cfg through the pveconf reader; the lines PVE ignores become warnings. */
static int mappings_from(struct cli_gather *g, struct util_err *e);

static int load_mappings(const struct cli_ctx *ctx, struct cli_gather *g, struct util_err *e)
{
	int r = pveconf_pci_mappings_load(&ctx->paths, &g->pci_mappings, e);

	return r < 0 ? r : mappings_from(g, e);
}

int cli_gather_mappings_parse(struct cli_gather *g, const char *text, size_t len,
                              struct util_err *e)
{
	int r = pveconf_pci_mappings_parse(text, len, &g->pci_mappings, e);

	return r < 0 ? r : mappings_from(g, e);
}

/* g->pci_mappings -> g->mappings and g->map_lines. */
static int mappings_from(struct cli_gather *g, struct util_err *e)
{
	struct pveconf_pci_mappings *pm = &g->pci_mappings;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < pm->n_diags; i++) {
		struct util_buf b = {0};

		if (pveconf_mapping_diag_format(&pm->diags[i], PP_ETC_PVE_MAPPING_PCI, &b) == 0)
			warn(g, "%s", util_buf_str(&b));
		util_buf_free(&b);
	}
	for (size_t i = 0; i < pm->n; i++)
		total += pm->v[i].n_maps;
	g->map_lines = calloc(total + 1, sizeof(*g->map_lines));
	g->mappings = calloc(pm->n + 1, sizeof(*g->mappings));
	if (!g->map_lines || !g->mappings)
		return util_err_set(e, -ENOMEM, "out of memory");
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
	return 0;
}

/* The reservations still in force (pid: its VM runs; time: not expired), through pveconf. */
static int load_reservations(const struct cli_ctx *ctx, struct cli_gather *g, struct util_err *e)
{
	struct pveconf_pci_reservations all;
	int r;

	r = pveconf_pci_reservations_load_active(&ctx->paths, (long long)time(NULL), &all, e);
	if (r < 0)
		return r;
	g->reservations = calloc(all.n + 1, sizeof(*g->reservations));
	if (!g->reservations) {
		pveconf_pci_reservations_free(&all);
		return util_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < all.n; i++) {
		g->reservations[g->n_reservations].bdf = keep(g, all.v[i].id);
		g->reservations[g->n_reservations++].vmid = all.v[i].vmid;
	}
	pveconf_pci_reservations_free(&all);
	return 0;
}

/* ------------------------------------------------------------------ hookscripts */

/* "local:snippets/x.sh" -> <root><snippets dir of local>/x.sh (pveconf storage reader). */
static int hook_path(const struct cli_ctx *ctx, struct cli_gather *g, const char *volume, char *out,
                     size_t n)
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
		if (pveconf_storages_load(&ctx->paths, &g->storages, NULL) < 0)
			return -ENOENT;
		g->storages_loaded = true;
	}
	st = pveconf_storage_find(&g->storages, id);
	if (!st || !st->snippets_dir)
		return -ENOENT;
	return util_path(&ctx->paths, out, n, "%s/%s", st->snippets_dir, colon + 10);
}

static void hook_state(const struct cli_ctx *ctx, struct cli_gather *g, struct policy_vm *vm)
{
	char path[PP_PATH_MAX], *data;
	struct stat st;
	size_t len;

	if (!vm->hookscript) {
		vm->hook_state = POLICY_HOOK_NONE;
		return;
	}
	if (hook_path(ctx, g, vm->hookscript, path, sizeof(path)) < 0 || stat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		vm->hook_state = POLICY_HOOK_MISSING;
		return;
	}
	vm->hook_state = st.st_mode & 0111 ? POLICY_HOOK_OK : POLICY_HOOK_NOT_EXECUTABLE;
	if (util_file_read(path, 1 << 16, &data, &len, NULL) == 0) {
		vm->hook_is_guard = strstr(data, "pve-passthrough guard") != NULL;
		free(data);
	}
}

/* ------------------------------------------------------------------ VM configs */

static int add_vm(struct cli_gather *g, struct policy_vm **vm, struct policy_vm_build **st)
{
	if (g->n_vms == g->cap_vms) {
		size_t cap = g->cap_vms ? g->cap_vms * 2 : 32;
		struct policy_vm *v = realloc(g->vms, cap * sizeof(*v));
		struct policy_vm_build **s;
		const char **nm;

		if (!v)
			return -ENOMEM;
		g->vms = v;
		s = realloc(g->store, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		g->store = s;
		nm = realloc(g->names, cap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		g->names = nm;
		g->cap_vms = cap;
	}
	*st = calloc(1, sizeof(**st));
	if (!*st)
		return -ENOMEM;
	*vm = &g->vms[g->n_vms];
	memset(*vm, 0, sizeof(**vm));
	g->store[g->n_vms] = *st;
	g->names[g->n_vms] = NULL;
	g->n_vms++;
	return 0;
}

/* Turns one config model into a policy_vm (policy/build.h).  main_only: the guard judges the
 * main section only (PVE has applied [PENDING] before a normal start).  The caller keeps the
 * model; nothing here points into it. */
static int add_model(struct cli_gather *g, const struct pveconf_vm *conf, unsigned vmid,
                     const char *node, bool main_only, struct util_err *e)
{
	struct policy_vm *vm;
	struct policy_vm_build *st;
	int r;

	r = add_vm(g, &vm, &st);
	if (r < 0)
		return util_err_set(e, r, "out of memory");
	r = policy_vm_build(conf, vmid, node, main_only ? POLICY_BUILD_MAIN : POLICY_BUILD_ALL, st,
	                    e);
	if (r < 0)
		return r;
	*vm = st->vm;
	g->names[g->n_vms - 1] = st->name;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	return 0;
}

int cli_gather_add_config(struct cli_gather *g, const struct pveconf_vm *conf, unsigned vmid,
                          const char *node, struct util_err *e)
{
	return add_model(g, conf, vmid, node, false, e);
}

const char *cli_gather_keep(struct cli_gather *g, const char *s)
{
	return keep(g, s);
}

static int load_vm(const struct cli_ctx *ctx, struct cli_gather *g, const char *path, unsigned vmid,
                   const char *node, bool main_only, struct util_err *e)
{
	struct pveconf_vm *conf;
	int r;

	(void)ctx;
	r = pveconf_vm_load(path, &conf, e);
	if (r < 0)
		return r;
	r = add_model(g, conf, vmid, node, main_only, e);
	pveconf_vm_free(conf);
	return r;
}

/* Every qemu config of this node (or of every node), in vmid order (pveconf enumeration). */
static int gather_audit(const struct cli_ctx *ctx, const struct cli_gather_opts *o,
                        struct cli_gather *g, struct util_err *e)
{
	struct pveconf_vmrefs refs;
	char path[PP_PATH_MAX];
	int r;

	r = pveconf_vms_scan(&ctx->paths, o->cluster ? NULL : ctx->node, &refs, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < refs.n && r == 0; i++) {
		const struct pveconf_vmref *ref = &refs.v[i];
		bool here = strcmp(ref->node, ctx->node) == 0;

		if (util_path(&ctx->paths, path, sizeof(path),
		              PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", ref->node, ref->vmid) < 0)
			continue;
		r = load_vm(ctx, g, path, ref->vmid, ref->node, false, e);
		if (r == 0) {
			struct policy_vm *vm = &g->vms[g->n_vms - 1];

			vm->running = here && vm_running(&ctx->paths, ref->vmid);
			hook_state(ctx, g, vm);
		} else if (r != -ENOMEM) {
			warn(g, "%s", e->msg); /* one unreadable config does not stop the audit */
			r = 0;
		}
	}
	pveconf_vmrefs_free(&refs);
	return r;
}

/* The guard: the starting VM (main section) and the VMs that run now (their main sections). */
static int gather_guard(const struct cli_ctx *ctx, const struct cli_gather_opts *o,
                        struct cli_gather *g, struct util_err *e)
{
	char path[PP_PATH_MAX], dir[PP_PATH_MAX];
	struct dirent **ents = NULL;
	int n, r;

	if (o->migrated_from && *o->migrated_from) {
		if (pveconf_node_name_valid(o->migrated_from) < 0)
			return util_err_set(e, -EINVAL, "PVE_MIGRATED_FROM '%s' is not a node name",
			                    o->migrated_from);
		util_path(&ctx->paths, path, sizeof(path),
		          PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf", o->migrated_from, o->vmid);
	} else {
		util_path(&ctx->paths, path, sizeof(path), PP_ETC_PVE_QEMU "/%u.conf", o->vmid);
	}
	r = load_vm(ctx, g, path, o->vmid, ctx->node, true, e);
	if (r < 0)
		return r;
	util_path(&ctx->paths, dir, sizeof(dir), PP_RUN_QEMU_SERVER);
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *dot = strrchr(ents[i]->d_name, '.');
		unsigned vmid;

		if (r == 0 && dot && strcmp(dot, ".pid") == 0) {
			*dot = 0;
			if (pveconf_vmid_parse(ents[i]->d_name, &vmid) == 0 && vmid != o->vmid &&
			    vm_running(&ctx->paths, vmid)) {
				struct util_err le = {0};

				util_path(&ctx->paths, path, sizeof(path),
				          PP_ETC_PVE_QEMU "/%u.conf", vmid);
				r = load_vm(ctx, g, path, vmid, ctx->node, true, &le);
				if (r == 0)
					g->vms[g->n_vms - 1].running = true;
				else if (r != -ENOMEM)
					r = 0; /* a running VM without a config here: not ours */
			}
		}
		free(ents[i]);
	}
	free(ents);
	return r == -ENOMEM ? util_err_set(e, r, "out of memory") : 0;
}

int cli_gather_run(const struct cli_ctx *ctx, const struct cli_gather_opts *o, struct cli_gather *g,
                   struct util_err *e)
{
	int r;

	if (!ctx->node[0])
		return util_err_set(e, -ENOENT, "%s", ctx->node_error);
	if (o->host) {
		g->in.host = o->host; /* the caller's, with its warnings already told */
	} else {
		/* the rules use no module parameters: leaving them out saves a third of the reads */
		r = sysfs_host_read_flags(
		        &ctx->paths, (o->read_names ? SYSFS_READ_NAMES : 0) | SYSFS_READ_NO_PARAMS,
		        &g->host, e);
		if (r < 0)
			return r;
		for (size_t i = 0; i < g->host->n_warnings; i++)
			warn(g, "%s", g->host->warnings[i]);
		g->in.host = g->host;
	}
	r = load_mappings(ctx, g, e);
	if (r == 0)
		r = load_reservations(ctx, g, e);
	if (r == 0)
		r = o->mode == POLICY_MODE_GUARD ? gather_guard(ctx, o, g, e)
		                                 : gather_audit(ctx, o, g, e);
	if (r < 0)
		return r;
	g->in.mode = o->mode;
	g->in.guard_vmid = o->vmid;
	g->in.node = ctx->node;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	g->in.mappings = g->mappings;
	g->in.n_mappings = g->n_mappings;
	g->in.reservations = g->reservations;
	g->in.n_reservations = g->n_reservations;
	g->in.severity = g->severity;
	return 0;
}

const char *cli_gather_vm_name(const struct cli_gather *g, unsigned vmid)
{
	for (size_t i = 0; i < g->n_vms; i++)
		if (g->vms[i].vmid == vmid)
			return g->names[i];
	return NULL;
}

void cli_gather_free(struct cli_gather *g)
{
	for (size_t i = 0; i < g->n_vms; i++) {
		policy_vm_build_free(g->store[i]);
		free(g->store[i]);
	}
	free(g->store);
	free(g->vms);
	free(g->names);
	free(g->mappings);
	free(g->map_lines);
	pveconf_pci_mappings_free(&g->pci_mappings);
	if (g->storages_loaded)
		pveconf_storages_free(&g->storages);
	free(g->reservations);
	for (size_t i = 0; i < g->n_strings; i++)
		free(g->strings[i]);
	free(g->strings);
	for (size_t i = 0; i < g->n_warnings; i++)
		free(g->warnings[i]);
	free(g->warnings);
	if (g->host)
		sysfs_host_free(g->host);
	settings_free(&g->settings);
	memset(g, 0, sizeof(*g));
}
