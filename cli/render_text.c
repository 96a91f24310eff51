/* cli/render_text.c - findings for people: audit's findings grouped by VM with a summary line,
 * an info finding of one rule on several VMs as one row naming them (one command when the fixes
 * are the same command per VMID), doctor's host checks then the VM configs'; with -q one line per
 * finding and nothing else.  The findings are tables of cli/table.h (severity, rule, what and the
 * fix wrapped to the terminal; the tables of one report line up).
 * Severities in colour on a terminal (errors red, warnings yellow, info green).  Consumes the
 * report only. */
#include <stdlib.h>
#include <string.h>

#include "cli/render.h"
#include "cli/table.h"
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

/* ---------------------------------------------------------------- the findings tables */

/* Every findings table of a report has these columns, with the same widths (tables printed one
 * after the other line up): an indent (a column without heading or text: only its separator),
 * the severity, the rule, and what was found with its fix, wrapped to the terminal. */
enum { C_INDENT, C_SEVERITY, C_RULE, C_DETAIL };

static struct cli_table *findings_table(const struct cli_report *r, FILE *out)
{
	struct cli_table *t = cli_table_new(out, r->color, false);
	size_t sev = 0;

	if (!t)
		return NULL;
	for (int s = POLICY_SEVERITY_INFO; s <= POLICY_SEVERITY_ERROR; s++)
		if (cli_text_width(cli_severity_label((enum policy_severity)s)) > sev)
			sev = cli_text_width(cli_severity_label((enum policy_severity)s));
	if (cli_table_column(t, NULL, 0) || cli_table_column(t, "", 0) ||
	    cli_table_column(t, "", 0) || cli_table_column(t, "", CLI_COL_WRAP)) {
		cli_table_free(t);
		return NULL;
	}
	cli_table_column_min(t, C_SEVERITY, sev);
	cli_table_column_min(t, C_RULE, 19); /* most rule names; a longer one widens the table */
	return t;
}

static void findings_row(struct cli_table *t, enum policy_severity s, const char *rule,
                         const char *detail)
{
	struct cli_row *row = cli_table_row(t, NULL);

	cli_table_cell(row, C_SEVERITY, "%s", cli_severity_label(s));
	cli_table_cell_color(row, C_SEVERITY,
	                     s == POLICY_SEVERITY_ERROR     ? CLI_COLOR_RED
	                     : s == POLICY_SEVERITY_WARNING ? CLI_COLOR_YELLOW
	                                                    : CLI_COLOR_GREEN);
	cli_table_cell(row, C_RULE, "%s", rule);
	cli_table_cell(row, C_DETAIL, "%s", detail);
}

/* A finding's detail: where (its own words), the message, then "fix: " and the hint on a line
 * of its own. */
static void finding_row(struct cli_table *t, const struct policy_finding *x, const char *where)
{
	char *d = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&d, &len);

	if (!m)
		return;
	fprintf(m, "%s%s", where, x->message);
	if (x->hint[0]) {
		fputc('\n', m);
		fprintf(m, _("fix: %s"), x->hint);
	}
	if (fclose(m) == 0)
		findings_row(t, x->severity, policy_rule_get(x->rule)->name, d);
	free(d);
}

/* One row per aggregated rule: the VMs, the rule's summary, one command for all of them when
 * every hint is the same command ending in its VMID, else the registry's fix. */
static void aggregate_text(const struct cli_report *r, const struct policy_findings *f,
                           struct cli_table *t)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		const struct policy_rule *rule = policy_rule_get(x->rule);
		size_t n = 0, stem = hint_stem(x), len = 0;
		bool first = true, merge = stem > 0;
		char *d = NULL;
		FILE *m;

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
		m = open_memstream(&d, &len);
		if (!m)
			return;
		/* TRANSLATORS: after the rule's name in audit: "on 10 VMs: 100 101 ..." */
		fprintf(m, P_("on %zu VM:", "on %zu VMs:", n), n);
		for (size_t k = i; k < f->n; k++)
			if (f->v[k].rule == x->rule && aggregated(f, &f->v[k]))
				fprintf(m, " %u", f->v[k].vmid);
		fprintf(m, "\n%s\n", _(rule->summary));
		if (merge) {
			char *cmd = NULL;
			size_t cl = 0;
			FILE *c = open_memstream(&cmd, &cl);

			if (c) {
				fprintf(c, "%.*s", (int)stem, x->hint);
				for (size_t k = i; k < f->n; k++)
					if (f->v[k].rule == x->rule && aggregated(f, &f->v[k]))
						fprintf(c, " %u", f->v[k].vmid);
				if (fclose(c) == 0)
					fprintf(m, _("fix: %s"), cmd);
				free(cmd);
			}
		} else {
			fprintf(m, _("fix: %s"), _(rule->fix));
		}
		if (fclose(m) == 0)
			findings_row(t, x->severity, rule->name, d);
		free(d);
	}
	(void)r;
}

/* Prints t and starts the next one. */
static struct cli_table *table_flush(const struct cli_report *r, FILE *out, struct cli_table *t)
{
	if (t) {
		cli_table_print(t);
		cli_table_free(t);
	}
	return findings_table(r, out);
}

static void audit_text(const struct cli_report *r, FILE *out)
{
	const struct policy_findings *f = r->findings;
	unsigned cur = (unsigned)-1;
	size_t ne = cli_report_count(r, POLICY_SEVERITY_ERROR);
	size_t nw = cli_report_count(r, POLICY_SEVERITY_WARNING);
	bool any = false, agg = false;
	struct cli_table *t = NULL;

	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		char where[200] = "";

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

			if (t) {
				cli_table_print(t);
				cli_table_free(t);
				t = NULL;
			}
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
			t = findings_table(r, out);
			if (!t)
				return;
		}
		/* where: "[section/]key device: " */
		if (x->key[0] || x->device[0])
			snprintf(where, sizeof(where),
			         "%s%s%s%s%s: ", strcmp(x->section, "main") ? x->section : "",
			         strcmp(x->section, "main") ? "/" : "", x->key,
			         x->key[0] && x->device[0] ? " " : "", x->device);
		finding_row(t, x, where);
	}
	if (t) {
		cli_table_print(t);
		cli_table_free(t);
	}
	if (r->quiet)
		return;
	if (agg) {
		if (any)
			fputc('\n', out);
		fputs(_("repeated on several VMs\n"), out);
		t = table_flush(r, out, NULL);
		if (!t)
			return;
		aggregate_text(r, f, t);
		cli_table_print(t);
		cli_table_free(t);
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
	struct cli_table *t;
	char head[1024];

	if (r->quiet) {
		for (size_t i = 0; h && i < h->n; i++)
			quiet_line(r, out, &h->v[i]);
		for (size_t i = 0; r->audited && i < f->n; i++)
			quiet_line(r, out, &f->v[i]);
		return;
	}
	snprintf(head, sizeof(head), _("doctor: %s, host mode %s (%s)"),
	         r->node[0] ? r->node : _("this host"), r->mode, r->mode_why);
	cli_text_wrap(out, head, 0, 4, cli_term_width(out));
	fputc('\n', out);
	t = findings_table(r, out);
	if (!t)
		return;
	for (size_t i = 0; h && i < h->n; i++) {
		const struct policy_finding *x = &h->v[i];
		char where[80] = "";

		if (x->device[0])
			snprintf(where, sizeof(where), "%s: ", x->device);
		finding_row(t, x, where);
	}
	cli_table_print(t);
	cli_table_free(t);
	if (r->audited) {
		fprintf(out,
		        P_("VM configs (every audit rule, %zu VM):\n",
		           "VM configs (every audit rule, %zu VMs):\n", r->n_vms),
		        r->n_vms);
		t = findings_table(r, out);
		if (!t)
			return;
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
			finding_row(t, x, where);
		}
		cli_table_print(t);
		cli_table_free(t);
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
