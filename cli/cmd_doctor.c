/* cli/cmd_doctor.c - `doctor`: the host checks of host/doctor.c (facts from sysfs/) plus every
 * rule of the audit (policy/ over this node's VM configs, through cli/gather), rendered as text or
 * as docs/cli.md's findings JSON, exit status per --fail-on.  No checks of its own. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gather/gather.h"
#include "host/doctor.h"

static int parse_level(const char *s, enum policy_severity *out)
{
	return policy_severity_parse(s, out) < 0 || *out == POLICY_SEVERITY_OFF ? -1 : 0;
}

int cmd_doctor(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_KERNEL_LOG };
	static const struct option opts[] = {
	        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	        {"kernel-log", required_argument, NULL, OPT_KERNEL_LOG},
	        {NULL, 0, NULL, 0},
	};
	enum policy_severity fail_on = POLICY_SEVERITY_ERROR;
	struct host_facts f;
	struct host_findings fs;
	struct util_err e = {0};
	size_t count[3] = {0}, k = 0;
	bool found = false, have_audit = false;
	struct gather_opts go;
	struct gather_node g;
	struct policy_findings pf = {0};
	char audit_skip[1024] = "";
	const char *kernel_log = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FAIL_ON:
			if (parse_level(optarg, &fail_on) < 0)
				return cli_usage_error(ctx, "doctor",
				                       "--fail-on %s: info, warning or error",
				                       optarg);
			break;
		case OPT_KERNEL_LOG: kernel_log = optarg; break;
		default:
			return cli_usage_error(ctx, "doctor", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "doctor", "doctor takes no arguments");
	if (ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON) {
		cli_error(ctx, "doctor: --format text or json");
		return CLI_EXIT_USAGE;
	}
	/* the settings first: they set the severities of host rules and VM rules alike */
	memset(&g, 0, sizeof(g));
	if (cli_settings(ctx, &g, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		gather_free(&g);
		return CLI_EXIT_FAIL;
	}
	r = cli_host_facts(ctx, &f, &e);
	f.kernel_log = kernel_log;
	if (r == 0)
		r = host_doctor_run(&ctx->paths, &f, g.severity, &fs, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		gather_free(&g);
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < fs.f.n; i++) {
		count[fs.f.v[i].severity]++;
		found = found || fs.f.v[i].severity >= fail_on;
	}
	/* every VM rule of the audit, when this node's configs can be read */
	cli_gather_opts(ctx, 0, &go);
	if (!ctx->node[0]) {
		snprintf(audit_skip, sizeof(audit_skip), "%s", ctx->node_error);
	} else if (gather_local(&go, &g, &e) < 0 || policy_evaluate(&g.in, &pf, &e) < 0) {
		snprintf(audit_skip, sizeof(audit_skip), "%s", e.msg);
	} else {
		have_audit = true;
		for (size_t i = 0; i < pf.n; i++) {
			const struct policy_finding *x = &pf.v[i];
			bool dup = false;

			for (size_t j = 0; j < fs.f.n && !dup; j++)
				dup = x->vmid == 0 && fs.f.v[j].rule == x->rule;
			if (dup || x->severity < POLICY_SEVERITY_INFO)
				continue;
			pf.v[k++] = *x;
			count[x->severity]++;
			found = found || x->severity >= fail_on;
		}
		pf.n = k;
	}
	if (ctx->format == CLI_FORMAT_JSON) {
		json_t *o = json_object(), *arr = json_array();
		char *s;

		json_object_set_new(o, "schema_version", json_integer(1));
		json_object_set_new(o, "node", ctx->node[0] ? json_string(ctx->node) : json_null());
		json_object_set_new(o, "mode", json_string(host_mode_name(fs.mode)));
		for (size_t i = 0; i < fs.f.n; i++) {
			const struct policy_finding *h = &fs.f.v[i];
			json_t *j = json_object();

			json_object_set_new(j, "rule", json_string(policy_rule_get(h->rule)->name));
			json_object_set_new(j, "severity",
			                    json_string(policy_severity_name(h->severity)));
			json_object_set_new(j, "node",
			                    ctx->node[0] ? json_string(ctx->node) : json_null());
			json_object_set_new(j, "vmid", json_null());
			json_object_set_new(j, "section", json_null());
			json_object_set_new(j, "key", json_null());
			json_object_set_new(j, "device",
			                    h->device[0] ? json_string(h->device) : json_null());
			json_object_set_new(j, "message", json_string(h->message));
			json_object_set_new(j, "hint", json_string(h->hint));
			json_array_append_new(arr, j);
		}
		for (size_t i = 0; have_audit && i < pf.n; i++) {
			const struct policy_finding *x = &pf.v[i];
			json_t *j = json_object();

			json_object_set_new(j, "rule", json_string(policy_rule_get(x->rule)->name));
			json_object_set_new(j, "severity",
			                    json_string(policy_severity_name(x->severity)));
			json_object_set_new(j, "node",
			                    json_string(x->node[0] ? x->node : ctx->node));
			json_object_set_new(j, "vmid",
			                    x->vmid ? json_integer(x->vmid) : json_null());
			json_object_set_new(j, "section",
			                    x->section[0] ? json_string(x->section) : json_null());
			json_object_set_new(j, "key",
			                    x->key[0] ? json_string(x->key) : json_null());
			json_object_set_new(j, "device",
			                    x->device[0] ? json_string(x->device) : json_null());
			json_object_set_new(j, "message", json_string(x->message));
			json_object_set_new(j, "hint", json_string(x->hint));
			json_array_append_new(arr, j);
		}
		json_object_set_new(o, "findings", arr);
		json_object_set_new(o, "audit", have_audit ? json_true() : json_false());
		if (!have_audit)
			json_object_set_new(o, "audit_skipped", json_string(audit_skip));
		json_object_set_new(o, "summary",
		                    json_pack("{s:I,s:I,s:I}", "error", (json_int_t)count[2],
		                              "warning", (json_int_t)count[1], "info",
		                              (json_int_t)count[0]));
		s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		printf("doctor: %s, host mode %s (%s)\n", ctx->node[0] ? ctx->node : "this host",
		       host_mode_name(fs.mode), fs.mode_why);
		for (size_t i = 0; i < fs.f.n; i++) {
			const struct policy_finding *h = &fs.f.v[i];

			printf("%-7s %-20s %s%s%s\n", policy_severity_name(h->severity),
			       policy_rule_get(h->rule)->name, h->device[0] ? h->device : "",
			       h->device[0] ? ": " : "", h->message);
			if (h->hint[0])
				printf("%-28s fix: %s\n", "", h->hint);
		}
		if (have_audit) {
			printf("VM configs (every audit rule, %zu VMs):\n", g.n_vms);
			for (size_t i = 0; i < pf.n; i++) {
				const struct policy_finding *x = &pf.v[i];
				char where[160] = "";

				if (x->vmid)
					snprintf(where, sizeof(where), "VM %u%s%s%s%s: ", x->vmid,
					         x->key[0] ? " " : "", x->key,
					         x->section[0] && strcmp(x->section, "main") ? " "
					                                                     : "",
					         x->section[0] && strcmp(x->section, "main")
					                 ? x->section
					                 : "");
				printf("%-7s %-20s %s%s\n", policy_severity_name(x->severity),
				       policy_rule_get(x->rule)->name, where, x->message);
				if (x->hint[0])
					printf("%-28s fix: %s\n", "", x->hint);
			}
			if (!pf.n)
				printf("        no findings\n");
		} else {
			printf("VM configs: not checked (%s)\n", audit_skip);
		}
		printf("%zu error(s), %zu warning(s), %zu info\n", count[2], count[1], count[0]);
	}
	host_findings_free(&fs);
	policy_findings_free(&pf);
	gather_free(&g);
	return found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
