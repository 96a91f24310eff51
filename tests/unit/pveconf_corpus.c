/* Unit tests: pveconf/vmconf over the whole shared corpus - the lossless model gives every file
 * back byte for byte, PVE's writer reproduces every .pve-normalized file and edge-input's
 * .pve-written, and the reader's diagnostics are exactly PVE's warnings. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/vmconf.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

#define CORPUS   "corpus/pveconf"
#define EXPECTED "corpus/pveconf-expected"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The corpus configs (*.conf directly in corpus/pveconf), sorted. */
static size_t corpus_files(char ***out)
{
	DIR *d = opendir(tt_shared(CORPUS));
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void free_files(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *read_shared(const char *dir, const char *name, const char *suffix, size_t *len)
{
	char rel[1024], *data = NULL;
	struct util_err e = {0};

	snprintf(rel, sizeof(rel), "%s/%s%s", dir, name, suffix);
	if (util_file_read(tt_shared(rel), 4 << 20, &data, len, &e) < 0)
		return NULL;
	return data;
}

static size_t first_diff(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0;

	while (i < al && i < bl && a[i] == b[i])
		i++;
	return i;
}

static void test_roundtrip_whole_corpus(void **state)
{
	char **files;
	size_t n = corpus_files(&files), bad = 0;

	(void)state;
	assert_int_equal(n, 230);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *data = read_shared(CORPUS, files[i], "", &len);
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};

		assert_non_null(data);
		assert_int_equal(pveconf_vm_parse(data, len, files[i], &vm, &e), 0);
		assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
		if (out.len != len || memcmp(out.s, data, len) != 0) {
			if (!bad)
				print_error("first file that does not round-trip: %s (byte %zu)\n",
				            files[i], first_diff(out.s, out.len, data, len));
			bad++;
		}
		util_buf_free(&out);
		pveconf_vm_free(vm);
		free(data);
	}
	free_files(files, n);
	assert_int_equal(bad, 0);
}

static void test_writer_matches_pve_on_whole_corpus(void **state)
{
	char **files;
	size_t n = corpus_files(&files), checked = 0, bad = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		size_t len, elen;
		char *data = read_shared(CORPUS, files[i], "", &len);
		char *exp = read_shared(EXPECTED, files[i], ".pve-normalized", &elen);
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};

		if (!exp) { /* three custom-cpu-model files need a cpu-models.conf */
			free(data);
			continue;
		}
		checked++;
		assert_int_equal(pveconf_vm_parse(data, len, files[i], &vm, &e), 0);
		assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
		if (out.len != elen || memcmp(out.s ? out.s : "", exp, elen) != 0) {
			if (!bad)
				print_error("first file PVE writes differently: %s (byte %zu)\n",
				            files[i], first_diff(out.s, out.len, exp, elen));
			bad++;
		}
		util_buf_free(&out);
		pveconf_vm_free(vm);
		free(data);
		free(exp);
	}
	free_files(files, n);
	assert_int_equal(checked, 227);
	assert_int_equal(bad, 0);
}

/* What GET .../config would send for a file PVE wrote: its key lines, [PENDING]'s apart (the test
 * reads the text only to make the API's keys; NULL when the file has what the API does not send:
 * description lines, snapshot or special sections). */
struct api_keys {
	struct pveconf_key_in main[256], pending[256];
	size_t n_main, n_pending;
	char *copy;
	struct util_buf desc[2]; /* the description lines, %XX decoded, as the API sends it */
};

static void api_keys_free(struct api_keys *k)
{
	free(k->copy);
	util_buf_free(&k->desc[0]);
	util_buf_free(&k->desc[1]);
}

static void decode_into(struct util_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned v;

		if (s[0] == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			assert_int_equal(util_buf_addc(b, (char)v), 0);
			s += 2;
		} else {
			assert_int_equal(util_buf_addc(b, *s), 0);
		}
	}
	assert_int_equal(util_buf_addc(b, '\n'), 0);
}

static bool api_keys_of(const char *data, size_t len, struct api_keys *k)
{
	bool pending = false;
	char *save = NULL, *line;

	memset(k, 0, sizeof(*k));
	k->copy = strndup(data, len);
	assert_non_null(k->copy);
	for (line = strtok_r(k->copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (strcmp(line, "[PENDING]") == 0 && !pending) {
			pending = true;
			continue;
		}
		if (line[0] == '#') {
			decode_into(&k->desc[pending], line + 1);
			continue;
		}
		if (line[0] == '[' || !colon || colon[1] != ' ' ||
		    (pending ? k->n_pending : k->n_main) == 255)
			return false;
		*colon = '\0';
		(pending ? k->pending : k->main)[pending ? k->n_pending++ : k->n_main++] =
		        (struct pveconf_key_in){line, colon + 2};
	}
	for (int i = 0; i < 2; i++)
		if (k->desc[i].len)
			(i ? k->pending : k->main)[i ? k->n_pending++ : k->n_main++] =
			        (struct pveconf_key_in){"description", util_buf_str(&k->desc[i])};
	return true;
}

/* gather's API producer builds the model from keys (pveconf_vm_build): for every file PVE wrote
 * that the API can show whole, the built model equals the parsed one - every section's effective
 * keys with their lines, every diagnostic - and serialises to the file itself. */
static void test_built_from_keys_is_the_parsed_file(void **state)
{
	char **files;
	size_t n = corpus_files(&files), checked = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *exp = read_shared(EXPECTED, files[i], ".pve-normalized", &len);
		struct pveconf_vm *parsed = NULL, *built = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};
		const struct pveconf_diag *pd, *bd;
		struct api_keys k;
		size_t npd, nbd;

		if (!exp || !api_keys_of(exp, len, &k)) {
			if (exp)
				api_keys_free(&k);
			free(exp);
			continue;
		}
		checked++;
		assert_int_equal(pveconf_vm_parse(exp, len, files[i], &parsed, &e), 0);
		assert_int_equal(pveconf_vm_build(k.main, k.n_main, k.pending, k.n_pending,
		                                  files[i], NULL, &built, &e),
		                 0);
		assert_int_equal(pveconf_vm_section_count(built), pveconf_vm_section_count(parsed));
		for (size_t s = 0; s < pveconf_vm_section_count(parsed); s++) {
			const struct pveconf_kv *pk, *bk;
			size_t np = pveconf_vm_keys(parsed, s, &pk),
			       nb = pveconf_vm_keys(built, s, &bk);

			assert_int_equal(pveconf_vm_section(built, s)->line,
			                 pveconf_vm_section(parsed, s)->line);
			assert_int_equal(nb, np);
			for (size_t j = 0; j < np; j++) {
				assert_string_equal(bk[j].key, pk[j].key);
				assert_string_equal(bk[j].value, pk[j].value);
				assert_int_equal(bk[j].line, pk[j].line);
			}
		}
		npd = pveconf_vm_diags(parsed, &pd);
		nbd = pveconf_vm_diags(built, &bd);
		assert_int_equal(nbd, npd);
		for (size_t j = 0; j < npd; j++) {
			assert_int_equal(bd[j].kind, pd[j].kind);
			assert_int_equal(bd[j].line, pd[j].line);
			assert_string_equal(bd[j].message, pd[j].message);
		}
		assert_int_equal(pveconf_vm_serialize(built, &out), 0);
		assert_int_equal(out.len, len);
		assert_memory_equal(out.s, exp, len);
		/* no lines of its own to edit */
		assert_int_equal(pveconf_vm_set(built, NULL, "name", "x", &e), -EROFS);
		util_buf_free(&out);
		pveconf_vm_free(parsed);
		pveconf_vm_free(built);
		api_keys_free(&k);
		free(exp);
	}
	free_files(files, n);
	print_message("%zu files built from their keys\n", checked);
	assert_int_equal(checked, 136);
}

static void test_writer_edge_input(void **state)
{
	size_t len, elen;
	char *data = read_shared("corpus/pve-generated", "edge-input.conf", "", &len);
	char *exp = read_shared("corpus/pve-generated", "edge-input.conf", ".pve-written", &elen);
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};

	(void)state;
	assert_non_null(data);
	assert_non_null(exp);
	assert_int_equal(pveconf_vm_parse(data, len, "edge-input.conf", &vm, &e), 0);
	assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
	assert_int_equal(out.len, elen);
	assert_memory_equal(out.s, exp, elen);
	util_buf_free(&out);
	pveconf_vm_free(vm);
	free(data);
	free(exp);
}

/* PVE's warning text -> our diagnostic message (same words, keyed by the setting). */
static char *expected_message(const char *w, const char *detail)
{
	static const char pfx[] = "vm 8006 - ";
	char buf[2048], key[256];
	const char *rest;

	if (strncmp(w, pfx, sizeof(pfx) - 1) == 0)
		w += sizeof(pfx) - 1;
	if (sscanf(w, "unable to parse value of '%255[^']' - ", key) == 1) {
		rest = strstr(w, "' - ") + 4;
		if (strncmp(rest, "unknown setting", 15) == 0)
			snprintf(buf, sizeof(buf), "%s: unknown setting", key);
		else if (strcmp(rest, "format error") == 0 && detail)
			snprintf(buf, sizeof(buf), "%s: %s", key, detail);
		else
			snprintf(buf, sizeof(buf), "%s: %s", key, rest);
	} else if (strncmp(w, "skipping unknown section: ", 26) == 0) {
		snprintf(buf, sizeof(buf), "unknown section %s", w + 26);
	} else {
		snprintf(buf, sizeof(buf), "%s", w);
	}
	return strdup(buf);
}

/* Splits a warnings file into messages (lines joined by " | " in the edge-input variant). */
static size_t pve_warnings(char *text, char ***out)
{
	char **v = NULL, *save = NULL, *line;
	size_t n = 0;

	for (char *p = text; (p = strstr(p, " | ")) != NULL;)
		memcpy(p, "\n\n\n", 3);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "vm 8006 - ", 10) != 0 && n > 0) {
			/* detail of the previous "format error" */
			char *prev = v[n - 1];

			v[n - 1] = expected_message(prev, line);
			free(prev);
			continue;
		}
		v = realloc(v, (n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = strdup(line);
	}
	for (size_t i = 0; i < n; i++) {
		if (strncmp(v[i], "vm 8006 - ", 10) == 0) {
			char *m = expected_message(v[i], NULL);

			free(v[i]);
			v[i] = m;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

/* Our diagnostics that correspond to PVE warnings (not our own additions), sorted. */
static size_t our_warnings(const struct pveconf_vm *vm, char ***out)
{
	const struct pveconf_diag *d;
	size_t n = pveconf_vm_diags(vm, &d), m = 0;
	char **v = calloc(n + 1, sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		char *s, *cut;

		if (d[i].kind != PVECONF_DIAG_DROPPED ||
		    strstr(d[i].message, "set again at line") ||
		    strstr(d[i].message, "PVE removes") || strstr(d[i].message, "no cloud-init") ||
		    strstr(d[i].message, "only kept in snapshot") ||
		    strstr(d[i].message, "PVE drops it"))
			continue;
		s = strdup(d[i].message);
		if ((cut = strstr(s, " (the one at line")) != NULL)
			*cut = '\0';
		v[m++] = s;
	}
	qsort(v, m, sizeof(*v), cmp_str);
	*out = v;
	return m;
}

static void compare_warnings(const char *name, const char *data, size_t len, char *wtext,
                             size_t *bad)
{
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	char **exp, **got;
	size_t ne, ng;

	assert_int_equal(pveconf_vm_parse(data, len, name, &vm, &e), 0);
	ne = pve_warnings(wtext, &exp);
	ng = our_warnings(vm, &got);
	for (size_t i = 0; i < ne || i < ng; i++) {
		if (i < ne && i < ng && strcmp(exp[i], got[i]) == 0)
			continue;
		if (!*bad)
			print_error("%s: PVE warns '%s', we say '%s'\n", name,
			            i < ne ? exp[i] : "-", i < ng ? got[i] : "-");
		(*bad)++;
		break;
	}
	free_files(exp, ne);
	free_files(got, ng);
	pveconf_vm_free(vm);
}

static void test_diagnostics_are_pves_warnings(void **state)
{
	char **files;
	size_t n = corpus_files(&files), bad = 0, checked = 0, len, wl;
	char *data, *w;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		data = read_shared(CORPUS, files[i], "", &len);
		w = read_shared(EXPECTED, files[i], ".pve-warnings", &wl);
		if (w) {
			compare_warnings(files[i], data, len, w, &bad);
			checked++;
		}
		free(w);
		free(data);
	}
	free_files(files, n);
	data = read_shared("corpus/pve-generated", "edge-input.conf", "", &len);
	w = read_shared("corpus/pve-generated", "edge-input.conf", ".pve-warnings.txt", &wl);
	assert_non_null(data);
	assert_non_null(w);
	compare_warnings("edge-input.conf", data, len, w, &bad);
	free(w);
	free(data);
	assert_int_equal(checked, 227);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roundtrip_whole_corpus),
	        cmocka_unit_test(test_writer_matches_pve_on_whole_corpus),
	        cmocka_unit_test(test_writer_edge_input),
	        cmocka_unit_test(test_built_from_keys_is_the_parsed_file),
	        cmocka_unit_test(test_diagnostics_are_pves_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
