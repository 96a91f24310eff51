/* Unit tests: pveconf/storage (storage.cfg: snippets storages, paths, nodes, PVE's `local`
 * fix-ups), table-driven. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/storage.h"
#include "support/fixture.h"
#include "support/tmpdir.h"

/* A typical PVE 9 node (as in examples/demo-host). */
static const char typical[] = "dir: local\n"
                              "\tpath /var/lib/vz\n"
                              "\tcontent iso,vztmpl,backup,snippets\n"
                              "\n"
                              "lvmthin: local-lvm\n"
                              "\tthinpool data\n"
                              "\tvgname pve\n"
                              "\tcontent rootdir,images\n"
                              "\n"
                              "# shared storage\n"
                              "nfs: nas\n"
                              "\texport /srv/pve\n"
                              "\tserver 192.0.2.10\n"
                              "\tcontent snippets;iso\n"
                              "\tnodes pve1 ,pve3\n"
                              "\n"
                              "dir: scratch\n"
                              "\tpath /srv/scratch\n"
                              "\tcontent images snippets\n"
                              "\tcontent-dirs snippets=hooks/pp,iso=isos\n"
                              "\tdisable\n";

static void parse(const char *s, struct pveconf_storages *out)
{
	struct util_err e = {0};

	assert_int_equal(pveconf_storages_parse(s, strlen(s), out, &e), 0);
}

static void test_typical(void **state)
{
	struct pveconf_storages s;
	const struct pveconf_storage *st;

	(void)state;
	parse(typical, &s);
	assert_int_equal(s.n_diags, 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.v[0].id, "local");
	assert_int_equal(s.v[0].line, 1);
	assert_string_equal(s.v[0].snippets_dir, "/var/lib/vz/snippets");
	st = pveconf_storage_find(&s, "local-lvm");
	assert_non_null(st);
	assert_string_equal(st->type, "lvmthin");
	assert_null(st->path);
	assert_false(st->snippets);
	assert_null(st->snippets_dir);
	st = pveconf_storage_find(&s, "nas");
	assert_string_equal(st->path, "/mnt/pve/nas"); /* PVE's default mount point */
	assert_true(st->snippets);
	assert_int_equal(st->n_nodes, 2);
	assert_string_equal(st->nodes[1], "pve3");
	assert_true(pveconf_storage_snippets_on(st, "pve1"));
	assert_false(pveconf_storage_snippets_on(st, "pve2"));
	st = pveconf_storage_find(&s, "scratch");
	assert_string_equal(st->snippets_dir, "/srv/scratch/hooks/pp");
	assert_true(st->disabled);
	assert_false(pveconf_storage_snippets_on(st, "pve1"));
	assert_string_equal(pveconf_storage_snippets_first(&s, "pve2")->id, "local");
	/* shared: nfs by its type; local and scratch (dir without `shared 1`) are node-local */
	assert_true(pveconf_storage_find(&s, "nas")->shared);
	assert_false(pveconf_storage_find(&s, "local")->shared);
	assert_false(pveconf_storage_find(&s, "scratch")->shared);
	/* the hookscript goes to the shared storage where it is usable, else local */
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve1")->id, "nas");
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve2")->id, "local");
	pveconf_storages_free(&s);
}

/* `shared 1` makes a dir storage shared; one usable on every node wins over one restricted. */
static void test_shared_pick(void **state)
{
	struct pveconf_storages s;

	(void)state;
	parse("dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\n"
	      "cephfs: some\n\tcontent snippets\n\tnodes pve1,pve2\n\n"
	      "dir: all\n\tpath /srv/all\n\tcontent snippets\n\tshared 1\n\n"
	      "dir: notshared\n\tpath /srv/x\n\tcontent snippets\n\tshared 0\n",
	      &s);
	assert_true(pveconf_storage_find(&s, "some")->shared);
	assert_true(pveconf_storage_find(&s, "all")->shared);
	assert_false(pveconf_storage_find(&s, "notshared")->shared);
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve1")->id, "all");
	pveconf_storages_free(&s);
	parse("dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\n"
	      "cephfs: some\n\tcontent snippets\n\tnodes pve1,pve2\n",
	      &s);
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve2")->id, "some");
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve3")->id, "local");
	pveconf_storages_free(&s);
	/* every shared type PVE mounts (nfs, cifs, cephfs, glusterfs) is shared without `shared 1` */
	parse("cifs: smb\n\tserver 192.0.2.20\n\tshare pve\n\tcontent snippets\n\n"
	      "glusterfs: gv\n\tserver 192.0.2.30\n\tvolume gv0\n\tcontent snippets\n\n"
	      "btrfs: bt\n\tpath /srv/bt\n\tcontent snippets\n",
	      &s);
	assert_true(pveconf_storage_find(&s, "smb")->shared);
	assert_true(pveconf_storage_find(&s, "gv")->shared);
	assert_false(pveconf_storage_find(&s, "bt")->shared);
	assert_string_equal(pveconf_storage_snippets_pick(&s, "pve1")->id, "smb");
	pveconf_storages_free(&s);
}

/* Where does a node find snippets?  Each case is a whole storage.cfg. */
static void test_snippets_table(void **state)
{
	static const struct {
		const char *cfg;
		const char *node;
		const char *want_id; /* NULL: none */
		const char *want_dir;
		const char *diag; /* expected substring of some diag, or NULL for none */
	} cases[] = {
	        /* no local at all: PVE adds its default one, which holds snippets */
	        {"", "pve1", "local", "/var/lib/vz/snippets", NULL},
	        {"lvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n", "pve1", "local",
	         "/var/lib/vz/snippets", NULL},
	        /* local without snippets in content: none */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n", "pve1", NULL, NULL, NULL},
	        /* content absent: the dir default (images,rootdir) has no snippets */
	        {"dir: local\n\tpath /var/lib/vz\n", "pve1", NULL, NULL, NULL},
	        /* local elsewhere or of another type: PVE replaces it with its default */
	        {"dir: local\n\tpath /srv/vz\n\tcontent iso\n", "pve1", "local",
	         "/var/lib/vz/snippets", "PVE replaces it"},
	        {"zfspool: local\n\tpool rpool\n", "pve1", "local", "/var/lib/vz/snippets",
	         "PVE replaces it"},
	        /* node restrictions of local are dropped by PVE */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\tnodes pve2\n", "pve1",
	         "local", "/var/lib/vz/snippets", NULL},
	        /* local disabled, another one restricted to this node */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\tdisable 1\n\n"
	         "cifs: smb\n\tserver s\n\tshare x\n\tcontent snippets\n\tnodes pve1\n",
	         "pve1", "smb", "/mnt/pve/smb/snippets", NULL},
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent snippets\n\tdisable 0\n", "pve1",
	         "local", "/var/lib/vz/snippets", NULL},
	        /* types that cannot hold snippets */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\n"
	         "rbd: ceph\n\tpool p\n\tcontent images,snippets\n",
	         "pve1", NULL, NULL, "does not support content type 'snippets'"},
	        /* dir without path: PVE skips the section */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\ndir: s2\n\tcontent snippets\n",
	         "pve1", NULL, NULL, "skip section 's2': missing value for required option 'path'"},
	        /* bad ids and types */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\ndir: 9x\n\tpath /x\n\tcontent "
	         "snippets\n",
	         "pve1", NULL, NULL, "storage ID '9x' contains illegal characters"},
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\nfloppy: f1\n\tpath /x\n\tcontent "
	         "snippets\n",
	         "pve1", NULL, NULL, "unsupported type 'floppy'"},
	        /* header spellings: "DIR:x" (type lowercased), "dir:x" */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\nDIR:snip\n\tpath /s/\n\tcontent "
	         "snippets\n",
	         "pve1", "snip", "/s//snippets", NULL},
	        {"stray line\n", "pve1", "local", "/var/lib/vz/snippets",
	         "ignore config line: stray line"},
	        /* a section ends at an empty line: the indented line after it is stray */
	        {"dir: local\n\tpath /var/lib/vz\n\n\tcontent snippets\n", "pve1", NULL, NULL,
	         "ignore config line: \tcontent snippets"},
	        /* a later duplicate replaces the earlier one */
	        {"dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\ndir: local\n\tpath "
	         "/var/lib/vz\n\tcontent snippets\n",
	         "pve1", "local", "/var/lib/vz/snippets", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pveconf_storages s;
		const struct pveconf_storage *st;
		bool seen = false;

		parse(cases[i].cfg, &s);
		st = pveconf_storage_snippets_first(&s, cases[i].node);
		if ((st == NULL) != (cases[i].want_id == NULL) ||
		    (st && strcmp(st->id, cases[i].want_id) != 0))
			fail_msg("case %zu: got %s", i, st ? st->id : "(none)");
		if (st)
			assert_string_equal(st->snippets_dir, cases[i].want_dir);
		for (size_t d = 0; d < s.n_diags; d++)
			if (cases[i].diag && strstr(s.diags[d].message, cases[i].diag))
				seen = true;
		if (cases[i].diag ? !seen : s.n_diags != 0)
			fail_msg("case %zu: %zu diags, first '%s'", i, s.n_diags,
			         s.n_diags ? s.diags[0].message : "");
		pveconf_storages_free(&s);
	}
}

static void test_load(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_storages s;

	assert_int_equal(pveconf_storages_load(&t->p, &s, &t->e), 0); /* missing: PVE's default */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].line, 0);
	pveconf_storages_free(&s);
	tt_write(t->dir, "etc/pve/storage.cfg", typical);
	assert_int_equal(pveconf_storages_load(&t->p, &s, &t->e), 0);
	assert_int_equal(s.n, 4);
	pveconf_storages_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_typical),
	        cmocka_unit_test(test_snippets_table),
	        cmocka_unit_test(test_shared_pick),
	        cmocka_unit_test_setup_teardown(test_load, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
