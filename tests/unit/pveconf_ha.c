/* Unit tests: pveconf/ha (/etc/pve/ha/resources.cfg: which VMs are HA resources), from the
 * section-config forms PVE's parser accepts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/ha.h"
#include "support/fixture.h"
#include "support/tmpdir.h"

/* As ha-manager writes it (`ha-manager add vm:100 --max_relocate 2`), plus what a hand edit may
 * leave: the `vm:101` form, a comment, a container, a VMID twice, a line PVE ignores. */
static const char resources[] = "vm: 100\n"
                                "\tmax_relocate 2\n"
                                "\tstate started\n"
                                "\n"
                                "ct: 150\n"
                                "\tstate started\n"
                                "\n"
                                "# vm: 120\n"
                                "vm:101\n"
                                "\tgroup prefer-pve1\n"
                                "\n"
                                "vm: 100\n"
                                "\n"
                                "vm: abc\n"
                                "\n"
                                "not a header line\n"
                                "vm: 102 \n";

static void test_parse(void **state)
{
	struct pveconf_ha ha;
	struct util_err e = {0};

	(void)state;
	assert_int_equal(pveconf_ha_parse(resources, strlen(resources), &ha, &e), 0);
	assert_int_equal(ha.n, 3);
	assert_int_equal(ha.vmids[0], 100);
	assert_int_equal(ha.vmids[1], 101);
	assert_int_equal(ha.vmids[2], 102);
	assert_true(pveconf_ha_has(&ha, 101));
	assert_false(pveconf_ha_has(&ha, 120)); /* commented out */
	assert_false(pveconf_ha_has(&ha, 150)); /* a container */
	pveconf_ha_free(&ha);
	assert_int_equal(pveconf_ha_parse("", 0, &ha, &e), 0);
	assert_int_equal(ha.n, 0);
	pveconf_ha_free(&ha);
}

/* A missing file is no HA resource (a node without HA), as PVE reads it. */
static void test_load(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_ha ha;

	assert_int_equal(pveconf_ha_load(&t->p, &ha, &t->e), 0);
	assert_int_equal(ha.n, 0);
	pveconf_ha_free(&ha);
	tt_write(t->dir, "etc/pve/ha/resources.cfg", resources);
	assert_int_equal(pveconf_ha_load(&t->p, &ha, &t->e), 0);
	assert_int_equal(ha.n, 3);
	pveconf_ha_free(&ha);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test_setup_teardown(test_load, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
