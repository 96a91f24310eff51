/* cli/cmd_assign.c - the `assign` command: parse and check the arguments, run the plan
 * (assign/), render it (text: summary + unified diff; JSON), map the outcome to the exit status.
 * The run and rendering are shared with `release` (cli/cmd_release.c).  Must not contain
 * planning logic. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign/assign.h"
#include "cli/api.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "gather/gather.h"
#include "pveconf/vmlist.h"
#include "util/diff.h"

/* mdev type names as PVE's grammar takes them ([^/.:]+), limited to what sysfs names hold. */
static bool valid_mdev_type(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 96)
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return true;
}

/* configid: ^[a-z][a-z0-9_-]+$ (case-insensitive). */
static bool valid_configid(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n >= 128 || !isalpha((unsigned char)s[0]))
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return true;
}

static const char *section_name(const struct assign_change *c)
{
	return c->pending ? "pending" : "main";
}

static int render_json(const struct cli_ctx *ctx, const struct assign_request *req,
                       const struct assign_plan *plan, const char *diff, bool applied)
{
	json_t *o = json_object(), *fs = json_array();
	static const char *outcomes[] = {"changed", "unchanged", "refused", "ambiguous"};
	char *s;

	(void)ctx;
	json_object_set_new(o, "schema_version", json_integer(1));
	json_object_set_new(o, "vmid", json_integer(plan->vmid));
	json_object_set_new(o, "outcome", json_string(outcomes[plan->outcome]));
	json_object_set_new(o, "applied", json_boolean(applied));
	if (req->kind != ASSIGN_KIND_RELEASE) {
		const struct assign_change *c = plan->n_changes ? &plan->changes[0] : NULL;

		json_object_set_new(o, "key", c ? json_string(c->key) : json_null());
		json_object_set_new(o, "value", c ? json_string(c->value) : json_null());
		json_object_set_new(o, "section", c ? json_string(section_name(c)) : json_null());
	} else {
		json_t *cs = json_array();

		for (size_t i = 0; i < plan->n_changes; i++) {
			const struct assign_change *c = &plan->changes[i];

			json_array_append_new(cs, json_pack("{s:s,s:s,s:s,s:s}", "key", c->key,
			                                    "value", c->value, "section",
			                                    section_name(c), "action",
			                                    c->pending_drop ? "drop-pending"
			                                    : c->pending    ? "pending-delete"
			                                                    : "remove"));
		}
		json_object_set_new(o, "changes", cs);
	}
	json_object_set_new(o, "diff", diff ? json_string(diff) : json_null());
	json_object_set_new(o, "digest", plan->digest[0] ? json_string(plan->digest) : json_null());
	json_object_set_new(o, "message", json_string(plan->summary));
	json_object_set_new(o, "why", plan->why[0] ? json_string(plan->why) : json_null());
	for (size_t i = 0; i < plan->n_findings; i++) {
		const struct assign_finding *f = &plan->findings[i];

		json_array_append_new(fs, json_pack("{s:s,s:s,s:s,s:s}", "rule", f->rule,
		                                    "severity", f->refuses ? "error" : "warning",
		                                    "message", f->message, "hint", f->hint));
	}
	json_object_set_new(o, "findings", fs);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

/* Runs the plan of req (locally, or through the API with --api) and renders it. */
static int assign_run_render(struct cli_ctx *ctx, const char *cmd, struct assign_request *req,
                             const struct cli_change *ch)
{
	const struct settings_api_overrides *api = ch->use_api ? &ch->over : NULL;
	bool dry_run = ch->dry_run;
	struct assign_run_opts o = {ctx->node, dry_run, ch->timeout_s * 1000, NULL, NULL, NULL};
	struct assign_plan plan;
	struct util_err err = {0};
	struct util_buf diff = {0};
	struct gather_node g;
	struct cli_api_assign_result ar = {0};
	bool applied;
	int r, rc;

	if (!api && cli_need_node(ctx))
		return CLI_EXIT_FAIL;
	/* the rules' severities as the guard applies them (settings file overrides) */
	memset(&g, 0, sizeof(g));
	r = cli_settings(ctx, &g, &err);
	if (r < 0) {
		cli_error(ctx, "%s", err.msg);
		gather_free(&g);
		return CLI_EXIT_FAIL;
	}
	o.severity = g.severity;
	if (api) {
		struct cli_api_assign_opts ao = {&g.settings.api, api, dry_run, g.severity};

		r = cli_api_assign(ctx, &ao, req, &plan, &ar, &err);
	} else {
		r = assign_run(&ctx->paths, &o, req, &plan, &err);
	}
	gather_free(&g);
	for (size_t i = 0; i < plan.n_warnings; i++)
		cli_warn(ctx, "%s", plan.warnings[i]);
	if (r < 0) {
		cli_error(ctx, "%s", err.msg);
		assign_plan_free(&plan);
		/* a token that may not write host= entries: refused before sending (exit 1) */
		return r == -EOPNOTSUPP ? CLI_EXIT_FOUND : cli_exit_from_errno(r);
	}
	if (plan.outcome == ASSIGN_OUTCOME_NEEDS_ARG) {
		assign_plan_free(&plan);
		return cli_usage_error(ctx, cmd, "%s", plan.summary);
	}
	applied = plan.outcome == ASSIGN_OUTCOME_CHANGE && !dry_run;
	if (plan.outcome == ASSIGN_OUTCOME_CHANGE) {
		char path[PP_PATH_MAX];

		if (api)
			snprintf(path, sizeof(path), "%s", ar.config_path);
		else
			snprintf(path, sizeof(path), PP_ETC_PVE_NODES "/%s/qemu-server/%u.conf",
			         ctx->node, plan.vmid);
		char la[PP_PATH_MAX + 2], lb[PP_PATH_MAX + 2];

		snprintf(la, sizeof(la), "a%s", path);
		snprintf(lb, sizeof(lb), "b%s", path);
		r = util_diff_unified(la, plan.before, plan.before_len, lb, plan.after,
		                      plan.after_len, 0, &diff);
		if (r < 0) {
			cli_error(ctx, _("out of memory"));
			assign_plan_free(&plan);
			return CLI_EXIT_FAIL;
		}
	}
	rc = plan.outcome == ASSIGN_OUTCOME_REFUSED ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	if (ctx->format == CLI_FORMAT_JSON) {
		render_json(ctx, req, &plan,
		            plan.outcome == ASSIGN_OUTCOME_CHANGE ? util_buf_str(&diff) : NULL,
		            applied);
	} else {
		for (size_t i = 0; i < plan.n_findings; i++) {
			const struct assign_finding *f = &plan.findings[i];

			if (f->refuses)
				cli_error(ctx, "[%s] %s", f->rule, f->message);
			else
				cli_warn(ctx, "[%s] %s", f->rule, f->message);
			if (f->hint[0] && (f->refuses || ctx->verbosity >= 0))
				cli_wrapf(stderr, 4, _("  fix: %s\n"), f->hint);
		}
		if (plan.outcome == ASSIGN_OUTCOME_REFUSED) {
			fprintf(stderr, _("VM %u: refused, nothing written\n"), plan.vmid);
		} else {
			if (plan.why[0] && ctx->verbosity >= 0)
				cli_wrapf(stdout, 2, "%s\n", plan.why);
			if (plan.outcome == ASSIGN_OUTCOME_CHANGE && dry_run)
				printf(_("%s (dry run, nothing written)\n%s"), plan.summary,
				       util_buf_str(&diff));
			else if (ctx->verbosity >= 0 || plan.outcome == ASSIGN_OUTCOME_NOTHING)
				cli_wrapf(stdout, 2, "%s\n", plan.summary);
			/* (a release's summary already says what the running VM keeps) */
			if (api && applied && ar.running && req->kind != ASSIGN_KIND_RELEASE)
				cli_wrapf(
				        stdout, 2,
				        _("VM %u runs on node %s: PVE put the change into its pending "
				          "config; it applies at the next start\n"),
				        plan.vmid, ar.node);
			else if (api && applied)
				printf(_("written through the API of node %s\n"), ar.node);
		}
	}
	util_buf_free(&diff);
	assign_plan_free(&plan);
	return rc;
}

void cli_change_init(struct cli_change *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->timeout_s = ASSIGN_LOCK_TIMEOUT_MS / 1000;
}

int cli_change_option(struct cli_ctx *ctx, const char *cmd, struct cli_change *ch, int c,
                      char **argv)
{
	switch (c) {
	case CLI_CHANGE_OPT_DRY: ch->dry_run = true; return 0;
	case CLI_CHANGE_OPT_API: ch->use_api = true; return 0;
	case CLI_CHANGE_OPT_TIMEOUT:
		return cli_arg_seconds(ctx, cmd, "--lock-timeout", optarg, &ch->timeout_s);
	case CLI_CHANGE_OPT_FORMAT:
		if (cli_set_format(ctx, optarg, 1u << CLI_FORMAT_TEXT | 1u << CLI_FORMAT_JSON))
			return CLI_EXIT_USAGE;
		return 0;
	case ':': return cli_usage_error(ctx, cmd, _("option %s needs a value"), argv[optind - 1]);
	default:
		if (cli_api_option(&ch->over, c, optarg))
			return 0;
		return cli_unknown_option(ctx, cmd, argv[optind - 1]);
	}
}

int cli_change_run(struct cli_ctx *ctx, const char *cmd, struct cli_change *ch, int argc,
                   char **argv, struct assign_request *req, int n_what, const char *what_msg)
{
	const struct settings_api_overrides *o = &ch->over;

	if (optind >= argc)
		return cli_usage_error(ctx, cmd, _("which VM? give its VMID"));
	if (cli_arg_vmid(ctx, cmd, argv[optind], &req->vmid))
		return CLI_EXIT_USAGE;
	if (optind + 1 < argc)
		return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind + 1]);
	if (n_what != 1)
		return cli_usage_error(ctx, cmd, "%s", what_msg);
	if (ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON)
		return cli_usage_error(ctx, cmd, _("--format: text or json"));
	if (!ch->use_api && (o->url || o->token_file || o->fingerprint || o->ca_file))
		return cli_usage_error(ctx, cmd, _("the --api-* options go with --api"));
	return assign_run_render(ctx, cmd, req, ch);
}

int cli_cmd_assign(struct cli_ctx *ctx, int argc, char **argv)
{
	enum {
		O_VF = 256,
		O_MDEV,
		O_MAPPING,
		O_PF,
		O_SLOT,
		O_PCIE,
		O_NOPCIE,
		O_XVGA,
		O_ROM,
	};
	static const struct option opts[] = {
	        {"vf", required_argument, NULL, O_VF},
	        {"mdev", required_argument, NULL, O_MDEV},
	        {"mapping", required_argument, NULL, O_MAPPING},
	        {"pf", required_argument, NULL, O_PF},
	        {"slot", required_argument, NULL, O_SLOT},
	        {"pcie", no_argument, NULL, O_PCIE},
	        {"no-pcie", no_argument, NULL, O_NOPCIE},
	        {"x-vga", no_argument, NULL, O_XVGA},
	        {"romfile", required_argument, NULL, O_ROM},
	        CLI_CHANGE_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	struct assign_request req;
	struct cli_change ch;
	int c, r, kinds = 0;

	cli_change_init(&ch);
	memset(&req, 0, sizeof(req));
	req.slot = -1;
	req.pcie = PVECONF_UNSET;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_VF:
			req.kind = ASSIGN_KIND_VF;
			kinds++;
			if (strcmp(optarg, "auto") != 0 &&
			    cli_arg_bdf(optarg, req.vf, sizeof(req.vf)) < 0)
				return cli_usage_error(
				        ctx, "assign",
				        _("--vf '%s': not a PCI address (0000:00:02.1) "
				          "nor auto"),
				        optarg);
			break;
		case O_MDEV:
			req.kind = ASSIGN_KIND_MDEV;
			kinds++;
			if (strcmp(optarg, "auto") != 0) {
				if (!valid_mdev_type(optarg))
					return cli_usage_error(
					        ctx, "assign",
					        _("--mdev '%s': not an mdev type name "
					          "(i915-GVTg_V5_4) nor auto"),
					        optarg);
				snprintf(req.mdev, sizeof(req.mdev), "%s", optarg);
			}
			break;
		case O_MAPPING:
			req.kind = ASSIGN_KIND_MAPPING;
			kinds++;
			if (!valid_configid(optarg))
				return cli_usage_error(
				        ctx, "assign",
				        _("--mapping '%s': not a mapping name (letters, "
				          "digits, '-', '_', starting with a letter)"),
				        optarg);
			snprintf(req.mapping, sizeof(req.mapping), "%s", optarg);
			break;
		case O_PF:
			if (cli_arg_bdf(optarg, req.pf, sizeof(req.pf)) < 0)
				return cli_usage_error(
				        ctx, "assign",
				        _("--pf '%s': not a PCI address (0000:00:02.0)"), optarg);
			break;
		case O_SLOT: {
			long v;

			if (cli_arg_long(optarg, 0, PVECONF_HOSTPCI_MAX - 1, &v) < 0)
				return cli_usage_error(ctx, "assign", _("--slot '%s': not 0..15"),
				                       optarg);
			req.slot = (int)v;
			break;
		}
		case O_PCIE: req.pcie = PVECONF_ON; break;
		case O_NOPCIE: req.pcie = PVECONF_OFF; break;
		case O_XVGA: req.x_vga = true; break;
		case O_ROM:
			if (!*optarg || strlen(optarg) >= sizeof(req.romfile) ||
			    strpbrk(optarg, ",;="))
				return cli_usage_error(ctx, "assign",
				                       _("--romfile '%s': not a file name"),
				                       optarg);
			snprintf(req.romfile, sizeof(req.romfile), "%s", optarg);
			break;
		default:
			if ((r = cli_change_option(ctx, "assign", &ch, c, argv)))
				return r;
		}
	}
	return cli_change_run(ctx, "assign", &ch, argc, argv, &req, kinds,
	                      _("give exactly one of --vf, --mdev, --mapping"));
}
