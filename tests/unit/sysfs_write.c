/* Unit tests: sysfs/write.c against the fake kernel of tests/support/fakesys.c (VFs appear on
 * sriov_numvfs writes, EBUSY on N->M, ERANGE above totalvfs, ENOENT without an SR-IOV driver,
 * available_instances drops on create, drivers_probe honours driver_override), and the real
 * writer on plain files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/fakesys.h"
#include "support/tmpdir.h"
#include "sysfs/host.h"
#include "sysfs/write.h"

#define PF "0000:00:02.0"

struct fx {
	char *root;
	struct util_paths p;
	struct fs_kernel k;
	struct sysfs_writer w;
	struct util_err e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tt_mkdtemp();
	fs_add_device(f->root, PF, 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(f->root, PF, "i915");
	fs_set_group(f->root, PF, 0);
	fs_make_pf(f->root, PF, 7);
	tt_mkdir(f->root, "sys/bus/pci/drivers/vfio-pci");
	tt_write(f->root, "sys/bus/pci/drivers_probe", "");
	util_paths_init(&f->p, f->root);
	fs_kernel_init(&f->k, f->root);
	f->w.write = fs_kernel_write;
	f->w.arg = &f->k;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tt_rmrf(f->root);
	free(f->root);
	free(f);
	return 0;
}

static int numvfs(struct fx *f)
{
	char rel[128], *s;
	int v;

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/sriov_numvfs", PF);
	s = tt_read(f->root, rel, NULL);
	v = atoi(s);
	free(s);
	return v;
}

static void test_enable_then_change_goes_through_zero(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_host *h;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(res.before, 0);
	assert_int_equal(res.after, 3);
	assert_int_equal(res.n_vfs, 3);
	assert_false(res.partial);
	assert_int_equal(f->k.n_log, 1);
	assert_string_equal(f->k.log[0].path, "/sys/bus/pci/devices/" PF "/sriov_numvfs");
	assert_string_equal(f->k.log[0].data, "3");

	/* 3 -> 5: the kernel says EBUSY to N->M, so the code writes 0 first */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), 0);
	assert_int_equal(f->k.n_log, 3);
	assert_string_equal(f->k.log[1].data, "0");
	assert_int_equal(f->k.log[1].result, 0);
	assert_string_equal(f->k.log[2].data, "5");
	assert_int_equal(res.before, 3);
	assert_int_equal(res.after, 5);
	assert_int_equal(res.n_vfs, 5);
	h = NULL;
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_int_equal(sysfs_host_find(h, PF)->n_vfs, 5);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.5")->physfn, PF);
	sysfs_host_free(h);

	/* same count: nothing written */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), 0);
	assert_true(res.unchanged);
	assert_int_equal(f->k.n_log, 3);

	/* to 0: one write, VFs gone */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 0, NULL, 0, &res, &f->e), 0);
	assert_int_equal(f->k.n_log, 4);
	assert_int_equal(res.after, 0);
	assert_int_equal(res.n_vfs, 0);
	assert_null(tt_read(f->root, "sys/bus/pci/devices/0000:00:02.1/vendor", NULL));
}

/* The fake kernel itself answers N->M with EBUSY (what the code avoids above). */
static void test_fake_kernel_busy_on_n_to_m(void **state)
{
	struct fx *f = *state;
	char path[4096];

	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/" PF "/sriov_numvfs", f->root);
	assert_int_equal(sysfs_attr_write(&f->w, path, "2"), 0);
	assert_int_equal(sysfs_attr_write(&f->w, path, "4"), -EBUSY);
	assert_int_equal(sysfs_attr_write(&f->w, path, "8"), -ERANGE);
	assert_int_equal(numvfs(f), 2);
}

static void test_refuse_above_total(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 8, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_string_equal(f->e.msg, PF ": cannot enable 8 VFs: the PF offers at most 7");
	assert_int_equal(f->k.n_log, 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, -1, NULL, 0, &res, &f->e),
	                 -EINVAL);
}

/* The stock driver (or the dkms one without max_vfs) offers sriov_totalvfs 0. */
static void test_totalvfs_zero_says_max_vfs(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	tt_write(f->root, "sys/devices/pci0000:00/" PF "/sriov_totalvfs", "0\n");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_non_null(strstr(f->e.msg, "sriov_totalvfs is 0"));
	assert_non_null(strstr(f->e.msg, "i915.max_vfs=7"));
}

static void test_enoent_without_driver(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	fs_set_driver(f->root, PF, NULL);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_int_equal(f->k.log[0].result, -ENOENT);
	assert_non_null(strstr(f->e.msg, "no driver is bound to the PF"));
	assert_null(strstr(f->e.msg, "No such file"));
	/* the PF on vfio-pci: its own diagnosis */
	fs_set_driver(f->root, PF, "vfio-pci");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "the PF is bound to vfio-pci"));
}

/* Not a GPU (an SR-IOV NVMe controller, as in the real-kernel tier): no i915 advice. */
static void test_enoent_other_pf(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	const char *nvme = "0000:01:00.0";

	fs_add_device(f->root, nvme, 0x1b36, 0x0010, 0x010802);
	fs_make_pf(f->root, nvme, 4);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_string_equal(f->e.msg,
	                    "0000:01:00.0: cannot set sriov_numvfs: no driver is bound to "
	                    "the PF, so the kernel cannot configure SR-IOV; bind the PF "
	                    "to its driver first");
	fs_set_driver(f->root, nvme, "nvme");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 5, NULL, 0, &res, &f->e),
	                 -ERANGE);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, nvme, 2, NULL, 0, &res, &f->e), 0);
	assert_int_equal(res.n_vfs, 2);
}

static void test_enoent_stock_driver(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = ENOENT;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -ENOENT);
	assert_non_null(strstr(f->e.msg, "driver i915 does not support SR-IOV configuration"));
	assert_non_null(strstr(f->e.msg, "i915-sriov-dkms"));
}

/* Rocket Lake: no SR-IOV capability at all; the message names the platform. */
static void test_rocket_lake_has_neither(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	fs_add_device(f->root, "0000:00:02.0", 0x8086, 0x4c8a, 0x030000); /* ids rewritten */
	tt_write(f->root, "sys/devices/pci0000:00/" PF "/sriov_totalvfs", "");
	{
		char full[4096];

		snprintf(full, sizeof(full), "%s/sys/devices/pci0000:00/" PF "/sriov_totalvfs",
		         f->root);
		remove(full);
	}
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e),
	                 -EOPNOTSUPP);
	assert_non_null(strstr(f->e.msg, "Rocket Lake has neither SR-IOV nor GVT-g"));
	assert_int_equal(f->k.n_log, 0);
}

static void test_errno_translations(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = ENOMEM;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e),
	                 -ENOMEM);
	assert_non_null(strstr(f->e.msg, "not enough MMIO resources"));
	assert_non_null(strstr(f->e.msg, "Above 4G Decoding"));
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = EIO;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 7, NULL, 0, &res, &f->e), -EIO);
	assert_non_null(strstr(f->e.msg, "try fewer VFs"));
	/* a failure after the way through 0 says the old VFs are gone */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e), 0);
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_skip = 1; /* the 0 passes, the 5 fails */
	f->k.fail_errno = ENOMEM;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e),
	                 -ENOMEM);
	assert_non_null(strstr(f->e.msg, "the PF had 2 VFs; they were disabled on the way"));
	assert_int_equal(numvfs(f), 0);
	assert_int_equal(res.after, 0);
	f->k.fail_suffix = "/sriov_numvfs";
	f->k.fail_errno = EBUSY;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "set it to 0 first"));
}

/* Loses every "0" written to sriov_numvfs (reports success, never reaches the fake kernel): as if
 * something re-enabled the VFs between the two writes of N -> 0 -> M. */
static int lose_zero(void *arg, const char *path, const char *data, size_t len)
{
	size_t plen = strlen(path);

	if (plen >= 13 && strcmp(path + plen - 13, "/sriov_numvfs") == 0 && data[0] == '0')
		return 0;
	return fs_kernel_write(arg, path, data, len);
}

/* The kernel's EBUSY at M (the 0 did not take): the message says what sriov_numvfs reads now
 * rather than claiming the VFs were disabled. */
static void test_failure_note_true_to_state(void **state)
{
	struct fx *f = *state;
	struct sysfs_writer lose = {lose_zero, &f->k};
	struct sysfs_numvfs_result res;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &lose, PF, 2, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "set it to 0 first"));
	assert_non_null(strstr(f->e.msg, "the PF had 3 VFs; sriov_numvfs reads 3 now"));
	assert_null(strstr(f->e.msg, "disabled on the way"));
	assert_int_equal(res.before, 3);
	assert_int_equal(res.after, 3);
	assert_int_equal(numvfs(f), 3);
}

static void test_refuse_vf_in_use(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_vf_use use[1] = {{"0000:00:02.2", "VM 100 is running with it (hostpci0)"}};
	size_t n;

	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	n = f->k.n_log;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 0, use, 1, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "VF 0000:00:02.2 is in use (VM 100 is running with it"));
	assert_int_equal(f->k.n_log, n); /* nothing written */
	assert_int_equal(numvfs(f), 3);
	/* bound to vfio-pci: sysfs sees that itself */
	fs_set_driver(f->root, "0000:00:02.3", "vfio-pci");
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 5, NULL, 0, &res, &f->e), -EBUSY);
	assert_non_null(strstr(f->e.msg, "VF 0000:00:02.3 is bound to vfio-pci"));
	assert_int_equal(f->k.n_log, n);
	/* unchanged count: not a change, so not refused */
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, use, 1, &res, &f->e), 0);
	assert_true(res.unchanged);
}

static void test_partial_enable_reported(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;

	f->k.vf_limit = 2;
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 4, NULL, 0, &res, &f->e), 0);
	assert_true(res.partial);
	assert_int_equal(res.after, 2);
	assert_int_equal(res.n_vfs, 2);
	assert_non_null(strstr(res.note, "asked for 4 VFs, the driver enabled 2"));
}

/* sriov_drivers_autoprobe through the writer: off, new VFs stay unbound; on, the driver takes
 * them as they appear (the fake kernel probes them with probe_default). */
static void test_autoprobe(void **state)
{
	struct fx *f = *state;
	struct sysfs_numvfs_result res;
	struct sysfs_host *h = NULL;
	char *s;

	f->k.probe_default = "i915";
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), 0);
	assert_int_equal(f->k.n_log, 1);
	assert_string_equal(f->k.log[0].path,
	                    "/sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe");
	assert_string_equal(f->k.log[0].data, "0");
	s = tt_read(f->root, "sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe", NULL);
	assert_string_equal(s, "0");
	free(s);
	/* already off: nothing written */
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), 0);
	assert_int_equal(f->k.n_log, 1);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 2, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.1")->driver, "");
	assert_string_equal(sysfs_host_find(h, "0000:00:02.2")->driver, "");
	sysfs_host_free(h);
	/* on again: the next VFs are probed */
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, true, &f->e), 0);
	assert_int_equal(sysfs_sriov_set_numvfs(&f->p, &f->w, PF, 3, NULL, 0, &res, &f->e), 0);
	assert_int_equal(sysfs_host_read_flags(&f->p, 0, &h, &f->e), 0);
	assert_string_equal(sysfs_host_find(h, "0000:00:02.3")->driver, "i915");
	sysfs_host_free(h);
	/* refused where there is no SR-IOV, and errors translated */
	fs_add_device(f->root, "0000:00:1f.0", 0x8086, 0x7a04, 0x060100);
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, "0000:00:1f.0", false, &f->e),
	                 -EOPNOTSUPP);
	assert_non_null(strstr(f->e.msg, "not an SR-IOV device"));
	f->k.fail_suffix = "/sriov_drivers_autoprobe";
	f->k.fail_errno = EACCES;
	assert_int_equal(sysfs_sriov_set_autoprobe(&f->p, &f->w, PF, false, &f->e), -EACCES);
	assert_non_null(strstr(f->e.msg, "cannot set sriov_drivers_autoprobe to 0"));
}

static void test_real_writer(void **state)
{
	struct fx *f = *state;
	char path[4096], *s;

	(void)f;
	tt_write(f->root, "attr", "old contents\n");
	snprintf(path, sizeof(path), "%s/attr", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), 0);
	s = tt_read(f->root, "attr", NULL);
	assert_string_equal(s, "7");
	free(s);
	/* never creates: a missing attribute is ENOENT, as in sysfs */
	snprintf(path, sizeof(path), "%s/missing", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), -ENOENT);
	assert_null(tt_read(f->root, "missing", NULL));
	snprintf(path, sizeof(path), "%s", f->root);
	assert_int_equal(sysfs_attr_write(NULL, path, "7"), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_enable_then_change_goes_through_zero, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_fake_kernel_busy_on_n_to_m, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refuse_above_total, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_totalvfs_zero_says_max_vfs, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_without_driver, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_other_pf, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_enoent_stock_driver, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rocket_lake_has_neither, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_errno_translations, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_failure_note_true_to_state, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refuse_vf_in_use, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_partial_enable_reported, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_autoprobe, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_real_writer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
