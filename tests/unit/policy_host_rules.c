/* tests/unit/policy_host_rules.c - every host rule (policy/host_rules.c) on plain facts, no files:
 * each rule on the facts that make it fire and on the facts of a healthy host, where it must stay
 * silent; the settings' severities (off drops, a lower one caps).  tests/unit/host_doctor.c checks
 * that doctor gathers those facts from files under --root. */
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
	h.mode_why = "set up by pve-passthrough (20260101-000000)";
	h.device_id = 0xa7a0;
	h.platform = "Raptor Lake-P";
	h.can_sriov_i915 = h.can_sriov_xe = true;
	h.iommu = 1;
	return h;
}

/* The host rules over h, without the platform finding every iGPU host gets (it describes the
 * host; test_platform checks it). */
static void judge(const struct policy_host *h, const enum policy_severity *sev,
                  struct policy_findings *f)
{
	size_t k = 0;

	assert_int_equal(policy_host_evaluate(h, sev, f), 0);
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].rule != POLICY_RULE_PLATFORM)
			f->v[k++] = f->v[i];
	f->n = k;
}

/* The rules h gives, one id after the other ("pf-guc vfs-count"). */
static char *ids(const struct policy_host *h, const enum policy_severity *sev)
{
	static char buf[512];
	struct policy_findings f = {0};

	judge(h, sev, &f);
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
	judge(&h, NULL, &f);
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
		judge(&h, sev, &f);
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
	judge(&h, sev, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].rule, POLICY_RULE_VF_COUNT_MISMATCH);
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_INFO);
	policy_findings_free(&f);
}

/* The first finding of rule in f, NULL when none. */
static const struct policy_finding *first(const struct policy_findings *f, enum policy_rule_id rule)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].rule == rule)
			return &f->v[i];
	return NULL;
}

/* The command-line rules over the tokens doctor found in the persisted and running lines. */
static void test_cmdline_rules(void **state)
{
	struct policy_cmdline_token tok[] = {
	        {"intel_iommu=on", true, true, false},
	        {"i915.enable_guc=3", true, false, false},
	        {"i915.max_vfs=7", false, false, true},
	};
	struct policy_cmdline_conflict cf[] = {
	        {"i915.enable_gvt=1", "", NULL},
	        {"module_blacklist=i915", "module_blacklist", "i915"},
	};
	struct policy_cmdline_typo ty[] = {
	        {true, false, "915.enable_guc: no module 915"},
	        {false, true, "915.enable_guc: no module 915"},
	        {false, false, "i915.enable_gcu: i915 has no parameter enable_gcu"},
	};
	struct policy_cmdline c = {.loader = "grub",
	                           .grub_dropins = true,
	                           .loader_why = "BOOT_IMAGE= in /proc/cmdline",
	                           .file = "/etc/default/grub",
	                           .other_file = "/etc/kernel/cmdline"};
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	(void)state;
	c.running_known = true;
	c.tokens = tok, c.n_tokens = 3;
	c.conflicts = cf, c.n_conflicts = 2;
	c.typos = ty, c.n_typos = 3;
	h.cmdline = &c;
	assert_string_equal(ids(&h, NULL),
	                    "bootloader cmdline-pending cmdline-missing cmdline-conflict "
	                    "cmdline-conflict cmdline-typo cmdline-typo cmdline-wrong-file");
	judge(&h, NULL, &f);
	assert_string_equal(f.v[0].message,
	                    "grub; command line in /etc/default/grub + "
	                    "/etc/default/grub.d/*.cfg (BOOT_IMAGE= in /proc/cmdline)");
	assert_string_equal(
	        first(&f, POLICY_RULE_CMDLINE_MISSING)->message,
	        "i915.max_vfs=7 is not in the persisted command line (/etc/default/grub): "
	        "sriov-i915 needs it");
	assert_string_equal(first(&f, POLICY_RULE_CMDLINE_MISSING)->hint,
	                    "pve-passthrough host setup sriov");
	assert_string_equal(
	        f.v[4].message,
	        "module_blacklist in /etc/default/grub lists i915, the driver sriov-i915 "
	        "needs");
	/* the persisted typo that /proc/cmdline has too is said once, from /proc/cmdline */
	assert_string_equal(f.v[5].message, "/proc/cmdline: 915.enable_guc: no module 915");
	assert_string_equal(f.v[6].message,
	                    "/etc/default/grub: i915.enable_gcu: i915 has no parameter enable_gcu");
	assert_non_null(strstr(f.v[7].message, "i915.max_vfs=7 is in /etc/kernel/cmdline, but this "
	                                       "host boots with grub"));
	policy_findings_free(&f);
	/* /proc/cmdline unknown: nothing is pending, and the file's typos are all the file's */
	c.running_known = false;
	c.typos = ty + 1;
	c.n_typos = 1;
	assert_string_equal(ids(&h, NULL), "bootloader cmdline-missing cmdline-conflict "
	                                   "cmdline-conflict cmdline-typo cmdline-wrong-file");
	/* a healthy command line: only the bootloader */
	c.n_tokens = 1;
	c.n_conflicts = c.n_typos = 0;
	assert_string_equal(ids(&h, NULL), "bootloader");
}

/* dkms per installed kernel: the kernel that boots next, the running one, an old one. */
static void test_dkms_rules(void **state)
{
	struct policy_kernel k[3];
	const struct policy_dkms_broken broken[] = {{"i915-sriov-dkms", "2025.05.18"}};
	struct policy_dkms d = {
	        .module = "i915-sriov-dkms",
	        .n_sources = 1,
	        .window_release = "2025.05.18",
	        .window_min = {6, 8},
	        .window_max = {6, 14},
	        .kernels = k,
	        .n_kernels = 3,
	        .said = "",
	};
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	(void)state;
	memset(k, 0, sizeof(k));
	strcpy(k[0].release, "6.17.2-1-pve");
	k[0].next_boot = true;
	strcpy(k[0].fitting, "2025.10.10");
	strcpy(k[1].release, "6.8.12-4-pve");
	k[1].running = k[1].headers = k[1].dkms_built = k[1].source_fits = true;
	strcpy(k[1].dkms_version, "2025.05.18");
	strcpy(k[2].release, "6.5.13-1-pve");
	k[2].headers = true;
	h.dkms = &d;
	assert_string_equal(ids(&h, NULL), "dkms-missing headers-missing dkms-window "
	                                   "dkms-not-installed dkms-missing");
	judge(&h, NULL, &f);
	assert_string_equal(
	        f.v[0].message,
	        "kernel 6.17.2-1-pve (newest: boots next) has no i915-sriov-dkms module: "
	        "after the reboot the stock i915 loads and every VF is gone");
	assert_string_equal(f.v[0].hint, "apt install proxmox-headers-6.17.2-1-pve, then dkms "
	                                 "autoinstall -k 6.17.2-1-pve; release fitting it: "
	                                 "2025.10.10");
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_ERROR);
	assert_string_equal(f.v[2].message, "i915-sriov-dkms 2025.05.18 supports kernels 6.8 to "
	                                    "6.14; 6.17.2-1-pve is outside, dkms skips the build "
	                                    "silently; release fitting it: 2025.10.10");
	assert_string_equal(f.v[3].hint, "dkms install i915-sriov-dkms/2025.05.18 -k 6.8.12-4-pve");
	/* a kernel that neither runs nor boots next: a warning */
	assert_int_equal(f.v[4].severity, POLICY_SEVERITY_WARNING);
	policy_findings_free(&f);
	/* dkms status quoted; its broken module */
	d.said = "i915-sriov-dkms/2025.05.18: added";
	d.broken = broken;
	d.n_broken = 1;
	d.n_kernels = 1;
	judge(&h, NULL, &f);
	assert_non_null(strstr(f.v[0].message, "; dkms status: i915-sriov-dkms/2025.05.18: added"));
	assert_string_equal(first(&f, POLICY_RULE_DKMS_BROKEN)->message,
	                    "dkms status: i915-sriov-dkms/2025.05.18 is broken");
	policy_findings_free(&f);
	/* not gathered (not an i915-sriov-dkms host): no dkms rule */
	h.dkms = NULL;
	assert_string_equal(ids(&h, NULL), "");
}

/* A kernel-log message that confirms a finding already made is quoted in it; any other is its
 * own finding; a log that could not be read says so. */
static void klog_facts(void)
{
	struct policy_klog_match m[] = {
	        {POLICY_RULE_PF_DRIVER_STOCK, "", "the stock i915", "dkms", "[    3.1]",
	         "i915: unknown parameter 'max_vfs' ignored", false, 1},
	        {POLICY_RULE_KLOG_MMIO, "0000:00:02.0", "no MMIO space for the VFs",
	         "Above 4G Decoding", "[    5.2]", "not enough MMIO resources for SR-IOV", false,
	         3},
	};
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	h.max_vfs = ""; /* the stock i915: pf-driver-stock from sysfs */
	h.klog = m;
	h.n_klog = 2;
	h.klog_source = "/dev/kmsg";
	assert_string_equal(ids(&h, NULL), "pf-driver-stock klog-mmio");
	judge(&h, NULL, &f);
	assert_non_null(strstr(f.v[0].message, "; kernel log: \"[    3.1] i915: unknown parameter "
	                                       "'max_vfs' ignored\""));
	assert_string_equal(
	        f.v[1].message,
	        "no MMIO space for the VFs; kernel log (/dev/kmsg): \"[    5.2] not enough "
	        "MMIO resources for SR-IOV\" (3 lines)");
	assert_string_equal(f.v[1].device, "0000:00:02.0");
	policy_findings_free(&f);
	h.klog_unreadable = "/dev/kmsg: Permission denied";
	assert_string_equal(ids(&h, NULL), "pf-driver-stock klog-unreadable");
}

/* Secure Boot, modprobe.d lines, the setup's journal, temporary files, the kernel log. */
static void test_file_facts(void **state)
{
	const struct policy_modconf mc[] = {
	        {false, true, "/etc/modprobe.d/blacklist.conf", 3, "blacklist i915",
	         "the iGPU's driver never loads"},
	        {true, false, "/etc/modules", 1, "vfio_virqfd", "gone since 6.2"},
	};
	char *tmp[] = {"/etc/kernel/cmdline.pp-tmp.1.abc"};
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	(void)state;
	h.secure_boot = true;
	h.mok = "/var/lib/dkms/mok.pub";
	h.modconf = mc;
	h.n_modconf = 2;
	h.journal_dir = "/var/lib/pve-passthrough/journal";
	h.journal_interrupted = "20260101-000000";
	h.journal_kind = "setup";
	h.temp_files = tmp;
	h.n_temp_files = 1;
	assert_string_equal(ids(&h, NULL), "journal-interrupted temp-file-left secure-boot "
	                                   "modprobe-conflict module-obsolete");
	judge(&h, NULL, &f);
	assert_string_equal(f.v[0].message, "the setup of journal "
	                                    "/var/lib/pve-passthrough/journal/20260101-000000 "
	                                    "stopped half-way (state applying)");
	assert_non_null(strstr(f.v[2].hint, "appears after the first dkms build"));
	assert_int_equal(f.v[2].severity, POLICY_SEVERITY_WARNING);
	assert_string_equal(f.v[3].message,
	                    "/etc/modprobe.d/blacklist.conf line 3: 'blacklist i915': the iGPU's "
	                    "driver never loads");
	assert_string_equal(f.v[3].hint,
	                    "fix or remove that line, then update-initramfs -u -k all");
	assert_string_equal(f.v[4].hint, "remove that line");
	policy_findings_free(&f);
	/* the key enrolled or not, GVT-g needs no dkms module: info */
	h.mok_exists = true;
	h.mode = SYSFS_PROFILE_GVTG;
	h.n_mdev_types = 4;
	h.enable_gvt = "Y";
	h.extra_module_loaded = h.extra_module_at_boot = true;
	judge(&h, NULL, &f);
	assert_int_equal(first(&f, POLICY_RULE_SECURE_BOOT)->severity, POLICY_SEVERITY_INFO);
	assert_non_null(strstr(first(&f, POLICY_RULE_SECURE_BOOT)->hint, "mokutil --test-key"));
	policy_findings_free(&f);
	klog_facts();
}

/* What the host is: the platform finding, or why there is nothing to judge. */
static void test_platform(void **state)
{
	struct policy_host h = healthy();
	struct policy_findings f = {0};

	(void)state;
	h.gfx = "Xe-LP";
	assert_int_equal(policy_host_evaluate(&h, NULL, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].message, "Raptor Lake-P (8086:a7a0, Xe-LP) can do SR-IOV via "
	                                    "i915-sriov-dkms, SR-IOV via xe");
	policy_findings_free(&f);
	h.platform = NULL;
	assert_string_equal(ids(&h, NULL), "platform-unknown");
	h.platform = "Rocket Lake";
	h.can_sriov_i915 = h.can_sriov_xe = false;
	assert_string_equal(ids(&h, NULL), "platform-unsupported");
	h = healthy();
	h.igpu = false;
	h.iommu = 0;
	h.mode = SYSFS_PROFILE_GVTG;
	assert_string_equal(ids(&h, NULL), "igpu-missing iommu-off");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_healthy_is_silent), cmocka_unit_test(test_sriov_rules),
	        cmocka_unit_test(test_other_mechanism),   cmocka_unit_test(test_vf_count_mismatch),
	        cmocka_unit_test(test_gvtg_rules),        cmocka_unit_test(test_severity_settings),
	        cmocka_unit_test(test_cmdline_rules),     cmocka_unit_test(test_dkms_rules),
	        cmocka_unit_test(test_file_facts),        cmocka_unit_test(test_platform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
