/* tests/unit/policy_host_rules.c - the host rules over facts (policy/host_rules.c): each rule on
 * the facts that make it fire and on the facts of a healthy host, where it must stay silent;
 * the settings' severities (off drops, a lower one caps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"

/* A healthy i915 SR-IOV host: the dkms i915 with enable_guc=3, 7 of 7 VFs, the tool's enabled
 * unit asking for 7. */
static struct policy_vf_boot boot[4];
static struct policy_host healthy(void)
{
	struct policy_host h;

	memset(&h, 0, sizeof(h));
	memset(boot, 0, sizeof(boot));
	boot[0].tool_unit = true;
	boot[0].count = 7;
	strcpy(boot[0].file, "/etc/systemd/system/pve-passthrough-vfs.service");
	h.mode = SYSFS_PROFILE_SRIOV_I915;
	h.igpu = true;
	h.pf_bdf = "0000:00:02.0";
	h.pf_driver = "i915";
	h.totalvfs = h.numvfs = 7;
	h.running = "6.8.12-4-pve";
	h.pf_module_loaded = true;
	h.max_vfs = "7";
	h.enable_guc = "3";
	h.enable_gvt = "N";
	h.unit = h.unit_enabled = true;
	h.unit_vfs = 7;
	h.vf_boot = boot;
	h.n_vf_boot = 1;
	return h;
}

/* The rules h gives, one id after the other ("pf-guc vfs-count"). */
static char *ids(const struct policy_host *h, const enum policy_severity *sev)
{
	static char buf[512];
	struct policy_findings f = {0};

	assert_int_equal(policy_host_evaluate(h, sev, &f), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < f.n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, policy_rule_get(f.v[i].rule)->name);
	}
	policy_findings_free(&f);
	return buf;
}

static void test_healthy_is_silent(void **state)
{
	struct policy_host h = healthy();

	(void)state;
	assert_string_equal(ids(&h, NULL), "");
	h.mode = SYSFS_PROFILE_GVTG;
	h.n_mdev_types = 4;
	h.enable_gvt = "Y";
	h.extra_module_loaded = h.extra_module_at_boot = true;
	assert_string_equal(ids(&h, NULL), "");
}

static void test_sriov_rules(void **state)
{
	struct policy_host h = healthy();

	(void)state;
	h.pf_driver = "";
	assert_string_equal(ids(&h, NULL), "pf-unbound");
	h = healthy();
	h.pf_driver = "vfio-pci";
	assert_string_equal(ids(&h, NULL), "pf-unbound");
	h = healthy();
	h.max_vfs = ""; /* the stock i915 */
	assert_string_equal(ids(&h, NULL), "pf-driver-stock");
	h = healthy();
	h.enable_guc = "7";
	assert_string_equal(ids(&h, NULL), "pf-guc");
	h = healthy();
	h.totalvfs = 0;
	assert_string_equal(ids(&h, NULL), "vfs-total-zero");
	h = healthy();
	h.numvfs = 3;
	assert_string_equal(ids(&h, NULL), "vfs-count");
	h = healthy();
	h.unit_enabled = false;
	assert_string_equal(ids(&h, NULL), "vfs-not-persistent");
	h = healthy();
	h.unit = false;
	h.n_vf_boot = 0;
	assert_string_equal(ids(&h, NULL), "vfs-not-persistent");
}

static void test_other_mechanism(void **state)
{
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	(void)state;
	strcpy(boot[1].file, "/etc/sysfs.conf");
	boot[1].line = 2;
	strcpy(boot[1].text, "bus/pci/devices/0000:00:02.0/sriov_numvfs = 7");
	strcpy(boot[1].why, "sysfsutils also sets sriov_numvfs at boot");
	boot[1].count = 7;
	h.n_vf_boot = 2;
	assert_string_equal(ids(&h, NULL), "vfs-other-mechanism");
	/* the only mechanism (no tool unit): info, not a warning */
	h.vf_boot = boot + 1;
	h.n_vf_boot = 1;
	h.unit = false;
	h.unit_vfs = -1;
	assert_int_equal(policy_host_evaluate(&h, NULL, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_INFO);
	assert_non_null(strstr(f.v[0].message, "/etc/sysfs.conf line 2"));
	policy_findings_free(&f);
}

static void test_gvtg_rules(void **state)
{
	struct policy_host h = healthy();

	(void)state;
	h.mode = SYSFS_PROFILE_GVTG;
	h.enable_gvt = "N";
	h.extra_module_loaded = true;
	assert_string_equal(ids(&h, NULL), "gvtg-disabled gvtg-kvmgt gvtg-no-types");
	/* the SR-IOV rules say nothing on a GVT-g host, even with no VFs at all */
	h.totalvfs = h.numvfs = 0;
	assert_string_equal(ids(&h, NULL), "gvtg-disabled gvtg-kvmgt gvtg-no-types");
}

static void test_severity_settings(void **state)
{
	struct policy_host h = healthy();
	enum policy_severity sev[POLICY_RULE_COUNT];
	struct policy_findings f = {0};

	(void)state;
	for (size_t i = 0; i < POLICY_RULE_COUNT; i++)
		sev[i] = policy_rule_severity(NULL, (enum policy_rule_id)i);
	h.numvfs = 3;
	h.enable_guc = "7";
	sev[POLICY_RULE_PF_GUC] = POLICY_SEVERITY_OFF;
	sev[POLICY_RULE_VFS_COUNT] = POLICY_SEVERITY_INFO;
	assert_int_equal(policy_host_evaluate(&h, sev, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].rule, POLICY_RULE_VFS_COUNT);
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_INFO);
	policy_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_healthy_is_silent), cmocka_unit_test(test_sriov_rules),
	        cmocka_unit_test(test_other_mechanism),   cmocka_unit_test(test_gvtg_rules),
	        cmocka_unit_test(test_severity_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
