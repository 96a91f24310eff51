/* Unit tests: settings/ (libconfuse) - defaults, a full file, and malformed files that must be
 * rejected with file, line and problem. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "settings/settings.h"
#include "support/tmpdir.h"

static const char *const known[] = {"pf-with-vfs", "guard-missing", NULL};

static void test_missing_file(void **state)
{
	char *dir = tt_mkdtemp(), path[4096];
	struct settings s;
	struct util_err e = {0};

	(void)state;
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(settings_load(path, false, known, &s, &e), 0);
	assert_int_equal(s.guard_on_error, SETTINGS_ON_ERROR_ALLOW);
	assert_int_equal(s.guard_timeout, SETTINGS_GUARD_TIMEOUT_DEFAULT);
	assert_int_equal(s.n_rules, 0);
	settings_free(&s);
	assert_int_equal(settings_load(path, true, known, &s, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "none.conf"));
	tt_rmrf(dir);
	free(dir);
}

static void test_full_file(void **state)
{
	char *dir = tt_mkdtemp(), path[4096];
	struct settings s;
	struct util_err e = {0};

	(void)state;
	tt_write(dir, "pp.conf",
	         "# the guard\n"
	         "guard {\n"
	         "  on-internal-error = refuse\n"
	         "  timeout = 3\n"
	         "}\n"
	         "rule pf-with-vfs { severity = warning }\n"
	         "rule guard-missing {\n"
	         "  severity = off\n"
	         "}\n"
	         "api {\n"
	         "  url = \"pve1\"\n"
	         "  token-file = \"/etc/pve-passthrough/api-token\"\n"
	         "}\n");
	snprintf(path, sizeof(path), "%s/pp.conf", dir);
	assert_int_equal(settings_load(path, true, known, &s, &e), 0);
	assert_int_equal(s.guard_on_error, SETTINGS_ON_ERROR_REFUSE);
	assert_int_equal(s.guard_timeout, 3);
	assert_int_equal(s.n_rules, 2);
	assert_string_equal(s.rules[0].name, "pf-with-vfs");
	assert_string_equal(s.rules[0].severity, "warning");
	assert_string_equal(s.rules[1].name, "guard-missing");
	assert_string_equal(s.rules[1].severity, "off");
	/* the api block lands in the same settings (settings/api.c checks it) */
	assert_int_equal(s.api.n, 1);
	assert_string_equal(s.api.v[0].url, "https://pve1:8006/api2/json");
	settings_free(&s);
	tt_rmrf(dir);
	free(dir);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	        {"guard {\n  timeout = 0\n}\n", ":2: timeout 0 is out of range"},
	        {"guard {\n  timeout = soon\n}\n",
	         ":2: invalid integer value for option 'timeout'"},
	        {"\nguard {\n  on-internal-error = maybe\n}\n", ":3: on-internal-error 'maybe'"},
	        {"rule pf-with-vfs {\n  severity = fatal\n}\n", ":2: severity 'fatal'"},
	        {"\n\nrule pf-with-vf { severity = off }\n", ":3: unknown rule 'pf-with-vf'"},
	        {"colour = red\n", ":1: no such option 'colour'"},
	        {"rule pf-with-vfs { severity = off }\nrule pf-with-vfs { severity = info }\n",
	         ":2: found duplicate title 'pf-with-vfs'"},
	        {"guard {\n  timeout = 3\n", ":1: this '{' is never closed"},
	        {"rule pf-with-vfs { severity = info }\napi {\n  token-file = \"/t\"\n}\n", ":2:"},
	};
	char *dir = tt_mkdtemp(), path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/pp.conf", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct settings s;
		struct util_err e = {0};
		int r;

		tt_write(dir, "pp.conf", bad[i].text);
		r = settings_load(path, true, known, &s, &e);
		if (r != -EINVAL || !strstr(e.msg, bad[i].want) || !strstr(e.msg, path))
			fail_msg("case %zu: r=%d msg '%s', want '%s'", i, r, e.msg, bad[i].want);
		settings_free(&s);
	}
	tt_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_missing_file),
	        cmocka_unit_test(test_full_file),
	        cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
