/* Unit tests: host/klog (the kernel log reader and its signature table).
 *
 * Table-driven over the real kernel lines in shared/corpus/samples/dmesg_*.txt: the files are cut
 * into their "# =====" / "# ---" sections, comment lines dropped, and each failure section must
 * give exactly its rules; the healthy log and the healthy sections give none.  The message
 * formats the samples quote only as source formats are instantiated by hand below. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/klog.h"
#include "policy/policy.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

/* Section `nth` (1-based) of a sample file, without comment lines; malloc'd. */
static char *section(const char *file, int nth)
{
	char *text, *out, *line, *save = NULL;
	size_t len, o = 0;
	int cur = 0;

	assert_int_equal(util_file_read(tt_shared(file), 1 << 20, &text, &len, NULL), 0);
	out = calloc(1, len + 1);
	assert_non_null(out);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# =====", 7) == 0 || strncmp(line, "# ---", 5) == 0) {
			cur++;
			continue;
		}
		if (line[0] == '#' || cur != nth)
			continue;
		o += (size_t)sprintf(out + o, "%s\n", line);
	}
	free(text);
	return out;
}

/* The rules the log gives, "rule@device,rule@device" in order, into buf. */
static void rules_of(const char *text, char *buf, size_t n)
{
	struct host_klog log = {0};
	struct host_klog_match *m;
	size_t nm, o = 0;

	assert_int_equal(host_klog_parse_text(text, strlen(text), &log), 0);
	assert_int_equal(host_klog_match(&log, &m, &nm), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < nm; i++) {
		assert_non_null(m[i].first);
		assert_true(m[i].count >= 1);
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "," : "", m[i].rule);
	}
	free(m);
	host_klog_free(&log);
}

struct section_case {
	const char *file;
	int section;
	const char *rules; /* "" = healthy: no finding */
};

static const struct section_case cases[] = {
        /* dmesg_failures_i915.txt */
        {"corpus/samples/dmesg_failures_i915.txt", 1, "pf-driver-stock,klog-sriov-unsupported"},
        {"corpus/samples/dmesg_failures_i915.txt", 2, "klog-no-driver"},
        {"corpus/samples/dmesg_failures_i915.txt", 3, "klog-mmio"},
        {"corpus/samples/dmesg_failures_i915.txt", 4, "klog-enable-guc-invalid"},
        {"corpus/samples/dmesg_failures_i915.txt", 5, "klog-vf-guc-disabled"},
        {"corpus/samples/dmesg_failures_i915.txt", 6, "klog-module-rejected"},
        {"corpus/samples/dmesg_failures_i915.txt", 7, "klog-pf-blacklisted"},
        {"corpus/samples/dmesg_failures_i915.txt", 8, "klog-guc-failure"},
        {"corpus/samples/dmesg_failures_i915.txt", 9, "klog-guc-failure,klog-guc-failure"},
        {"corpus/samples/dmesg_failures_i915.txt", 10, "klog-firmware"},
        {"corpus/samples/dmesg_failures_i915.txt", 11, "klog-force-probe"},
        {"corpus/samples/dmesg_failures_i915.txt", 12, ""}, /* benign eDP message */
        {"corpus/samples/dmesg_failures_i915.txt", 13, "klog-kvmgt-mismatch"},
        {"corpus/samples/dmesg_failures_i915.txt", 14, "module-obsolete"},
        /* dmesg_xe_sriov.txt: healthy xe PFs (i915 blacklisted on purpose), VFs probed */
        {"corpus/samples/dmesg_xe_sriov.txt", 1, ""},
        {"corpus/samples/dmesg_xe_sriov.txt", 2, ""},
        {"corpus/samples/dmesg_xe_sriov.txt", 3, ""},
        /* dmesg_gvtg.txt: one section of GVT-g failures */
        {"corpus/samples/dmesg_gvtg.txt", 1,
         "klog-gvt-unsupported,klog-gvt-firmware,klog-gvt-init"},
        /* the healthy host, every section */
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 1, ""},
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 2, ""},
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 3, ""},
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 4, ""},
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 5, ""},
        {"corpus/samples/dmesg_i915_pf_vf_success_host.txt", 6, ""},
};

static void test_sample_sections(void **state)
{
	char got[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = section(cases[i].file, cases[i].section);

		assert_true(strlen(text) > 0); /* the section exists and has kernel lines */
		rules_of(text, got, sizeof(got));
		if (strcmp(got, cases[i].rules) != 0)
			fail_msg("%s section %d: got \"%s\", want \"%s\"", cases[i].file,
			         cases[i].section, got, cases[i].rules);
		free(text);
	}
}

/* The whole healthy file, read the way `doctor --kernel-log FILE` reads it: no finding. */
static void test_healthy_file_whole(void **state)
{
	struct util_paths p;
	struct host_klog log;
	struct host_klog_match *m;
	size_t nm;

	(void)state;
	util_paths_init(&p, NULL);
	assert_int_equal(
	        host_klog_read(&p, tt_shared("corpus/samples/dmesg_i915_pf_vf_success_host.txt"),
	                       &log, NULL),
	        0);
	assert_true(log.n > 50);
	assert_int_equal(host_klog_match(&log, &m, &nm), 0);
	assert_int_equal(nm, 0);
	free(m);
	host_klog_free(&log);
}

/* Lines the samples give only as source formats, instantiated. */
static void test_source_formats(void **state)
{
	static const struct {
		const char *line, *rules;
	} fmt[] = {
	        {"xe 0000:00:02.0: [drm] PF: Failed to enable 3 VFs (-ENOMEM)", "klog-mmio"},
	        {"xe 0000:00:02.0: [drm] PF: Failed to enable 1 VF (-EIO)",
	         "klog-vf-enable-failed"},
	        {"xe 0000:00:02.0: [drm] Support for SR-IOV is not available",
	         "klog-sriov-unsupported"},
	        {"xe 0000:00:02.0: [drm] PF: Enabled 7 of 7 VFs", ""},
	        {"i915 0000:00:02.0: [drm] Incompatible option enable_guc=3 - GuC is not supported!",
	         "klog-enable-guc-invalid"},
	        {"i915 0000:00:02.0: VF2 FLR didn't complete within 5000 ms", "klog-guc-failure"},
	        {"i915 0000:00:02.0: Can't disable 7 VFs, 2 are still assigned", "klog-vfs-in-use"},
	        {"[drm] Graphics virtualization is not yet supported with GuC submission",
	         "klog-gvt-guc"},
	        {"[drm] GVT-g is disabled by kernel params", "gvtg-disabled"},
	        {"Module xe is blacklisted", "klog-pf-blacklisted"},
	        /* expected with dkms: never findings */
	        {"[   52.930082] Setting dangerous option enable_guc - tainting kernel", ""},
	        {"i915: loading out-of-tree module taints kernel.", ""},
	};
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		rules_of(fmt[i].line, got, sizeof(got));
		if (strcmp(got, fmt[i].rules) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", fmt[i].line, got, fmt[i].rules);
	}
}

/* Repeated lines are one finding with a count; the first line is quoted with its timestamp and
 * device. */
static void test_repeats_counted(void **state)
{
	const char *text =
	        "[    4.241268] i915 0000:00:02.0: driver does not support SR-IOV configuration via sysfs\n"
	        "[    5.000000] i915 0000:00:02.0: driver does not support SR-IOV configuration via sysfs\n"
	        "i915 0000:00:02.0: driver does not support SR-IOV configuration via sysfs\n";
	struct host_klog log = {0};
	struct host_klog_match *m;
	size_t nm;

	(void)state;
	assert_int_equal(host_klog_parse_text(text, strlen(text), &log), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(host_klog_match(&log, &m, &nm), 0);
	assert_int_equal(nm, 1);
	assert_int_equal(m[0].count, 3);
	assert_string_equal(m[0].device, "0000:00:02.0");
	assert_string_equal(m[0].first->stamp, "[    4.241268]");
	assert_string_equal(
	        m[0].first->text,
	        "i915 0000:00:02.0: driver does not support SR-IOV configuration via sysfs");
	free(m);
	host_klog_free(&log);
}

/* i915 blacklisted counts only when xe did not take the iGPU. */
static void test_blacklist_context(void **state)
{
	char got[256];

	(void)state;
	rules_of("[    3.421681] Module i915 is blacklisted\n"
	         "[    3.618118] xe 0000:00:02.0: [drm] Running in SR-IOV PF mode\n",
	         got, sizeof(got));
	assert_string_equal(got, "");
	rules_of("[    3.421681] Module i915 is blacklisted\n", got, sizeof(got));
	assert_string_equal(got, "klog-pf-blacklisted");
}

/* /dev/kmsg records: prio,seq,usec,flags;text, dictionary continuation lines, \xNN escapes, a
 * record longer than the reader keeps, malformed lines skipped. */
static void test_kmsg_records(void **state)
{
	struct host_klog log = {0};
	char *big, *rec;
	size_t bl = HOST_KLOG_RECORD_MAX * 2;
	int o;

	(void)state;
	const char *text =
	        "6,1001,3166803,-;i915: unknown parameter 'max_vfs' ignored\n"
	        "3,1002,4020772,-;pci 0000:00:02.0: no driver bound to device; cannot configure SR-IOV\n"
	        " SUBSYSTEM=pci\n"
	        " DEVICE=+pci:0000:00:02.0\n"
	        "4,1003,5000000,c,caller=T1;tab\\x09and backslash\\x5c end\n"
	        "garbage without a header\n"
	        "x,1,2,-;not a record either\n";
	assert_int_equal(host_klog_parse_records(text, strlen(text), &log), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.v[0].stamp, "[    3.166803]");
	assert_int_equal(log.v[0].level, 6);
	assert_string_equal(log.v[0].text, "i915: unknown parameter 'max_vfs' ignored");
	assert_string_equal(log.v[1].device, "0000:00:02.0");
	assert_int_equal(log.v[1].level, 3);
	assert_string_equal(log.v[2].text, "tab\tand backslash\\ end");
	assert_false(log.v[2].truncated);
	host_klog_free(&log);

	/* a record longer than HOST_KLOG_RECORD_MAX: kept cut, marked, and the next record read */
	big = malloc(bl + 200);
	assert_non_null(big);
	o = sprintf(big, "4,7,100,-;");
	memset(big + o, 'A', bl);
	o += (int)bl;
	o += sprintf(big + o,
	             "\n6,8,200,-;i915 0000:00:02.0: not enough MMIO resources for SR-IOV\n");
	assert_int_equal(host_klog_parse_records(big, (size_t)o, &log), 0);
	assert_int_equal(log.n, 2);
	assert_true(log.v[0].truncated);
	assert_int_equal(strlen(log.v[0].text), HOST_KLOG_RECORD_MAX);
	assert_string_equal(log.v[1].device, "0000:00:02.0");
	host_klog_free(&log);
	free(big);

	/* under --root, <root>/dev/kmsg as a regular file of records */
	char *root = tt_mkdtemp();
	struct util_paths p;

	rec = "6,1,3166803,-;i915: unknown parameter 'max_vfs' ignored\n";
	tt_write(root, "dev/kmsg", rec);
	util_paths_init(&p, root);
	assert_int_equal(host_klog_read(&p, NULL, &log, NULL), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.source, "/dev/kmsg");
	host_klog_free(&log);
	tt_rmrf(root);
	free(root);
}

/* dmesg with and without timestamps, journalctl -k, and only the last boot. */
static void test_text_formats(void **state)
{
	struct host_klog log = {0};

	(void)state;
	const char *text =
	        "[    1.000000] old boot line\n"
	        "[    0.000000] Linux version 6.8.12-4-pve\n"
	        "[    3.166803] i915: unknown parameter 'max_vfs' ignored\n"
	        "i915 0000:00:02.0: driver does not support SR-IOV configuration via sysfs\n"
	        "Nov 09 03:24:52 pve kernel: i915 0000:00:02.0: not enough MMIO resources for SR-IOV\n"
	        "Nov 09 03:24:52 pve systemd-modules-load[348]: Failed to find module 'vfio_virqfd'\n";
	assert_int_equal(host_klog_parse_text(text, strlen(text), &log), 0);
	assert_int_equal(log.n, 5); /* the line before the new boot is gone */
	assert_string_equal(log.v[0].text, "Linux version 6.8.12-4-pve");
	assert_string_equal(log.v[1].stamp, "[    3.166803]");
	assert_string_equal(log.v[2].stamp, "");
	assert_string_equal(log.v[2].device, "0000:00:02.0");
	assert_string_equal(log.v[3].stamp, "Nov 09 03:24:52");
	assert_string_equal(log.v[3].text,
	                    "i915 0000:00:02.0: not enough MMIO resources for SR-IOV");
	assert_string_equal(log.v[4].text,
	                    "systemd-modules-load[348]: Failed to find module 'vfio_virqfd'");
	host_klog_free(&log);

	text = "-- Boot 1234 --\nNov 08 10:00:00 pve kernel: old\n-- Boot 5678 --\n"
	       "Nov 09 10:00:00 pve kernel: new\n";
	assert_int_equal(host_klog_parse_text(text, strlen(text), &log), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.v[0].text, "new");
	host_klog_free(&log);
}

/* A FIFO, a directory, or nothing at <root>/dev/kmsg: an error, never a wait. */
static void test_read_errors(void **state)
{
	char *root = tt_mkdtemp();
	struct util_paths p;
	struct host_klog log;
	struct util_err e = {0};
	char path[PP_PATH_MAX];

	(void)state;
	util_paths_init(&p, root);
	assert_int_equal(host_klog_read(&p, NULL, &log, &e), -ENOENT);
	tt_mkdir(root, "dev/kmsg");
	assert_true(host_klog_read(&p, NULL, &log, &e) < 0);
	tt_rmrf(root);
	free(root);
	root = tt_mkdtemp();
	util_paths_init(&p, root);
	tt_mkdir(root, "dev");
	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(host_klog_read(&p, NULL, &log, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/dev/kmsg"));
	tt_rmrf(root);
	free(root);
}

/* The real /dev/kmsg of the machine running the test: a record we write comes back through the
 * non-blocking reader, which then stops at the end of the ring buffer instead of waiting. */
static void test_live_kmsg(void **state)
{
	struct util_paths p;
	struct host_klog log;
	char marker[96];
	bool found = false;
	FILE *f = fopen("/dev/kmsg", "w");

	(void)state;
	if (!f) {
		/* not root, or a container without the device: nothing real to read */
		fprintf(stderr, "skipped: /dev/kmsg not writable here\n");
		skip();
	}
	snprintf(marker, sizeof(marker), "pve-passthrough klog test %ld", (long)getpid());
	fprintf(f, "<6>%s\n", marker);
	fclose(f);
	util_paths_init(&p, NULL);
	assert_int_equal(host_klog_read(&p, NULL, &log, NULL), 0);
	for (size_t i = 0; i < log.n; i++)
		if (strstr(log.v[i].text, marker)) {
			found = true;
			assert_int_equal(log.v[i].level, 6);
			assert_int_equal(log.v[i].stamp[0], '[');
		}
	assert_true(found);
	host_klog_free(&log);
}

static void test_rule_ids(void **state)
{
	size_t n;
	const char *const *ids = host_klog_rule_ids(&n);

	(void)state;
	assert_int_equal(host_klog_table_check(), 0);
	assert_true(n >= 15);
	for (size_t i = 0; i < n; i++) {
		const struct policy_rule *r = policy_rule_find(ids[i]);

		/* every rule the table names is a host rule of the registry */
		if (!r || !(r->scope & POLICY_SCOPE_HOST))
			fail_msg("kernel log rule %s is not a host rule of policy/rules.def",
			         ids[i]);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sample_sections),   cmocka_unit_test(test_healthy_file_whole),
	        cmocka_unit_test(test_source_formats),    cmocka_unit_test(test_repeats_counted),
	        cmocka_unit_test(test_blacklist_context), cmocka_unit_test(test_kmsg_records),
	        cmocka_unit_test(test_text_formats),      cmocka_unit_test(test_read_errors),
	        cmocka_unit_test(test_live_kmsg),         cmocka_unit_test(test_rule_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
