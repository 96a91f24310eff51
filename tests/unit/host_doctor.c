/* Unit tests: host/doctor on fake hosts: PF states (stock i915, vfio-pci, unbound), GVT-g without
 * kvmgt or types, VF count against the unit, and every host rule id documented in the man page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/doctor.h"
#include "support/hostfacts.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

/* The Raptor Lake host once set up: 7 VFs enabled by i915 with the DKMS module's parameters. */
static struct host_facts facts(void)
{
	struct host_facts f = tt_facts_raptor();

	f.numvfs = 7;
	f.i915_loaded = true;
	snprintf(f.pf_driver, sizeof(f.pf_driver), "i915");
	snprintf(f.enable_guc, sizeof(f.enable_guc), "3");
	snprintf(f.max_vfs, sizeof(f.max_vfs), "7");
	snprintf(f.running, sizeof(f.running), "6.8.12-4-pve");
	return f;
}

static char *host(const char *cmdline)
{
	char *root = tt_mkdtemp(), buf[1024];

	snprintf(buf, sizeof(buf),
	         "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro %s\n",
	         cmdline);
	tt_write(root, "proc/cmdline", buf);
	snprintf(buf, sizeof(buf), "GRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\n", cmdline);
	tt_write(root, "etc/default/grub", buf);
	return root;
}

static const struct policy_finding *find(const struct host_findings *fs, const char *rule)
{
	for (size_t i = 0; i < fs->f.n; i++)
		if (strcmp(policy_rule_get(fs->f.v[i].rule)->name, rule) == 0)
			return &fs->f.v[i];
	return NULL;
}

static void run_sev(const char *root, const struct host_facts *f, const enum policy_severity *sev,
                    struct host_findings *fs)
{
	struct util_paths p;
	struct util_err e = {0};

	util_paths_init(&p, root);
	assert_int_equal(host_doctor_run(&p, f, sev, fs, &e), 0);
	/* every finding is of a registry rule of host scope, never more severe than configured */
	for (size_t i = 0; i < fs->f.n; i++) {
		const struct policy_rule *r = policy_rule_get(fs->f.v[i].rule);

		assert_non_null(r);
		assert_true(r->scope & POLICY_SCOPE_HOST);
		assert_true(fs->f.v[i].severity <= policy_rule_severity(sev, r->id));
		assert_true(fs->f.v[i].severity >= POLICY_SEVERITY_INFO);
	}
}

static void run(const char *root, const struct host_facts *f, struct host_findings *fs)
{
	run_sev(root, f, NULL, fs);
}

static void test_pf_states(void **state)
{
	char *root =
	        host("quiet intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe");
	struct host_facts f = facts();
	struct host_findings fs;

	(void)state;
	run(root, &f, &fs);
	assert_null(find(&fs, "cmdline-missing"));
	assert_null(find(&fs, "cmdline-pending"));
	assert_null(find(&fs, "pf-unbound"));
	assert_non_null(find(&fs, "vfs-not-persistent"));
	assert_int_equal(fs.mode, HOST_MODE_SRIOV_I915);
	host_findings_free(&fs);
	/* stock i915: no max_vfs */
	f.max_vfs[0] = '\0';
	f.totalvfs = 0;
	run(root, &f, &fs);
	assert_non_null(find(&fs, "pf-driver-stock"));
	assert_int_equal(find(&fs, "pf-driver-stock")->severity, POLICY_SEVERITY_ERROR);
	host_findings_free(&fs);
	/* the PF on vfio-pci: every VF gone */
	f = facts();
	snprintf(f.pf_driver, sizeof(f.pf_driver), "vfio-pci");
	run(root, &f, &fs);
	assert_non_null(strstr(find(&fs, "pf-unbound")->message, "vfio-pci"));
	host_findings_free(&fs);
	/* the unit asks for 3, 7 are there */
	f = facts();
	tt_write(root, "etc/systemd/system/pve-passthrough-vfs.service",
	         "[Service]\nExecStart=/usr/sbin/pve-passthrough host vfs --wait 60 3\n");
	run(root, &f, &fs);
	assert_non_null(strstr(find(&fs, "vf-count-mismatch")->message, "asks for 3"));
	/* exists but is not enabled */
	assert_non_null(strstr(find(&fs, "vfs-not-persistent")->message, "not enabled"));
	host_findings_free(&fs);
	/* what setup enables now: the package's template as pve-passthrough-vfs@PF:N (the PF and
	 * count are the instance); the old unit file is not read while an instance exists */
	tt_symlink(root, &(HOST_UNIT_WANTS_DIR "/" HOST_UNIT_PREFIX "0000:00:02.0:5.service")[1],
	           HOST_UNIT_TEMPLATE);
	tt_write(root, &HOST_UNIT_TEMPLATE[1], "[Service]\n");
	run(root, &f, &fs);
	assert_non_null(find(&fs, "vf-count-mismatch"));
	assert_non_null(strstr(find(&fs, "vf-count-mismatch")->message, "asks for 5"));
	assert_null(find(&fs, "vfs-not-persistent"));
	host_findings_free(&fs);
	f.iommu = 0;
	run(root, &f, &fs);
	assert_non_null(find(&fs, "iommu-off"));
	host_findings_free(&fs);
	tt_rmrf(root);
	free(root);
}

static void test_gvtg(void **state)
{
	char *root = host("quiet intel_iommu=on i915.enable_gvt=1 i915.enable_guc=2");
	struct host_facts f = facts();
	struct host_findings fs;

	(void)state;
	f.platform = "Comet Lake";
	f.device_id = 0x9bc8;
	f.can_sriov_i915 = f.can_sriov_xe = false;
	f.can_gvtg = true;
	f.totalvfs = f.numvfs = -1;
	f.max_vfs[0] = f.enable_guc[0] = '\0';
	run(root, &f, &fs);
	assert_int_equal(fs.mode, HOST_MODE_GVTG);
	assert_non_null(find(&fs, "gvtg-disabled"));
	assert_non_null(find(&fs, "gvtg-kvmgt"));
	assert_non_null(find(&fs, "gvtg-no-types"));
	assert_non_null(strstr(find(&fs, "cmdline-conflict")->message, "i915.enable_guc=2"));
	assert_null(find(&fs, "dkms-missing")); /* no dkms for GVT-g */
	host_findings_free(&fs);
	snprintf(f.enable_gvt, sizeof(f.enable_gvt), "Y");
	f.kvmgt_loaded = true;
	f.n_mdev_types = 2;
	/* loaded now, but nothing loads it at the next boot */
	run(root, &f, &fs);
	assert_non_null(strstr(find(&fs, "gvtg-kvmgt")->message, "at boot"));
	host_findings_free(&fs);
	tt_write(root, "etc/modules-load.d/gvt.conf", "# GVT-g\n  kvmgt\n");
	run(root, &f, &fs);
	assert_null(find(&fs, "gvtg-disabled"));
	assert_null(find(&fs, "gvtg-kvmgt"));
	assert_null(find(&fs, "gvtg-no-types"));
	host_findings_free(&fs);
	tt_rmrf(root);
	free(root);
}

/* The settings' severities reach the host rules: off drops a finding, a lower one caps it (the
 * rules are the registry's, so `rule vfs-count { ... }` is a setting of doctor, not an error). */
static void test_settings_severity(void **state)
{
	char *root =
	        host("quiet intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe");
	struct host_facts f = facts();
	struct host_findings fs;
	enum policy_severity sev[POLICY_RULE_COUNT];

	(void)state;
	for (int r = 0; r < POLICY_RULE_COUNT; r++)
		sev[r] = policy_rule_get((enum policy_rule_id)r)->severity;
	f.max_vfs[0] = '\0';
	f.totalvfs = 0;
	run(root, &f, &fs);
	assert_int_equal(find(&fs, "pf-driver-stock")->severity, POLICY_SEVERITY_ERROR);
	assert_non_null(find(&fs, "vfs-not-persistent"));
	host_findings_free(&fs);
	sev[POLICY_RULE_PF_DRIVER_STOCK] = POLICY_SEVERITY_WARNING;
	sev[POLICY_RULE_VFS_NOT_PERSISTENT] = POLICY_SEVERITY_OFF;
	run_sev(root, &f, sev, &fs);
	assert_int_equal(find(&fs, "pf-driver-stock")->severity, POLICY_SEVERITY_WARNING);
	assert_null(find(&fs, "vfs-not-persistent"));
	host_findings_free(&fs);
	tt_rmrf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pf_states),
	        cmocka_unit_test(test_gvtg),
	        cmocka_unit_test(test_settings_severity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
