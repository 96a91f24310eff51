/* Unit tests: host/run - real child processes (no shell): success, a non-zero exit, a missing
 * program, output capture, record mode and the injected failure,
 * shell-quoted display of argv. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/run.h"

static void test_exec(void **state)
{
	struct host_runner r = {.mode = HOST_RUN_EXEC};
	const char *ok[] = {"true", NULL}, *bad[] = {"false", NULL};
	const char *missing[] = {"pve-passthrough-no-such-program", NULL};
	struct util_err e = {0};

	(void)state;
	assert_int_equal(host_run(&r, ok, &e), 0);
	assert_int_equal(host_run(&r, bad, &e), -EIO);
	assert_non_null(strstr(e.msg, "false failed (exit status 1)"));
	assert_int_equal(host_run(&r, missing, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "command not found"));
	assert_string_equal(util_buf_str(&r.log), "true\nfalse\npve-passthrough-no-such-program\n");
	host_runner_free(&r);
}

static void test_capture(void **state)
{
	const char *echo[] = {"printf", "%s\\n", "a b", "it's", NULL};
	const char *sh[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	struct util_err e = {0};
	char *out;

	(void)state;
	assert_int_equal(host_run_capture(echo, 1024, &out, &e), 0);
	assert_string_equal(out, "a b\nit's\n");
	free(out);
	assert_int_equal(host_run_capture(sh, 1024, &out, &e), -EIO);
	assert_null(out);
}

static void test_record_and_quote(void **state)
{
	struct host_runner r = {.mode = HOST_RUN_RECORD, .fail_at = 2};
	const char *a[] = {"dpkg", "-i", "/tmp/my file.deb", NULL};
	const char *b[] = {"update-grub", NULL};
	const char *c[] = {"echo", "it's", "", NULL};
	struct util_err e = {0};

	(void)state;
	assert_int_equal(host_run(&r, a, &e), 0); /* recorded, not run */
	assert_int_equal(host_run(&r, b, &e), -EIO);
	assert_non_null(strstr(e.msg, "injected"));
	assert_int_equal(host_run(&r, c, &e), 0);
	assert_string_equal(util_buf_str(&r.log), "dpkg -i '/tmp/my file.deb'\nupdate-grub\n"
	                                          "echo 'it'\\''s' ''\n");
	host_runner_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exec),
	        cmocka_unit_test(test_capture),
	        cmocka_unit_test(test_record_and_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
