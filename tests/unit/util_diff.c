/* Unit tests: util/diff.c (the unified diff of assign --dry-run and host setup).  Checked against the real tools:
 * hunks equal to GNU `diff -u` for the edits assign makes, and `patch` turns before into after for
 * many generated edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/diff.h"
#include "support/tmpdir.h"

static char *run_capture(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	struct util_buf b = {0};
	char buf[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		util_buf_add(&b, buf, n);
	pclose(f);
	return b.s ? util_buf_steal(&b) : strdup("");
}

/* Our hunks equal diff -u's (from the first "@@"). */
static void same_as_gnu(const char *dir, const char *before, const char *after)
{
	struct util_buf out = {0};
	char cmd[8192], *gnu;

	tt_write(dir, "a", before);
	tt_write(dir, "b", after);
	assert_int_equal(util_diff_unified("a/x.conf", before, strlen(before), "b/x.conf", after,
	                                   strlen(after), 0, &out),
	                 0);
	snprintf(cmd, sizeof(cmd), "cd %s && diff -u a b | sed -n '/^@@/,$p'", dir);
	gnu = run_capture(cmd);
	if (strcmp(before, after) == 0) {
		assert_int_equal(out.len, 0);
	} else {
		const char *ours = strstr(util_buf_str(&out), "@@");

		assert_non_null(ours);
		assert_string_equal(ours, gnu);
		assert_true(strncmp(util_buf_str(&out), "--- a/x.conf\n+++ b/x.conf\n", 26) == 0);
	}
	free(gnu);
	util_buf_free(&out);
}

static void test_like_gnu(void **state)
{
	char *dir = tt_mkdtemp();
	const char *conf = "boot: order=scsi0\ncores: 4\nhostpci0: 0000:00:02.1,pcie=1\nmachine: "
	                   "q35\nmemory: 8192\nname: win11\nnet0: virtio=AA:BB:CC:DD:EE:FF,bridge="
	                   "vmbr0\nostype: win11\nscsi0: local-lvm:vm-101-disk-0,size=64G\n";

	(void)state;
	/* insertion in the middle, at the start, at the end */
	same_as_gnu(
	        dir, conf,
	        "boot: order=scsi0\ncores: 4\nhostpci0: 0000:00:02.1,pcie=1\nhostpci1: "
	        "0000:00:02.3,pcie=1\nmachine: q35\nmemory: 8192\nname: win11\nnet0: virtio=AA:"
	        "BB:CC:DD:EE:FF,bridge=vmbr0\nostype: win11\nscsi0: local-lvm:vm-101-disk-0,size="
	        "64G\n");
	same_as_gnu(dir, conf, "agent: 1\n");
	same_as_gnu(dir, "a\n", "a\nb\n");
	same_as_gnu(dir, "b\n", "a\nb\n");
	same_as_gnu(dir, "", "a\n");
	same_as_gnu(dir, "a\n", "");
	same_as_gnu(dir, conf, conf);
	/* removal, and a missing final newline */
	same_as_gnu(dir, "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nd\nf\ng\nh\ni\nj\n");
	same_as_gnu(dir, "a\nb", "a\nb\nc\n");
	same_as_gnu(dir, "a\nb\n", "a\nb");
	/* two changes far apart: two hunks; close together: one */
	same_as_gnu(dir, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
	            "1\nx\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\ny\n15\n16\n");
	same_as_gnu(dir, "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nx\n2\n3\n4\n5\n6\n7\ny\n8\n9\n");
	tt_rmrf(dir);
	free(dir);
}

/* Random line edits: patch(1) must turn before into after with our diff. */
static void test_patch_applies(void **state)
{
	char *dir = tt_mkdtemp();
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 150; round++) {
		struct util_buf a = {0}, b = {0}, d = {0};
		char cmd[8192], *got;
		size_t glen;
		int n = 1 + (int)(rand_r(&seed) % 30);

		for (int i = 0; i < n; i++) {
			int r = (int)(rand_r(&seed) % 10);

			util_buf_addf(&a, "line%d\n", i);
			if (r == 0)
				continue; /* removed */
			if (r == 1)
				util_buf_addf(&b, "new%d\n", i); /* inserted before */
			if (r == 2)
				util_buf_addf(&b, "changed%d\n", i);
			else
				util_buf_addf(&b, "line%d\n", i);
		}
		assert_int_equal(util_diff_unified("a/f", util_buf_str(&a), a.len, "b/f",
		                                   util_buf_str(&b), b.len, 0, &d),
		                 0);
		tt_write(dir, "f", util_buf_str(&a));
		tt_write(dir, "p", util_buf_str(&d));
		snprintf(cmd, sizeof(cmd),
		         "cd %s && rm -f out && patch -s -o out f p >/dev/null 2>&1 "
		         "|| echo FAILED; cat out 2>/dev/null",
		         dir);
		got = run_capture(cmd);
		glen = strlen(got);
		if (d.len == 0)
			assert_int_equal(a.len == b.len && memcmp(util_buf_str(&a),
			                                          util_buf_str(&b), a.len) == 0,
			                 1);
		else
			assert_string_equal(got, util_buf_str(&b));
		(void)glen;
		free(got);
		util_buf_free(&a);
		util_buf_free(&b);
		util_buf_free(&d);
	}
	tt_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_like_gnu),
	        cmocka_unit_test(test_patch_applies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
