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
#include "support/fixture.h"
#include "support/tmpdir.h"

static const char *const known[] = {"pf-with-vfs", "guard-missing", NULL};

static void test_missing_file(void **state)
{
	struct tt_root *t = *state;
	struct settings s;

	tt_root_path(t, "none.conf");
	assert_int_equal(settings_load(t->path, false, known, &s, &t->e), 0);
	assert_int_equal(s.guard_on_error, SETTINGS_ON_ERROR_ALLOW);
	assert_int_equal(s.guard_timeout, SETTINGS_GUARD_TIMEOUT_DEFAULT);
	assert_int_equal(s.n_rules, 0);
	settings_free(&s);
	assert_int_equal(settings_load(t->path, true, known, &s, &t->e), -ENOENT);
	assert_non_null(strstr(t->e.msg, "none.conf"));
}

static void test_full_file(void **state)
{
	struct tt_root *t = *state;
	struct settings s;

	tt_write(t->dir, "pp.conf",
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
	tt_root_path(t, "pp.conf");
	assert_int_equal(settings_load(t->path, true, known, &s, &t->e), 0);
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
}

static void test_malformed(void **state)
{
	struct tt_root *t = *state;
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

	tt_root_path(t, "pp.conf");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct settings s;
		struct util_err e = {0};
		int r;

		tt_write(t->dir, "pp.conf", bad[i].text);
		r = settings_load(t->path, true, known, &s, &e);
		if (r != -EINVAL || !strstr(e.msg, bad[i].want) || !strstr(e.msg, t->path))
			fail_msg("case %zu: r=%d msg '%s', want '%s'", i, r, e.msg, bad[i].want);
		settings_free(&s);
	}
}

/* The guard's own two settings are read apart from the rest, so a broken rule line elsewhere
 * cannot hide on-internal-error = refuse (issue 15, defect 1). */
static void test_guard_settings_first(void **state)
{
	struct tt_root *t = *state;
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		int want_r;
		enum settings_on_error want_oie;
		unsigned want_timeout;
		const char *want_msg;
	} cases[] = {
	        {"guard {\n on-internal-error = refuse\n timeout = 9\n}\nrule nope { severity = of }\n",
	         0, 0, SETTINGS_ON_ERROR_REFUSE, 9, NULL},
	        {"rule pf-with-vfs { severity = off }\n# guard { on-internal-error = refuse }\n", 0,
	         0, SETTINGS_ON_ERROR_ALLOW, SETTINGS_GUARD_TIMEOUT_DEFAULT, NULL},
	        {"rule x {\n}\nguard{on-internal-error=\"refuse\"}\n", 0, 0,
	         SETTINGS_ON_ERROR_REFUSE, SETTINGS_GUARD_TIMEOUT_DEFAULT, NULL},
	        {"guard {\n timeout = 0\n}\n", 0, 0, SETTINGS_ON_ERROR_ALLOW,
	         SETTINGS_GUARD_TIMEOUT_DEFAULT, NULL},
	        {"guard {\n on-internal-error = refuse\n}\n\0rule {\n", 40, 0,
	         SETTINGS_ON_ERROR_REFUSE, SETTINGS_GUARD_TIMEOUT_DEFAULT, NULL},
	        {"\nguard {\n on-internal-error = refsue\n}\n", 0, -EINVAL, SETTINGS_ON_ERROR_ALLOW,
	         0, ":3: on-internal-error 'refsue'"},
	        {"guard {\n on-internal-error = refuse\n timeout = soon\n}\n", 0, -EINVAL,
	         SETTINGS_ON_ERROR_ALLOW, 0, ":3:"},
	};

	tt_root_path(t, "pp.conf");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct settings s;
		struct util_err e = {0};
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		FILE *fp = fopen(t->path, "w");
		int r;

		assert_non_null(fp);
		assert_int_equal(fwrite(cases[i].text, 1, len, fp), len);
		fclose(fp);
		r = settings_guard_load(t->path, true, &s, &e);
		if (r != cases[i].want_r)
			fail_msg("case %zu: r=%d (%s), want %d", i, r, e.msg, cases[i].want_r);
		if (r == 0) {
			assert_int_equal(s.guard_on_error, cases[i].want_oie);
			assert_int_equal(s.guard_timeout, cases[i].want_timeout);
		} else if (!strstr(e.msg, cases[i].want_msg) || !strstr(e.msg, t->path)) {
			fail_msg("case %zu: msg '%s', want '%s'", i, e.msg, cases[i].want_msg);
		}
		settings_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_missing_file, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_full_file, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_malformed, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_guard_settings_first, tt_root_setup,
	                                        tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
