/* Unit tests: pveconf/mapping (/etc/pve/mapping/pci.cfg): PVE's own round trip from the corpus
 * (what it keeps, what it writes, what it warns, byte for byte), and a table of lines PVE
 * accepts or drops. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/mapping.h"
#include "support/fixture.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

#define PCI_CFG "/etc/pve/mapping/pci.cfg"

static char *slurp(const char *path, size_t *len)
{
	char *data;
	struct util_err e = {0};

	if (util_file_read(path, 1 << 20, &data, len, &e) < 0)
		fail_msg("%s", e.msg);
	return data;
}

static void parse_str(const char *s, struct pveconf_pci_mappings *m)
{
	struct util_err e = {0};

	assert_int_equal(pveconf_pci_mappings_parse(s, strlen(s), m, &e), 0);
}

/* All diags in PVE's words, one per line. */
static char *diags_text(const struct pveconf_pci_mappings *m)
{
	struct util_buf b = {0};

	for (size_t i = 0; i < m->n_diags; i++) {
		pveconf_mapping_diag_format(&m->diags[i], PCI_CFG, &b);
		util_buf_addc(&b, '\n');
	}
	util_buf_adds(&b, "");
	return util_buf_steal(&b);
}

static void test_corpus_round_trip(void **state)
{
	struct pveconf_pci_mappings m;
	struct util_err e = {0};
	struct util_buf out = {0}, warn = {0};
	size_t len, wlen, xlen;
	char *in = slurp(tt_shared("corpus/pve-generated/pci.cfg.input"), &len);
	char *want = slurp(tt_shared("corpus/pve-generated/pci.cfg.pve-written"), &wlen);
	char *warns = slurp(tt_shared("corpus/pve-generated/pci.cfg.pve-warnings.txt"), &xlen);
	char *got;
	const struct pveconf_pci_mapping *vf, *gvt;

	(void)state;
	assert_int_equal(pveconf_pci_mappings_parse(in, len, &m, &e), 0);
	/* PVE's writer output, byte for byte */
	assert_int_equal(pveconf_pci_mappings_write_pve(&m, &out, &e), 0);
	assert_int_equal(out.len, wlen);
	assert_memory_equal(out.s, want, wlen);
	/* PVE's digest and warnings, line for line */
	util_buf_addf(&warn, "digest=%s\n", m.digest);
	got = diags_text(&m);
	util_buf_adds(&warn, got);
	free(got);
	assert_string_equal(util_buf_str(&warn), warns);
	/* and the model itself */
	assert_int_equal(m.n, 2);
	vf = pveconf_pci_mapping_find(&m, "iGPU-VF");
	assert_non_null(vf);
	assert_true(vf->usable);
	assert_int_equal(vf->line, 2);
	assert_int_equal(vf->n_maps, 3);
	assert_string_equal(vf->maps[0].node, "pve1");
	assert_string_equal(vf->maps[0].id, "8086:a7a0");
	assert_string_equal(vf->maps[0].subsystem_id, "1028:0b1a");
	assert_true(vf->maps[0].has_iommugroup);
	assert_int_equal(vf->maps[0].iommugroup, 20);
	assert_int_equal(vf->maps[0].n_ids, 1);
	assert_int_equal(vf->maps[0].ids[0].slot, 2);
	assert_int_equal(vf->maps[0].ids[0].function, 1);
	assert_int_equal(vf->maps[1].line, 4);
	assert_string_equal(vf->maps[2].node, "pve2");
	assert_false(vf->maps[2].has_iommugroup);
	assert_string_equal(vf->maps[2].subsystem_id, "");
	assert_string_equal(vf->description, "Intel iGPU SR-IOV VFs");
	assert_int_equal(vf->mdev, PVECONF_UNSET);
	{
		const struct pveconf_pci_map *on[4];

		assert_int_equal(pveconf_pci_mapping_maps_on(vf, "pve1", on, 4), 2);
		assert_int_equal(on[0]->iommugroup, 20);
		assert_int_equal(on[1]->iommugroup, 21);
		assert_int_equal(pveconf_pci_mapping_maps_on(vf, "pve2", on, 4), 1);
		assert_int_equal(on[0]->line, 5);
		assert_int_equal(pveconf_pci_mapping_maps_on(vf, "pve1", on, 1), 2);
		assert_int_equal(pveconf_pci_mapping_maps_on(vf, "pve9", on, 4), 0);
	}
	gvt = pveconf_pci_mapping_find(&m, "gvtg");
	assert_non_null(gvt);
	assert_int_equal(gvt->mdev, PVECONF_ON);
	assert_int_equal(gvt->live_migration, PVECONF_OFF);
	assert_null(pveconf_pci_mapping_find(&m, "bad"));
	util_buf_free(&out);
	util_buf_free(&warn);
	pveconf_pci_mappings_free(&m);
	free(in);
	free(want);
	free(warns);
}

/* One mapping "m" with a good map line plus the line under test (line 3): is it kept, and
 * what does PVE say? */
static void test_body_lines_table(void **state)
{
	static const struct {
		const char *line;
		int maps;         /* map lines kept */
		const char *diag; /* NULL = no warning */
	} cases[] = {
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2", 2, NULL},
	        {"  map   node=pve1,path=0000:00:02.2;0000:00:02.3,id=8086:A7A0  \r", 2, NULL},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02", 2, NULL}, /* function-less */
	        {"\tmap ,id=8086:a7a0,,node=pve1,path=0000:00:02.2,", 2, NULL},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2,iommugroup=-1", 2, NULL},
	        {"\tmap id=8086:a7a0,node=pve1,path=00:02.2", 1,
	         "(section 'vf') - unable to parse value of 'map': invalid format - path: value does "
	         "not match the regex pattern"},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:0A.0", 1, "path: value does not match"},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1;", 1,
	         "path: value does not match"},
	        {"\tmap id=8086,node=pve1,path=0000:00:02.2", 1,
	         "id: value does not match the regex pattern"},
	        {"\tmap node=pve1,path=0000:00:02.2", 1,
	         "id: property is missing and it is not optional"},
	        {"\tmap id=8086:a7a0,node=-pve1,path=0000:00:02.2", 1,
	         "node: invalid format - value does not look like a valid node name"},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2,iommugroup=x", 1,
	         "iommugroup: type check ('integer') failed - got 'x'"},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2,subsystem-id=1:2", 1,
	         "subsystem-id: value does not match the regex pattern"},
	        {"\tmap id=8086:a7a0,node=pve1,node=pve2,path=0000:00:02.2", 1,
	         "invalid format - duplicate key in comma-separated list property: node"},
	        {"\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2,mdev=1", 1,
	         "invalid key in comma-separated list property: mdev"},
	        {"\tmap 0000:00:02.2", 1,
	         "value without key, but schema does not define a default key"},
	        {"\tmap id=,node=pve1,path=0000:00:02.2", 1,
	         "missing key in comma-separated list property"},
	        {"\tmap", 1, "unable to parse value of 'map': got undefined value"},
	        {"\tmdev 1", 1, NULL},
	        {"\tmdev", 1, NULL},
	        {"\tmdev yes", 1,
	         "unable to parse value of 'mdev': type check ('boolean') failed - got "
	         "'yes'"},
	        {"\tlive-migration-capable 0", 1, NULL},
	        {"\tdescription two words", 1, NULL},
	        {"\tdescription", 1, "unable to parse value of 'description': got undefined value"},
	        {"\tfoo bar", 1, "unable to parse value of 'foo': unknown property type"},
	        {"\tid m", 1, "unable to parse value of 'id': unexpected property 'id'"},
	        {"\ttype pci", 1, NULL},
	        {"\ttype dir", 1, "unexpected property 'type'"},
	        {"\t# a comment", 1, NULL},
	        {"#map id=8086:a7a0,node=pve1,path=0000:00:02.2", 1, NULL},
	        {"\t", 1, "(section 'vf') - ignore config line: \t"},
	        {"nomap", 1, "(section 'vf') - ignore config line: nomap"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pveconf_pci_mappings m;
		struct util_buf b = {0};
		char *d;

		util_buf_addf(&b,
		              "vf\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\n%s\n\nnext\n",
		              cases[i].line);
		parse_str(util_buf_str(&b), &m);
		d = diags_text(&m);
		if (m.n < 1 || m.v[0].n_maps != (size_t)cases[i].maps)
			fail_msg("case %zu (%s): %zu maps kept", i, cases[i].line,
			         m.n ? m.v[0].n_maps : 0);
		/* "next" has no map: PVE skips it with this warning */
		if (cases[i].diag) {
			if (!strstr(d, cases[i].diag) || !strstr(d, "line 3 "))
				fail_msg("case %zu (%s): diags:\n%s", i, cases[i].line, d);
		} else if (strstr(d, "line 3 ")) {
			fail_msg("case %zu (%s): unexpected diag:\n%s", i, cases[i].line, d);
		}
		free(d);
		util_buf_free(&b);
		pveconf_pci_mappings_free(&m);
	}
}

static void test_sections(void **state)
{
	struct pveconf_pci_mappings m;
	struct util_err e = {0};
	struct util_buf out = {0};
	char *d;

	(void)state;
	parse_str("a1\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\n\n"
	          "bad!\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\n\tfoo\n\n"
	          "x\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\n\n"
	          "a1\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2\n\tmdev 0\n"
	          "\n\n   \n"
	          "  stray\n"
	          "0\n",
	          &m);
	d = diags_text(&m);
	/* invalid id: the whole section is skipped silently after one warning;
	 * "x" is one character: not a configid either; the later a1 replaces the first */
	assert_string_equal(d, "file " PCI_CFG " line 4 (skip section 'bad!'): invalid "
	                       "configuration ID 'bad!'\n"
	                       "file " PCI_CFG " line 8 (skip section 'x'): invalid configuration "
	                       "ID 'x'\n"
	                       "file " PCI_CFG " line 16 - ignore config line:    \n"
	                       "file " PCI_CFG " line 17 - ignore config line:   stray\n");
	free(d);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].name, "a1");
	assert_int_equal(m.v[0].line, 11);
	assert_string_equal(m.v[0].maps[0].path, "0000:00:02.2");
	assert_int_equal(pveconf_pci_mappings_write_pve(&m, &out, &e), 0);
	assert_string_equal(util_buf_str(&out),
	                    "a1\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2\n\tmdev 0\n\n");
	util_buf_free(&out);
	pveconf_pci_mappings_free(&m);

	/* no valid map line: PVE keeps the id but cannot use (or write) it */
	parse_str("# head\nonly\n\tdescription x\n\tmap id=1,node=pve1,path=0000:00:02.1\n", &m);
	d = diags_text(&m);
	assert_non_null(strstr(d, "line 4 (section 'only') - unable to parse value of 'map'"));
	assert_non_null(strstr(d, "line 4 (skip section 'only'): missing value for required "
	                          "option 'map'"));
	free(d);
	assert_int_equal(m.n, 1);
	assert_false(m.v[0].usable);
	assert_int_equal(pveconf_pci_mappings_write_pve(&m, &out, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "'only'"));
	util_buf_free(&out);
	pveconf_pci_mappings_free(&m);

	/* empty file, NUL bytes, CRLF */
	parse_str("", &m);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_diags, 0);
	assert_string_equal(m.digest, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	pveconf_pci_mappings_free(&m);
	assert_int_equal(pveconf_pci_mappings_parse("a\0b\n\tmap x\n", 11, &m, &e), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_diags, 1);
	assert_true(m.diags[0].skip_section);
	pveconf_pci_mappings_free(&m);
	parse_str("crlf\r\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\r\n\tmdev 1\r\n", &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].name, "crlf");
	assert_int_equal(m.v[0].n_maps, 1);
	assert_int_equal(m.v[0].mdev, PVECONF_ON);
	pveconf_pci_mappings_free(&m);
}

static void test_hostile(void **state)
{
	struct pveconf_pci_mappings m;
	struct util_err e = {0};
	size_t big = 1024 * 1024 + 1;
	char *buf = malloc(big + 1);

	(void)state;
	/* over pmxcfs' 1 MiB: refused with a message */
	memset(buf, 'a', big);
	buf[big] = '\0';
	assert_int_equal(pveconf_pci_mappings_parse(buf, big, &m, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "1 MiB"));
	/* a 100k-character map line: parsed, rejected with PVE's reason, no crash */
	memset(buf, 'x', 100000);
	memcpy(buf, "longmap\n\tmap id=8086:a7a0,node=pve1,path=", 41);
	strcpy(buf + 100000, "\n");
	parse_str(buf, &m);
	assert_int_equal(m.n, 1);
	assert_false(m.v[0].usable);
	assert_int_equal(m.n_diags, 2);
	assert_non_null(strstr(m.diags[0].message, "path: value does not match"));
	pveconf_pci_mappings_free(&m);
	/* invalid UTF-8 in a description is kept byte for byte, as PVE does */
	parse_str("u8\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.1\n\tdescription \xff\xfe\n",
	          &m);
	assert_int_equal(m.n_diags, 0);
	assert_string_equal(m.v[0].description, "\xff\xfe");
	pveconf_pci_mappings_free(&m);
	free(buf);
}

static void test_load(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_pci_mappings m;

	assert_int_equal(pveconf_pci_mappings_load(&t->p, &m, &t->e), 0); /* missing = none */
	assert_int_equal(m.n, 0);
	pveconf_pci_mappings_free(&m);
	tt_write(t->dir, "etc/pve/mapping/pci.cfg",
	         "iGPU-VF\n\tmap id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3\n");
	assert_int_equal(pveconf_pci_mappings_load(&t->p, &m, &t->e), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].maps[0].iommugroup, 22);
	pveconf_pci_mappings_free(&m);
}

/* PVE's own written pci.cfg goes through our reader and writer byte for byte; putting this node's
 * lines into a mapping keeps the other node's line where it stands, replaces this node's line of
 * the same path in place, appends the new one, and the result round-trips again. */
static void test_put_and_round_trip(void **state)
{
	struct pveconf_pci_mappings m, again;
	struct util_err e = {0};
	struct util_buf out = {0}, out2 = {0};
	size_t wlen;
	char *written = slurp(tt_shared("corpus/pve-generated/pci.cfg.pve-written"), &wlen);
	const char *lines[] = {
	        "id=8086:a7a0,iommugroup=21,node=pve1,path=0000:00:02.2,subsystem-id=1028:0b14",
	        "id=8086:a7a0,iommugroup=23,node=pve1,path=0000:00:02.4,subsystem-id=1028:0b14",
	};
	const char *bad[] = {"id=8086:a7a0,node=pve2,path=0000:00:02.4"};
	size_t replaced;
	const struct pveconf_pci_mapping *vf;

	(void)state;
	assert_int_equal(pveconf_pci_mappings_parse(written, wlen, &m, &e), 0);
	assert_int_equal(pveconf_pci_mappings_write_pve(&m, &out, &e), 0);
	assert_int_equal(out.len, wlen);
	assert_memory_equal(out.s, written, wlen);
	util_buf_free(&out);

	assert_int_equal(
	        pveconf_pci_mapping_put(&m, "iGPU-VF", NULL, "pve1", lines, 2, &replaced, &e), 1);
	assert_int_equal(replaced, 1);
	vf = pveconf_pci_mapping_find(&m, "iGPU-VF");
	assert_int_equal(vf->n_maps, 4);
	assert_string_equal(vf->maps[0].path, "0000:00:02.1"); /* untouched */
	assert_string_equal(vf->maps[1].raw, lines[0]);        /* replaced in place */
	assert_string_equal(vf->maps[2].raw, "node=pve2,path=0000:00:02.1,id=8086:a7a0");
	assert_string_equal(vf->maps[3].raw, lines[1]); /* appended */
	assert_string_equal(vf->description, "Intel iGPU SR-IOV VFs");
	/* a new mapping goes at the end, with its description */
	assert_int_equal(
	        pveconf_pci_mapping_put(&m, "pool", "VF pool", "pve1", lines, 1, &replaced, &e), 1);
	assert_string_equal(m.v[m.n - 1].name, "pool");
	/* refused: a line for another node, a bad id, a bad line, a multi-line description */
	assert_int_equal(pveconf_pci_mapping_put(&m, "pool", NULL, "pve1", bad, 1, &replaced, &e),
	                 -EINVAL);
	assert_int_equal(pveconf_pci_mapping_put(&m, "9x", NULL, "pve1", lines, 1, &replaced, &e),
	                 -EINVAL);
	bad[0] = "id=8086,node=pve1,path=0000:00:02.4";
	assert_int_equal(pveconf_pci_mapping_put(&m, "pool", NULL, "pve1", bad, 1, &replaced, &e),
	                 -EINVAL);
	assert_int_equal(
	        pveconf_pci_mapping_put(&m, "pool", "a\nb", "pve1", lines, 1, &replaced, &e),
	        -EINVAL);

	assert_int_equal(pveconf_pci_mappings_write_pve(&m, &out, &e), 0);
	assert_int_equal(pveconf_pci_mappings_parse(out.s, out.len, &again, &e), 0);
	assert_int_equal(again.n_diags, 0);
	assert_int_equal(pveconf_pci_mappings_write_pve(&again, &out2, &e), 0);
	assert_int_equal(out2.len, out.len);
	assert_memory_equal(out2.s, out.s, out.len);
	assert_int_equal(pveconf_pci_mapping_find(&again, "iGPU-VF")->maps[3].line, 5);
	util_buf_free(&out);
	util_buf_free(&out2);
	pveconf_pci_mappings_free(&again);
	pveconf_pci_mappings_free(&m);
	free(written);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus_round_trip),
	        cmocka_unit_test(test_put_and_round_trip),
	        cmocka_unit_test(test_body_lines_table),
	        cmocka_unit_test(test_sections),
	        cmocka_unit_test(test_hostile),
	        cmocka_unit_test_setup_teardown(test_load, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
