/* cli/findings.c - renders policy findings: text grouped by VM, JSON (docs/cli.md), Prometheus
 * textfile-collector lines, a Nagios status line with perfdata.  Consumes data only; decides
 * nothing about what is a problem. */
#include "cli/findings.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *sev_upper(enum policy_severity s)
{
	switch (s) {
	case POLICY_SEVERITY_ERROR: return "ERROR";
	case POLICY_SEVERITY_WARNING: return "WARNING";
	default: return "INFO";
	}
}

static void print_text(const struct cli_findings_view *v, FILE *out)
{
	const struct policy_findings *f = v->findings;
	unsigned cur = (unsigned)-1;

	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		const char *rule = policy_rule_get(x->rule)->name;

		if (x->vmid != cur) {
			const char *name = v->vm_name ? v->vm_name(v->arg, x->vmid) : NULL;

			if (i)
				fputc('\n', out);
			if (x->vmid == 0)
				fprintf(out, "node %s (host)\n", x->node);
			else
				fprintf(out, "VM %u%s%s%s on %s\n", x->vmid, name ? " (" : "",
				        name ? name : "", name ? ")" : "", x->node);
			cur = x->vmid;
		}
		fprintf(out, "  %-7s  %s", policy_severity_name(x->severity), rule);
		if (x->key[0])
			fprintf(out, "%*s%s%s%s", (int)(21 - strlen(rule)), "",
			        strcmp(x->section, "main") ? x->section : "",
			        strcmp(x->section, "main") ? "/" : "", x->key);
		if (x->device[0])
			fprintf(out, "  %s", x->device);
		fprintf(out, "\n           %s\n           fix: %s\n", x->message, x->hint);
	}
	if (f->n)
		fputc('\n', out);
	fprintf(out, "%s: %zu error%s, %zu warning%s, %zu info in %zu VM%s checked\n", v->node,
	        policy_findings_count(f, POLICY_SEVERITY_ERROR),
	        policy_findings_count(f, POLICY_SEVERITY_ERROR) == 1 ? "" : "s",
	        policy_findings_count(f, POLICY_SEVERITY_WARNING),
	        policy_findings_count(f, POLICY_SEVERITY_WARNING) == 1 ? "" : "s",
	        policy_findings_count(f, POLICY_SEVERITY_INFO), v->n_vms, v->n_vms == 1 ? "" : "s");
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static int print_json(const struct cli_findings_view *v, FILE *out)
{
	const struct policy_findings *f = v->findings;
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	int r;

	json_object_set_new(root, "schema_version", json_integer(1));
	json_object_set_new(root, "node", json_string(v->node));
	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		json_t *o = json_object();

		json_object_set_new(o, "rule", json_string(policy_rule_get(x->rule)->name));
		json_object_set_new(o, "severity", json_string(policy_severity_name(x->severity)));
		json_object_set_new(o, "node", json_string(x->node));
		json_object_set_new(o, "vmid", x->vmid ? json_integer(x->vmid) : json_null());
		json_object_set_new(o, "section", str_or_null(x->vmid ? x->section : NULL));
		json_object_set_new(o, "key", str_or_null(x->key));
		json_object_set_new(o, "device", str_or_null(x->device));
		json_object_set_new(o, "message", json_string(x->message));
		json_object_set_new(o, "hint", json_string(x->hint));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "findings", arr);
	json_object_set_new(
	        sum, "error",
	        json_integer((json_int_t)policy_findings_count(f, POLICY_SEVERITY_ERROR)));
	json_object_set_new(
	        sum, "warning",
	        json_integer((json_int_t)policy_findings_count(f, POLICY_SEVERITY_WARNING)));
	json_object_set_new(
	        sum, "info",
	        json_integer((json_int_t)policy_findings_count(f, POLICY_SEVERITY_INFO)));
	json_object_set_new(sum, "vms", json_integer((json_int_t)v->n_vms));
	json_object_set_new(root, "summary", sum);
	r = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	return r;
}

/* Prometheus label values escape \ " and newline. */
static void prom_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void print_prometheus(const struct cli_findings_view *v, FILE *out)
{
	const struct policy_findings *f = v->findings;

	fputs("# HELP pve_passthrough_findings Findings of pve-passthrough audit, by rule, severity "
	      "and VM.\n# TYPE pve_passthrough_findings gauge\n",
	      out);
	/* one line per (vmid, rule, severity), at its first finding */
	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		bool seen = false;
		size_t n = 0;

		for (size_t k = 0; k < i && !seen; k++)
			seen = f->v[k].vmid == x->vmid && f->v[k].rule == x->rule &&
			       f->v[k].severity == x->severity;
		if (seen)
			continue;
		for (size_t j = i; j < f->n; j++)
			n += f->v[j].vmid == x->vmid && f->v[j].rule == x->rule &&
			     f->v[j].severity == x->severity;
		fputs("pve_passthrough_findings{node=\"", out);
		prom_label(out, x->node);
		fprintf(out, "\",rule=\"%s\",severity=\"%s\",vmid=\"",
		        policy_rule_get(x->rule)->name, policy_severity_name(x->severity));
		if (x->vmid)
			fprintf(out, "%u", x->vmid);
		fprintf(out, "\"} %zu\n", n);
	}
	fputs("# HELP pve_passthrough_audit_findings Findings of the last audit by severity.\n"
	      "# TYPE pve_passthrough_audit_findings gauge\n",
	      out);
	for (int s = POLICY_SEVERITY_ERROR; s >= POLICY_SEVERITY_INFO; s--) {
		fputs("pve_passthrough_audit_findings{node=\"", out);
		prom_label(out, v->node);
		fprintf(out, "\",severity=\"%s\"} %zu\n",
		        policy_severity_name((enum policy_severity)s),
		        policy_findings_count(f, (enum policy_severity)s));
	}
	fputs("# HELP pve_passthrough_audit_vms VMs the last audit checked.\n"
	      "# TYPE pve_passthrough_audit_vms gauge\npve_passthrough_audit_vms{node=\"",
	      out);
	prom_label(out, v->node);
	fprintf(out, "\"} %zu\n", v->n_vms);
}

static int print_nagios(const struct cli_findings_view *v, FILE *out)
{
	const struct policy_findings *f = v->findings;
	size_t ne = policy_findings_count(f, POLICY_SEVERITY_ERROR);
	size_t nw = policy_findings_count(f, POLICY_SEVERITY_WARNING);
	size_t ni = policy_findings_count(f, POLICY_SEVERITY_INFO);
	int status = ne ? 2 : nw ? 1 : 0;
	const char *word = status == 2 ? "CRITICAL" : status == 1 ? "WARNING" : "OK";
	size_t shown = 0;

	fprintf(out, "PVE-PASSTHROUGH %s - %zu error%s, %zu warning%s, %zu info in %zu VM%s", word,
	        ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s", ni, v->n_vms,
	        v->n_vms == 1 ? "" : "s");
	/* name the worst findings (they come first within each VM) */
	for (int s = POLICY_SEVERITY_ERROR; s >= POLICY_SEVERITY_WARNING && status; s--)
		for (size_t i = 0; i < f->n && shown < 5; i++) {
			const struct policy_finding *x = &f->v[i];

			if ((int)x->severity != s)
				continue;
			fprintf(out, "%s%s %s%s", shown ? ", " : ": ", sev_upper(x->severity),
			        policy_rule_get(x->rule)->name, x->vmid ? "" : " (host)");
			if (x->vmid)
				fprintf(out, " VM %u", x->vmid);
			shown++;
		}
	if (shown < ne + nw && status)
		fprintf(out, ", ...");
	fprintf(out, " | errors=%zu;;1;0 warnings=%zu;1;;0 info=%zu;;;0 vms=%zu;;;0\n", ne, nw, ni,
	        v->n_vms);
	return status;
}

int cli_findings_print(const struct cli_findings_view *v, enum cli_format format, FILE *out)
{
	switch (format) {
	case CLI_FORMAT_JSON: return print_json(v, out) < 0 ? -1 : 0;
	case CLI_FORMAT_PROMETHEUS: print_prometheus(v, out); return 0;
	case CLI_FORMAT_NAGIOS: return print_nagios(v, out);
	default: print_text(v, out); return 0;
	}
}
