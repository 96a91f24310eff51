/* Unit tests: pveconf/vmlist (.vmlist JSON, VMID syntax, the nodes/<node>/qemu-server scan). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/vmlist.h"
#include "support/fixture.h"
#include "support/tmpdir.h"

static void test_vmid_parse_table(void **state)
{
	static const struct {
		const char *s;
		long want; /* -1 = invalid */
	} cases[] = {
	        {"100", 100},   {"999999999", 999999999},
	        {"4242", 4242}, {"99", -1},
	        {"0100", -1},   {"1000000000", -1},
	        {"", -1},       {"10a", -1},
	        {"+100", -1},   {"-100", -1},
	        {"100 ", -1},   {"100.conf", -1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned v = 0;
		int r = pveconf_vmid_parse(cases[i].s, &v);

		if (cases[i].want < 0) {
			if (r != -EINVAL)
				fail_msg("'%s' accepted as %u", cases[i].s, v);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(v, (unsigned)cases[i].want);
		}
	}
}

static void test_vmlist_parse(void **state)
{
	static const char js[] =
	        "{\n\"version\": 12,\n\"ids\": {\n"
	        "\"110\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 9 },\n"
	        "\"100\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 3 },\n"
	        "\"200\": { \"node\": \"pve2\", \"type\": \"lxc\", \"version\": 4 }}\n}\n";
	struct pveconf_vmlist l;
	struct util_err e = {0};
	const struct pveconf_vmlist_entry *ent;

	(void)state;
	assert_int_equal(pveconf_vmlist_parse(js, strlen(js), &l, &e), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].vmid, 100); /* sorted */
	assert_int_equal(l.v[2].vmid, 200);
	ent = pveconf_vmlist_find(&l, 200);
	assert_non_null(ent);
	assert_string_equal(ent->node, "pve2");
	assert_string_equal(ent->type, "lxc");
	assert_int_equal(ent->version, 4);
	assert_null(pveconf_vmlist_find(&l, 101));
	pveconf_vmlist_free(&l);
	assert_int_equal(l.n, 0);
}

static void test_vmlist_bad_table(void **state)
{
	static const struct {
		const char *js;
		const char *msg;
	} cases[] = {
	        {"{\"ids\": {\n\"100\": {\"node\": \"pve1\",}}}", "line 2"},
	        {"[]", "no \"ids\" object"},
	        {"{\"version\": 1}", "no \"ids\" object"},
	        {"{\"ids\": {\"abc\": {\"node\": \"pve1\"}}}", "entry \"abc\""},
	        {"{\"ids\": {\"100\": {\"type\": \"qemu\"}}}", "entry \"100\""},
	        {"{\"ids\": {\"100\": {\"node\": \"../etc\"}}}", "entry \"100\""},
	        {"{\"ids\": {\"100\": {\"node\": \"a\"}, \"100\": {\"node\": \"b\"}}}",
	         "duplicate"},
	        {"", "line"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pveconf_vmlist l;
		struct util_err e = {0};

		assert_int_equal(pveconf_vmlist_parse(cases[i].js, strlen(cases[i].js), &l, &e),
		                 -EINVAL);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: message '%s' lacks '%s'", i, e.msg, cases[i].msg);
		assert_non_null(strstr(e.msg, "/etc/pve/.vmlist"));
		assert_null(l.v);
	}
}

static void test_vmlist_load(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_vmlist l;

	assert_int_equal(pveconf_vmlist_load(&t->p, &l, &t->e), -ENOENT);
	assert_non_null(strstr(t->e.msg, "/etc/pve/.vmlist"));
	tt_write(t->dir, "etc/pve/.vmlist",
	         "{\"ids\":{\"100\":{\"node\":\"pve1\",\"type\":\"qemu\"}}}");
	assert_int_equal(pveconf_vmlist_load(&t->p, &l, &t->e), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].version, 0);
	pveconf_vmlist_free(&l);
}

static void test_scan(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_vmrefs r;
	static const char *present[] = {
	        "etc/pve/nodes/pve1/qemu-server/101.conf",
	        "etc/pve/nodes/pve1/qemu-server/100.conf",
	        "etc/pve/nodes/pve2/qemu-server/200.conf",
	        "etc/pve/nodes/pve2/qemu-server/100.conf", /* same VMID on two nodes: both listed */
	        /* not VM configs */
	        "etc/pve/nodes/pve1/qemu-server/99.conf",
	        "etc/pve/nodes/pve1/qemu-server/0100.conf",
	        "etc/pve/nodes/pve1/qemu-server/abc.conf",
	        "etc/pve/nodes/pve1/qemu-server/102.conf.tmp.4242",
	        "etc/pve/nodes/pve1/qemu-server/103.cfg",
	        "etc/pve/nodes/pve1/lxc/300.conf", /* containers are not ours */
	        "etc/pve/nodes/pve1/qemu-server/.104.conf",
	};

	/* no /etc/pve/nodes at all: no VMs, no error */
	assert_int_equal(pveconf_vms_scan(&t->p, NULL, &r, &t->e), 0);
	assert_int_equal(r.n, 0);
	for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++)
		tt_write(t->dir, present[i], "cores: 1\n");
	tt_mkdir(t->dir, "etc/pve/nodes/pve1/qemu-server/105.conf"); /* a directory */
	tt_mkdir(t->dir, "etc/pve/nodes/pve3");                      /* node without VMs */
	tt_symlink(t->dir, "etc/pve/qemu-server", "nodes/pve1/qemu-server");

	assert_int_equal(pveconf_vms_scan(&t->p, "pve1", &r, &t->e), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].vmid, 100);
	assert_int_equal(r.v[1].vmid, 101);
	assert_string_equal(r.v[1].node, "pve1");
	pveconf_vmrefs_free(&r);

	assert_int_equal(pveconf_vms_scan(&t->p, NULL, &r, &t->e), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.v[0].vmid, 100);
	assert_string_equal(r.v[0].node, "pve1");
	assert_int_equal(r.v[1].vmid, 100);
	assert_string_equal(r.v[1].node, "pve2");
	assert_int_equal(r.v[2].vmid, 101);
	assert_int_equal(r.v[3].vmid, 200);
	assert_string_equal(r.v[3].node, "pve2");
	pveconf_vmrefs_free(&r);

	assert_int_equal(pveconf_vms_scan(&t->p, "pve3", &r, &t->e), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(pveconf_vms_scan(&t->p, "nosuch", &r, &t->e), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(pveconf_vms_scan(&t->p, "../..", &r, &t->e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vmid_parse_table),
	        cmocka_unit_test(test_vmlist_parse),
	        cmocka_unit_test(test_vmlist_bad_table),
	        cmocka_unit_test_setup_teardown(test_vmlist_load, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_scan, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
