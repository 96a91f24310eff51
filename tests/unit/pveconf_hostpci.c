/* Unit tests: pveconf/hostpci - PVE's hostpci grammar (every failing example of docs/pve.md 3 and
 * more), the structure it parses into, the canonical format, and PVE's prefix matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/hostpci.h"

struct hp_case {
	const char *value;
	const char *error;     /* NULL: valid; else the exact message */
	const char *canonical; /* for valid values */
};

static const struct hp_case cases[] = {
        /* docs/pve.md 3: the examples that fail */
        {"0000:00:0A.0", "host: value does not match the regex pattern", NULL},
        {"1:00:02.0", "host: value does not match the regex pattern", NULL},
        {"0000:00:02.1, pcie=1", "invalid key in comma-separated list property:  pcie", NULL},
        {"0000:00:02.1,vendor-id=8086", "vendor-id: value does not match the regex pattern", NULL},
        {"00:02.0,mdev=a/b", "mdev: value does not match the regex pattern", NULL},
        {"mapping=g", "mapping: invalid format - invalid configuration ID 'g'", NULL},
        /* more failures, in PVE's words */
        {"00:02.0,pcie=1,pcie=0", "duplicate key in comma-separated list property: pcie", NULL},
        {"00:02.0,00:02.1", "duplicate key in comma-separated list property: host", NULL},
        {"host=00:02.0,00:02.1", "duplicate key in comma-separated list property: host", NULL},
        {"00:02.0,foo=1", "invalid key in comma-separated list property: foo", NULL},
        {"00:02.0,pcie=", "missing key in comma-separated list property", NULL},
        {"00:02.0,=1", "missing key in comma-separated list property", NULL},
        {"00:02.0,pcie=maybe", "pcie: type check ('boolean') failed - got 'maybe'", NULL},
        {"00:02.0,driver=nvidia",
         "driver: value 'nvidia' does not have a value in the enumeration 'vfio, keep'", NULL},
        {"00:02.0,romfile=a;b", "romfile: value does not match the regex pattern", NULL},
        {"000:00:02.0", "host: value does not match the regex pattern", NULL},
        {"00:02.10", "host: value does not match the regex pattern", NULL},
        {"00:02.0;", "host: value does not match the regex pattern", NULL},
        {"00:2.0", "host: value does not match the regex pattern", NULL},
        {"00:02.0,x-vga=2,rombar=x",
         "rombar: type check ('boolean') failed - got 'x'; x-vga: type check ('boolean') failed - "
         "got '2'",
         NULL},
        /* valid ones and their canonical form */
        {"00:02.1", NULL, "0000:00:02.1"},
        {"0000:00:02.3,pcie=1", NULL, "0000:00:02.3,pcie=1"},
        {"pcie=on,00:02.2", NULL, "0000:00:02.2,pcie=1"},
        {"00:02", NULL, "0000:00:02"},
        {"host=0001:af:1f.7;00:02.1,x-vga=yes,rombar=OFF", NULL,
         "0001:af:1f.7;0000:00:02.1,rombar=0,x-vga=1"},
        {",,00:02.0,,", NULL, "0000:00:02.0"},
        {"mapping=iGPU-VF,pcie=1", NULL, "mapping=iGPU-VF,pcie=1"},
        {"00:02.0,mdev=i915-GVTg_V5_4,romfile=vbios.bin,driver=keep", NULL,
         "0000:00:02.0,driver=keep,mdev=i915-GVTg_V5_4,romfile=vbios.bin"},
        {"00:02.0,vendor-id=0x8086,device-id=0xA7A0,sub-vendor-id=0x1028,sub-device-id=0x0b1a,"
         "legacy-igd=1",
         NULL,
         "0000:00:02.0,device-id=0xA7A0,legacy-igd=1,sub-device-id=0x0b1a,sub-vendor-id=0x1028,"
         "vendor-id=0x8086"},
        {"12345:00:02.0", NULL, "12345:00:02.0"},
        {"pcie=1", NULL, "pcie=1"},               /* neither host nor mapping: passes the format */
        {"host=0,00:02.0", NULL, "0000:00:02.0"}, /* Perl: a false earlier value is replaced */
};

static void test_grammar_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pveconf_hostpci h;
		struct util_err e = {0};
		struct util_buf b = {0};
		int r = pveconf_hostpci_parse(cases[i].value, &h, &e);

		if (cases[i].error) {
			if (r != -EINVAL || strcmp(e.msg, cases[i].error) != 0)
				fail_msg("'%s': got %d '%s', want '%s'", cases[i].value, r, e.msg,
				         cases[i].error);
			continue;
		}
		if (r != 0)
			fail_msg("'%s': unexpected error '%s'", cases[i].value, e.msg);
		assert_int_equal(pveconf_hostpci_format(&h, &b), 0);
		if (strcmp(util_buf_str(&b), cases[i].canonical) != 0)
			fail_msg("'%s': formatted as '%s', want '%s'", cases[i].value,
			         util_buf_str(&b), cases[i].canonical);
		/* the canonical form is a fixed point */
		{
			struct pveconf_hostpci again;
			struct util_buf b2 = {0};

			assert_int_equal(pveconf_hostpci_parse(util_buf_str(&b), &again, &e), 0);
			assert_int_equal(pveconf_hostpci_format(&again, &b2), 0);
			assert_string_equal(util_buf_str(&b2), util_buf_str(&b));
			util_buf_free(&b2);
		}
		util_buf_free(&b);
	}
}

static void test_structure(void **state)
{
	struct pveconf_hostpci h;
	struct util_err e = {0};

	(void)state;
	assert_int_equal(
	        pveconf_hostpci_parse("0000:00:02.1;00:02,pcie=1,mdev=x,driver=vfio", &h, &e), 0);
	assert_int_equal(h.n_ids, 2);
	assert_true(h.ids[0].has_domain);
	assert_true(h.ids[0].has_function);
	assert_int_equal(h.ids[0].slot, 2);
	assert_int_equal(h.ids[0].function, 1);
	assert_false(h.ids[1].has_domain);
	assert_false(h.ids[1].has_function);
	assert_int_equal(h.pcie, PVECONF_ON);
	assert_int_equal(h.rombar, PVECONF_UNSET);
	assert_int_equal(h.driver, PVECONF_HOSTPCI_DRIVER_VFIO);
	assert_string_equal(h.mdev, "x");
	assert_string_equal(h.mapping, "");
}

static void test_id_match(void **state)
{
	struct pveconf_hostpci h;
	struct util_err e = {0};

	(void)state;
	assert_int_equal(pveconf_hostpci_parse("00:02;0000:00:02.1;0001:00:02.0", &h, &e), 0);
	/* a function-less id is every function of the slot: the PF and all its VFs */
	assert_true(pveconf_pci_id_match(&h.ids[0], "0000:00:02.0"));
	assert_true(pveconf_pci_id_match(&h.ids[0], "0000:00:02.7"));
	assert_false(pveconf_pci_id_match(&h.ids[0], "0000:00:03.0"));
	assert_false(pveconf_pci_id_match(&h.ids[0], "0001:00:02.0"));
	assert_true(pveconf_pci_id_match(&h.ids[1], "0000:00:02.1"));
	assert_false(pveconf_pci_id_match(&h.ids[1], "0000:00:02.2"));
	assert_true(pveconf_pci_id_match(&h.ids[2], "0001:00:02.0"));
	assert_false(pveconf_pci_id_match(&h.ids[2], "not a bdf"));
	{
		char buf[32];

		pveconf_pci_id_format(&h.ids[0], buf, sizeof(buf));
		assert_string_equal(buf, "0000:00:02");
	}
}

/* The one PCI-id grammar: lists (pci.cfg path=, host=A;B), the flags for a person's input and
 * for path= (domain required), and matching against sysfs addresses; these were four parsers
 * (hostpci, pci.cfg, policy's map paths, assign's --vf) before issue 10. */
static void test_id_grammar_one_place(void **state)
{
	struct pveconf_pci_id ids[4], id;

	(void)state;
	assert_int_equal(pveconf_pci_ids_parse("0000:00:02.1;00:02", 0, ids, 4), 2);
	assert_true(pveconf_pci_id_match(&ids[0], "0000:00:02.1"));
	assert_false(pveconf_pci_id_match(&ids[0], "0000:00:02.2"));
	assert_true(pveconf_pci_id_match(&ids[1], "0000:00:02.0"));
	assert_true(pveconf_pci_id_match(&ids[1], "0000:00:02.7"));
	assert_false(pveconf_pci_id_match(&ids[1], "0001:00:02.0"));
	assert_false(pveconf_pci_id_match(&ids[1], "0000:00:03.0"));
	/* PVE's ^(?:ID;)*ID$: no empty part */
	assert_int_equal(pveconf_pci_ids_parse("0000:00:02.x", 0, ids, 4), -EINVAL);
	assert_int_equal(pveconf_pci_ids_parse("", 0, ids, 4), -EINVAL);
	assert_int_equal(pveconf_pci_ids_parse("0000:00:02.1;", 0, ids, 4), -EINVAL);
	assert_int_equal(pveconf_pci_ids_parse(";", 0, ids, 4), -EINVAL);
	assert_int_equal(pveconf_pci_ids_parse("00:02.1;00:02.2;00:02.3", 0, ids, 2), -E2BIG);
	/* path= needs the domain; files are lowercase, a person may type upper case */
	assert_int_equal(pveconf_pci_ids_parse("00:02.1", PVECONF_PCI_ID_NEED_DOMAIN, ids, 4),
	                 -EINVAL);
	assert_int_equal(pveconf_pci_id_parse("0000:00:0A.1", 12, 0, &id), -EINVAL);
	assert_int_equal(pveconf_pci_id_parse("0000:00:0A.1", 12, PVECONF_PCI_ID_ANY_CASE, &id), 0);
	assert_int_equal(id.slot, 0x0a);
	/* a domain beyond 32 bits: flagged, clamped */
	assert_int_equal(pveconf_pci_id_parse("123456789:00:02.0", 17, 0, &id), -ERANGE);
	assert_int_equal(id.domain, 0xffffffffU);
}

static void test_limits_of_the_struct(void **state)
{
	struct pveconf_hostpci h;
	struct util_err e = {0};
	char many[400] = "";

	(void)state;
	for (int i = 0; i < 17; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s00:02.%d",
		         i ? ";" : "", i % 8);
	assert_int_equal(pveconf_hostpci_parse(many, &h, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "more than 16"));
	assert_int_equal(pveconf_hostpci_parse("123456789:00:02.0", &h, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "too large"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_grammar_table),
	        cmocka_unit_test(test_structure),
	        cmocka_unit_test(test_id_match),
	        cmocka_unit_test(test_id_grammar_one_place),
	        cmocka_unit_test(test_limits_of_the_struct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
