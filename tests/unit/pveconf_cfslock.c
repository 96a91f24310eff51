/* Unit tests: pveconf/cfslock, pmxcfs' lock directory for a file taken as PVE's cfs_lock_file
 * takes it: the lock id and path, mkdir as the lock, utime(0, 0) as the unlock request to a holder,
 * the timeout, release by rmdir, and "not online" without /etc/pve/priv. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "pveconf/cfslock.h"
#include "support/fixture.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

static void test_lock_cycle(void **state)
{
	struct tt_root *t = *state;
	char priv[PP_PATH_MAX], held[PP_PATH_MAX];
	struct pveconf_cfs_lock a, b;
	struct stat st;

	/* no /etc/pve/priv: pmxcfs is not mounted */
	assert_int_equal(pveconf_cfs_lock_file(&t->p, "mapping/pci.cfg", 0, &a, &t->e), -ENOENT);
	assert_non_null(strstr(t->e.msg, "not online"));
	snprintf(priv, sizeof(priv), "%s/etc/pve/priv", t->dir);
	assert_int_equal(util_mkdir_p(priv, &t->e), 0);

	assert_int_equal(pveconf_cfs_lock_file(&t->p, "mapping/pci.cfg", 0, &a, &t->e), 0);
	assert_string_equal(a.id, "file-mapping_pci_cfg");
	snprintf(held, sizeof(held), "%s/etc/pve/priv/lock/file-mapping_pci_cfg", t->dir);
	assert_string_equal(a.path, held);
	assert_true(util_is_dir(held));
	/* a second taker times out, leaves the holder's lock, and asked for it with utime(0, 0) */
	assert_int_equal(pveconf_cfs_lock_file(&t->p, "mapping/pci.cfg", 0, &b, &t->e), -ETIMEDOUT);
	assert_non_null(strstr(t->e.msg,
	                       "cfs-lock 'file-mapping_pci_cfg' error: got lock request timeout"));
	assert_string_equal(b.path, "");
	assert_int_equal(stat(held, &st), 0);
	assert_int_equal(st.st_mtime, 0);
	pveconf_cfs_unlock(&b); /* not held: does nothing */
	assert_true(util_is_dir(held));
	pveconf_cfs_unlock(&a);
	assert_false(util_exists(held));
	/* free again */
	assert_int_equal(pveconf_cfs_lock_file(&t->p, "mapping/pci.cfg", 0, &b, &t->e), 0);
	pveconf_cfs_unlock(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_lock_cycle, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
