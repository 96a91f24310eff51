/* cli/cmd_mapping.c - `mapping create NAME` (a PCI resource mapping with one valid map line per VF
 * of this node's iGPU: a VF pool that HA and migration can use) and `mapping check [NAME]` (each
 * map line of this node judged as PVE judges it at VM start).  pci.cfg is read and written by
 * pveconf/mapping.c (PVE's reader and writer), under pmxcfs' lock for it (pveconf/cfslock.c), with
 * the atomic write of util/; the lines come from policy/mapcheck.c, which also judges them. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static void print_diags(const struct cli_ctx *ctx, const struct pveconf_pci_mappings *m)
{
	for (size_t i = 0; i < m->n_diags; i++) {
		struct util_buf b = {0};

		if (pveconf_mapping_diag_format(&m->diags[i], PP_ETC_PVE_MAPPING_PCI, &b) == 0)
			cli_warn(ctx, "%s", util_buf_str(&b));
		util_buf_free(&b);
	}
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

/* Prints the verdict of every map line of node in mapping s; returns how many are invalid. */
static size_t check_one(const struct sysfs_host *h, const char *node,
                        const struct pveconf_pci_mapping *s)
{
	size_t bad = 0, mine = 0;

	for (size_t i = 0; i < s->n_maps; i++) {
		const struct pveconf_pci_map *pm = &s->maps[i];
		struct policy_map_line ml;
		struct policy_mapcheck r;
		char what[256], fix[1200];

		if (strcmp(pm->node, node) != 0)
			continue;
		mine++;
		to_policy(pm, &ml);
		policy_mapcheck_line(h, s->name, s->mdev == PVECONF_ON, &ml, &r);
		if (r.valid) {
			printf("%-16s pci.cfg line %-4u %-28s valid\n", s->name, pm->line,
			       pm->path);
			continue;
		}
		bad++;
		policy_mapcheck_describe(&r, what, sizeof(what));
		policy_mapcheck_fix(&r, s->name, pm->line, fix, sizeof(fix));
		printf("%-16s pci.cfg line %-4u %-28s INVALID %s\n", s->name, pm->line, pm->path,
		       what);
		printf("%-16s   PVE refuses the start: %s\n", "", r.pve_message);
		printf("%-16s   fix: %s\n", "", fix);
	}
	if (!mine)
		printf("%-16s %-37s No mapping for node %s.\n", s->name, "", node);
	return bad;
}

static int cli_cmd_mapping_check(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	struct pveconf_pci_mappings m;
	struct sysfs_host *h = NULL;
	struct util_err e = {0};
	const char *name = NULL;
	size_t bad = 0, seen = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		return cli_usage_error(ctx, "mapping", "unknown option '%s'", argv[optind - 1]);
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "mapping", "unexpected argument '%s'", argv[optind]);
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
	for (size_t i = 0; i < m.n; i++) {
		if (name && strcmp(m.v[i].name, name) != 0)
			continue;
		seen++;
		bad += check_one(h, ctx->node, &m.v[i]);
	}
	if (name && !seen) {
		cli_error(ctx, "no mapping '%s' in %s", name, PP_ETC_PVE_MAPPING_PCI);
		r = CLI_EXIT_FOUND;
	} else {
		if (!seen)
			printf("no PCI mappings in %s\n", PP_ETC_PVE_MAPPING_PCI);
		r = bad ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	}
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
			          "%s is not an SR-IOV PF with active VFs on node %s "
			          "(pve-passthrough status shows the PFs and their VFs)",
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
			cli_error(ctx,
			          "more than one iGPU PF with VFs (%s, %s): choose one with --pf",
			          pf->bdf, d->bdf);
			*rc = CLI_EXIT_USAGE;
			return NULL;
		}
		pf = d;
	}
	if (!pf) {
		cli_error(ctx,
		          "node %s has no iGPU with active VFs: create them first "
		          "(pve-passthrough host setup sriov, host vfs N), or name a PF with --pf",
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
			        "--vfs: '%s' is not a VF of %s (give VF numbers 0-%zu "
			        "or their addresses, comma-separated, or all)",
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
		        "%s changed while it was being written (digest %.12s, read %.12s); "
		        "nothing written: run the command again",
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
		cli_error(ctx, "re-reading %s: %s", PP_ETC_PVE_MAPPING_PCI, e.msg);
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
			cli_error(ctx, "pci.cfg line %u of '%s' as written fails PVE's check: %s",
			          s->maps[i].line, name, r.pve_message);
			bad++;
		}
	}
	if (!s) {
		cli_error(ctx, "mapping '%s' is not in %s after writing it", name,
		          PP_ETC_PVE_MAPPING_PCI);
		bad = 1;
	}
	pveconf_pci_mappings_free(&m);
	return bad;
}

static int cli_cmd_mapping_create(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"pf", required_argument, NULL, 'p'},
	        {"vfs", required_argument, NULL, 'V'},
	        {"description", required_argument, NULL, 'd'},
	        {"dry-run", no_argument, NULL, 'n'},
	        {"lock-timeout", required_argument, NULL, 't'},
	        {NULL, 0, NULL, 0},
	};
	const char *pf_bdf = NULL, *vfs = NULL, *description = NULL, *name;
	bool dry = false, *take = NULL;
	struct sysfs_host *h = NULL;
	const struct sysfs_device *pf;
	struct pveconf_cfs_lock lock = {0};
	struct pveconf_pci_mappings m = {0};
	struct util_buf out = {0}, diff = {0};
	struct util_err e = {0};
	char path[PP_PATH_MAX], dir[PP_PATH_MAX], **values = NULL;
	char *old = NULL;
	size_t oldlen = 0, n_values = 0, replaced = 0;
	int c, r = 0, rc = CLI_EXIT_FAIL, added, timeout_ms = CFS_LOCK_TIMEOUT_MS;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pf_bdf = optarg; break;
		case 'V': vfs = optarg; break;
		case 'd': description = optarg; break;
		case 'n': dry = true; break;
		case 't':
			if (cli_arg_seconds(ctx, "mapping", "--lock-timeout", optarg, &timeout_ms))
				return CLI_EXIT_USAGE;
			timeout_ms *= 1000;
			break;
		default:
			return cli_usage_error(ctx, "mapping", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(ctx, "mapping", "mapping create needs a NAME");
	name = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "mapping", "unexpected argument '%s'", argv[optind]);
	if ((r = cli_need_node(ctx)))
		return r;
	if (sysfs_host_read_flags(&ctx->paths, SYSFS_READ_NO_PARAMS, &h, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	pf = pick_pf(ctx, h, pf_bdf, &rc);
	if (!pf)
		goto out;
	take = calloc(pf->n_vfs, sizeof(*take));
	values = calloc(pf->n_vfs, sizeof(*values));
	if (!take || !values)
		goto oom;
	if ((r = pick_vfs(ctx, pf, vfs, take))) {
		rc = r;
		goto out;
	}
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct sysfs_device *vf = sysfs_host_find(h, pf->vfs[i]);
		char line[256];

		if (!take[i])
			continue;
		if (!vf) {
			cli_error(ctx,
			          "VF %s of %s is listed by the PF but not in /sys/bus/pci/devices",
			          pf->vfs[i], pf->bdf);
			rc = CLI_EXIT_FOUND;
			goto out;
		}
		if (policy_mapcheck_line_for(vf, ctx->node, line, sizeof(line)) < 0 ||
		    !(values[n_values++] = strdup(line)))
			goto oom;
	}
	util_path(&ctx->paths, path, sizeof(path), PP_ETC_PVE_MAPPING_PCI);
	/* the cfs lock from reading to writing, as PVE's API does (not for a dry run) */
	if (!dry &&
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
	added = pveconf_pci_mapping_put(&m, name, description, ctx->node,
	                                (const char *const *)values, n_values, &replaced, &e);
	if (added < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = added == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
		goto out;
	}
	if (pveconf_pci_mappings_write_pve(&m, &out, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		rc = CLI_EXIT_FOUND;
		goto out;
	}
	if (util_diff_unified("a" PP_ETC_PVE_MAPPING_PCI, old, oldlen, "b" PP_ETC_PVE_MAPPING_PCI,
	                      util_buf_str(&out), out.len, 0, &diff) < 0)
		goto oom;
	printf("mapping '%s' on node %s: %zu VF%s of %s, %d map line%s added, %zu replaced\n", name,
	       ctx->node, n_values, n_values == 1 ? "" : "s", pf->bdf, added, added == 1 ? "" : "s",
	       replaced);
	fputs(util_buf_str(&diff), stdout);
	if (!diff.len) {
		printf("%s already has these lines: nothing to do\n", PP_ETC_PVE_MAPPING_PCI);
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (dry) {
		printf("dry run: nothing written\n");
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
			cli_error(ctx, "cannot create %s: %s", util_path_display(&ctx->paths, dir),
			          strerror(errno));
			goto out;
		}
		if (util_file_write_atomic(path, util_buf_str(&out), out.len, &wo, &e) < 0) {
			cli_error(ctx, "%s", e.msg);
			goto out;
		}
	}
	pveconf_cfs_unlock(&lock);
	{
		size_t lines;
		long bad = verify_written(ctx, h, name, &lines);

		if (bad != 0) {
			rc = CLI_EXIT_FAIL;
			goto out;
		}
		printf("written %s; re-read: %zu map line%s of '%s' for node %s, each valid as PVE "
		       "checks it at VM start\n",
		       PP_ETC_PVE_MAPPING_PCI, lines, lines == 1 ? "" : "s", name, ctx->node);
	}
	rc = CLI_EXIT_OK;
	goto out;
oom:
	cli_error(ctx, "out of memory");
	rc = CLI_EXIT_FAIL;
out:
	pveconf_cfs_unlock(&lock);
	for (size_t i = 0; values && i < n_values; i++)
		free(values[i]);
	free(values);
	free(take);
	free(old);
	util_buf_free(&out);
	util_buf_free(&diff);
	pveconf_pci_mappings_free(&m);
	sysfs_host_free(h);
	return rc;
}

int cli_cmd_mapping(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_command subs[] = {
	        {"create", cli_cmd_mapping_create, {NULL, NULL}},
	        {"check", cli_cmd_mapping_check, {NULL, NULL}},
	};

	if (argc >= 2 && ctx->format != CLI_FORMAT_TEXT)
		return cli_usage_error(ctx, "mapping", "mapping writes text only");
	return cli_subcommand_run(ctx, "mapping", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
