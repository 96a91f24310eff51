/* cli/render_text.c - findings for people: audit's findings grouped by VM with a summary line,
 * an info finding of one rule on several VMs as one line naming them (one command when the fixes
 * are the same command per VMID), doctor's host checks then the VM configs'; with -q one line per
 * finding and nothing else.
 * Severities in colour on a terminal (errors red, warnings yellow, info green).  Consumes the
 * report only. */
#include <string.h>

#include "cli/render.h"
#include "util/i18n.h"

/* The severity's name padded to width, in its colour when r->color. */
static void severity(const struct cli_report *r, FILE *out, enum policy_severity s, int width)
{
	const char *name = cli_severity_label(s);
	const char *on = s == POLICY_SEVERITY_ERROR     ? "\033[31m"
	                 : s == POLICY_SEVERITY_WARNING ? "\033[33m"
	                                                : "\033[32m";

	/* padded by display width: a translated name may have characters two columns wide */
	if (r->color)
		fprintf(out, "%s%s\033[0m", on, name);
	else
		fputs(name, out);
	for (size_t w = cli_text_width(name); (int)w < width; w++)
		fputc(' ', out);
}

/* -q: "VM 102 hostpci0 0000:00:02.0: error pf-with-vfs: message", "host: ..." */
static void quiet_line(const struct cli_report *r, FILE *out, const struct policy_finding *x)
{
	bool sec = x->section[0] && strcmp(x->section, "main");

	char loc[160];

	snprintf(loc, sizeof(loc), "%s%s%s%s%s%s", x->key[0] ? " " : "", x->key, sec ? " " : "",
	         sec ? x->section : "", x->device[0] ? " " : "", x->device);
	if (x->vmid)
		/* TRANSLATORS: -q's prefix: "VM 102 hostpci0 0000:00:02.0: " */
		fprintf(out, _("VM %u%s: "), x->vmid, loc);
	else
		fprintf(out, _("host%s: "), loc);
	severity(r, out, x->severity, 0);
	fprintf(out, " %s: %s\n", policy_rule_get(x->rule)->name, x->message);
}

/* Info findings of one rule on several VMs are one line (JSON keeps one finding per VM). */
static bool aggregated(const struct policy_findings *f, const struct policy_finding *x)
{
	if (x->severity != POLICY_SEVERITY_INFO || !x->vmid)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (&f->v[i] != x && f->v[i].rule == x->rule &&
		    f->v[i].severity == POLICY_SEVERITY_INFO && f->v[i].vmid &&
		    f->v[i].vmid != x->vmid)
			return true;
	return false;
}

/* The hint without its trailing " VMID" ("pve-passthrough hook install 100" -> length of
 * "pve-passthrough hook install"), or 0 when it does not end with the finding's VMID. */
static size_t hint_stem(const struct policy_finding *x)
{
	char id[16];
	size_t l = strlen(x->hint), n = (size_t)snprintf(id, sizeof(id), " %u", x->vmid);

	return l > n && strcmp(x->hint + l - n, id) == 0 ? l - n : 0;
}

/* One line per aggregated rule: the VMs, the rule's summary, one command for all of them when
 * every hint is the same command ending in its VMID, else the registry's fix. */
static void aggregate_text(const struct cli_report *r, const struct policy_findings *f, FILE *out)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		const struct policy_rule *rule = policy_rule_get(x->rule);
		size_t n = 0, stem = hint_stem(x);
		bool first = true, merge = stem > 0;

		if (!aggregated(f, x))
			continue;
		for (size_t k = 0; k < i && first; k++)
			first = !(f->v[k].rule == x->rule && aggregated(f, &f->v[k]));
		if (!first)
			continue;
		for (size_t k = i; k < f->n; k++)
			if (f->v[k].rule == x->rule && aggregated(f, &f->v[k])) {
				n++;
				merge = merge && hint_stem(&f->v[k]) == stem &&
				        strncmp(f->v[k].hint, x->hint, stem) == 0;
			}
		fputs("  ", out);
		severity(r, out, x->severity, 7);
		fputs("  ", out);
		fprintf(out, P_("%s on %zu VM:", "%s on %zu VMs:", n), rule->name, n);
		for (size_t k = i; k < f->n; k++)
			if (f->v[k].rule == x->rule && aggregated(f, &f->v[k]))
				fprintf(out, " %u", f->v[k].vmid);
		fprintf(out, "\n           %s\n           ", _(rule->summary));
		fputs(_("fix: "), out);
		if (merge) {
			fprintf(out, "%.*s", (int)stem, x->hint);
			for (size_t k = i; k < f->n; k++)
				if (f->v[k].rule == x->rule && aggregated(f, &f->v[k]))
					fprintf(out, " %u", f->v[k].vmid);
			fputc('\n', out);
		} else {
			fprintf(out, "%s\n", _(rule->fix));
		}
	}
}

static void audit_text(const struct cli_report *r, FILE *out)
{
	const struct policy_findings *f = r->findings;
	unsigned cur = (unsigned)-1;
	size_t ne = cli_report_count(r, POLICY_SEVERITY_ERROR);
	size_t nw = cli_report_count(r, POLICY_SEVERITY_WARNING);
	bool any = false, agg = false;

	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		const char *rule = policy_rule_get(x->rule)->name;

		if (r->quiet) {
			quiet_line(r, out, x);
			continue;
		}
		if (aggregated(f, x)) {
			agg = true;
			continue;
		}
		if (x->vmid != cur) {
			const char *name = r->vm_name ? r->vm_name(r->arg, x->vmid) : NULL;

			if (any)
				fputc('\n', out);
			any = true;
			if (x->vmid == 0)
				fprintf(out, _("node %s (host)\n"), x->node);
			else if (name)
				fprintf(out, _("VM %u (%s) on %s\n"), x->vmid, name, x->node);
			else
				fprintf(out, _("VM %u on %s\n"), x->vmid, x->node);
			cur = x->vmid;
		}
		fputs("  ", out);
		severity(r, out, x->severity, 7);
		fprintf(out, "  %s", rule);
		if (x->key[0])
			fprintf(out, "%*s%s%s%s", (int)(21 - strlen(rule)), "",
			        strcmp(x->section, "main") ? x->section : "",
			        strcmp(x->section, "main") ? "/" : "", x->key);
		if (x->device[0])
			fprintf(out, "  %s", x->device);
		fprintf(out, "\n           %s\n           ", x->message);
		fprintf(out, _("fix: %s\n"), x->hint);
	}
	if (r->quiet)
		return;
	if (agg) {
		if (any)
			fputc('\n', out);
		fputs(_("repeated on several VMs\n"), out);
		aggregate_text(r, f, out);
	}
	if (f->n)
		fputc('\n', out);
	{
		char es[64], ws[64], is[64], vs[64];
		size_t ni = cli_report_count(r, POLICY_SEVERITY_INFO);

		snprintf(es, sizeof(es), P_("%zu error", "%zu errors", ne), ne);
		snprintf(ws, sizeof(ws), P_("%zu warning", "%zu warnings", nw), nw);
		snprintf(is, sizeof(is), P_("%zu info", "%zu info", ni), ni);
		snprintf(vs, sizeof(vs), P_("%zu VM", "%zu VMs", r->n_vms), r->n_vms);
		/* TRANSLATORS: node: N errors, N warnings, N info in N VMs checked */
		fprintf(out, _("%s: %s, %s, %s in %s checked\n"), r->node, es, ws, is, vs);
	}
}

static void doctor_text(const struct cli_report *r, FILE *out)
{
	const struct policy_findings *h = r->host, *f = r->findings;

	if (r->quiet) {
		for (size_t i = 0; h && i < h->n; i++)
			quiet_line(r, out, &h->v[i]);
		for (size_t i = 0; r->audited && i < f->n; i++)
			quiet_line(r, out, &f->v[i]);
		return;
	}
	fprintf(out, _("doctor: %s, host mode %s (%s)\n"), r->node[0] ? r->node : _("this host"),
	        r->mode, r->mode_why);
	for (size_t i = 0; h && i < h->n; i++) {
		const struct policy_finding *x = &h->v[i];

		severity(r, out, x->severity, 7);
		fprintf(out, " %-20s %s%s%s\n", policy_rule_get(x->rule)->name,
		        x->device[0] ? x->device : "", x->device[0] ? ": " : "", x->message);
		if (x->hint[0]) {
			fprintf(out, "%-28s ", "");
			fprintf(out, _("fix: %s\n"), x->hint);
		}
	}
	if (r->audited) {
		fprintf(out,
		        P_("VM configs (every audit rule, %zu VM):\n",
		           "VM configs (every audit rule, %zu VMs):\n", r->n_vms),
		        r->n_vms);
		for (size_t i = 0; i < f->n; i++) {
			const struct policy_finding *x = &f->v[i];
			bool sec = x->section[0] && strcmp(x->section, "main");
			char where[160] = "";

			if (x->vmid) {
				char loc[120];

				snprintf(loc, sizeof(loc), "%s%s%s%s", x->key[0] ? " " : "", x->key,
				         sec ? " " : "", sec ? x->section : "");
				/* TRANSLATORS: VM 104 hostpci0 pending: <message> */
				snprintf(where, sizeof(where), _("VM %u%s: "), x->vmid, loc);
			}
			severity(r, out, x->severity, 7);
			fprintf(out, " %-20s %s%s\n", policy_rule_get(x->rule)->name, where,
			        x->message);
			if (x->hint[0]) {
				fprintf(out, "%-28s ", "");
				fprintf(out, _("fix: %s\n"), x->hint);
			}
		}
		if (!f->n)
			fprintf(out, _("        no findings\n"));
	} else {
		fprintf(out, _("VM configs: not checked (%s)\n"), r->audit_skipped);
	}
	/* TRANSLATORS: doctor's closing line, counts of errors, warnings and info */
	fprintf(out, _("%zu error(s), %zu warning(s), %zu info\n"),
	        cli_report_count(r, POLICY_SEVERITY_ERROR),
	        cli_report_count(r, POLICY_SEVERITY_WARNING),
	        cli_report_count(r, POLICY_SEVERITY_INFO));
}

/* After the summary, last on the screen: what could not be read. */
static void unread_text(const struct cli_report *r, FILE *out)
{
	if (cli_report_complete(r))
		return;
	fprintf(out, _("INCOMPLETE: judged only on what could be read; not read:\n"));
	for (size_t i = 0; i < r->n_unread; i++)
		fprintf(out, "  %s\n", r->unread[i]);
}

static int text_report(const struct cli_report *r, FILE *out)
{
	if (r->kind == CLI_REPORT_DOCTOR)
		doctor_text(r, out);
	else
		audit_text(r, out);
	unread_text(r, out);
	return ferror(out) ? -1 : 0;
}

const struct cli_render_ops cli_render_text = {.name = "text", .report = text_report};
