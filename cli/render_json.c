/* cli/render_json.c - findings as docs/cli.md's JSON: schema_version, one object per finding
 * (snake_case keys; vmid, section, key, device null where they do not apply) and a summary.
 * Consumes the report only. */
#include <jansson.h>

#include "cli/render.h"

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *finding_json(const struct cli_report *r, const struct policy_finding *x, bool vm)
{
	json_t *o = json_object();
	const char *node = x->node;

	if (r->kind == CLI_REPORT_DOCTOR)
		node = x->node[0] && vm ? x->node : r->node;
	json_object_set_new(o, "rule", json_string(policy_rule_get(x->rule)->name));
	json_object_set_new(o, "severity", json_string(policy_severity_name(x->severity)));
	json_object_set_new(o, "node",
	                    r->kind == CLI_REPORT_DOCTOR ? str_or_null(node) : json_string(node));
	json_object_set_new(o, "vmid", x->vmid ? json_integer(x->vmid) : json_null());
	/* audit: a host-level finding has no section; doctor keeps what the rule set */
	json_object_set_new(
	        o, "section",
	        str_or_null(vm && (x->vmid || r->kind == CLI_REPORT_DOCTOR) ? x->section : NULL));
	json_object_set_new(o, "key", str_or_null(vm ? x->key : NULL));
	json_object_set_new(o, "device", str_or_null(x->device));
	json_object_set_new(o, "message", json_string(x->message));
	json_object_set_new(o, "hint", json_string(x->hint));
	return o;
}

static json_int_t count(const struct cli_report *r, enum policy_severity s)
{
	return (json_int_t)cli_report_count(r, s);
}

static int json_report(const struct cli_report *r, FILE *out)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	bool doctor = r->kind == CLI_REPORT_DOCTOR;
	int rc;

	json_object_set_new(root, "schema_version", json_integer(1));
	json_object_set_new(root, "node", doctor ? str_or_null(r->node) : json_string(r->node));
	if (doctor)
		json_object_set_new(root, "mode", json_string(r->mode));
	for (size_t i = 0; r->host && i < r->host->n; i++)
		json_array_append_new(arr, finding_json(r, &r->host->v[i], false));
	for (size_t i = 0; (!doctor || r->audited) && i < r->findings->n; i++)
		json_array_append_new(arr, finding_json(r, &r->findings->v[i], true));
	json_object_set_new(root, "findings", arr);
	if (doctor) {
		json_object_set_new(root, "audit", json_boolean(r->audited));
		if (!r->audited)
			json_object_set_new(root, "audit_skipped", json_string(r->audit_skipped));
	}
	json_object_set_new(sum, "error", json_integer(count(r, POLICY_SEVERITY_ERROR)));
	json_object_set_new(sum, "warning", json_integer(count(r, POLICY_SEVERITY_WARNING)));
	json_object_set_new(sum, "info", json_integer(count(r, POLICY_SEVERITY_INFO)));
	if (!doctor)
		json_object_set_new(sum, "vms", json_integer((json_int_t)r->n_vms));
	json_object_set_new(root, "summary", sum);
	/* completeness: a consumer must not read "no findings" as healthy when complete is false */
	json_object_set_new(root, "complete", json_boolean(cli_report_complete(r)));
	json_object_set_new(root, "configs_read", json_integer((json_int_t)r->configs_read));
	json_object_set_new(root, "configs_unreadable",
	                    json_integer((json_int_t)r->configs_unreadable));
	arr = json_array();
	for (size_t i = 0; i < r->n_unread; i++)
		json_array_append_new(arr, json_string(r->unread[i]));
	json_object_set_new(root, "unread", arr);
	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	return rc < 0 || ferror(out) ? -1 : 0;
}

const struct cli_render_ops cli_render_json = {.name = "json", .report = json_report};
