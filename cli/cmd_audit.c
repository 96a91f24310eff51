/* cli/cmd_audit.c - `audit`: every rule over the VM configs of this node (or of every node with
 * --cluster; hardware rules only for this node) and over this host, in text, JSON, Prometheus or
 * Nagios form.  Reads only. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/api.h"
#include "cli/cli.h"
#include "cli/render.h"
#include "gather/gather.h"
#include "pveconf/vmlist.h"

#define AUDIT_MAX_VMIDS    64
#define AUDIT_MAX_CLUSTERS 32

/* What --api adds: the clients, and per cluster its snapshot, its rule input and its nodes'
 * hardware.  Each cluster is judged on its own (mapping names and VMIDs are per cluster). */
struct audit_api {
	struct settings_api_overrides over;
	const char *names[AUDIT_MAX_CLUSTERS];
	size_t n_names;
	bool all; /* --cluster without a name: every configured cluster */
	struct cli_api_cluster *clusters;
	size_t n_clusters;
	struct pveapi_snapshot *snaps;
	struct gather_node *gs;
};

static void audit_api_free(struct audit_api *a)
{
	for (size_t i = 0; i < a->n_clusters; i++) {
		if (a->snaps)
			pveapi_snapshot_free(&a->snaps[i]);
		if (a->gs) {
			a->gs[i].in.severity = NULL;
			gather_free(&a->gs[i]);
		}
	}
	free(a->snaps);
	free(a->gs);
	cli_api_clusters_free(a->clusters, a->n_clusters);
}

static bool any_reachable(const struct pveapi_snapshot *s)
{
	for (size_t k = 0; k < s->nnodes; k++)
		if (s->nodes[k].reachable)
			return true;
	return false;
}

static int cmp_node(const void *pa, const void *pb)
{
	const struct pveapi_node *a = pa, *b = pb;

	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

/* The report's "node" with --api: the cluster's name, the API's host, or "fleet". */
static const char *api_label(const struct audit_api *a, char *buf, size_t n)
{
	const char *url, *end;

	if (a->n_clusters != 1)
		return "fleet";
	if (a->clusters[0].s.name[0])
		return a->clusters[0].s.name;
	url = a->clusters[0].s.url;
	url += strncmp(url, "https://", 8) == 0 ? 8 : 0;
	end = url + strcspn(url, ":/");
	snprintf(buf, n, "%.*s", (int)(end - url), url);
	return buf;
}

/* Judges cluster i's gather and appends the findings to f, node names prefixed (fleets). */
static int judge_one(struct audit_api *a, size_t i, const char *prefix,
                     const enum policy_severity *severity, struct policy_findings *f,
                     struct util_err *e)
{
	struct gather_node *g = &a->gs[i];
	struct policy_findings fi = {0};
	int r;

	g->in.mode = POLICY_MODE_AUDIT;
	g->in.node = "";
	g->in.host = NULL;
	g->in.other_hosts = g->hosts.v;
	g->in.n_other_hosts = g->hosts.n;
	g->in.vms = g->vms;
	g->in.n_vms = g->n_vms;
	g->in.mappings = g->mappings;
	g->in.n_mappings = g->n_mappings;
	g->in.severity = severity;
	r = policy_evaluate(&g->in, &fi, e);
	for (size_t k = 0; r == 0 && k < fi.n; k++) {
		struct policy_finding *x = policy_findings_add(f);

		if (!x) {
			r = util_err_set(e, -ENOMEM, _("out of memory"));
			break;
		}
		*x = fi.v[k];
		if (*prefix)
			snprintf(x->node, sizeof(x->node), "%s%s", prefix, fi.v[k].node);
	}
	policy_findings_free(&fi);
	return r;
}

/* Every configured cluster fetched in turn (each in parallel inside) and judged by the rules.
 * 0 when at least one cluster could be read; else the first error. */
static int audit_api_judge(struct cli_ctx *ctx, struct audit_api *a, const struct gather_node *g,
                           struct policy_findings *f, struct util_err *e)
{
	size_t ok = 0;
	int r, first = 0;

	r = cli_api_clusters(ctx, &g->settings.api, &a->over, a->names, a->n_names, a->all,
	                     &a->clusters, &a->n_clusters, e);
	if (r < 0)
		return r;
	a->snaps = calloc(a->n_clusters, sizeof(*a->snaps));
	a->gs = calloc(a->n_clusters, sizeof(*a->gs));
	if (!a->snaps || !a->gs)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	for (size_t i = 0; i < a->n_clusters; i++) {
		/* every VM is fetched even with --vmid: the others count for device sharing */
		struct pveapi_snapshot_opts so = {.current = PVEAPI_CURRENT_RUNNING};
		struct cli_api_cluster *c = &a->clusters[i];
		struct pveapi_snapshot *sn = &a->snaps[i];
		struct util_err ce = {0};
		char prefix[80] = "";

		if (a->n_clusters > 1)
			snprintf(prefix, sizeof(prefix), "%s/", c->s.name[0] ? c->s.name : "api");
		r = pveapi_snapshot_fetch(c->client, &so, sn, &ce);
		if (r == 0 && sn->nnodes && !any_reachable(sn))
			r = util_err_set(&ce, -EHOSTUNREACH,
			                 _("%s: no node of the cluster could be read (%s: %s)"),
			                 pveapi_client_url(c->client), sn->nodes[0].name,
			                 sn->nodes[0].errmsg ? sn->nodes[0].errmsg : "unreachable");
		if (r < 0) {
			/* a whole cluster unreadable: one of several is a finding, alone it is exit 3 */
			if (!first) {
				first = r;
				*e = ce;
			}
			if (a->n_clusters > 1) {
				const char *why = gather_keep(&a->gs[i], ce.msg);

				if (!why ||
				    gather_hosts_add_unreachable(&a->gs[i].hosts, "*", why) < 0 ||
				    judge_one(a, i, prefix, g->severity, f, e) < 0)
					return util_err_set(e, -ENOMEM, _("out of memory"));
			}
			continue;
		}
		ok++;
		/* the nodes in name order (they come in the order their answers arrived) */
		if (sn->nnodes)
			qsort(sn->nodes, sn->nnodes, sizeof(*sn->nodes), cmp_node);
		for (size_t k = 0; k < sn->nnodes; k++)
			if (!sn->nodes[k].reachable)
				cli_warn(ctx, _("%s: node %s: %s"), pveapi_client_url(c->client),
				         sn->nodes[k].name,
				         sn->nodes[k].errmsg ? sn->nodes[k].errmsg : "unreachable");
			else if (sn->nodes[k].has_pci && !sn->nodes[k].sriov_fields)
				cli_warn(
				        ctx,
				        _("node %s%s: its hardware list has no physfn/virtfns (no SR-IOV "
				          "enabled, or libpve-common before 9.1.12): PF/VF rules are "
				          "limited there"),
				        prefix, sn->nodes[k].name);
		for (size_t k = 0; k < sn->nvms; k++) {
			const struct pveapi_node *n = pveapi_snapshot_node(sn, sn->vms[k].node);

			if (sn->vms[k].err && n && n->reachable)
				cli_warn(ctx, _("VM %u: %s"), sn->vms[k].vmid,
				         sn->vms[k].errmsg ? sn->vms[k].errmsg
				                           : _("config not readable"));
		}
		if (sn->mappings_err)
			cli_warn(ctx, "%s: %s", pveapi_client_url(c->client),
			         sn->mappings_errmsg ? sn->mappings_errmsg
			                             : _("mappings not readable"));
		r = gather_api(sn, &(struct gather_opts){0}, &a->gs[i], e);
		if (r == 0)
			r = cli_api_mapping_checks(ctx, c->client, &a->gs[i], prefix, e);
		if (r == 0)
			r = judge_one(a, i, prefix, g->severity, f, e);
		if (r < 0)
			return r;
	}
	return ok ? 0 : first;
}

static const char *name_of(const void *arg, unsigned vmid)
{
	return gather_vm_name(arg, vmid);
}

/* Keeps only the findings about the given VMs (host-level ones go too, except node-unreachable:
 * the VMs asked for may be on that node). */
static void keep_vmids(struct policy_findings *f, const unsigned *ids, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++) {
		bool keep = f->v[i].rule == POLICY_RULE_NODE_UNREACHABLE;

		for (size_t j = 0; j < n && !keep; j++)
			keep = f->v[i].vmid == ids[j];
		if (keep)
			f->v[k++] = f->v[i];
	}
	f->n = k;
}

/* Nothing could be judged (no node, settings, the configs or the API unreadable): exit 3, and
 * the machine formats still say so in their own terms - Nagios UNKNOWN, Prometheus
 * pve_passthrough_up 0 - so a monitoring system sees the blind run. */
static int audit_blind(struct cli_ctx *ctx, const char *node, const char *why)
{
	if (ctx->format != CLI_FORMAT_NAGIOS)
		cli_error(ctx, "%s", why);
	cli_render_blind(ctx->format, node, why, (long long)time(NULL), stdout);
	return CLI_EXIT_FAIL;
}

/* A --vmid that names no VM: the audit cannot vouch for it.  A config that exists but could not
 * be read is already in the unread list. */
static void vmid_missing(const struct cli_ctx *ctx, struct gather_node *g, unsigned vmid,
                         bool cluster, bool use_api, const struct audit_api *api)
{
	struct pveconf_vmrefs refs = {0};
	bool exists = false;

	if (use_api) {
		for (size_t k = 0; k < api->n_clusters && !exists; k++)
			for (size_t i = 0; i < api->snaps[k].nvms && !exists; i++)
				exists = api->snaps[k].vms[i].vmid == vmid;
	} else if (pveconf_vms_scan(&ctx->paths, cluster ? NULL : ctx->node, &refs, NULL) == 0) {
		for (size_t i = 0; i < refs.n && !exists; i++)
			exists = refs.v[i].vmid == vmid;
		pveconf_vmrefs_free(&refs);
	}
	if (exists)
		return;
	if (use_api || cluster)
		gather_unread_add(g, _("VM %u: no such VM in the cluster"), vmid);
	else
		gather_unread_add(
		        g, _("VM %u: no such VM on node %s (another node's VM: add --cluster)"),
		        vmid, ctx->node);
}

static int audit_run(struct cli_ctx *ctx, int argc, char **argv, bool *parsed)
{
	enum { OPT_CLUSTER = 256, OPT_API, OPT_VMID, OPT_FAIL_ON, OPT_FORMAT };
	static const struct option opts[] = {
	        {"cluster", optional_argument, NULL, OPT_CLUSTER},
	        {"api", no_argument, NULL, OPT_API},
	        {"vmid", required_argument, NULL, OPT_VMID},
	        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	        {"format", required_argument, NULL, OPT_FORMAT},
	        CLI_API_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	unsigned gflags = 0;
	enum policy_severity fail_on = POLICY_SEVERITY_ERROR;
	unsigned vmids[AUDIT_MAX_VMIDS];
	size_t n_vmids = 0, n_checked = 0, n_unread = 0, n_read = 0, n_unreadable = 0;
	char **unread;
	struct policy_findings f = {0};
	struct cli_report view;
	struct util_err e = {0};
	struct gather_node g;
	struct audit_api api = {0};
	char label[128];
	bool use_api = false;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CLUSTER:
			/* --cluster NAME (with --api): audit takes no operands, so a following
			 * word is the name */
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			gflags |= GATHER_CLUSTER;
			if (!optarg)
				api.all = true;
			else if (api.n_names == AUDIT_MAX_CLUSTERS)
				return cli_usage_error(ctx, "audit", _("at most %d --cluster"),
				                       AUDIT_MAX_CLUSTERS);
			else
				api.names[api.n_names++] = optarg;
			break;
		case OPT_API: use_api = true; break;
		case OPT_VMID:
			if (pveconf_vmid_parse(optarg, &vmids[n_vmids]) < 0)
				return cli_usage_error(ctx, "audit", _("--vmid '%s': not a VMID"),
				                       optarg);
			if (++n_vmids == AUDIT_MAX_VMIDS)
				return cli_usage_error(ctx, "audit", _("at most %d --vmid"),
				                       AUDIT_MAX_VMIDS - 1);
			break;
		case OPT_FAIL_ON:
			if (policy_severity_parse(optarg, &fail_on) < 0 ||
			    fail_on == POLICY_SEVERITY_OFF)
				return cli_usage_error(
				        ctx, "audit",
				        _("--fail-on '%s': choose info, warning or error"), optarg);
			break;
		case OPT_FORMAT:
			if (cli_set_format(ctx, optarg, 0xf))
				return CLI_EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error(ctx, "audit", _("option %s needs a value"),
			                       argv[optind - 1]);
		default:
			if (cli_api_option(&api.over, c, optarg))
				break;
			return cli_unknown_option(ctx, "audit", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "audit", _("unexpected argument '%s'"), argv[optind]);
	if (!use_api && (api.n_names || api.over.url || api.over.token_file ||
	                 api.over.fingerprint || api.over.ca_file))
		return cli_usage_error(ctx, "audit",
		                       _("--cluster NAME and the --api-* options go with --api"));
	if (api.all && api.n_names)
		return cli_usage_error(
		        ctx, "audit",
		        _("--cluster without a name means every cluster; name them all "
		          "or none"));
	/* text tables (not -q's lines): libsmartcols, loaded before anything is read */
	if (ctx->verbosity >= 0 && (r = cli_text_tables(ctx)) != 0)
		return r;
	if (!use_api && !ctx->node[0])
		return audit_blind(ctx, "localhost", ctx->node_error);

	*parsed = true; /* from here on, nagios exit 2 means CRITICAL */
	memset(&g, 0, sizeof(g));
	r = cli_settings(ctx, &g, &e);
	if (r == 0 && use_api) {
		r = audit_api_judge(ctx, &api, &g, &f, &e);
	} else if (r == 0) {
		struct gather_opts o;

		cli_gather_opts(ctx, gflags, &o);
		r = gather_local(&o, &g, &e);
		if (r == 0)
			r = policy_evaluate(&g.in, &f, &e);
	}
	if (r < 0) {
		r = audit_blind(ctx,
		                use_api && api.n_clusters ? api_label(&api, label, sizeof(label))
		                                          : ctx->node,
		                e.msg);
		gather_free(&g);
		audit_api_free(&api);
		return r;
	}
	for (size_t i = 0; i < g.n_warnings; i++)
		cli_warn(ctx, "%s", g.warnings[i]);
	for (size_t k = 0; k < (use_api ? api.n_clusters : 1); k++) {
		const struct gather_node *gc = use_api && api.gs ? &api.gs[k] : &g;

		for (size_t i = 0; i < gc->n_vms; i++)
			for (size_t j = 0; j < n_vmids; j++)
				n_checked += gc->vms[i].vmid == vmids[j];
		if (!n_vmids)
			n_checked += gc->n_vms;
	}
	if (n_vmids)
		keep_vmids(&f, vmids, n_vmids);
	/* what could not be read: this node's (local) or every cluster's (API), and VMIDs asked
	 * for that name no VM */
	for (size_t j = 0; j < n_vmids; j++) {
		bool seen = false;

		for (size_t k = 0; k < (use_api ? api.n_clusters : 1) && !seen; k++) {
			const struct gather_node *gc = use_api ? &api.gs[k] : &g;

			for (size_t i = 0; i < gc->n_vms && !seen; i++)
				seen = gc->vms[i].vmid == vmids[j];
		}
		if (!seen)
			vmid_missing(ctx, &g, vmids[j], gflags & GATHER_CLUSTER, use_api, &api);
	}
	for (size_t k = 0; k < (use_api ? api.n_clusters : 1); k++) {
		const struct gather_node *gc = use_api ? &api.gs[k] : &g;

		n_unread += gc->n_unread;
		n_read += gc->n_configs_read;
		n_unreadable += gc->n_configs_unreadable;
	}
	if (use_api)
		n_unread += g.n_unread;
	unread = calloc(n_unread + 1, sizeof(*unread));
	if (!unread) {
		cli_error(ctx, _("out of memory"));
		policy_findings_free(&f);
		gather_free(&g);
		audit_api_free(&api);
		return ctx->format == CLI_FORMAT_NAGIOS ? 3 : CLI_EXIT_FAIL;
	}
	n_unread = 0;
	for (size_t k = 0; k < (use_api ? api.n_clusters : 1); k++) {
		const struct gather_node *gc = use_api ? &api.gs[k] : &g;

		for (size_t i = 0; i < gc->n_unread; i++)
			unread[n_unread++] = gc->unread[i];
	}
	for (size_t i = 0; use_api && i < g.n_unread; i++)
		unread[n_unread++] = g.unread[i];
	view = (struct cli_report){.kind = CLI_REPORT_AUDIT,
	                           .quiet = ctx->verbosity < 0,
	                           .color = ctx->color,
	                           .node = use_api ? api_label(&api, label, sizeof(label))
	                                           : ctx->node,
	                           .findings = &f,
	                           .n_vms = n_checked,
	                           .vm_name = use_api && api.n_clusters > 1 ? NULL : name_of,
	                           .arg = use_api ? (const void *)api.gs : &g,
	                           .unread = unread,
	                           .n_unread = n_unread,
	                           .configs_read = n_read,
	                           .configs_unreadable = n_unreadable,
	                           .now = (long long)time(NULL)};
	r = cli_render_ops_get(ctx->format)->report(&view, stdout);
	if (ctx->format == CLI_FORMAT_NAGIOS) {
		r = r < 0 ? 3 : r;
	} else {
		bool hit = false;

		for (size_t i = 0; i < f.n; i++)
			hit |= f.v[i].severity >= fail_on;
		/* incomplete: exit 3 (could not finish), whatever was found in the rest */
		r = r < 0 || n_unread ? CLI_EXIT_FAIL : hit ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	}
	free(unread);
	policy_findings_free(&f);
	gather_free(&g);
	audit_api_free(&api);
	return r;
}

/* Nagios reads exit 2 as CRITICAL: a usage error under --format nagios must be UNKNOWN (3) with a
 * status line, so the wrapper looks for the format before the options are parsed. */
int cli_cmd_audit(struct cli_ctx *ctx, int argc, char **argv)
{
	bool nagios = ctx->format == CLI_FORMAT_NAGIOS, parsed = false;
	int r;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--format=nagios") == 0 ||
		    (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		     strcmp(argv[i + 1], "nagios") == 0))
			nagios = true;
	r = audit_run(ctx, argc, argv, &parsed);
	if (r == CLI_EXIT_USAGE && nagios && !parsed) {
		printf("PVE-PASSTHROUGH UNKNOWN - usage error: see pve-passthrough audit --help\n");
		return 3;
	}
	return r;
}
