/* tests/unit/policy_host_rules.c - the host rules over facts (policy/host_rules.c): each rule on
 * the facts that make it fire and on the facts of a healthy host, where it must stay silent;
 * the settings' severities (off drops, a lower one caps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	h.numvfs = 0;
	h.unit = false;
	h.n_vf_boot = 0;
	assert_string_equal(ids(&h, NULL), "vfs-count vfs-not-persistent");
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

/* vf-count-mismatch: the count enabled now against each place that sets one at boot */
static void test_vf_count_mismatch(void **state)
{
	static const struct {
		const char *file, *text, *pf;
		int count, numvfs;
		const char *want;
	} cases[] = {
	        /* the tool's unit asks for 7 (healthy() puts it first), 3 or 0 are there */
	        {NULL, NULL, "", -1, 3, "vf-count-mismatch"},
	        {NULL, NULL, "", -1, 0, "vf-count-mismatch"},
	        {"/etc/sysfs.conf", "bus/pci/devices/0000:00:02.0/sriov_numvfs = 4", "0000:00:02.0",
	         4, 7, "vf-count-mismatch"},
	        {"/etc/sysfs.d/vfs.conf", "bus/pci/devices/0000:00:02.0/sriov_numvfs = 7",
	         "0000:00:02.0", 7, 7, ""},
	        {"/etc/tmpfiles.d/vfs.conf",
	         "w /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs - - - - 2", "0000:00:02.0", 2, 7,
	         "vf-count-mismatch"},
	        {"/etc/udev/rules.d/70-vfs.rules",
	         "ACTION==\"add\", KERNEL==\"0000:00:02.0\", ATTR{sriov_numvfs}=\"5\"",
	         "0000:00:02.0", 5, 7, "vf-count-mismatch"},
	        /* another PF's count is not this PF's */
	        {"/etc/udev/rules.d/70-nic.rules",
	         "ACTION==\"add\", KERNEL==\"0000:03:00.0\", ATTR{sriov_numvfs}=\"8\"",
	         "0000:03:00.0", 8, 7, ""},
	        /* a count that cannot be read off the line is not compared */
	        {"/etc/rc.local",
	         "sh /root/vfs.sh > /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs", "0000:00:02.0",
	         -1, 7, ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_host h = healthy();
		struct policy_findings f = {0};
		enum policy_severity sev[POLICY_RULE_COUNT];

		h.numvfs = cases[i].numvfs;
		if (cases[i].file) {
			/* only that line sets the count: no tool unit */
			strcpy(boot[1].file, cases[i].file);
			strcpy(boot[1].text, cases[i].text);
			strcpy(boot[1].pf, cases[i].pf);
			boot[1].line = 3;
			boot[1].count = cases[i].count;
			h.vf_boot = boot + 1;
			h.n_vf_boot = 1;
			h.unit = false;
			h.unit_vfs = -1;
		}
		/* only this rule: the others have their own tests */
		for (size_t k = 0; k < POLICY_RULE_COUNT; k++)
			sev[k] = k == POLICY_RULE_VF_COUNT_MISMATCH ? POLICY_SEVERITY_WARNING
			                                            : POLICY_SEVERITY_OFF;
		assert_string_equal(ids(&h, sev), cases[i].want);
		assert_int_equal(policy_host_evaluate(&h, sev, &f), 0);
		if (f.n && cases[i].file) {
			char where[300];

			snprintf(where, sizeof(where), "%s line 3 sets %d at boot", cases[i].file,
			         cases[i].count);
			assert_non_null(strstr(f.v[0].message, where));
		}
		policy_findings_free(&f);
	}
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
	sev[POLICY_RULE_VF_COUNT_MISMATCH] = POLICY_SEVERITY_INFO;
	assert_int_equal(policy_host_evaluate(&h, sev, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].rule, POLICY_RULE_VF_COUNT_MISMATCH);
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_INFO);
	policy_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_healthy_is_silent), cmocka_unit_test(test_sriov_rules),
	        cmocka_unit_test(test_other_mechanism),   cmocka_unit_test(test_vf_count_mismatch),
	        cmocka_unit_test(test_gvtg_rules),        cmocka_unit_test(test_severity_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
