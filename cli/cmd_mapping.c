/* cli/cmd_mapping.c - `mapping create NAME` (a PCI resource mapping with one valid map line per VF
 * of this node's iGPU: a VF pool that HA and migration can use) and `mapping check [NAME]` (each
 * map line of this node judged as PVE judges it at VM start), in text or JSON.  pci.cfg is read and
 * written by pveconf/mapping.c (PVE's reader and writer), under pmxcfs' lock for it
 * (pveconf/cfslock.c), with the atomic write of util/; the lines come from policy/mapcheck.c, which
 * also judges them.  With --api the node's hardware and the mappings come from the REST API and
 * the mapping is written with POST/PUT /cluster/mapping/pci (cli/api_mapping.c). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/api.h"
#include "cli/cli.h"
#include "policy/mapcheck.h"
#include "pveconf/cfslock.h"
#include "pveconf/mapping.h"
#include "pveconf/seccfg.h"
#include "sysfs/host.h"
#include "util/diff.h"
#include "util/fileio.h"
#include "util/hash.h"

#define CFS_LOCK_TIMEOUT_MS 10000 /* PVE's cfs_lock_file default */
#define FORMATS             0x3   /* text, json */

static void print_diags(const struct cli_ctx *ctx, const struct pveconf_pci_mappings *m)
{
	for (size_t i = 0; i < m->n_diags; i++) {
		struct util_buf b = {0};

		if (pveconf_mapping_diag_format(&m->diags[i], PP_ETC_PVE_MAPPING_PCI, &b) == 0)
			cli_warn(ctx, "%s", util_buf_str(&b));
		util_buf_free(&b);
	}
}

static void json_print(json_t *o)
{
	if (o) {
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(o);
}

/* The map_line policy/ judges, from a line of pveconf's reader. */
static void to_policy(const struct pveconf_pci_map *pm, struct policy_map_line *ml)
{
	memset(ml, 0, sizeof(*ml));
	ml->node = pm->node;
	ml->path = pm->path;
	ml->id = pm->id[0] ? pm->id : NULL;
	ml->subsystem_id = pm->subsystem_id[0] ? pm->subsystem_id : NULL;
	ml->iommugroup = pm->has_iommugroup ? (int)pm->iommugroup : -1;
	ml->iommugroup_text = pm->iommugroup_text;
	ml->raw = pm->raw;
	ml->line = pm->line;
}

static const char *kind_name(enum policy_mapcheck_kind k)
{
	switch (k) {
	case POLICY_MAPCHECK_DEVICE_MISSING: return "device-missing";
	case POLICY_MAPCHECK_MISSING: return "missing";
	case POLICY_MAPCHECK_UNEXPECTED: return "unexpected";
	default: return "different";
	}
}

/* One line's verdict as JSON. */
static json_t *verdict_json(const struct pveconf_pci_map *pm, const struct policy_mapcheck *r,
                            const char *what, const char *fix)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:b}", "line", (json_int_t)pm->line, "path", pm->path,
	                      "map", pm->raw ? pm->raw : "", "valid", r->valid);
	json_t *ps = json_array();

	if (!o || !ps || r->valid) {
		json_decref(ps);
		return o;
	}
	for (size_t i = 0; i < r->n_problems; i++) {
		const struct policy_mapcheck_problem *p = &r->problems[i];

		json_array_append_new(ps, json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "kind",
		                                    kind_name(p->kind), "device", p->device,
		                                    "property", p->property[0] ? p->property : NULL,
		                                    "expected", p->expected[0] ? p->expected : NULL,
		                                    "found", p->found[0] ? p->found : NULL));
	}
	json_object_set_new(o, "problem", json_string(what));
	json_object_set_new(o, "pve_message", json_string(r->pve_message));
	json_object_set_new(o, "fix", json_string(fix));
	json_object_set_new(o, "fixed_map", r->fix_map[0] ? json_string(r->fix_map) : json_null());
	json_object_set_new(o, "fixed_mdev",
	                    r->fix_mdev >= 0 ? json_integer(r->fix_mdev) : json_null());
	json_object_set_new(o, "problems", ps);
	return o;
}

/* The verdict of every map line of node in mapping s, printed (text) or appended to arr (JSON);
 * returns how many are invalid. */
static size_t check_one(const struct sysfs_host *h, const char *node,
                        const struct pveconf_pci_mapping *s, json_t *arr)
{
	json_t *lines = arr ? json_array() : NULL;
	size_t bad = 0, mine = 0;

	for (size_t i = 0; i < s->n_maps; i++) {
		const struct pveconf_pci_map *pm = &s->maps[i];
		struct policy_map_line ml;
		struct policy_mapcheck r;
		char what[256] = "", fix[1200] = "";

		if (strcmp(pm->node, node) != 0)
			continue;
		mine++;
		to_policy(pm, &ml);
		policy_mapcheck_line(h, s->name, s->mdev == PVECONF_ON, &ml, &r);
		if (!r.valid) {
			bad++;
			policy_mapcheck_describe(&r, what, sizeof(what));
			policy_mapcheck_fix(&r, s->name, pm->line, fix, sizeof(fix));
		}
		if (lines) {
			json_array_append_new(lines, verdict_json(pm, &r, what, fix));
			continue;
		}
		if (r.valid) {
			printf(_("%-16s pci.cfg line %-4u %-28s valid\n"), s->name, pm->line,
			       pm->path);
			continue;
		}
		printf(_("%-16s pci.cfg line %-4u %-28s INVALID %s\n"), s->name, pm->line, pm->path,
		       what);
		printf(_("%-16s   PVE refuses the start: %s\n"), "", r.pve_message);
		printf(_("%-16s   fix: %s\n"), "", fix);
	}
	if (arr) {
		char msg[300];

		snprintf(msg, sizeof(msg), _("No mapping for node %s."), node);
		json_array_append_new(arr, json_pack("{s:s,s:b,s:o,s:s?}", "name", s->name, "mdev",
		                                     s->mdev == PVECONF_ON, "lines", lines,
		                                     "pve_message", mine ? NULL : msg));
	} else if (!mine) {
		printf(_("%-16s %-37s No mapping for node %s.\n"), s->name, "", node);
	}
	return bad;
}

static int cli_cmd_mapping_check(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	struct pveconf_pci_mappings m;
	struct sysfs_host *h = NULL;
	struct util_err e = {0};
	const char *name = NULL;
	json_t *arr = NULL;
	size_t bad = 0, seen = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && cli_set_format(ctx, optarg, FORMATS) == 0)
			continue;
		if (c == 'f')
			return CLI_EXIT_USAGE;
		return cli_unknown_option(ctx, "mapping", argv[optind - 1]);
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "mapping", _("unexpected argument '%s'"), argv[optind]);
	if ((r = cli_need_node(ctx)))
		return r;
	if (pveconf_pci_mappings_load(&ctx->paths, &m, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	print_diags(ctx, &m);
	if (sysfs_host_read_flags(&ctx->paths, SYSFS_READ_NO_PARAMS, &h, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		pveconf_pci_mappings_free(&m);
		return CLI_EXIT_FAIL;
	}
	if (ctx->format == CLI_FORMAT_JSON)
		arr = json_array();
	for (size_t i = 0; i < m.n; i++) {
		if (name && strcmp(m.v[i].name, name) != 0)
			continue;
		seen++;
		bad += check_one(h, ctx->node, &m.v[i], arr);
	}
	if (name && !seen) {
		cli_error(ctx, _("no mapping '%s' in %s"), name, PP_ETC_PVE_MAPPING_PCI);
		json_decref(arr);
		arr = NULL;
		r = CLI_EXIT_FOUND;
	} else {
		if (!seen && !arr)
			printf(_("no PCI mappings in %s\n"), PP_ETC_PVE_MAPPING_PCI);
		r = bad ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	}
	if (arr)
		json_print(json_pack("{s:i,s:s,s:s,s:o,s:I}", "schema_version", 1, "node",
		                     ctx->node, "file", PP_ETC_PVE_MAPPING_PCI, "mappings", arr,
		                     "invalid", (json_int_t)bad));
	sysfs_host_free(h);
	pveconf_pci_mappings_free(&m);
	return r;
}

/* The iGPU PF whose VFs make the pool: --pf, or the one Intel display PF with VFs. */
static const struct sysfs_device *pick_pf(const struct cli_ctx *ctx, const struct sysfs_host *h,
                                          const char *want, int *rc)
{
	const struct sysfs_device *pf = NULL;

	if (want) {
		pf = sysfs_host_find(h, want);
		if (!pf || pf->role != SYSFS_ROLE_PF || pf->n_vfs == 0) {
			cli_error(ctx,
			          _("%s is not an SR-IOV PF with active VFs on node %s "
			            "(pve-passthrough status shows the PFs and their VFs)"),
			          want, ctx->node);
			*rc = CLI_EXIT_FOUND;
			return NULL;
		}
		return pf;
	}
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];

		if (d->role != SYSFS_ROLE_PF || d->n_vfs == 0 || !d->platform)
			continue;
		if (pf) {
			cli_error(
			        ctx,
			        _("more than one iGPU PF with VFs (%s, %s): choose one with --pf"),
			        pf->bdf, d->bdf);
			*rc = CLI_EXIT_USAGE;
			return NULL;
		}
		pf = d;
	}
	if (!pf) {
		cli_error(
		        ctx,
		        _("node %s has no iGPU with active VFs: create them first "
		          "(pve-passthrough host setup sriov, host vfs N), or name a PF with --pf"),
		        ctx->node);
		*rc = CLI_EXIT_FOUND;
	}
	return pf;
}

/* --vfs all|LIST: LIST is comma-separated VF numbers (virtfnN: 0, 1, ...) or full addresses. */
static int pick_vfs(const struct cli_ctx *ctx, const struct sysfs_device *pf, const char *spec,
                    bool *take)
{
	char *copy, *save = NULL;

	for (size_t i = 0; i < pf->n_vfs; i++)
		take[i] = !spec || strcmp(spec, "all") == 0;
	if (!spec || strcmp(spec, "all") == 0)
		return 0;
	copy = strdup(spec);
	if (!copy)
		return CLI_EXIT_FAIL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long n = strtoul(t, &end, 10);
		bool found = false;

		for (size_t i = 0; i < pf->n_vfs; i++)
			if ((*end == '\0' && end != t && n == i) || strcmp(t, pf->vfs[i]) == 0) {
				take[i] = true;
				found = true;
			}
		if (!found) {
			int r = cli_usage_error(
			        ctx, "mapping",
			        _("--vfs: '%s' is not a VF of %s (give VF numbers 0-%zu "
			          "or their addresses, comma-separated, or all)"),
			        t, pf->bdf, pf->n_vfs - 1);

			free(copy);
			return r;
		}
	}
	free(copy);
	return 0;
}

struct precommit_arg {
	const char *path;
	const char *digest;
};

/* Immediately before the rename: the file must still be what was read (a writer that ignores
 * the cfs lock, e.g. an editor, would otherwise lose its change). */
static int same_digest(void *arg, struct util_err *e)
{
	const struct precommit_arg *a = arg;
	char *data = NULL, hex[41];
	size_t len = 0;
	int r = pveconf_seccfg_read(a->path, PP_ETC_PVE_MAPPING_PCI, &data, &len, e);

	if (r < 0)
		return r;
	r = util_sha1_hex(data, len, hex);
	free(data);
	if (r < 0 || strcmp(hex, a->digest) != 0)
		return util_err_set(
		        e, -ESTALE,
		        _("%s changed while it was being written (digest %.12s, read %.12s); "
		          "nothing written: run the command again"),
		        PP_ETC_PVE_MAPPING_PCI, r < 0 ? "?" : hex, a->digest);
	return 0;
}

/* Re-reads pci.cfg and judges this node's lines of NAME: the check that what was written is what
 * PVE accepts.  Returns the number of invalid lines, or -1 when it cannot be read. */
static long verify_written(const struct cli_ctx *ctx, const struct sysfs_host *h, const char *name,
                           size_t *lines)
{
	struct pveconf_pci_mappings m;
	const struct pveconf_pci_mapping *s;
	struct util_err e = {0};
	long bad = 0;

	*lines = 0;
	if (pveconf_pci_mappings_load(&ctx->paths, &m, &e) < 0) {
		cli_error(ctx, _("re-reading %s: %s"), PP_ETC_PVE_MAPPING_PCI, e.msg);
		return -1;
	}
	s = pveconf_pci_mapping_find(&m, name);
	for (size_t i = 0; s && i < s->n_maps; i++) {
		struct policy_map_line ml;
		struct policy_mapcheck r;

		if (strcmp(s->maps[i].node, ctx->node) != 0)
			continue;
		(*lines)++;
		to_policy(&s->maps[i], &ml);
		policy_mapcheck_line(h, name, s->mdev == PVECONF_ON, &ml, &r);
		if (!r.valid) {
			cli_error(ctx,
			          _("pci.cfg line %u of '%s' as written fails PVE's check: %s"),
			          s->maps[i].line, name, r.pve_message);
			bad++;
		}
	}
	if (!s) {
		cli_error(ctx, _("mapping '%s' is not in %s after writing it"), name,
		          PP_ETC_PVE_MAPPING_PCI);
		bad = 1;
	}
	pveconf_pci_mappings_free(&m);
	return bad;
}

/* What `mapping create` did or would do, for the text and JSON renderers. */
struct create_out {
	const char *name, *node, *pf;
	const char *const *vfs; /* the VFs taken */
	const char *const *values;
	size_t n_values;
	int added;
	size_t replaced;
	const struct util_buf *diff;
	bool dry, written, api;
	const char *request; /* --api: "POST /cluster/mapping/pci", "PUT ..." */
	json_t *map;         /* the mapping's map entries as written (borrowed) */
	size_t verified;     /* this node's lines re-read (local) */
	json_t *checks;      /* --api: PVE's checks of the mapping on the node after writing */
	const char *check_err;
};

static void print_create_head(const struct create_out *o)
{
	char vfs[64], added[64];

	snprintf(vfs, sizeof(vfs), P_("%zu VF", "%zu VFs", o->n_values), o->n_values);
	snprintf(added, sizeof(added), P_("%d map line", "%d map lines", (unsigned long)o->added),
	         o->added);
	/* TRANSLATORS: mapping 'NAME' on node N: 7 VFs of PF, 7 map lines added, 0 replaced */
	printf(_("mapping '%s' on node %s: %s of %s, %s added, %zu replaced\n"), o->name, o->node,
	       vfs, o->pf, added, o->replaced);
	fputs(util_buf_str(o->diff), stdout);
}

static void print_create_json(const struct create_out *o)
{
	json_t *vfs = json_array(), *values = json_array();

	for (size_t i = 0; i < o->n_values; i++) {
		json_array_append_new(vfs, json_string(o->vfs[i]));
		json_array_append_new(values, json_string(o->values[i]));
	}
	json_print(json_pack("{s:i,s:s,s:s,s:s,s:o,s:o,s:i,s:I,s:b,s:b,s:b,s:b,s:s?,s:O?,s:s,"
	                     "s:I,s:O?,s:s?}",
	                     "schema_version", 1, "node", o->node, "mapping", o->name, "pf", o->pf,
	                     "vfs", vfs, "lines", values, "added", o->added, "replaced",
	                     (json_int_t)o->replaced, "changed", o->diff->len > 0, "dry_run",
	                     o->dry, "written", o->written, "api", o->api, "request", o->request,
	                     "map", o->map, "diff", util_buf_str(o->diff), "verified_lines",
	                     (json_int_t)o->verified, "checks", o->checks, "check_error",
	                     o->check_err));
}

/* The pool's map values for node: one per VF taken, in VF order.  rc on failure. */
static int pool_values(struct cli_ctx *ctx, const struct sysfs_host *h, const char *pf_bdf,
                       const char *vfs, const struct sysfs_device **pf_out, char ***values,
                       const char ***taken, size_t *n)
{
	const struct sysfs_device *pf;
	bool *take;
	int rc = CLI_EXIT_FAIL, r;

	*n = 0;
	pf = pick_pf(ctx, h, pf_bdf, &rc);
	if (!pf)
		return rc;
	*pf_out = pf;
	take = calloc(pf->n_vfs, sizeof(*take));
	*values = calloc(pf->n_vfs, sizeof(**values));
	*taken = calloc(pf->n_vfs, sizeof(**taken));
	if (!take || !*values || !*taken) {
		free(take);
		cli_error(ctx, _("out of memory"));
		return CLI_EXIT_FAIL;
	}
	if ((r = pick_vfs(ctx, pf, vfs, take))) {
		free(take);
		return r;
	}
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct sysfs_device *vf = sysfs_host_find(h, pf->vfs[i]);
		char line[256];

		if (!take[i])
			continue;
		if (!vf) {
			cli_error(ctx,
			          _("VF %s of %s is listed by the PF but not among the devices"),
			          pf->vfs[i], pf->bdf);
			free(take);
			return CLI_EXIT_FOUND;
		}
		if (policy_mapcheck_line_for(vf, ctx->node, line, sizeof(line)) < 0 ||
		    !((*values)[*n] = strdup(line))) {
			free(take);
			cli_error(ctx, _("out of memory"));
			return CLI_EXIT_FAIL;
		}
		(*taken)[(*n)++] = pf->vfs[i];
	}
	free(take);
	return 0;
}

/* The local write: pci.cfg under the cfs lock, atomic, re-read and checked. */
static int create_local(struct cli_ctx *ctx, const struct sysfs_host *h, struct create_out *o,
                        const char *description, int timeout_ms, struct util_buf *diff)
{
	struct pveconf_cfs_lock lock = {0};
	struct pveconf_pci_mappings m = {0};
	struct util_buf out = {0};
	struct util_err e = {0};
	char path[PP_PATH_MAX], dir[PP_PATH_MAX];
	char *old = NULL;
	size_t oldlen = 0;
	int rc = CLI_EXIT_FAIL, added;

	util_path(&ctx->paths, path, sizeof(path), PP_ETC_PVE_MAPPING_PCI);
	/* the cfs lock from reading to writing, as PVE's API does (not for a dry run) */
	if (!o->dry &&
	    pveconf_cfs_lock_file(&ctx->paths, "mapping/pci.cfg", timeout_ms, &lock, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	if (pveconf_seccfg_read(path, PP_ETC_PVE_MAPPING_PCI, &old, &oldlen, &e) < 0 ||
	    pveconf_pci_mappings_parse(old, oldlen, &m, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	print_diags(ctx, &m);
	added = pveconf_pci_mapping_put(&m, o->name, description, ctx->node, o->values, o->n_values,
	                                &o->replaced, &e);
	if (added < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = added == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
		goto out;
	}
	o->added = added;
	if (pveconf_pci_mappings_write_pve(&m, &out, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = CLI_EXIT_FOUND;
		goto out;
	}
	if (util_diff_unified("a" PP_ETC_PVE_MAPPING_PCI, old, oldlen, "b" PP_ETC_PVE_MAPPING_PCI,
	                      util_buf_str(&out), out.len, 0, diff) < 0) {
		cli_error(ctx, _("out of memory"));
		goto out;
	}
	{
		const struct pveconf_pci_mapping *s = pveconf_pci_mapping_find(&m, o->name);

		o->map = json_array();
		for (size_t i = 0; s && i < s->n_maps; i++)
			json_array_append_new(o->map, json_string(s->maps[i].raw));
	}
	if (!diff->len || o->dry) {
		rc = CLI_EXIT_OK;
		goto out;
	}
	{
		struct precommit_arg pa = {path, m.digest};
		struct util_write_opts wo = {
		        .mode_if_new = 0640, .precommit = same_digest, .precommit_arg = &pa};
		char *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			cli_error(ctx, _("cannot create %s: %s"),
			          util_path_display(&ctx->paths, dir), strerror(errno));
			goto out;
		}
		if (util_file_write_atomic(path, util_buf_str(&out), out.len, &wo, &e) < 0) {
			cli_error(ctx, "%s", e.msg);
			goto out;
		}
	}
	o->written = true;
	pveconf_cfs_unlock(&lock);
	{
		long bad = verify_written(ctx, h, o->name, &o->verified);

		rc = bad != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
out:
	pveconf_cfs_unlock(&lock);
	free(old);
	util_buf_free(&out);
	pveconf_pci_mappings_free(&m);
	return rc;
}

static int cli_cmd_mapping_create(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_PF = 256, O_VFS, O_DESC, O_DRY, O_LOCK, O_FORMAT, O_API };
	static const struct option opts[] = {
	        {"pf", required_argument, NULL, O_PF},
	        {"vfs", required_argument, NULL, O_VFS},
	        {"description", required_argument, NULL, O_DESC},
	        {"dry-run", no_argument, NULL, O_DRY},
	        {"lock-timeout", required_argument, NULL, O_LOCK},
	        {"format", required_argument, NULL, O_FORMAT},
	        {"api", no_argument, NULL, O_API},
	        CLI_API_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	const char *pf_bdf = NULL, *vfs = NULL, *description = NULL;
	struct settings_api_overrides over = {0};
	struct cli_api_mapping_session sess = {0};
	struct cli_api_mapping_put ap = {0};
	struct create_out o = {0};
	struct sysfs_host *h = NULL;
	const struct sysfs_host *host;
	const struct sysfs_device *pf = NULL;
	struct util_buf diff = {0};
	struct util_err e = {0};
	const char **taken = NULL;
	char **values = NULL;
	size_t n_values = 0;
	bool use_api = false;
	int c, r = 0, rc = CLI_EXIT_FAIL, timeout_ms = CFS_LOCK_TIMEOUT_MS;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_PF: pf_bdf = optarg; break;
		case O_VFS: vfs = optarg; break;
		case O_DESC: description = optarg; break;
		case O_DRY: o.dry = true; break;
		case O_API: use_api = true; break;
		case O_FORMAT:
			if (cli_set_format(ctx, optarg, FORMATS))
				return CLI_EXIT_USAGE;
			break;
		case O_LOCK:
			if (cli_arg_seconds(ctx, "mapping", "--lock-timeout", optarg, &timeout_ms))
				return CLI_EXIT_USAGE;
			timeout_ms *= 1000;
			break;
		default:
			if (cli_api_option(&over, c, optarg))
				break;
			return cli_unknown_option(ctx, "mapping", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(ctx, "mapping", _("mapping create needs a NAME"));
	o.name = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "mapping", _("unexpected argument '%s'"), argv[optind]);
	if (!use_api && (over.url || over.token_file || over.fingerprint || over.ca_file))
		return cli_usage_error(ctx, "mapping", _("the --api-* options go with --api"));
	if ((r = cli_need_node(ctx)))
		return r;
	o.node = ctx->node;
	o.api = use_api;
	if (use_api) {
		r = cli_api_mapping_open(ctx, &over, &sess, &e);
		host = sess.host;
	} else {
		r = sysfs_host_read_flags(&ctx->paths, SYSFS_READ_NO_PARAMS, &h, &e);
		host = h;
	}
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		goto out;
	}
	if ((rc = pool_values(ctx, host, pf_bdf, vfs, &pf, &values, &taken, &n_values)))
		goto out;
	o.pf = pf->bdf;
	o.vfs = taken;
	o.values = (const char *const *)values;
	o.n_values = n_values;
	o.diff = &diff;
	if (use_api) {
		rc = cli_api_mapping_put(ctx, &sess, o.name, description, o.values, o.n_values,
		                         o.dry, &ap, &diff);
		o.added = ap.added;
		o.replaced = ap.replaced;
		o.written = ap.written;
		o.request = ap.request[0] ? ap.request : NULL;
		o.map = ap.map; /* o owns it from here */
		ap.map = NULL;
		o.checks = ap.checks;
		o.check_err = ap.check_err[0] ? ap.check_err : NULL;
	} else {
		rc = create_local(ctx, host, &o, description, timeout_ms, &diff);
	}
	if (rc != CLI_EXIT_OK && !o.written && !diff.len)
		goto out;
	if (ctx->format == CLI_FORMAT_JSON) {
		print_create_json(&o);
		goto out;
	}
	print_create_head(&o);
	if (!diff.len)
		printf(_("%s already has these lines: nothing to do\n"), PP_ETC_PVE_MAPPING_PCI);
	else if (o.dry)
		printf(_("dry run: nothing written\n"));
	else if (use_api && o.written)
		cli_api_mapping_print_checks(&ap, o.name, ctx->node);
	else if (o.written && rc == CLI_EXIT_OK)
		printf(P_("written %s; re-read: %zu map line of '%s' for node %s, valid as PVE "
		          "checks it at VM start\n",
		          "written %s; re-read: %zu map lines of '%s' for node %s, each valid as PVE "
		          "checks it at VM start\n",
		          o.verified),
		       PP_ETC_PVE_MAPPING_PCI, o.verified, o.name, ctx->node);
out:
	json_decref(o.map);
	if (use_api)
		cli_api_mapping_close(&sess, &ap);
	for (size_t i = 0; values && i < n_values; i++)
		free(values[i]);
	free(values);
	free(taken);
	util_buf_free(&diff);
	sysfs_host_free(h);
	return rc;
}

int cli_cmd_mapping(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_command subs[] = {
	        {"create", cli_cmd_mapping_create, {NULL, NULL, NULL}, 0},
	        {"check", cli_cmd_mapping_check, {NULL, NULL, NULL}, 0},
	};

	if (argc >= 2 && ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON)
		return cli_usage_error(ctx, "mapping", _("mapping writes text or json"));
	return cli_subcommand_run(ctx, "mapping", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
