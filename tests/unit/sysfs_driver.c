/* tests/unit/sysfs_driver.c - the driver profile table (sysfs/driver.c): every profile found by
 * its name and --driver value, the modules the snapshot reads, which bound drivers are the iGPU's,
 * the parameters per module, and each iGPU profile's platform check on real rows of the platform
 * table (Comet Lake: GVT-g; Raptor Lake-P: SR-IOV through i915-sriov-dkms and xe; Meteor Lake:
 * i915-sriov-dkms only; Rocket Lake: neither). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sysfs/driver.h"

static void test_lookups(void **state)
{
	char buf[64];

	(void)state;
	for (size_t i = 0; i < SYSFS_PROFILE_COUNT; i++) {
		const struct sysfs_driver_profile *pr = &sysfs_driver_profiles[i];

		assert_ptr_equal(sysfs_driver_profile(pr->id), pr);
		assert_ptr_equal(sysfs_driver_profile_by_name(pr->name), pr);
		assert_non_null(pr->tokens);
		assert_non_null(pr->forbid);
		assert_non_null(pr->forbid_items);
		assert_non_null(pr->detect);
		assert_non_null(pr->params);
		assert_non_null(pr->extra_modules);
		assert_non_null(pr->verify);
		/* an iGPU profile names its module and how the platform table allows it */
		assert_int_equal(pr->igpu, pr->module != NULL);
		assert_int_equal(pr->igpu, pr->platform_can != NULL);
	}
	assert_null(sysfs_driver_profile_by_name("sriov"));
	assert_int_equal(sysfs_driver_profile_by_option("xe")->id, SYSFS_PROFILE_SRIOV_XE);
	assert_int_equal(sysfs_driver_profile_by_option("i915")->id, SYSFS_PROFILE_SRIOV_I915);
	assert_null(sysfs_driver_profile_by_option("i91"));
	assert_null(sysfs_driver_profile_by_option("kvmgt"));
	assert_string_equal(sysfs_driver_options(buf, sizeof(buf), " or "), "i915 or xe");
	assert_string_equal(sysfs_driver_profile(SYSFS_PROFILE_SRIOV_I915)->package,
	                    "i915-sriov-dkms");
	assert_int_equal(sysfs_driver_profile(SYSFS_PROFILE_GVTG)->share, SYSFS_SHARE_MDEV);
	assert_int_equal(sysfs_driver_profile(SYSFS_PROFILE_SRIOV_GENERIC)->share, SYSFS_SHARE_VFS);
}

static void test_modules_and_drivers(void **state)
{
	const char *m[SYSFS_MODULES_MAX];
	const char *const *p;

	(void)state;
	assert_int_equal(sysfs_driver_modules(m), 4);
	assert_string_equal(m[0], "i915");
	assert_string_equal(m[1], "xe");
	assert_string_equal(m[2], "kvmgt");
	assert_string_equal(m[3], "vfio_pci");
	assert_true(sysfs_driver_is_igpu("i915"));
	assert_true(sysfs_driver_is_igpu("xe"));
	assert_false(sysfs_driver_is_igpu("vfio-pci"));
	assert_false(sysfs_driver_is_igpu("nvme"));
	assert_false(sysfs_driver_is_igpu(""));
	p = sysfs_driver_module_params("i915");
	assert_string_equal(p[0], "enable_guc");
	assert_string_equal(p[1], "max_vfs");
	assert_string_equal(p[2], "enable_gvt");
	assert_null(p[3]);
	assert_string_equal(sysfs_driver_module_params("xe")[1], "force_probe");
	assert_null(sysfs_driver_module_params("vfio_pci")[0]);
}

static bool can(enum sysfs_profile_id id, unsigned device_id)
{
	const struct sysfs_igpu_platform *pl = sysfs_igpu_lookup(device_id);

	assert_non_null(pl);
	return sysfs_driver_profile(id)->platform_can(pl);
}

static void test_platforms(void **state)
{
	(void)state;
	/* Comet Lake */
	assert_true(can(SYSFS_PROFILE_GVTG, 0x9bc5));
	assert_false(can(SYSFS_PROFILE_SRIOV_I915, 0x9bc5));
	assert_false(can(SYSFS_PROFILE_SRIOV_XE, 0x9bc5));
	/* Raptor Lake-P: dkms i915 and upstream xe ("yes (7.x, force_probe)") */
	assert_false(can(SYSFS_PROFILE_GVTG, 0xa7a0));
	assert_true(can(SYSFS_PROFILE_SRIOV_I915, 0xa7a0));
	assert_true(can(SYSFS_PROFILE_SRIOV_XE, 0xa7a0));
	/* Meteor Lake: i915-sriov-dkms only (no dkms xe, upstream xe "no") */
	assert_true(can(SYSFS_PROFILE_SRIOV_I915, 0x7d55));
	assert_false(can(SYSFS_PROFILE_SRIOV_XE, 0x7d55));
	/* Rocket Lake: nothing */
	assert_false(can(SYSFS_PROFILE_GVTG, 0x4c8a));
	assert_false(can(SYSFS_PROFILE_SRIOV_I915, 0x4c8a));
	assert_false(can(SYSFS_PROFILE_SRIOV_XE, 0x4c8a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lookups),
	        cmocka_unit_test(test_modules_and_drivers),
	        cmocka_unit_test(test_platforms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
