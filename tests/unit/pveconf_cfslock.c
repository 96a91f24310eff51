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
#include "support/tmpdir.h"
#include "util/fileio.h"

static void test_lock_cycle(void **state)
{
	char *root = tt_mkdtemp(), priv[PP_PATH_MAX], held[PP_PATH_MAX];
	struct util_paths p;
	struct pveconf_cfs_lock a, b;
	struct util_err e = {0};
	struct stat st;

	(void)state;
	util_paths_init(&p, root);
	/* no /etc/pve/priv: pmxcfs is not mounted */
	assert_int_equal(pveconf_cfs_lock_file(&p, "mapping/pci.cfg", 0, &a, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "not online"));
	snprintf(priv, sizeof(priv), "%s/etc/pve/priv", root);
	assert_int_equal(util_mkdir_p(priv, &e), 0);

	assert_int_equal(pveconf_cfs_lock_file(&p, "mapping/pci.cfg", 0, &a, &e), 0);
	assert_string_equal(a.id, "file-mapping_pci_cfg");
	snprintf(held, sizeof(held), "%s/etc/pve/priv/lock/file-mapping_pci_cfg", root);
	assert_string_equal(a.path, held);
	assert_true(util_is_dir(held));
	/* a second taker times out, leaves the holder's lock, and asked for it with utime(0, 0) */
	assert_int_equal(pveconf_cfs_lock_file(&p, "mapping/pci.cfg", 0, &b, &e), -ETIMEDOUT);
	assert_non_null(
	        strstr(e.msg, "cfs-lock 'file-mapping_pci_cfg' error: got lock request timeout"));
	assert_string_equal(b.path, "");
	assert_int_equal(stat(held, &st), 0);
	assert_int_equal(st.st_mtime, 0);
	pveconf_cfs_unlock(&b); /* not held: does nothing */
	assert_true(util_is_dir(held));
	pveconf_cfs_unlock(&a);
	assert_false(util_exists(held));
	/* free again */
	assert_int_equal(pveconf_cfs_lock_file(&p, "mapping/pci.cfg", 0, &b, &e), 0);
	pveconf_cfs_unlock(&b);
	tt_rmrf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lock_cycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
