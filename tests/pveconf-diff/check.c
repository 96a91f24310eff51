/* tests/pveconf-diff/check.c - the differential tier: every config of
 * ../shared/corpus/pveconf-diff/ against what Proxmox VE's own Perl reader and writer made of it
 * (see that directory's README.txt).
 *
 * Per case NNNN:
 *  - normalize: pveconf_vm_write_pve() gives exactly NNNN.conf.pve-normalized, or fails with
 *    -ERANGE where NNNN.conf.pve-died exists (PVE's writer died: nothing may be printed);
 *  - lint agreement (the verdict `lint` takes from the same diagnostics):
 *      where PVE dropped something (.pve-drops not empty) or its writer died, lint finds a loss
 *      (exit 1) and names every entry of .pve-drops: `key K` by a loss on key K, `section S` and
 *      `duplicate-section S` by a loss on that section, `line T` by a loss on a line T; and every
 *      warned drop lint reports (kind DROPPED) is one of them;
 *      where PVE dropped nothing, lint reports no loss (exit 0), except silent losses (kind
 *      SILENT) on lines that .pve-noeffect confirms change nothing PVE keeps.
 *
 * Usage: check DIR [--min-identical N] [--min-agree N] [-v]
 * Prints the figures and, for run-tier.sh, "pveconf-diff: P passed, F failed" where F counts the
 * cases below the floors (the floors end at every case). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/cpu.h"
#include "pveconf/vmconf.h"
#include "util/buf.h"
#include "util/fileio.h"

static char *slurp(const char *dir, const char *name, const char *suffix, size_t *len)
{
	char path[4096], *data = NULL;
	struct util_err e = {0};

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
	if (util_file_read(path, 4 << 20, &data, len, &e) < 0)
		return NULL;
	return data;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the 1-based line n of data (without its '\n'); false when there is none */
static bool nth_line(const char *data, size_t len, unsigned n, const char **p, size_t *l)
{
	size_t pos = 0;

	for (unsigned i = 1; pos <= len; i++) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;

		if (i == n) {
			*p = data + pos;
			*l = ll;
			return true;
		}
		if (!nl)
			break;
		pos += ll + 1;
	}
	return false;
}

/* a section name as PVE's warnings spell it: "pending", "cloudinit", snapshot name */
static bool same_section(const char *ours, const char *pve, size_t n, bool duplicate)
{
	if (!ours)
		return false;
	if (duplicate && strcmp(ours, "PENDING") == 0)
		ours = "pending";
	else if (duplicate && strncmp(ours, "special:", 8) == 0)
		ours += 8;
	return strlen(ours) == n && memcmp(ours, pve, n) == 0;
}

static bool line_listed(const char *noeffect, unsigned line)
{
	const char *p = noeffect;

	while (p && *p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (v == line)
			return true;
		p = end;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return false;
}

/* a whole section silently lost: every key line of its body (after the header at line hdr, up to
 * the next header) is confirmed by .pve-noeffect */
static bool body_listed(const char *data, size_t len, const char *noeffect, unsigned hdr)
{
	const char *p;
	size_t l;

	for (unsigned n = hdr + 1; nth_line(data, len, n, &p, &l); n++) {
		size_t k = 0;

		while (k < l && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k == l || p[k] == '#')
			continue;
		if (p[k] == '[')
			break;
		if (!line_listed(noeffect, n))
			return false;
	}
	return true;
}

/* does .pve-drops hold the line "key KEY"? */
static bool drops_key(const char *drops, size_t dlen, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = drops; p < drops + dlen;) {
		const char *nl = memchr(p, '\n', (size_t)(drops + dlen - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(drops + dlen - p);

		if (l == kl + 4 && memcmp(p, "key ", 4) == 0 && memcmp(p + 4, key, kl) == 0)
			return true;
		p += l + 1;
	}
	return false;
}

struct result {
	bool identical, agree;
	char why[512];
};

/* The harness's /etc/pve/virtual-guest/cpu-models.conf (README.txt: the custom models qemu64 and
 * alldefault), read by the real parser. */
static const char cpu_models_conf[] = "cpu-model: qemu64\n\treported-model qemu64\n\n"
                                      "cpu-model: alldefault\n";
static struct pveconf_cpu_models *cpu_models;

static void check_case(const char *dir, const char *name, struct result *res)
{
	size_t len = 0, nlen = 0, dlen = 0, elen = 0, dielen = 0;
	char *data = slurp(dir, name, "", &len);
	char *norm = slurp(dir, name, ".pve-normalized", &nlen);
	char *drops = slurp(dir, name, ".pve-drops", &dlen);
	char *noeffect = slurp(dir, name, ".pve-noeffect", &elen);
	char *died = slurp(dir, name, ".pve-died", &dielen);
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};
	const struct pveconf_diag *d;
	size_t nd;
	bool expect_loss, loss = false;
	int r;

	res->identical = res->agree = false;
	res->why[0] = '\0';
	if (!data || !norm || !drops) {
		snprintf(res->why, sizeof(res->why), "missing expected files");
		goto out;
	}
	if (pveconf_vm_parse_opts(data, len, name,
	                          &(struct pveconf_vm_opts){.cpu_models = cpu_models}, &vm,
	                          &e) < 0) {
		snprintf(res->why, sizeof(res->why), "parse: %.200s", e.msg);
		goto out;
	}
	r = pveconf_vm_write_pve(vm, &out);
	if (died)
		res->identical = r == -ERANGE && out.len == 0;
	else
		res->identical =
		        r == 0 && out.len == nlen && memcmp(out.s ? out.s : "", norm, nlen) == 0;
	if (!res->identical)
		snprintf(res->why, sizeof(res->why), "normalize differs%s",
		         died ? " (PVE dies)" : "");

	nd = pveconf_vm_diags(vm, &d);
	expect_loss = dlen > 0 || died;
	for (size_t i = 0; i < nd; i++)
		loss |= pveconf_diag_is_loss(d[i].kind);
	res->agree = true;
	if (expect_loss != loss && !(loss && !expect_loss)) {
		res->agree = false;
		snprintf(res->why + strlen(res->why), sizeof(res->why) - strlen(res->why),
		         "%slint finds no loss", res->why[0] ? "; " : "");
	}
	if (!expect_loss) {
		/* only silent losses that .pve-noeffect confirms */
		for (size_t i = 0; i < nd && res->agree; i++)
			if (pveconf_diag_is_loss(d[i].kind) &&
			    (d[i].kind != PVECONF_DIAG_SILENT ||
			     !(d[i].key ? line_listed(noeffect, d[i].line)
			                : body_listed(data, len, noeffect, d[i].line)))) {
				res->agree = false;
				snprintf(res->why + strlen(res->why),
				         sizeof(res->why) - strlen(res->why),
				         "%slint reports a loss PVE does not have: line %u: %.200s",
				         res->why[0] ? "; " : "", d[i].line, d[i].message);
			}
		goto out;
	}
	/* every drop of PVE named by a loss of ours */
	for (const char *p = drops; p < drops + dlen && res->agree;) {
		const char *nl = memchr(p, '\n', (size_t)(drops + dlen - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(drops + dlen - p);
		char what[32];
		const char *sp = memchr(p, ' ', l);
		const char *arg = sp ? sp + 1 : p + l; /* raw bytes: a line may hold a NUL */
		size_t alen = (size_t)(p + l - arg);
		bool found = false;

		snprintf(what, sizeof(what), "%.*s", sp ? (int)(sp - p) : (int)l, p);
		for (size_t i = 0; i < nd && !found; i++) {
			const char *lp;
			size_t ll;

			if (!pveconf_diag_is_loss(d[i].kind))
				continue;
			if (strcmp(what, "key") == 0)
				found = d[i].key && strlen(d[i].key) == alen &&
				        memcmp(d[i].key, arg, alen) == 0;
			else if (strcmp(what, "section") == 0)
				found = !d[i].key && same_section(d[i].section, arg, alen, false);
			else if (strcmp(what, "duplicate-section") == 0)
				found = !d[i].key && same_section(d[i].section, arg, alen, true);
			else if (strcmp(what, "line") == 0)
				found = !d[i].key && nth_line(data, len, d[i].line, &lp, &ll) &&
				        ll == alen && memcmp(lp, arg, ll) == 0;
		}
		if (!found) {
			res->agree = false;
			snprintf(res->why + strlen(res->why), sizeof(res->why) - strlen(res->why),
			         "%slint does not name PVE's drop '%.*s'", res->why[0] ? "; " : "",
			         (int)(l > 200 ? 200 : l), p);
		}
		p += l + 1;
	}
	/* no warned drop PVE does not have */
	for (size_t i = 0; i < nd && res->agree; i++) {
		if (d[i].kind != PVECONF_DIAG_DROPPED || !d[i].key ||
		    drops_key(drops, dlen, d[i].key))
			continue;
		res->agree = false;
		snprintf(res->why + strlen(res->why), sizeof(res->why) - strlen(res->why),
		         "%slint drops %s, PVE keeps it: %.200s", res->why[0] ? "; " : "", d[i].key,
		         d[i].message);
	}
out:
	util_buf_free(&out);
	pveconf_vm_free(vm);
	free(data);
	free(norm);
	free(drops);
	free(noeffect);
	free(died);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	long min_ident = -1, min_agree = -1;
	bool verbose = false;
	char **names = NULL;
	size_t n = 0, ident = 0, agree = 0, both = 0;
	DIR *d;
	struct dirent *de;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--min-identical") == 0 && i + 1 < argc)
			min_ident = atol(argv[++i]);
		else if (strcmp(argv[i], "--min-agree") == 0 && i + 1 < argc)
			min_agree = atol(argv[++i]);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else
			dir = argv[i];
	}
	if (!dir) {
		fprintf(stderr, "usage: %s DIR [--min-identical N] [--min-agree N] [-v]\n",
		        argv[0]);
		return 2;
	}
	if (pveconf_cpu_models_parse(cpu_models_conf, sizeof(cpu_models_conf) - 1, &cpu_models) < 0)
		return 2;
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 2;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || !(names[n++] = strdup(de->d_name)))
			return 2;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct result res;

		check_case(dir, names[i], &res);
		ident += res.identical;
		agree += res.agree;
		both += res.identical && res.agree;
		if (verbose && (!res.identical || !res.agree))
			printf("%s: %s\n", names[i], res.why);
		free(names[i]);
	}
	free(names);
	pveconf_cpu_models_free(cpu_models);
	if (min_ident < 0)
		min_ident = (long)n;
	if (min_agree < 0)
		min_agree = (long)n;
	printf("pveconf-diff: normalize identical %zu/%zu, lint agreement %zu/%zu\n", ident, n,
	       agree, n);
	{
		size_t failed = 0;

		if ((long)ident < min_ident)
			failed += (size_t)(min_ident - (long)ident);
		if ((long)agree < min_agree)
			failed += (size_t)(min_agree - (long)agree);
		if (failed)
			printf("below the floor: normalize %ld, agreement %ld needed\n", min_ident,
			       min_agree);
		printf("pveconf-diff: %zu passed, %zu failed\n", both, failed);
		return failed ? 1 : 0;
	}
}
